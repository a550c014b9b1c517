"""Rebuilds HTML tables as grids: rowspan/colspan resolved, a merged cell's value repeated.

Every statistical table of a 年报 is merged-cell heavy (申请人情况 over 自然人 / 法人或其他组织 /
总计, 三、本年度办理结果 over (一)…(七)); plain trafilatura pads spanned cells with blanks, which
leaves a row such as "(一)予以公开 7 0 0 …" without the block it belongs to. Here each row
carries every label that spans it, so a row reads alone: one row per line, cells by tabs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_DIGITS = re.compile(r"\d+")
_MAX_COLSPAN = 200  # a colspan of 1000 in a hand-edited page is a typo, not a table 1000 wide
_MAX_ROWSPAN = 5000
_MAX_CELLS = 200_000  # a statistics table has hundreds of cells; past this it is an attack
_LONG_CELL = 150  # characters: prose, not a table value


def _span(cell: HtmlElement, name: str, limit: int) -> int:
    m = _DIGITS.search(cell.get(name, "") or "")
    return max(1, min(int(m.group()), limit)) if m else 1


def rows_of(table: HtmlElement) -> list[HtmlElement]:
    """The table's own rows (not those of tables nested in it)."""
    return [tr for tr in table.iter("tr") if _owner(tr) is table]


def _owner(el: HtmlElement) -> HtmlElement | None:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def is_layout(table: HtmlElement) -> bool:
    """A table used for page layout (prose in cells), not for data.

    Layout tables are read as blocks, one line per paragraph, so that prose in a cell is not
    merged into a single line (trafilatura issues #820, #76).
    """
    if table.get("role") == "presentation" or table.find(".//table") is not None:
        return True
    rows = rows_of(table)
    if not rows:
        return True
    widths = [sum(1 for c in tr if c.tag in ("td", "th")) for tr in rows]
    if max(widths) <= 1:
        return True
    total = long = 0
    for tr in rows:
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            n = len("".join(cell.text_content().split()))
            total += n
            if n > _LONG_CELL:
                long += n
    return total > 0 and long / total > 0.5


def grid(table: HtmlElement, cell_text: Callable[[HtmlElement], str]) -> list[list[str]]:
    """The table as a rectangular-enough grid of cell texts, spans resolved.

    Spans are clamped to the table itself (a rowspan past the last row, a colspan wider than the
    widest row), so 21 KB of hostile markup cannot become millions of cells.
    """
    out: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column → (rows still covered, text)
    rows = rows_of(table)
    widest = max((sum(1 for c in tr if c.tag in ("td", "th")) for tr in rows), default=1)
    max_cols = max(widest, 1) * 2
    for number, tr in enumerate(rows):
        cells = [c for c in tr if c.tag in ("td", "th")]
        row: list[str] = []
        col = 0
        index = 0
        last_pending = max(pending) if pending else -1
        while (index < len(cells) or col <= last_pending) and col < max_cols:
            if col in pending:
                remaining, text = pending[col]
                row.append(text)
                if remaining <= 1:
                    del pending[col]
                else:
                    pending[col] = (remaining - 1, text)
                col += 1
                continue
            if index >= len(cells):
                row.append("")
                col += 1
                continue
            cell = cells[index]
            index += 1
            text = cell_text(cell)
            rowspan = min(_span(cell, "rowspan", _MAX_ROWSPAN), len(rows) - number)
            colspan = min(_span(cell, "colspan", _MAX_COLSPAN), max(1, max_cols - col))
            for _ in range(colspan):
                row.append(text)
                if rowspan > 1:
                    pending[col] = (rowspan - 1, text)
                col += 1
        out.append(row)
        if sum(map(len, out)) > _MAX_CELLS:
            break
    return out


def row_lines(rows: list[list[str]]) -> list[str]:
    """Rows as text lines: cells joined by tabs, trailing empty cells and empty rows dropped."""
    lines = []
    for row in rows:
        while row and not row[-1]:
            row.pop()
        if any(row):
            lines.append("\t".join(row))
    return lines
