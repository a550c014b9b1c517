"""Spam that replaced a place name: remove it and, where the page gives the name away, restore it.

Seed 004: a Guangdong district's name is replaced everywhere by "皇冠体育,皇冠体育平台". The run
stands in a name slot (before 区, 人民政府, a year). The real name comes from the region the page
gives away (网站标识码 → 揭东区), and a city-level document number in the same sentence
(揭府办函 → 揭阳市) says the city, not the district, was meant there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers import vocab
from parsers.spam import Run, SpamMatcher, name_slot
from parsers.text import simplified

_LEVEL_SUFFIX = "区县市旗盟州"  # one-character level suffixes a hijacked name may have left behind


@dataclass(slots=True)
class Places:
    """The real names a page gives away; either may be unknown."""

    county: str | None = None
    city: str | None = None


@dataclass(slots=True)
class SpamResult:
    text: str
    removed: list[dict[str, str]] = field(default_factory=list)
    hijacked: int = 0  # name slots found
    restored: int = 0  # name slots filled with the real name


def doc_initials(text: str) -> list[str]:
    """Issuer abbreviations of document numbers in a text: 揭府办函〔2018〕40号 → 揭."""
    return [m.group("v") for m in vocab.pattern("grammar", "document_number").finditer(text)]


def strip_spam(text: str, spam: SpamMatcher, places: Places, runs: list[Run] | None = None) -> SpamResult:
    """Remove every spam run from one line; restore names where runs replaced them.

    ``runs`` may be given when the caller already searched (one pass over a whole body).
    """
    if runs is None:
        runs = spam.runs(text)
    result = SpamResult(text)
    if not runs:
        return result
    city_doc = _city_document(simplified(text), places)
    pieces: list[str] = []
    last = 0
    for run in runs:
        piece = text[run.start:run.end]
        entry = run.entry_ids[0] if run.entry_ids else "spam"
        pieces.append(text[last:run.start])
        last = run.end
        if name_slot(text, run):
            result.hijacked += 1
            name = _real_name(text, run, places, city_doc)
            result.removed.append({"text": piece, "reason": f"name_hijack:{entry}"})
            if name:
                result.restored += 1
                pieces.append(name)
        else:
            result.removed.append({"text": piece, "reason": f"spam_phrase:{entry}"})
    pieces.append(text[last:])
    result.text = "".join(pieces).strip()
    return result


def _city_document(text: str, places: Places) -> bool:
    """Does this sentence cite a city-level document (揭府办函 for 揭阳市)?"""
    if not places.city:
        return False
    return any(len(initial) == 1 and places.city.startswith(initial) for initial in doc_initials(text))


def _real_name(text: str, run: Run, places: Places, city_doc: bool) -> str | None:
    follower = simplified(text[run.end:run.end + 1])
    if follower and follower in _LEVEL_SUFFIX:
        # "…区2018年": the run replaced the name without its level suffix
        for name in (places.county, places.city):
            if name and name.endswith(follower) and len(name) > 2:
                return name[:-1]
        return None
    if city_doc:
        return places.city
    return places.county or places.city
