"""Whitespace rules for Chinese page text.

Whitespace runs become one space, except a run holding a line break between two CJK characters,
which is source formatting (an editor wrapping a long line) and disappears, as a browser showing
Chinese text makes it look. ``&nbsp;`` and the ideographic space U+3000 are whitespace too.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources
from urllib.parse import SplitResult, urlsplit

_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_WRAPPED = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\v\u00a0\u3000]*\n[\s\u00a0\u3000]*(?=[{_CJK}])")
_SPACES = re.compile(r"[\s\u00a0\u3000]+")
# zero-width characters split words without showing: "澳\u200b门\u200b新\u200b葡\u200b京" reads 澳门新葡京
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_CJK_END = re.compile(rf"[{_CJK}]$")
_CJK_START = re.compile(rf"^[{_CJK}]")


def node_text(text: str) -> str:
    """One text node as the walk collects it: a wrap inside the node between CJK characters goes,
    a whitespace-only node between elements stays a space (info spans written on separate source
    lines, "来源：县政府办\n字号：大 中 小", must not run together)."""
    if "\n" not in text:
        return text
    if not text.strip():
        return " "
    # a line break at either edge of the node separates it from its neighbour element
    head = text[: len(text) - len(text.lstrip())]
    tail = text[len(text.rstrip()):]
    core = text.strip()
    text = (" " if "\n" in head else head) + core + (" " if "\n" in tail else tail)
    return _WRAPPED.sub("", text)


def squash(text: str) -> str:
    """One line of page text, whitespace normalised and trimmed, zero-width characters dropped."""
    text = _ZERO_WIDTH.sub("", text)
    if "\n" in text:
        text = _WRAPPED.sub("", text)
    return _SPACES.sub(" ", text).strip()


def join_cjk(parts: list[str]) -> str:
    """Join pieces of one cell or title: nothing between CJK neighbours, a space otherwise."""
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        if out and not (_CJK_END.search(out[-1]) and _CJK_START.search(part)):
            out.append(" ")
        out.append(part)
    return "".join(out)


def visible_len(text: str) -> int:
    """Characters that are not whitespace."""
    return len("".join(text.split()))


@cache
def _to_simplified() -> dict[int, str]:
    path = resources.files("parsers") / "data" / "traditional.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        table = {ord(row["traditional"]): row["simplified"] for row in csv.DictReader(handle, delimiter="\t")}
    # full-width ASCII (０-９, Ａ-ｚ) folds to ASCII, one character for one: "２０２０年", "ｂｅｔ３６５"
    table.update({code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)
                  if chr(code - 0xFEE0).isalnum()})
    return table


def simplified(text: str) -> str:
    """The text with traditional characters of names, labels and spam made simplified and
    full-width letters and digits made ASCII, one character for one, so positions still point into
    the original (平遙縣 → 平遥县, ２０２０ → 2020). Mirrors republish reports in traditional
    characters; matching runs on this copy, output keeps the page's own."""
    return text.translate(_to_simplified())


def split_url(url: str | None) -> SplitResult | None:
    """``urlsplit`` that returns None for what it cannot read ("http://[::1", port 99999):
    a malformed href on a page is not an error of the cleaner."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for an out-of-range port
    except ValueError:
        return None
    return parts


def url_host(url: str | None) -> str:
    """The lower-cased host of a URL, or "" when there is none or it cannot be read."""
    parts = split_url(url)
    return (parts.hostname or "").lower() if parts else ""
