"""Text and tables of reports published as PDF or DOCX attachments, as the same lines as a page.

PDF: pdfplumber, page by page; tables found on a page become tab-separated rows and the text
outside them stays in reading order. A PDF without a text layer (a scan) yields no lines, and the
caller flags it ``no_text_layer`` rather than reporting an empty success.
DOCX: python-docx, paragraphs and tables in document order; python-docx repeats a horizontally
merged cell in ``row.cells``, which is the grid we want, and vertical merges are resolved too.
"""

from __future__ import annotations

import io
import re
from typing import Any

from parsers.errors import UnsupportedInput
from parsers.text import squash


def pdf_lines(body: bytes, where: str | None = None) -> list[tuple[str, bool]]:
    """(text, is_table_row) lines of a PDF, in reading order."""
    import pdfplumber  # imported here: HTML pages never need it

    if b"/Encrypt" in body[-4096:] or b"/Encrypt" in body[:4096]:
        raise UnsupportedInput("encrypted PDF", where, "remove its password and clean it again")
    lines: list[tuple[str, bool]] = []
    try:
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            for page in pdf.pages:
                lines.extend(_pdf_page(page))
    except Exception as error:  # pdfminer raises many unrelated types for damaged files
        kind = type(error).__name__
        raise UnsupportedInput("damaged PDF", where, f"pdfplumber could not read it ({kind}: {error})") from None
    return unwrap(lines)


_SENTENCE_END = "。;；!！?？:：”)）"
_NEW_ITEM = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第[一二三四五六七八九十]+)")


def unwrap(lines: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Join the lines a PDF broke to fit its width back into paragraphs.

    A text line as long as the page's longest lines, not ending a sentence, continues on the next
    line unless that one opens a new numbered item ("二、", "(一)", "1.").
    """
    widths = sorted(len(text) for text, is_row in lines if not is_row)
    if not widths:
        return lines
    full = widths[int(len(widths) * 0.9)] * 0.85
    out: list[tuple[str, bool]] = []
    for text, is_row in lines:
        if (out and not is_row and not out[-1][1] and len(out[-1][0]) >= full
                and out[-1][0][-1] not in _SENTENCE_END and not _NEW_ITEM.match(text)):
            out[-1] = (out[-1][0] + text, False)
        else:
            out.append((text, is_row))
    return out


def _pdf_page(page: Any) -> list[tuple[str, bool]]:
    tables = page.find_tables()
    placed: list[tuple[float, list[tuple[str, bool]]]] = []
    outside = page
    for table in tables:
        rows = []
        for row in table.extract():
            cells = [squash((c or "").replace("\n", "")) for c in row]
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                rows.append(("\t".join(cells), True))
        placed.append((table.bbox[1], rows))
        outside = outside.outside_bbox(table.bbox)
    words_text = outside.extract_text(layout=False) or ""
    # text lines carry their own vertical position so that tables land where they stood
    for line in outside.extract_text_lines() if tables else []:
        placed.append((line["top"], [(squash(line["text"]), False)]))
    if not tables:
        return [(squash(t), False) for t in words_text.splitlines() if squash(t)]
    placed.sort(key=lambda item: item[0])
    return [item for _, rows in placed for item in rows if item[0]]


def docx_lines(body: bytes, where: str | None = None) -> list[tuple[str, bool]]:
    """(text, is_table_row) lines of a DOCX: paragraphs and table rows in document order."""
    import docx  # python-docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(body))
    except Exception as error:  # python-docx raises KeyError/ValueError on damaged packages
        raise UnsupportedInput("damaged DOCX", where, f"python-docx could not open it: {error}") from None
    lines: list[tuple[str, bool]] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = squash(Paragraph(child, document).text)
            if text:
                lines.append((text, False))
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = [squash(cell.text.replace("\n", "")) for cell in row.cells]
                while cells and not cells[-1]:
                    cells.pop()
                if any(cells):
                    lines.append(("\t".join(cells), True))
    return lines
