"""Search latency at scale: N synthetic reports (as bench/archive.py makes them) in an archive's
``reports`` table, indexed for search by the archive's own bulk path (``search_pending`` →
``Archive.catch_up_search``), then queried as researchers would, 1 to 6 characters.

Run by hand:  .venv/bin/python bench/search_scale.py --reports 300000 [--db /tmp/search.db]

Only what search needs is written (no raw bodies, versions or signatures), so a large N is
affordable; prints the indexing rate, the database size and p50/p95 per query length.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.store import Archive  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_archive", ROOT / "bench" / "archive.py")
_bench = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(_bench)  # type: ignore[union-attr]

QUERIES = {1: ["件", "县", "复", "罚", "鑫"], 2: ["申请", "复议", "诉讼", "收费", "鹦鹉"],
           3: ["依申请", "信息公", "行政诉", "不掌握", "鹦鹉螺"],
           6: ["依申请公开事", "政府信息公开", "本机关不掌握", "行政复议诉讼", "鹦鹉螺的壳子"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300_000)
    parser.add_argument("--db", default="/tmp/nianbao-search.db")
    args = parser.parse_args()
    for suffix in ("", "-wal", "-shm"):
        Path(args.db + suffix).unlink(missing_ok=True)
    with Archive(args.db) as archive:
        conn = archive.db.conn
        start = time.perf_counter()
        for at in range(0, args.reports, 10_000):
            rows = [(i + 1, r.title, r.text, r.year, r.region_code, f"h{i}", r.url)
                    for i in range(at, min(at + 10_000, args.reports)) for r in (_bench.report(i),)]
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO reports (id, title, text, year, region_code, text_hash, url) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            conn.executemany("INSERT INTO search_pending (report_id) VALUES (?)", [(r[0],) for r in rows])
            conn.execute("COMMIT")
        made = time.perf_counter() - start
        start = time.perf_counter()
        indexed = archive.catch_up_search(chunk=5000)
        took = time.perf_counter() - start
        size = sum(Path(args.db + s).stat().st_size for s in ("", "-wal") if Path(args.db + s).exists())
        print(f"{args.reports} reports written in {made:.0f} s; search index built in {took:.0f} s "
              f"({indexed / took:.0f} reports/s); database {size / 2**30:.2f} GiB")
        for length, words in QUERIES.items():
            times = []
            for _ in range(5):
                for word in words:
                    t = time.perf_counter()
                    archive.search(word, limit=20)
                    times.append(1000 * (time.perf_counter() - t))
            times.sort()
            print(f"search, {length} character(s): p50 {statistics.median(times):.1f} ms, "
                  f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms")


if __name__ == "__main__":
    main()
