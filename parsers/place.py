"""Which region a report belongs to, from the evidence a page gives, most reliable first.

1. the 网站标识码 (its first six digits are the portal's region code);
2. the caller's hint (the registry's region_code for the portal the page came from);
3. division names in the title and the issuing body ("灵山县2017年…", "海勃湾区发展和改革委员会");
4. names in the signature and footer, then the most frequent name in the body.
A name shared by several divisions (朝阳区: Beijing and Changchun) is settled by the other names
on the page; if it cannot be, no region is guessed.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from parsers import vocab
from parsers.regions import Division, Region, registry
from parsers.text import simplified

# a report names its own region early; scanning 20,000 characters bounds the cost on huge pages
_BODY_SCAN = 20_000


@cache
def _generic() -> frozenset[str]:
    """County names that are ordinary words (grammar.yaml generic_names): trusted in a title only."""
    return frozenset(vocab.load("grammar")["generic_names"])


def find_region(site_code: str | None, hint: str | None, named: list[str], body: list[str],
                year: int | None) -> Region | None:
    """The report's region. ``named`` are title-like texts (title, agency, signature, footer)."""
    reg = registry()
    anchor = None
    for code in (site_code[:6] if site_code and site_code[:6].isdigit() else None, hint):
        if code:
            anchor = reg.region(code, year)
            if anchor:
                break
    named = [simplified(t) for t in named]
    page_names = Counter(reg.find_names(simplified((" ".join(body[:60]))[:_BODY_SCAN] + " " + " ".join(named))))
    for text in named:
        for name in reg.find_names(text):
            if name in _generic() and not text.startswith(name):
                continue
            division = _pick(reg.resolve(name, year, _within(anchor)), page_names, year)
            if division is None:
                continue
            if anchor is None or (_is_within(division.code, anchor.code) and division.level == "county"):
                return reg.region(division.code, year)
    if anchor:
        return anchor
    counts = Counter(n for n in reg.find_names(simplified(" ".join(body)[:_BODY_SCAN]))
                     if len(n) >= 3 and n not in _generic())
    for name, _ in counts.most_common():
        division = _pick(reg.resolve(name, year), page_names, year)
        if division is not None and division.level in ("county", "city"):
            return reg.region(division.code, year)
    return None


def _within(anchor: Region | None) -> str | None:
    """The code prefix a name must fall in when the site code anchors the page."""
    if anchor is None:
        return None
    code = anchor.code
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code[:4]


def _is_within(code: str, anchor: str) -> bool:
    if anchor.endswith("0000"):
        return code[:2] == anchor[:2]
    if anchor.endswith("00"):
        return code[:4] == anchor[:4]
    return code == anchor or code[:4] == anchor[:4]


def _pick(candidates: list[Division], page_names: Counter[str], year: int | None) -> Division | None:
    """One division among same-named ones, by the parent names the page also mentions."""
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        return None
    reg = registry()
    scored = []
    for division in candidates:
        region = reg.region(division.code, year)
        score = 0
        if region:
            score = sum(page_names.get(n, 0) for n in (region.city, region.province) if n and n != division.name)
        scored.append((score, division))
    scored.sort(key=lambda item: item[0], reverse=True)
    if scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None
