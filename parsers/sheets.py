"""Reports or their tables published as spreadsheets: each sheet's rows as tab-separated lines,
merged cells repeated in every cell they cover (as a page's tables are read).

XLSX: read from the package's XML (shared strings, inline strings, merge ranges) with lxml; no
spreadsheet library needed. XLS (the 97–2003 binary): converted to XLSX by LibreOffice headless
(Debian's libreoffice-calc-nogui, installed by ``.ci/run``); without it, Debian's ``xls2csv``
(catdoc), which garbles Chinese in some files — the record is then flagged ``converted_by_xls2csv``.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile

from lxml import etree

from parsers.errors import UnsupportedInput
from parsers.text import squash

_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL = re.compile(r"([A-Z]+)(\d+)")


def _column(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number - 1


def xlsx_lines(body: bytes, where: str | None = None) -> list[tuple[str, bool]]:
    """Every sheet's non-empty rows, in workbook order: (text, True); a sheet's name is a line."""
    try:
        package = zipfile.ZipFile(io.BytesIO(body))
        shared = _shared_strings(package)
        workbook = etree.fromstring(package.read("xl/workbook.xml"))
        rels = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as error:
        raise UnsupportedInput("damaged XLSX", where, str(error)) from None
    targets = {r.get("Id"): r.get("Target") for r in rels}
    lines: list[tuple[str, bool]] = []
    for sheet in workbook.iter(f"{_S}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        path = "xl/" + target.lstrip("/").removeprefix("xl/")
        try:
            root = etree.fromstring(package.read(path))
        except (KeyError, etree.XMLSyntaxError):
            continue
        rows = _grid(root, shared)
        if rows:
            lines.append((squash(sheet.get("name") or ""), False))
            lines += [("\t".join(row).rstrip("\t"), True) for row in rows if any(row)]
    return [line for line in lines if line[0]]


def _shared_strings(package: zipfile.ZipFile) -> list[str]:
    try:
        root = etree.fromstring(package.read("xl/sharedStrings.xml"))
    except KeyError:
        return []
    return [squash("".join(t.text or "" for t in si.iter(f"{_S}t"))) for si in root.iter(f"{_S}si")]


def _grid(sheet: etree._Element, shared: list[str]) -> list[list[str]]:
    cells: dict[tuple[int, int], str] = {}
    for cell in sheet.iter(f"{_S}c"):
        found = _CELL.fullmatch(cell.get("r") or "")
        if not found:
            continue
        kind = cell.get("t")
        value = cell.findtext(f"{_S}v")
        if kind == "s" and value is not None and value.isdigit() and int(value) < len(shared):
            text = shared[int(value)]
        elif kind == "inlineStr":
            text = squash("".join(t.text or "" for t in cell.iter(f"{_S}t")))
        else:
            text = squash(value or "")
            if re.fullmatch(r"-?\d+\.0", text):
                text = text[:-2]  # 16.0 is how a spreadsheet stores the count 16
        if text:
            cells[(int(found.group(2)) - 1, _column(found.group(1)))] = text
    for merge in sheet.iter(f"{_S}mergeCell"):
        corners = [_CELL.fullmatch(part) for part in (merge.get("ref") or "").split(":")]
        if len(corners) != 2 or not all(corners):
            continue
        top, left = int(corners[0].group(2)) - 1, _column(corners[0].group(1))
        bottom, right = int(corners[1].group(2)) - 1, _column(corners[1].group(1))
        value = cells.get((top, left))
        if value and (bottom - top + 1) * (right - left + 1) <= 10_000:
            for r in range(top, bottom + 1):
                for c in range(left, right + 1):
                    cells[(r, c)] = value
    if not cells:
        return []
    height = max(r for r, _ in cells) + 1
    width = max(c for _, c in cells) + 1
    return [[cells.get((r, c), "") for c in range(width)] for r in range(height)]


def is_excel_binary(body: bytes) -> bool:
    """A Compound File holding an Excel 97–2003 workbook."""
    head = body[: 1 << 20]
    return "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head


def xls_lines(body: bytes, where: str | None = None) -> list[tuple[str, bool]]:
    from parsers.attachments import libreoffice_convert, run_tool

    converted = libreoffice_convert(body, "xls", "xlsx", where)
    if converted is not None:
        return xlsx_lines(converted, where)
    tool = shutil.which("xls2csv")
    if tool is None:
        raise UnsupportedInput("legacy Excel file (.xls) and no xls2csv to read it", where,
                               "install Debian's catdoc (apt-get install catdoc)")
    output = run_tool([tool, "-d", "utf-8", "-q", "0"], body, ".xls", where)
    lines: list[tuple[str, bool]] = [("\x00xls2csv", False)]  # a marker the caller turns into a flag
    for sheet in output.split("\f"):
        for row in csv.reader(io.StringIO(sheet)):
            cells = [squash(c) for c in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                lines.append(("\t".join(cells), True))
    return lines
