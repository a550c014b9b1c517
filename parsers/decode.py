"""Bytes to text for pages in any encoding portals use, without mojibake.

Order of evidence: a BOM; bytes that are valid UTF-8 (a very strong signal: GBK text of any
length is almost never valid UTF-8, while templates often carry a stale ``charset=gb2312``);
the HTTP header's charset; the page's own ``<meta>``; and detection only when nothing is
declared. Pages declaring gb2312 or gbk are decoded as gb18030, because portals write GBK-only
characters such as 镕 and 喆, and big5 as big5hkscs for the same reason. lxml is never handed
the raw bytes: given ``charset=gb2312`` it silently truncates at the first GBK-only character.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from parsers.errors import DecodeFailed, EmptyInput

# declared names → the superset codec we actually decode with
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "utf-8": "utf-8",
}
# only a multi-byte declaration is evidence on a Chinese portal; a single-byte one (latin-1,
# windows-1251, koi8-r …) is a template default and decodes GBK bytes into mojibake
_MULTIBYTE = {"utf-8", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "utf-16", "utf-16-le", "utf-16-be",
              "utf-32", "shift_jis", "euc_jp", "euc_kr", "cp949", "cp932", "iso2022_jp"}
# C0 controls (but tab, line feed, carriage return) never belong in report text
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# how many undecodable bytes we tolerate (a page cut mid-character) before refusing the encoding
_MAX_ERROR_SHARE = 0.001

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


@dataclass(slots=True)
class Decoded:
    """Text and how we got it: ``encoding`` used, ``declared`` by the page, bytes ``replaced``."""

    text: str
    encoding: str
    declared: str | None = None
    replaced: int = 0


def decode(body: bytes, content_type: str | None = None, where: str | None = None) -> Decoded:
    """Decode a page's bytes; raise :class:`EmptyInput` or :class:`DecodeFailed` with a reason."""
    if not body.strip():
        raise EmptyInput("empty page", where, "the file has no content")
    result = _decode(body, content_type, where)
    if _CONTROLS.search(result.text):
        result.text = _CONTROLS.sub("", result.text)
    return result


def _decode(body: bytes, content_type: str | None, where: str | None) -> Decoded:
    bom = _from_bom(body)
    if bom:
        return bom
    wide = utf16_without_bom(body)
    if wide:
        text = body.decode(wide, errors="replace")
        return Decoded(text, wide, None, text.count("\ufffd"))
    declared = _declared(body, content_type)
    if _is_utf8(body):
        return Decoded(body.decode("utf-8"), "utf-8", declared)
    tried = []
    if declared and declared in _MULTIBYTE:
        codec = _SUPERSETS.get(declared, declared)
        tried.append(codec)
        # a declaration that decodes with at most a few bad bytes (a page cut mid-character)
        # is trusted over any guess
        result = _try(body, codec, declared)
        if result:
            return result
    best: Decoded | None = None
    for codec in _detect(body):
        if codec in tried:
            continue
        tried.append(codec)
        result = _try(body, codec, declared)
        if result and result.replaced == 0:
            return result
        if result and (best is None or result.replaced < best.replaced):
            best = result
    if best is not None:
        return best
    raise DecodeFailed(
        "cannot decode the page", where,
        f"tried {', '.join(tried) or 'no encoding'}; save it as UTF-8 or GBK and retry",
    )


def _from_bom(body: bytes) -> Decoded | None:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            text = body.decode(codec, errors="replace")
            return Decoded(text, codec, None, text.count("\ufffd"))
    return None


def utf16_without_bom(body: bytes) -> str | None:
    """``utf-16-le``/``-be`` for UTF-16 text saved without a BOM (every other byte of ASCII
    markup is zero), else None."""
    sample = body[:2048]
    if len(sample) < 16:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _declared(body: bytes, content_type: str | None) -> str | None:
    """The charset the HTTP header or, failing that, the page itself declares (normalised)."""
    names = []
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m:
            names.append(m.group(1))
    head = body[:4096]
    for rx in (_XML_DECL, _META_CHARSET):
        m = rx.search(head)
        if m:
            names.append(m.group(1).decode("ascii", "replace"))
    for name in names:
        normal = _normalise(name)
        if normal:
            return normal
    return None


def _normalise(name: str) -> str | None:
    """Canonical codec name, or None for a name Python does not know (``charset=foo``)."""
    name = name.strip().lower()
    if name in ("gb_2312-80", "x-gbk", "cp936", "ms936", "windows-936", "x-euc-cn", "euc-cn"):
        name = "gbk"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return {"gb2312": "gb2312", "gbk": "gbk", "gb18030": "gb18030"}.get(codec, codec)


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _try(body: bytes, codec: str, declared: str | None) -> Decoded | None:
    try:
        return Decoded(body.decode(codec), codec, declared)
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None
    text = body.decode(codec, errors="replace")
    replaced = text.count("\ufffd")
    if replaced > max(1, len(body) * _MAX_ERROR_SHARE):
        return None
    return Decoded(text, codec, declared, replaced)


def _detect(body: bytes) -> list[str]:
    """Candidate codecs for undeclared bytes, most likely first.

    GB18030 accepts almost any byte sequence, so Big5 text decodes "successfully" as GB18030
    mojibake; charset_normalizer, restricted to the encodings portals use, tells them apart.
    """
    from charset_normalizer import from_bytes

    results = from_bytes(body[:65536], cp_isolation=["gb18030", "big5", "utf_8"], threshold=0.5)
    ordered = [r.encoding for r in results]
    names = [_SUPERSETS.get(_normalise(e) or e, e) for e in ordered]
    for fallback in ("gb18030", "big5hkscs"):
        if fallback not in names:
            names.append(fallback)
    return names
