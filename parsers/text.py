"""Whitespace rules for Chinese page text.

Whitespace runs become one space, except a run holding a line break between two CJK characters,
which is source formatting (an editor wrapping a long line) and disappears, as a browser showing
Chinese text makes it look. ``&nbsp;`` and the ideographic space U+3000 are whitespace too.
"""

from __future__ import annotations

import re

_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_WRAPPED = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\v\u00a0\u3000]*\n[\s\u00a0\u3000]*(?=[{_CJK}])")
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_CJK_END = re.compile(rf"[{_CJK}]$")
_CJK_START = re.compile(rf"^[{_CJK}]")


def squash(text: str) -> str:
    """One line of page text, whitespace normalised and trimmed."""
    if "\n" in text:
        text = _WRAPPED.sub("", text)
    return _SPACES.sub(" ", text).strip()


def join_cjk(parts: list[str]) -> str:
    """Join pieces of one cell or title: nothing between CJK neighbours, a space otherwise."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (_CJK_END.search(out) and _CJK_START.search(part)):
            out += " "
        out += part
    return out


def visible_len(text: str) -> int:
    """Characters that are not whitespace."""
    return len("".join(text.split()))
