"""Reads a report's statistical tables from its clean text into cells {section, row, column, value}:
finds each section's lines (stats.yaml ``sections``) and reads rows by tabs here.

The text holds a table as rows by tabs, a spanned cell repeated into every cell it covers (HTML, PDF,
DOCX through parsers/tables.py and parsers/attachments.py), read by position under its header rows;
or flattened, one cell per line or a PDF's text lines, read by parsers/stats_stream.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers import stats_vocab as sv
from parsers.stats_columns import ACTIVE, Column, Found, active_names, add_cell, columns_for, item_of
from parsers.stats_stream import line_cells, read_stream


@dataclass(slots=True)
class _Span:
    """The lines of one section's table(s), from its heading or first cell to the next part."""

    section: str
    lines: list[str] = field(default_factory=list)


def read_tables(text: str, year: int | None) -> Found:
    """Every statistical table in ``text``; a row whose numbers cannot be placed is left out and
    flagged (``stats_row_skipped:<section>``), never guessed."""
    found = Found()
    for span in _spans(text.split("\n")):
        if any("\t" in line and _has_value(line.split("\t")) for line in span.lines):
            _read_grid(span, year, found)
        else:
            read_stream(span.section, span.lines, year, found)
    return found


def section_rule(line: str) -> sv.Rule | None:
    """The sections entry a line is (heading, anchor, item or end), checked on its first cell;
    anchors also on its other cells (a PDF's header row may open with an empty cell)."""
    cells = line.split("\t")
    first = sv.normalise(cells[0])
    if len(cells) == 1 and not any(r.pattern.search(first) for r in sv.sections() if r.get("kind") == "heading"):
        cells = line_cells(line)  # a PDF's header line "自然人 商业企业 总计" is cells, not prose
        first = sv.normalise(cells[0])
    for rule in sv.sections():
        if rule.get("kind") == "end" and "\t" in line:
            continue  # a table row is never prose, whatever its first cell says
        if rule.pattern.search(first):
            return rule
    for cell in cells[1:]:
        text = sv.normalise(cell)
        for rule in sv.sections():
            if rule.get("kind") == "anchor" and rule.pattern.search(text):
                return rule
    return None


def _spans(lines: list[str]) -> list[_Span]:
    spans: list[_Span] = []
    current: _Span | None = None
    for line in lines:
        rule = section_rule(line)
        if rule is not None and rule.get("kind") == "end":
            current = None
            continue
        if rule is not None:
            section = rule.get("section")
            if current is None or current.section != section:
                current = _Span(section)
                spans.append(current)
            if rule.get("kind") != "heading":
                current.lines.append(line)
        elif current is not None:
            current.lines.append(line)
    return spans


def _has_value(cells: list[str]) -> bool:
    return any(cell.strip() and sv.value_of(cell) is not None for cell in cells)


# --- rows by tabs ---------------------------------------------------------------------------------

def _read_grid(span: _Span, year: int | None, found: Found) -> None:
    section, header, item = span.section, {}, None
    tokens: list[str] = []  # the header cells in reading order, each once: the flattened header
    for line in span.lines:
        cells = line.split("\t")
        if not _has_value(cells):
            opened = item_of(cells[0]) if section == ACTIVE else None
            if opened:
                item, header, tokens = opened, {}, []
                continue
            header = _grid_header(section, cells, header, item, year)
            if section == ACTIVE:
                tokens = [c for i, c in enumerate(cells) if c.strip() and (not i or c != cells[i - 1])]
            else:
                tokens += [c for c in cells if c.strip() and c not in tokens]
            continue
        if not header:  # no header line read (an image, a lost row): the form's own order, by count
            header = _layout_header(section, item, year, len(_tail([sv.value_of(c) for c in cells])), len(cells))
        flat = _Flat(section, tokens, item, year)
        if _grid_row(section, cells, header, flat, found) and any(column.row for column in header.values()):
            return  # the 复议诉讼 table has one row under its header; a table after it is something else


@dataclass(slots=True)
class _Flat:
    """A grid's header read as a flattened one, for a row that does not sit under it by position
    (a "|" table whose spanned cells were not repeated, label cells wider than the header's)."""

    section: str
    tokens: list[str]
    item: str | None
    year: int | None

    def columns(self, count: int) -> list[Column]:
        return columns_for(self.section, self.tokens, self.item, self.year, count)


def _grid_header(section: str, cells: list[str], header: dict[int, Column], item: str | None,
                 year: int | None) -> dict[int, Column]:
    """The header so far, updated by one header line: a lower header row names the columns an
    upper one grouped (法人或其他组织 → 商业企业 …; 行政诉讼 → 未经复议直接起诉)."""
    if section == ACTIVE:
        rule = sv.header_rule(section, cells[0])
        if rule is None or rule.get("kind") != "label":
            return header
        printed = [sv.money_column(c) for c in cells[1:]]
        runs: list[int] = []  # which distinct header cell each position is (a spanned one repeats)
        for i, (name, _) in enumerate(printed):
            runs.append(runs[-1] + (name != printed[i - 1][0]) if i else 0)
        names = [name for i, (name, _) in enumerate(printed) if not i or runs[i] != runs[i - 1]]
        fixed = active_names(item, year, names, len(names))
        if fixed is None:
            return {}
        return {i + 1: Column(None, *(column if fixed[runs[i]] == column[0] else sv.money_column(fixed[runs[i]])))
                for i, column in enumerate(printed) if column[0]}
    out = dict(header)
    for index, cell in enumerate(cells):
        rule = sv.header_rule(section, cell)
        if rule is None or rule.get("kind"):
            continue
        old = out.get(index, Column(None, ""))
        out[index] = Column(rule.get("row") or old.row, rule.get("column") or old.name)
    return out


def _layout_header(section: str, item: str | None, year: int | None, count: int,
                   width: int) -> dict[int, Column]:
    """The last ``count`` positions of a row named by the form's layout of that width."""
    columns = columns_for(section, [], item, year, count)
    return {width - count + i: column for i, column in enumerate(columns)}


def _grid_row(section: str, cells: list[str], header: dict[int, Column], flat: _Flat, found: Found) -> bool:
    """One data row placed under the header by position, or, when its values do not sit exactly
    under the header's columns, by the header read as a flattened one; True when it gave cells."""
    numbers = [sv.value_of(cell) for cell in cells]
    labels = [cell for cell, number in zip(cells, numbers, strict=True) if number is None]
    label_row = sv.row_key(section, labels[-1]) if labels else None
    if labels and not label_row and not any(column.row for column in header.values()):
        return False  # a row of another table under this one's header (收费项目, 按件计收 …)
    # a position the header names no row for is left out (a converter's phantom column)
    columns = [i for i, column in sorted(header.items()) if column.name and (column.row or label_row)]
    filled = [i for i, (cell, number) in enumerate(zip(cells, numbers, strict=True)) if number and cell.strip()]
    if not (columns and all(i >= len(cells) or numbers[i] is not None for i in columns)
            and all(i in header and header[i].name for i in filled)):
        tail = _tail(numbers)
        named = flat.columns(len(tail))
        if len(named) != len(tail) or not (label_row or all(column.row for column in named)):
            found.flag(f"stats_row_skipped:{section}")
            return False
        header = {len(cells) - len(tail) + k: column for k, column in enumerate(named)}
        columns = sorted(header)
    placed = {i: numbers[i] if i < len(cells) else sv.BLANK for i in columns}
    gave = False
    for first, indices in _groups(header, columns):
        value = _agree([placed[i] for i in indices])
        if value is _CONFLICT:
            found.flag(f"stats_row_skipped:{section}")
            continue
        add_cell(found, section, header[first].row or label_row or "", header[first], value)
        gave = True
    return gave


def _tail(numbers: list[sv.Number | None]) -> list[sv.Number]:
    """The values at the end of a row, after its last label cell."""
    out: list[sv.Number] = []
    for number in reversed(numbers):
        if number is None:
            break
        out.append(number)
    return out[::-1]


def _groups(header: dict[int, Column], columns: list[int]) -> list[tuple[int, list[int]]]:
    """Positions grouped by the cell they name (a spanned header covers several)."""
    order: dict[tuple[str | None, str], list[int]] = {}
    for i in columns:
        order.setdefault((header[i].row, header[i].name), []).append(i)
    return [(indices[0], indices) for indices in order.values()]


_CONFLICT = sv.Number(None, "conflict")


def _agree(values: list[sv.Number]) -> sv.Number:
    """The one value of a spanned cell repeated; differing numbers under one header are a conflict."""
    numbers = {(n.value, n.unit) for n in values if n.value is not None}
    if len(numbers) > 1:
        return _CONFLICT
    return next((n for n in values if n.value is not None), sv.BLANK)
