"""Removes portal chrome from the report's lines: breadcrumbs, info lines, widgets, footers.

The rules are chrome.yaml's: ``line`` entries drop a whole short line, ``span`` entries cut a
widget out of a line ("【打印本页】"), ``tail`` entries start the related-links block at the end.
Every removal is returned with the id of the entry that fired, for ``chrome_removed``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from parsers import vocab
from parsers.text import simplified, squash

_TAIL_MARKER_MAX = 30  # "相关附件:" is a label; "相关信息处理费：本年度未收取…" is a sentence
_TAIL_LINE_MAX = 60  # lines after a tail marker longer than this are report text, not a link list


@dataclass(frozen=True, slots=True)
class Rules:
    lines: tuple[tuple[str, re.Pattern[str], int], ...]
    spans: tuple[tuple[str, re.Pattern[str]], ...]
    tails: tuple[tuple[str, re.Pattern[str]], ...]
    rows: tuple[tuple[str, re.Pattern[str]], ...]
    any_line: re.Pattern[str]  # every line rule at once: most report lines match none
    any_span: re.Pattern[str]
    longest: int


@cache
def rules() -> Rules:
    lines, spans, tails, rows = [], [], [], []
    for e in vocab.entries("chrome"):
        rx = re.compile(e.pattern)
        if e.kind == "line":
            lines.append((e.id, rx, e.max_len))
        elif e.kind == "span":
            spans.append((e.id, rx))
        elif e.kind == "tail":
            tails.append((e.id, rx))
        elif e.kind == "row":
            rows.append((e.id, rx))
        else:
            raise vocab.VocabularyError(f"unknown kind {e.kind!r}", f"chrome.yaml entry {e.id}")
    return Rules(tuple(lines), tuple(spans), tuple(tails), tuple(rows),
                 re.compile("|".join(f"(?:{rx.pattern})" for _, rx, _ in lines)),
                 re.compile("|".join(f"(?:{rx.pattern})" for _, rx in spans)),
                 max(n for _, _, n in lines))


def line_rule(text: str) -> str | None:
    """The id of the ``line`` entry that makes this whole line chrome, or None."""
    r = rules()
    text = simplified(text)
    if len(text) > r.longest or not r.any_line.search(text):
        return None
    for entry_id, rx, max_len in r.lines:
        if len(text) <= max_len and rx.search(text):
            return entry_id
    return None


def row_rule(text: str) -> str | None:
    """The id of the ``row`` entry that makes this table row chrome, or None."""
    plain = simplified(text)
    for entry_id, rx in rules().rows:
        if rx.search(plain):
            return entry_id
    return None


def strip_chrome(texts: list[str], rows: list[bool]) -> tuple[list[str], list[bool], list[dict[str, str]]]:
    """Chrome-free lines (``rows`` marks table rows, which are never chrome) and the removals."""
    r = rules()
    kept: list[str] = []
    kept_rows: list[bool] = []
    removed: list[dict[str, str]] = []
    tail_from = _tail_start(texts, rows)
    for index, (text, is_row) in enumerate(zip(texts, rows, strict=True)):
        if is_row:
            entry_id = row_rule(text)
            if entry_id:
                removed.append({"text": text, "reason": f"chrome:{entry_id}"})
                continue
            kept.append(text)
            kept_rows.append(True)
            continue
        if tail_from is not None and index >= tail_from[0]:
            removed.append({"text": text, "reason": f"chrome:{tail_from[1]}"})
            continue
        entry_id = line_rule(text)
        if entry_id:
            removed.append({"text": text, "reason": f"chrome:{entry_id}"})
            continue
        for span_id, rx in r.spans if r.any_span.search(simplified(text)) else ():
            matches = list(rx.finditer(simplified(text)))
            if matches:
                pieces, last = [], 0
                for m in matches:  # cut by position: the simplified copy is aligned with the text
                    removed.append({"text": text[m.start():m.end()].strip(), "reason": f"chrome:{span_id}"})
                    pieces.append(text[last:m.start()])
                    last = m.end()
                text = squash(" ".join([*pieces, text[last:]]))
        if not text:
            continue
        entry_id = line_rule(text)  # what is left after the widgets may be an info line
        if entry_id:
            removed.append({"text": text, "reason": f"chrome:{entry_id}"})
            continue
        kept.append(text)
        kept_rows.append(False)
    return kept, kept_rows, removed


def _tail_start(texts: list[str], rows: list[bool]) -> tuple[int, str] | None:
    """Where the trailing related-links block starts: the topmost tail marker below which every
    line is short (a long line or a table row is report text and ends the search)."""
    found = None
    for index in range(len(texts) - 1, -1, -1):
        text = texts[index]
        if rows[index] or len(text) > _TAIL_LINE_MAX:
            break
        plain = simplified(text)
        for entry_id, rx in rules().tails:
            if len(text) <= _TAIL_MARKER_MAX and rx.search(plain):
                found = (index, entry_id)
                break
    return found
