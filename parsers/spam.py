"""Finds injected gambling, lottery, porn and SEO spam, in one pass of one compiled regex.

Three uses: :meth:`SpamMatcher.runs` finds injected runs in running text ("…门户网站88明升|88明升
备用【明陞】灵山县…"), removed as a span so the sentence around survives; :meth:`SpamMatcher.any_entry`
judges a hidden element's or an off-site link's text, where weak words (体育, 彩票, 娱乐) count
too; and :func:`name_slot` tells when a run stands where a place name was (seed 004's district
replaced by "皇冠体育,皇冠体育平台"), so the caller can restore the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from parsers import vocab

# what may follow a place name: a level suffix, a government body, a year, the portal itself
_NAME_SLOT_AFTER = re.compile(r"[区县市旗盟州镇乡]|人民政府|政府|人大|政协|党委|\d{4}\s*年|门户网站|网站")
_NAME_SLOT_BEFORE = re.compile(r"(?:印发|关于|在|^)\s*$")


@dataclass(frozen=True, slots=True)
class Run:
    """An injected spam run in a text: ``text[start:end]``, and the entries that fired."""

    start: int
    end: int
    entry_ids: tuple[str, ...]


class SpamMatcher:
    """The spam vocabulary compiled once: strong runs, and strong-or-weak tokens."""

    def __init__(self) -> None:
        data = vocab.load("spam")
        entries = vocab.entries("spam", kind_key="strength")
        self.entries = {e.id: e for e in entries}
        strong = [e for e in entries if e.kind == "strong"]
        weak = [e for e in entries if e.kind == "weak"]
        if not strong or not weak:
            raise vocab.VocabularyError("spam.yaml needs strong and weak entries")
        self._group_to_id = {}
        groups = []
        for index, entry in enumerate(strong + weak):
            name = f"e{index}"
            self._group_to_id[name] = entry.id
            groups.append(f"(?P<{name}>{entry.pattern})")
        # tokens in priority order: strong entries first, so a run is named after its brand
        self._tokens = re.compile("|".join(groups))
        self._strong_ids = {e.id for e in strong}
        t = "(?:" + "|".join(e.pattern for e in strong) + ")"
        w = "(?:" + "|".join(e.pattern for e in weak) + ")"
        sep = data["run"]["separators"]
        suf = data["run"]["suffixes"]
        chained = data["run"]["chained"]
        # a run: a strong token with its decorations, chained by separators to more strong tokens
        # or to weak ones that end at a separator ("皇冠体育,真人 …"); digits glued in front ("88明升")
        link = rf"(?:{sep})*(?:(?:\d{{1,4}})?(?:{t}(?:{suf})*|{w}(?:{suf})*(?={sep}|$))|{chained})"
        self._runs = re.compile(rf"(?:\d{{1,4}})?{t}(?:{suf})*(?:{link})*")

    def runs(self, text: str) -> list[Run]:
        """Spam runs in running text; only strong entries start a run."""
        found = []
        for m in self._runs.finditer(text):
            found.append(Run(m.start(), m.end(), self._ids(m.group())))
        return found

    def any_entry(self, text: str) -> str | None:
        """The first entry (strong or weak) found in a text judged in spam context, or None."""
        m = self._tokens.search(text)
        return self._group_to_id[m.lastgroup] if m and m.lastgroup else None

    def strong_entry(self, text: str) -> str | None:
        """The first strong entry found anywhere in the text, or None."""
        for m in self._tokens.finditer(text):
            entry_id = self._group_to_id[m.lastgroup] if m.lastgroup else ""
            if entry_id in self._strong_ids:
                return entry_id
        return None

    def _ids(self, run_text: str) -> tuple[str, ...]:
        ids: list[str] = []
        for m in self._tokens.finditer(run_text):
            entry_id = self._group_to_id[m.lastgroup] if m.lastgroup else ""
            if entry_id and entry_id not in ids:
                ids.append(entry_id)
        return tuple(ids)


@cache
def matcher() -> SpamMatcher:
    """The process-wide matcher (compiling the vocabulary takes a few milliseconds)."""
    return SpamMatcher()


def name_slot(text: str, run: Run) -> bool:
    """Does this run stand where a place name was ("皇冠体育,皇冠体育平台区2018年…")?"""
    if _NAME_SLOT_AFTER.match(text, run.end):
        return True
    # a run opening a title or a line, straight before the year ("皇冠体育2018年…")
    return bool(_NAME_SLOT_BEFORE.search(text[: run.start]) and re.match(r"\s*\d{4}", text[run.end:]))
