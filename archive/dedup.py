"""Near-duplicates: the same report on an aggregator mirror, redacted, masked, with other chrome,
leftover spam or in traditional characters, is one report with several sources.

MinHash over character 5-grams (datasketch, ``update_batch``) finds candidates through LSH; the
national format makes different reports share most of their wording, so a candidate is only a
duplicate when the guards agree: same year, same region, same agency (when both say), and
compatible table numbers (a mirror masks digits with "*" but never changes them). The threshold
is chosen on measured precision and recall (bench/dedup_eval.py).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from parsers.text import simplified

if TYPE_CHECKING:
    from datasketch import MinHash

SHINGLE = 5
NUM_PERM = 128
_POLY = 1_000_003  # multiplier of the shingle hash
_MERSENNE = (1 << 61) - 1  # datasketch's prime for the permutations
THRESHOLD = 0.4  # LSH candidates at this Jaccard estimate; the guards decide (bench/dedup_eval.py: P=R=1.0 at 0.3-0.4)
_NUMBERS_AGREE = 0.8  # share of the smaller side's table numbers the other side must have too
_DAMAGE = re.compile(r"[(（]\s*略\s*[)）]|\*+")
_NOT_TEXT = re.compile(r"[\W_\d]+")
# whole numbers only: a digit run touching "*" was masked by a mirror and says nothing
_NUMBER = re.compile(r"(?<![\d.*])\d+(?:\.\d+)?(?![\d.*])")
_YEAR = re.compile(r"(?:19|20)\d{2}")


@dataclass(frozen=True, slots=True)
class Key:
    """What the guards compare; None means the copy does not say."""

    year: int | None
    region_code: str | None
    agency: str | None
    numbers: tuple[str, ...] | str  # or as stored: one space-separated string, split only when compared


def key(year: int | None, region_code: str | None, agency: str | None, text: str) -> Key:
    """The guards' view of a report: its own numbers (tables and sentences alike, years left out:
    pre-2019 narrative reports carry their figures in sentences)."""
    numbers = tuple(n for n in _NUMBER.findall(text) if not _YEAR.fullmatch(n))
    return Key(year, region_code, simplified(agency) if agency else None, numbers)


def signature(text: str) -> MinHash:
    """MinHash of a text's character 5-grams, after what mirrors change (redactions, masks,
    digits, punctuation, traditional characters) is taken out.

    Shingles are hashed in numpy (a polynomial hash of the 5 code points, stable across
    processes, unlike ``hash``), and the permutations, made once per process, are applied as
    datasketch's ``update_batch`` does: about 10x cheaper than hashing shingle strings one by one.
    """
    import numpy
    from datasketch import MinHash

    plain = _NOT_TEXT.sub("", _DAMAGE.sub("", simplified(text))) or " "
    points = numpy.frombuffer(plain.encode("utf-32-le"), dtype=numpy.uint32).astype(numpy.uint64)
    if len(points) < SHINGLE:
        points = numpy.concatenate([points, numpy.zeros(SHINGLE - len(points), dtype=numpy.uint64)])
    count = len(points) - SHINGLE + 1
    hashes = numpy.zeros(count, dtype=numpy.uint64)
    for k in range(SHINGLE):  # h = Σ point[i+k]·P^(SHINGLE-1-k), wrapping at 2^64
        hashes = hashes * numpy.uint64(_POLY) + points[k:k + count]
    hashes = numpy.unique(hashes & numpy.uint64(0xFFFFFFFF))
    a, b = _permutations()
    permuted = (hashes[:, None] * a + b) % numpy.uint64(_MERSENNE) & numpy.uint64(0xFFFFFFFF)
    return MinHash(num_perm=NUM_PERM, hashfunc=_identity, permutations=(a, b), hashvalues=permuted.min(axis=0))


def restore(values: bytes) -> MinHash:
    """A signature stored by :meth:`archive.store.Archive`, back as a MinHash."""
    import numpy
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, hashfunc=_identity, permutations=_permutations(),
                   hashvalues=numpy.frombuffer(values, dtype=numpy.uint64))


def _identity(value: int) -> int:
    return value


@cache
def _permutations() -> tuple:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1).permutations


def compatible(a: Key, b: Key) -> bool:
    """Do the guards allow two similar texts to be one report?"""
    if a.year and b.year and a.year != b.year:
        return False  # the same agency's consecutive years
    if a.region_code and b.region_code and a.region_code != b.region_code:
        return False
    if a.agency and b.agency and a.agency != b.agency:
        return False  # different agencies of one county: the template siblings
    mine = a.numbers.split() if isinstance(a.numbers, str) else a.numbers
    theirs = b.numbers.split() if isinstance(b.numbers, str) else b.numbers
    if min(len(mine), len(theirs)) >= 5:
        small, large = sorted((mine, theirs), key=len)
        shared = sum((Counter(small) & Counter(large)).values())
        if shared < _NUMBERS_AGREE * len(small):
            return False
    return True


def quality(url: str | None, kind: str | None, flags: list[str], text: str) -> tuple[int, int, int]:
    """Which copy is canonical, highest first: an official portal over a mirror, unredacted over
    redacted or masked, complete over truncated."""
    official = int(kind == "portal" or bool(url and ".gov.cn" in url))
    damage = -sum(flag in flags for flag in ("redacted", "digits_masked", "name_hijacked"))
    return official, damage, len(text)
