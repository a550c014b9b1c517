"""The compact LSH index: what it finds before and after its keys are merged, removal, growth."""

from __future__ import annotations

import itertools
import random

import numpy
import pytest

from archive import dedup, lsh
from archive.lsh import BandIndex

_HAN = "政府信息公开工作年度报告主动依申请行政复议诉讼许可处罚强制收费规章规范性文件办理答复决定机关县区乡镇"
PARAGRAPHS = ["".join(random.Random(i).choices(_HAN, k=40)) for i in range(400)]  # digits say nothing to MinHash


def _text(rng: random.Random, n: int = 30) -> str:
    return "\n".join(rng.sample(PARAGRAPHS, n))


def _sig(text: str) -> numpy.ndarray:
    return dedup.signature(text).hashvalues.astype(numpy.uint32)


@pytest.mark.parametrize("merge_at", [0, 10**9])  # every key merged at once / every key pending
def test_finds_near_copies_best_first_and_nothing_unrelated(monkeypatch: pytest.MonkeyPatch, merge_at: int) -> None:
    monkeypatch.setattr(lsh, "_MERGE_AT", merge_at)
    rng = random.Random(3)
    index = BandIndex(dedup.NUM_PERM, dedup.THRESHOLD)
    texts = [_text(rng) for _ in range(300)]
    for report_id, text in enumerate(texts, start=1):
        index.add(report_id, _sig(text))
    assert len(index) == 300
    original = texts[41]
    lines = original.split("\n")
    truncated = "\n".join(lines[: len(lines) * 3 // 4])
    found = index.query(_sig(truncated))
    assert found[0][0] == 42 and found[0][1] >= 0.6
    assert all(a[1] >= b[1] for a, b in itertools.pairwise(found))
    assert index.query(_sig(original))[0] == (42, 1.0)
    assert index.query(_sig(_text(random.Random(99)))) == [] or \
        all(similarity < 0.6 for _, similarity in index.query(_sig(_text(random.Random(99)))))


def test_removed_and_replaced_signatures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lsh, "_MERGE_AT", 5)
    rng = random.Random(4)
    index = BandIndex(dedup.NUM_PERM, dedup.THRESHOLD)
    first, second = _text(rng), _text(rng)
    for report_id in range(1, 3000):  # grows past its first allocation and merges many times
        index.add(report_id, _sig(first if report_id == 7 else f"{report_id}号"))
    assert index.query(_sig(first))[0][0] == 7
    index.add(7, _sig(second))  # a better copy replaced the text
    assert all(report_id != 7 for report_id, _ in index.query(_sig(first)))
    assert index.query(_sig(second))[0][0] == 7
    index.remove(7)
    assert 7 not in index and index.query(_sig(second)) == []


def test_blocks_keep_years_apart_and_yearless_reports_meet_every_year() -> None:
    rng = random.Random(6)
    text, other = _text(rng), _text(rng)
    index = BandIndex(dedup.NUM_PERM, dedup.THRESHOLD)
    index.add(1, _sig(text), 2020)
    index.add(2, _sig(other))  # names no year
    assert [i for i, _ in index.query(_sig(text), 2020)] == [1]
    assert index.query(_sig(text), 2021) == []  # another year: never the same report
    assert [i for i, _ in index.query(_sig(text))] == [1]  # a yearless copy is checked against every year
    assert [i for i, _ in index.query(_sig(other), 2023)] == [2]


def test_only_the_best_candidates_are_verified(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lsh, "VERIFY", 3)
    rng = random.Random(8)
    base = _text(rng, 40)
    index = BandIndex(dedup.NUM_PERM, dedup.THRESHOLD)
    lines = base.split("\n")
    for report_id in range(1, 30):  # many weak relatives: a third of the lines shared
        index.add(report_id, _sig("\n".join(lines[:13] + rng.sample(PARAGRAPHS, 27))))
    index.add(99, _sig("\n".join(lines[:36])))  # the near copy
    assert index.query(_sig(base))[0][0] == 99
