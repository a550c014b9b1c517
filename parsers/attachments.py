"""Text and tables of reports published as PDF or DOCX attachments, as the same lines as a page.

PDF: pdfplumber, page by page; tables found on a page become tab-separated rows and the text
outside them stays in reading order. A PDF without a text layer (a scan) yields no lines, and the
caller flags it ``no_text_layer`` rather than reporting an empty success.
DOCX: python-docx, paragraphs and tables in document order; python-docx repeats a horizontally
merged cell in ``row.cells``, which is the grid we want, and vertical merges are resolved too.
DOC and WPS (Word 97–2003 binary, which Kingsoft WPS also writes): LibreOffice headless
(Debian's ``libreoffice-writer-nogui``) converts the file to DOCX, read as above. Chosen for
fidelity: on the 2021-format tables (merged cells) catdoc printed corrupted characters and
dropped the first table, antiword drew boxes that lost half the 申请 table; LibreOffice kept every
cell (tests/fixtures/doc_linze_jtj_2022_word97.doc) in 1.7 s a file. Without LibreOffice, catdoc
is used, and the record is flagged ``converted_by_catdoc``.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from typing import Any

from parsers import vocab
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
                and out[-1][0][-1] not in _SENTENCE_END and not vocab.pattern("grammar", "numbered_item").match(text)):
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
        for row in _spanned_grid(table):
            cells = [squash(c.replace("\n", "")) for c in row]
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


def _spanned_grid(table: Any) -> list[list[str]]:
    """A pdfplumber table with merged cells repeated, as for HTML tables: pdfplumber gives None
    for a grid position a spanning cell covers; the cell whose box covers that position's centre
    lends it its text."""
    texts = table.extract()
    boxes = [row.cells for row in table.rows]
    xs: dict[int, tuple[float, float]] = {}
    for row in boxes:  # a column's extent: the narrowest cell starting in it (not a spanning one)
        for c, box in enumerate(row):
            if box is not None and (c not in xs or box[2] - box[0] < xs[c][1] - xs[c][0]):
                xs[c] = (box[0], box[2])
    tops = [min((b[1] for b in row if b is not None), default=0.0) for row in boxes]
    out = []
    for r, row in enumerate(texts):
        bottom = tops[r + 1] if r + 1 < len(tops) else tops[r] + 1
        cy = (tops[r] + bottom) / 2
        filled = []
        for c, text in enumerate(row):
            if text is None and boxes[r][c] is None and c in xs:
                cx = (xs[c][0] + xs[c][1]) / 2
                text = next((texts[r2][c2] or "" for r2 in range(r, -1, -1) for c2 in range(c, -1, -1)
                             if boxes[r2][c2] is not None and _covers(boxes[r2][c2], cx, cy)), "")
            filled.append(text or "")
        out.append(filled)
    return out


def _covers(box: tuple[float, float, float, float], x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def docx_lines(body: bytes, where: str | None = None) -> list[tuple[str, bool]]:
    """(text, is_table_row) lines of a DOCX: paragraphs and table rows in document order.

    Read from the XML itself rather than python-docx's ``cell.text``, which drops tables nested
    in a cell and skips content controls (``w:sdt``): gridSpan cells repeat across the columns
    they span, vMerge continuations repeat the cell above, nested tables follow their row.
    """
    import docx  # python-docx

    try:
        document = docx.Document(io.BytesIO(body))
    except Exception as error:  # python-docx raises KeyError/ValueError on damaged packages
        raise UnsupportedInput("damaged DOCX", where, f"python-docx could not open it: {error}") from None
    lines: list[tuple[str, bool]] = []
    _docx_block(document.element.body, lines)
    return lines


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_block(parent: Any, lines: list[tuple[str, bool]]) -> None:
    for child in parent.iterchildren():
        tag = child.tag
        if tag == _W + "p":
            text = squash(_docx_text(child))
            if text:
                lines.append((text, False))
        elif tag == _W + "tbl":
            _docx_table(child, lines)
        elif tag == _W + "sdt":  # a content control: its content is the document's
            content = child.find(_W + "sdtContent")
            if content is not None:
                _docx_block(content, lines)
        elif tag in (_W + "customXml", _W + "smartTag"):
            _docx_block(child, lines)


def _docx_text(paragraph: Any) -> str:
    """A paragraph's text: runs, tabs and breaks, including runs inside hyperlinks and fields."""
    parts = []
    for node in paragraph.iter(_W + "t", _W + "tab", _W + "br", _W + "cr"):
        parts.append(node.text or "" if node.tag == _W + "t" else " ")
    return "".join(parts)


def _docx_table(table: Any, lines: list[tuple[str, bool]]) -> None:
    above: dict[int, str] = {}  # grid column → text of the cell that started a vertical merge
    for tr in table.iterchildren(_W + "tr"):
        row: list[str] = []
        nested: list[Any] = []
        for tc in tr.iterchildren(_W + "tc"):
            props = tc.find(_W + "tcPr")
            span = 1
            merge = None
            if props is not None:
                grid = props.find(_W + "gridSpan")
                if grid is not None and (grid.get(_W + "val") or "1").isdigit():
                    span = max(1, min(int(grid.get(_W + "val")), 200))
                vmerge = props.find(_W + "vMerge")
                if vmerge is not None:
                    merge = vmerge.get(_W + "val") or "continue"
            text = squash("".join(_docx_text(p) for p in tc.iterchildren(_W + "p")))
            nested.extend(tc.iterchildren(_W + "tbl"))
            column = len(row)
            if merge == "continue":
                text = above.get(column, "")
            elif merge == "restart":
                for k in range(span):
                    above[column + k] = text
            else:
                for k in range(span):
                    above.pop(column + k, None)
            row.extend([text] * span)
        while row and not row[-1]:
            row.pop()
        if any(row):
            lines.append(("\t".join(row), True))
        for inner in nested:
            _docx_table(inner, lines)


def is_word_binary(body: bytes) -> bool:
    """A Compound File holding a Word document (.doc, or .wps saved in Word's format)."""
    return "WordDocument".encode("utf-16-le") in body[:1 << 20] or b"WordDocument" in body[:1 << 20]


def doc_lines(body: bytes, where: str | None = None) -> list[tuple[str, bool]]:
    """A Word 97–2003 document's paragraphs and table rows: converted to DOCX by LibreOffice
    headless, else read by catdoc (see the module's note)."""
    converted = libreoffice_convert(body, "doc", "docx", where)
    if converted is not None:
        return docx_lines(converted, where)
    catdoc = shutil.which("catdoc")
    if catdoc is None:
        raise UnsupportedInput("legacy Word file (.doc/.wps) and nothing installed to read it", where,
                               "install Debian's libreoffice-writer-nogui (or catdoc)")
    return _catdoc_lines(catdoc, body, where)


def libreoffice_convert(body: bytes, source: str, target: str, where: str | None) -> bytes | None:
    """The file converted by LibreOffice headless (``doc`` → ``docx``, ``xls`` → ``xlsx``), or None
    when LibreOffice is not installed. A private profile per call: conversions may run in parallel."""
    from pathlib import Path

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as folder:
        path = Path(folder) / f"report.{source}"
        path.write_bytes(body)
        command = [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
                   "--convert-to", target, "--outdir", folder, str(path)]
        try:
            subprocess.run(command, capture_output=True, timeout=180, check=False)
        except subprocess.TimeoutExpired:
            raise UnsupportedInput(f"LibreOffice took more than 3 minutes on this .{source}", where) from None
        converted = Path(folder) / f"report.{target}"
        if not converted.is_file():
            if target == "xlsx":
                return None  # no Calc component installed: the caller's fallback reads it
            raise UnsupportedInput(f"unreadable .{source}", where, "LibreOffice could not convert it")
        return converted.read_bytes()


def run_tool(command: list[str], body: bytes, suffix: str, where: str | None) -> str:
    """A Debian tool's standard output on the body written to a temporary file (appended to
    ``command``), as UTF-8; one-line errors for a timeout or a failure."""
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(body)
        handle.flush()
        try:
            done = subprocess.run([*command, handle.name], capture_output=True, timeout=120, check=False)
        except subprocess.TimeoutExpired:
            raise UnsupportedInput(f"{command[0]} took more than 2 minutes on this {suffix}", where) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UnsupportedInput(f"unreadable {suffix}", where, message[-1] if message else f"{command[0]} failed")
    return done.stdout.decode("utf-8", "replace")


def _catdoc_lines(catdoc: str, body: bytes, where: str | None) -> list[tuple[str, bool]]:
    output = run_tool([catdoc, "-w", "-d", "utf-8"], body, ".doc", where)
    lines: list[tuple[str, bool]] = [("\x00catdoc", False)]  # a marker the caller turns into a flag
    for raw in output.replace("\f", "\n").splitlines():
        if "\t" in raw.strip("\t "):
            cells = [squash(c) for c in raw.split("\t")]
            while cells and not cells[-1]:
                cells.pop()
            lines.append(("\t".join(cells), True))
        elif squash(raw):
            lines.append((squash(raw), False))
    return lines
