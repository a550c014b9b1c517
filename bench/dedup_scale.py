"""De-duplication at national scale: the LSH index and a full near-duplicate pass over N reports.

Run by hand:  .venv/bin/python bench/dedup_scale.py --from /tmp/b100k.db --reports 1000000

Computing a million MinHash signatures from text costs ~30 CPU-minutes before any de-duplication
happens, so this benchmark takes the signatures and guard values of an archive built by
``bench/archive.py`` (100,000 synthetic reports shaped like real ones, every tenth with a
mirror's copy already merged into it, so ``report_minhash`` holds distinct reports only) and
multiplies them to N: each copy k of a report keeps its
structure (its siblings, its mirror's similarity) but moves to another region and agency, and
a quarter of its signature values are redrawn so copies are distinct reports. It then does what
the archive does: builds the index (``BandIndex.add_many``, as ``Archive._index`` does from
``report_minhash``), and checks every report against it with the guards, as a full
re-de-duplication would. Prints the time and peak memory of each step.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import time
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import dedup  # noqa: E402
from archive.lsh import BandIndex  # noqa: E402


def _rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", default="/tmp/b100k.db")
    parser.add_argument("--reports", type=int, default=1_000_000)
    args = parser.parse_args()

    conn = sqlite3.connect(args.source)
    rows = conn.execute("SELECT report_id, signature, coalesce(year, 0), region_code, agency, numbers "
                        "FROM report_minhash ORDER BY report_id").fetchall()
    base = numpy.frombuffer(b"".join(r[1] for r in rows), dtype=numpy.uint64).astype(numpy.uint32)
    base = base.reshape(len(rows), dedup.NUM_PERM)
    copies = -(-args.reports // len(rows))
    rng = numpy.random.default_rng(3)
    print(f"{len(rows)} signatures read from {args.source}; making {copies} copies of each "
          f"({copies * len(rows)} reports)")

    start = time.perf_counter()
    signatures = numpy.empty((copies * len(rows), dedup.NUM_PERM), dtype=numpy.uint32)
    for k in range(copies):
        block = base.copy()
        if k:
            redraw = rng.random(block.shape) < 0.25
            block[redraw] = rng.integers(0, 2**32, size=int(redraw.sum()), dtype=numpy.uint32)
        signatures[k * len(rows):(k + 1) * len(rows)] = block
    signatures = signatures[: args.reports]
    years = [r[2] for r in rows] * copies
    keys = [(r[2], f"{r[3]}-{k}" if r[3] else None, f"{r[4]}-{k}" if r[4] else None, r[5] or "")
            for k in range(copies) for r in rows]
    made = time.perf_counter() - start
    print(f"made in {made:.0f} s; peak RSS {_rss():.0f} MiB")

    start = time.perf_counter()
    index = BandIndex(dedup.NUM_PERM, dedup.THRESHOLD)
    for at in range(0, args.reports, 100_000):
        ids = list(range(at + 1, min(at + 100_000, args.reports) + 1))
        index.add_many(ids, signatures[at:at + len(ids)], years[at:at + len(ids)])
    built = time.perf_counter() - start
    print(f"index of {len(index)} signatures built in {built:.0f} s; peak RSS {_rss():.0f} MiB")

    start = time.perf_counter()
    merged = candidates = 0
    for row in range(args.reports):
        year, region, agency, numbers = keys[row]
        mine = dedup.Key(year or None, region, agency, numbers)
        found = index.query(signatures[row], year or None)
        candidates += len(found)
        for other, _ in found[:50]:
            if other == row + 1:
                continue
            o_year, o_region, o_agency, o_numbers = keys[other - 1]
            if dedup.compatible(mine, dedup.Key(o_year or None, o_region, o_agency, o_numbers)):
                merged += 1
                break
        if row and row % 200_000 == 0:
            rate = row / (time.perf_counter() - start)
            print(f"  … {row} checked, {rate:.0f}/s")
    checked = time.perf_counter() - start
    print(f"full pass: {args.reports} reports checked in {checked:.0f} s ({args.reports / checked:.0f}/s), "
          f"{candidates / args.reports:.1f} candidates above the threshold a report (its template siblings), "
          f"{merged} merges the guards allow (expected 0: every report is distinct); peak RSS {_rss():.0f} MiB")
    print(f"de-duplication of {args.reports} reports: {built + checked:.0f} s (index {built:.0f} s + pass "
          f"{checked:.0f} s), peak RSS {_rss():.0f} MiB")


if __name__ == "__main__":
    main()
