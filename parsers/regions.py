"""Administrative divisions (行政区划): code ↔ names, valid for the year a report covers.

Data: parsers/data/regions.tsv (provenance in regions.md), one row per division and period of
validity, so a county renamed or re-coded since 2008 (揭东县 445221 → 揭东区 445203 in 2012)
resolves to the code that was valid for the report's year. The first six digits of a
网站标识码 are a region code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

_LEVELS = ("province", "city", "county")


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    level: str  # province | city | county
    parent: str | None
    valid_from: int | None
    valid_to: int | None  # first year it was no longer valid

    def valid_in(self, year: int | None) -> bool:
        if year is None:
            return self.valid_to is None
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year < self.valid_to)


@dataclass(frozen=True, slots=True)
class Region:
    """A resolved region: its code and the names of its levels."""

    code: str
    province: str | None
    city: str | None
    county: str | None

    @property
    def name(self) -> str | None:
        return self.county or self.city or self.province


class Registry:
    """All divisions, indexed by code and by name."""

    def __init__(self, rows: list[Division]) -> None:
        self.by_code: dict[str, list[Division]] = {}
        self.by_name: dict[str, list[Division]] = {}
        for row in rows:
            self.by_code.setdefault(row.code, []).append(row)
            self.by_name.setdefault(row.name, []).append(row)
        # names by their first two characters, to scan a text for names without a 3,000-way regex
        self.by_prefix: dict[str, list[str]] = {}
        for name in self.by_name:
            if len(name) >= 2:
                self.by_prefix.setdefault(name[:2], []).append(name)
        for names in self.by_prefix.values():
            names.sort(key=len, reverse=True)

    def division(self, code: str, year: int | None = None) -> Division | None:
        rows = self.by_code.get(code)
        if not rows:
            return None
        for row in rows:
            if row.valid_in(year):
                return row
        return rows[-1]

    def as_of(self, code: str, year: int | None) -> Division | None:
        """The division a code stood for in ``year``: itself if valid then, else the same-named
        predecessor or successor under the same parent (a 网站标识码 keeps 揭东区's code 445203,
        but a 2011 report was 揭东县's, 445221)."""
        found = self.division(code, year)
        if found is None or year is None or found.valid_in(year) or found.level == "province":
            return found
        stem = _stem(found.name)
        for rows in self.by_code.values():
            for row in rows:
                if (row.parent == found.parent and row.level == found.level and row.valid_in(year)
                        and _stem(row.name) == stem):
                    return row
        return found

    def region(self, code: str, year: int | None = None) -> Region | None:
        """Names of the region with this code (6 digits, or a 网站标识码's first six), as of ``year``."""
        found = self.as_of(code[:6], year)
        if found is None:
            return None
        names: dict[str, str | None] = dict.fromkeys(_LEVELS)
        node: Division | None = found
        while node is not None:
            names[node.level] = node.name
            node = self.division(node.parent, year) if node.parent else None
        return Region(found.code, names["province"], names["city"], names["county"])

    def find_names(self, text: str) -> list[str]:
        """Division names appearing in a text, longest match at each position, in order."""
        found = []
        i = 0
        n = len(text)
        while i < n - 1:
            names = self.by_prefix.get(text[i:i + 2])
            if names:
                for name in names:
                    if text.startswith(name, i):
                        found.append(name)
                        i += len(name) - 1
                        break
            i += 1
        return found

    def resolve(self, name: str, year: int | None = None, within: str | None = None) -> list[Division]:
        """Divisions with this name valid in ``year``; ``within`` narrows to a parent code prefix."""
        rows = self.by_name.get(name, [])
        valid = [r for r in rows if r.valid_in(year)] or [r for r in rows if r.valid_to is None] or rows
        if within:
            inside = [r for r in valid if r.code.startswith(within)]
            if inside:
                return inside
        return valid

    def cities_by_initial(self, initial: str) -> list[Division]:
        """Prefecture-level cities whose name starts with this character (揭 → 揭阳市)."""
        return [d for rows in self.by_code.values() for d in rows[-1:]
                if d.level == "city" and d.name.startswith(initial) and d.valid_to is None]


def _stem(name: str) -> str:
    """A division's name without its level suffix: 揭东县 and 揭东区 are both 揭东."""
    from parsers import vocab

    for suffix in vocab.load("grammar")["level_suffixes"]:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@cache
def registry() -> Registry:
    """The process-wide registry, read once from regions.tsv."""
    path = resources.files("parsers") / "data" / "regions.tsv"
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for rec in csv.DictReader(handle, delimiter="\t"):
            rows.append(Division(
                code=rec["code"], name=rec["name"], level=rec["level"], parent=rec["parent"] or None,
                valid_from=int(rec["valid_from"]) if rec["valid_from"] else None,
                valid_to=int(rec["valid_to"]) if rec["valid_to"] else None,
            ))
    return Registry(rows)
