"""Reads the figures a report writes in sentences ("全年共受理依申请公开事项16件"), each with the
sentence as its evidence.

Pre-2019 reports have no national table form: their figures are prose, or a short 统计表 of
"指标 | 单位 | 数". Later reports fall back on prose where their table is an image or lost. The
sentence patterns are stats.yaml's ``narrative`` entries; the first sentence giving a key wins,
since a report states its totals before their breakdowns.
"""

from __future__ import annotations

import re

from parsers import stats_vocab as sv
from parsers.dates import cn_number

# sentence ends, full-width and ASCII: the pattern is matched on a normalised copy of each sentence,
# and the evidence is the sentence as the page wrote it
_SENTENCE = re.compile(r"[^\u3002\uff1b;\uff01!\uff1f?\n]+")
_EVIDENCE = 300  # characters: a run-on sentence is cut, the figure stays inside it
_UNREAD = object()


def read_sentences(text: str, skip: set[str]) -> list[dict[str, object]]:
    """Cells read from sentences, for every section not in ``skip`` (those a table gave)."""
    out: list[dict[str, object]] = []
    seen: set[tuple[str, str, str]] = set()
    for line in text.split("\n"):
        is_row = "\t" in line  # a table row is read by the entries meant for rows only
        for sentence in _SENTENCE.finditer(line):
            original = sentence.group().strip()
            if not original:
                continue
            plain = sv.normalise(original, keep_space=True)
            for rule in sv.narrative():
                m = rule.pattern.search(plain) if bool(rule.get("table_row")) == is_row else None
                if m is None:
                    continue
                for cell in rule.get("cells"):
                    section, row, column = cell[:3]
                    value = cell[3] if len(cell) > 3 else _number(m.group("v"))
                    if section in skip or (section, row, column) in seen or value is _UNREAD:
                        continue
                    seen.add((section, row, column))
                    out.append({"section": section, "row": row, "column": column, "value": value,
                                "evidence": original[:_EVIDENCE]})
    return out


def _number(text: str) -> int | object | None:
    """Digits or a small Chinese numeral; a masked number ("*件", "1*件") is null; a numeral this
    cannot read is left unread rather than guessed."""
    if "*" in text:
        return None
    if text.isdigit():
        return int(text)
    value = cn_number(text.replace("两", "二"))
    return _UNREAD if value is None else value
