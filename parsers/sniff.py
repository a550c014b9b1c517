"""What kind of bytes a page is, from its magic bytes, never from its extension or Content-Type.

Portals serve PDFs as text/html and name DOCX files .doc; a binary served as HTML must become a
clear error, not a page of mojibake.
"""

from __future__ import annotations

import io
import zipfile

HTML = "html"
PDF = "pdf"
DOCX = "docx"
XLSX = "xlsx"
OLE = "ole"  # legacy .doc / .xls / .wps (Compound File Binary)

# magic prefix → a human name; these kinds are refused with a clear message
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"BM", "BMP image"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"ID3", "MP3 audio"),
    (b"\x00\x00\x00", "video or binary data"),
)


def sniff(body: bytes) -> str:
    """Return one of HTML, PDF, DOCX, XLSX, OLE, or a description of an unreadable binary."""
    head = body[:8]
    if head.startswith(b"%PDF"):
        return PDF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(body)
    # a PDF may be preceded by a few junk bytes (a BOM, a blank line written by a CMS)
    if b"%PDF-" in body[:1024]:
        return PDF
    if body[:3] in (b"\xef\xbb\xbf",) or body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return HTML
    from parsers.decode import utf16_without_bom

    if utf16_without_bom(body):
        return HTML
    for magic, name in _BINARY_MAGIC:
        if head.startswith(magic):
            return "binary:" + name
    if _looks_binary(body[:4096]):
        return "binary:binary data"
    return HTML


def _zip_kind(body: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    except zipfile.BadZipFile:
        return "binary:damaged ZIP archive"
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    if "OFD.xml" in names:
        return "binary:OFD document (.ofd, GB/T 33190; convert it to PDF to read it)"
    return "binary:ZIP archive"


def _looks_binary(sample: bytes) -> bool:
    """Text in any encoding we read has no NUL bytes and few C0 control characters."""
    if not sample:
        return False
    # a stray NUL or two in a page is damage, not a binary file
    if sample.count(0) > max(2, len(sample) // 100):
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (0, 9, 10, 12, 13, 27))
    return controls / len(sample) > 0.05
