"""Collapses a report body that a page shows twice (seed 000's mirror), and repeated paragraphs.

Table rows are never removed as repeated paragraphs ("0\t0\t0" repeats legitimately in every
statistical table), and a repeated block must carry prose to be a repeated body, not just two
units' identical tables.
"""

from __future__ import annotations

from collections import Counter

_MIN_KEY = 15  # a line this long identifies its place in the body
_MIN_BODY_SHARE = 0.25  # a repeated block this share of the text is a repeated body
_MIN_PARAGRAPH = 20  # a repeated paragraph shorter than this may be a legitimate refrain ("无。")
_MIN_PROSE = 200  # characters of paragraphs a repeated body must contain …
_MIN_PROSE_LINES = 3  # … in at least this many paragraphs


def collapse(texts: list[str], rows: list[bool]) -> tuple[list[str], list[bool], list[dict[str, str]], bool]:
    """Lines with repeats removed, the removals, and whether a whole repeated body was collapsed."""
    removed: list[dict[str, str]] = []
    collapsed = False
    for _ in range(3):  # a body shown three times needs two passes
        block = _longest_repeat(texts, rows)
        if block is None:
            break
        start, length = block
        gone = texts[start:start + length]
        removed.append({"text": "\n".join(gone), "reason": "repeated_body"})
        del texts[start:start + length]
        del rows[start:start + length]
        collapsed = True
    seen: set[str] = set()
    kept_texts, kept_rows = [], []
    for text, is_row in zip(texts, rows, strict=True):
        if not is_row and len(text) >= _MIN_PARAGRAPH:
            if text in seen:
                removed.append({"text": text, "reason": "repeated_paragraph"})
                continue
            seen.add(text)
        kept_texts.append(text)
        kept_rows.append(is_row)
    return kept_texts, kept_rows, removed, collapsed


def _longest_repeat(texts: list[str], rows: list[bool]) -> tuple[int, int] | None:
    """(start, length) of the second copy of the longest block that occurs twice, if body-sized.

    Linear time: lines that occur exactly twice vote, weighted by length, for the distance
    between their two places; a body shown twice makes one distance win. Only that distance is
    then scanned for the longest run of equal lines (a page of 75,000 identical paragraphs must
    not cost 75,000² comparisons).
    """
    total = sum(len(t) for t in texts) or 1
    positions: dict[str, list[int]] = {}
    for index, (text, is_row) in enumerate(zip(texts, rows, strict=True)):
        if not is_row and len(text) >= _MIN_KEY:
            positions.setdefault(text, []).append(index)
    votes: Counter[int] = Counter()
    for text, places in positions.items():
        if len(places) == 2:
            votes[places[1] - places[0]] += len(text)
    best: tuple[int, int, int] | None = None  # (chars, start of copy, length)
    for distance, _ in votes.most_common(3):
        run_start, run_chars = None, 0
        for k in range(len(texts) - distance + 1):
            same = k + distance < len(texts) and texts[k] == texts[k + distance]
            if same and (run_start is None or k - run_start < distance):
                if run_start is None:
                    run_start, run_chars = k, 0
                run_chars += len(texts[k])
                continue
            if run_start is not None and (best is None or run_chars > best[0]):
                best = (run_chars, run_start + distance, k - run_start)
            run_start = k if same else None
            run_chars = len(texts[k]) if same else 0
    if best is None or best[0] < _MIN_BODY_SHARE * total or best[2] < 3:
        return None
    start, length = best[1], best[2]
    # a repeated body carries its prose; two units' identical all-zero tables under one shared
    # sentence are not a repeat (一、局机关 / 二、下属事业单位)
    paragraphs = [t for t, r in zip(texts[start:start + length], rows[start:start + length], strict=True)
                  if not r and len(t) >= _MIN_KEY]
    if len(paragraphs) < _MIN_PROSE_LINES or sum(map(len, paragraphs)) < _MIN_PROSE:
        return None
    return start, length
