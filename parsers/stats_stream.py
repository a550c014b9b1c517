"""Reads a statistical table flattened to one cell per line (seeds saved as plain text, "规章 |"
lines) or to text lines (a PDF without ruled cells: "一、本年新收政府信息公开申请数量 18 2 0 0 1 0 21").

The cells come as runs: labels, then values. The first run of a table holds its header and its first
row's label; every later run ends with its row's label, which a PDF may have wrapped over lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers import stats_vocab as sv
from parsers.stats_columns import (
    ACTIVE,
    APPLICATIONS,
    MERGE,
    REVIEWS,
    Column,
    Found,
    add_cell,
    columns_for,
    fits,
    item_of,
)


def read_stream(section: str, lines: list[str], year: int | None, found: Found) -> None:
    """Every row of one section's flattened table(s) into ``found``."""
    tokens = [cell for line in lines for cell in line_cells(line) if cell.strip()]
    state = _Stream(section, year, found)
    labels: list[str] = []
    values: list[sv.Number] = []
    for token in tokens:
        number = sv.value_of(token)
        if number is not None:
            values.append(number)
            continue
        if values:
            if state.row(labels, values):
                return
            labels, values = [], []
        opened = item_of(token) if section == ACTIVE else None
        if opened:
            state.open(opened)
            labels = []
            continue
        labels.append(token)
    if values:
        state.row(labels, values)


def line_cells(line: str) -> list[str]:
    """A line's cells: by tabs; a line of text from a PDF without ruled cells, "规章 0 0 0", as its
    label and its trailing numbers; a header line of known names split at its spaces."""
    if "\t" in line:
        return line.split("\t")
    parts = line.split()
    if len(parts) < 2:
        return [line]
    start = len(parts)
    while start and _is_number(parts[start - 1]):
        start -= 1
    if start < len(parts):
        return ([" ".join(parts[:start])] if start else []) + parts[start:]
    if all(_is_header_name(part) for part in parts):
        return parts
    return [line]


def _is_header_name(text: str) -> bool:
    """A column header of any section, or a 主动公开 column of the forms."""
    return (sv.money_column(text)[0] in sv.layout_names()
            or any(sv.header_rule(s, text) for s in (ACTIVE, APPLICATIONS, REVIEWS)))


def _is_number(text: str) -> bool:
    number = sv.value_of(text)
    return number is not None and any(ch.isdigit() for ch in sv.normalise(text))


@dataclass(slots=True)
class _Stream:
    """A flattened table read run by run: the first run of labels holds the header and the first
    row's label; every later run ends with its row's label."""

    section: str
    year: int | None
    found: Found
    item: str | None = None
    columns: list[Column] | None = None

    def open(self, item: str) -> None:
        self.item, self.columns = item, None

    def row(self, labels: list[str], values: list[sv.Number]) -> bool:
        """Place one run of values; True when the section's table is complete (复议诉讼)."""
        if self.columns is None:
            header = labels if self.section == REVIEWS else labels[:-1]
            self.columns = columns_for(self.section, header, self.item, self.year, len(values))
            labels = labels[len(header):]
        # no header read, or one that names fewer columns than the row has values (a PDF's header
        # cells wrapped into fragments): the form's own order for that number of values, provided
        # every column the header did name is in it
        columns = self.columns
        if len(columns) != len(values):
            layout = columns_for(self.section, [], self.item, self.year, len(values))
            if fits(columns, layout):
                columns = layout
        label_row = _stream_label(self.section, labels)
        if not columns or len(columns) != len(values) or not (label_row or all(c.row for c in columns)):
            if label_row or not labels:
                self.found.flag(f"stats_row_skipped:{self.section}")
            return False
        for column, number in zip(columns, values, strict=True):
            add_cell(self.found, self.section, column.row or label_row or "", column, number)
        return self.section == REVIEWS


def _stream_label(section: str, labels: list[str]) -> str | None:
    """The row a run's labels name: its last label, or the last two or three joined (a PDF wraps a
    long label over lines: "1.申请人无正当理由逾期不补正、…" / "政府信息公开申请")."""
    for size in range(1, min(MERGE, len(labels)) + 1):
        row = sv.row_key(section, "".join(labels[-size:]))
        if row:
            return row
    return None
