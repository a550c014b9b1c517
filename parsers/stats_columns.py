"""What a statistical table's columns are called, and the cells they give: shared by the reader of
rows by tabs (parsers/stats_tables.py) and the reader of one cell per line (parsers/stats_stream.py).

A header is read from its own cells where they name the columns; where they cannot (flattened,
wrapped or damaged headers), the national forms' orders in stats.yaml ``layouts`` name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers import stats_vocab as sv

ACTIVE, APPLICATIONS, REVIEWS = "主动公开", "依申请公开", "复议诉讼"
MERGE = 3  # a flattened header cell or label is split over at most this many lines ("尚未" / "审结")


@dataclass(slots=True)
class Found:
    """What the tables gave: cells in reading order, flags, and the sections a table was read for."""

    cells: list[dict[str, object]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    sections: set[str] = field(default_factory=set)
    _seen: dict[tuple[str, str, str], object] = field(default_factory=dict)

    def flag(self, name: str) -> None:
        if name not in self.flags:
            self.flags.append(name)

    def add(self, section: str, row: str, column: str, value: int | float | None) -> None:
        """One cell; the same cell read again with another value keeps the first (and says so)."""
        if section != ACTIVE and (row not in sv.keys()[section]["rows"]
                                  or column not in sv.keys()[section]["columns"]):
            return
        key = (section, row, column)
        if key in self._seen:
            if self._seen[key] != value:
                self.flag(f"stats_row_repeated:{section}")
            return
        self._seen[key] = value
        self.cells.append({"section": section, "row": row, "column": column, "value": value})
        self.sections.add(section)


@dataclass(slots=True)
class Column:
    """Where a column's values go: its row (复议诉讼 takes it from the header), name and money factor."""

    row: str | None
    name: str
    factor: float = 1.0


def item_of(cell: str) -> str | None:
    """The 第二十条 item a cell opens (一, 五 …), or None."""
    text = sv.normalise(cell)
    for rule in sv.sections():
        if rule.get("kind") == "item":
            m = rule.pattern.search(text)
            if m:
                return m.group(1)
    return None


def add_cell(found: Found, section: str, row: str, column: Column, number: sv.Number) -> None:
    """One value under its column: a money cell that says its unit is in 万元 already (the column
    name says so); a value under a money header in 元 is converted."""
    name, value = column.name, number.value
    if number.unit and value is not None:  # the cell said its unit: the value is in 万元 already
        if not name.endswith(f"({number.unit})"):
            name = f"{name}({number.unit})"
    elif value is not None and column.factor != 1:
        value = sv.scaled(value, column.factor)
    found.add(section, row, name, value)


def fits(named: list[Column], layout: list[Column]) -> bool:
    """Every column a header named is one of the layout's, or the group some of them split."""
    names = {(c.row, c.name) for c in layout}
    groups = {rule.get("under") for rule in sv.headers() if rule.get("under") and (None, rule.get("column")) in names}
    return bool(layout) and all((c.row, c.name) in names or (c.row is None and c.name in groups) for c in named)


def _merge(section: str, tokens: list[str], known: set[str]) -> list[str]:
    """Header cells split over lines joined again ("商业" + "企业", "本年新" + "制作数量")."""
    out, i = [], 0
    while i < len(tokens):
        for size in range(min(MERGE, len(tokens) - i), 0, -1):
            joined = "".join(sv.normalise(t) for t in tokens[i:i + size])
            if size == 1 or joined in known or (section != ACTIVE and sv.header_rule(section, joined)):
                out.append(joined)
                i += size
                break
    return out


def columns_for(section: str, header: list[str], item: str | None, year: int | None, count: int) -> list[Column]:
    """The columns of a flattened table: from its header cells where they name them, else the
    form's layout with ``count`` columns."""
    if section == ACTIVE:
        known = {sv.normalise(c) for layout in sv.layouts() if layout.get("item") == item
                 for c in layout["columns"]}
        merged = [t for t in _merge(section, header, known)
                  if (rule := sv.header_rule(section, t)) is None or rule.get("kind") != "label"]
        printed = [sv.money_column(t) for t in merged]
        names = active_names(item, year, [name for name, _ in printed], count)
        if names is None:
            return []
        if names == [name for name, _ in printed]:
            return [Column(None, name, factor) for name, factor in printed]
        return [Column(None, *sv.money_column(name)) for name in names]
    rules = [sv.header_rule(section, t) for t in _merge(section, header, set())]
    rules = [r for r in rules if r is not None and not r.get("kind")]
    columns = [r.get("column") for r in rules if r.get("column")]
    under = {r.get("column"): r.get("under") for r in rules if r.get("under")}
    if set(under.values()) & set(columns):  # a flattened two-level header lists a group before its parts
        parts = [c for c in columns if c in under]
        columns = [p for c in columns if c not in under for p in (parts if c in under.values() else [c])]
    if rules and section != REVIEWS:
        return [Column(None, c) for c in columns]
    for layout in sv.layouts():
        if layout["section"] == section and len(layout["columns"]) == count:
            names = {r.get("column") or r.get("row") for r in rules}
            if names <= set(layout["columns"]) | set(layout.get("rows") or ()):
                rows = layout.get("rows") or [None] * count
                return [Column(r, c) for r, c in zip(rows, layout["columns"], strict=True)]
    return []


def active_names(item: str | None, year: int | None, printed: list[str], count: int) -> list[str] | None:
    """The column names of a 第二十条 item's table: the form's names where the printed ones are
    them or cut short ("本年新" for 本年新制作数量, seed 002), else the printed names when they are
    distinct, else the form's names by width (None when nothing fits ``count`` values)."""
    if len(printed) == count and printed:
        cut = [layout for layout in sv.layouts() if layout.get("item") == item and len(layout["columns"]) == count
               and all(sv.money_column(c)[0].startswith(p) for p, c in zip(printed, layout["columns"], strict=True))]
        names = _active_layout(item, year, count, printed, cut) if cut else None
        if names:
            return [sv.money_column(name)[0] for name in names]
        if len(set(printed)) == count and all(printed):
            return printed
    names = _active_layout(item, year, count, printed)
    return [sv.money_column(name)[0] for name in names] if names else None


def _active_layout(item: str | None, year: int | None, count: int, printed: list[str],
                   candidates: list[dict] | None = None) -> list[str] | None:
    """A 第二十条 item's columns from the forms when its printed header cannot be used: the layout
    of that item and width sharing most printed names, a tie broken by the report's year."""
    if candidates is None:
        candidates = [layout for layout in sv.layouts()
                      if layout.get("item") == item and len(layout["columns"]) == count]
    if not candidates:
        return None
    shared = {layout["id"]: len({sv.money_column(c)[0] for c in layout["columns"]} & set(printed))
              for layout in candidates}
    best = max(shared.values())
    candidates = [layout for layout in candidates if shared[layout["id"]] == best]
    if len(candidates) > 1:
        if year is None:
            return None
        form = 2021 if year >= 2021 else 2019
        candidates = [layout for layout in candidates if layout.get("form") == form]
    return list(candidates[0]["columns"]) if len(candidates) == 1 else None
