"""Incremental-crawl benchmark: a full crawl of the benchmark farm, then incremental crawls of the
unchanged farm; what each moved over the wire and how long it took.

Run by hand:  .venv/bin/python bench/crawl_incremental.py [--portals 300] [--latency 0.05]

The farm is ``python -m crawler.farm_gen bench`` (see bench/crawl.py), whose pages carry ETag and
Last-Modified and answer conditional requests with 304, as a static portal behind nginx does.
Each crawl is the real ``nianbao crawl`` with the default politeness (≤ 1 request/s per host),
fetch-only (``--defer-cleaning``: cleaning costs CPU, not bytes). Bytes are counted by the farm:
status lines, headers and bodies it sent. Target: the second crawl moves < 10 % of the first's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--db", default="/tmp/nianbao-bench-incremental.db")
    args = parser.parse_args()

    from crawler.farm import Farm

    folder = Path(tempfile.mkdtemp(prefix="nianbao-farm-"))
    for suffix in ("", "-wal", "-shm"):
        Path(args.db + suffix).unlink(missing_ok=True)
    rows = []
    try:
        subprocess.run([sys.executable, "-m", "crawler.farm_gen", "bench", str(folder), "--portals",
                        str(args.portals)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        with Farm([folder], latency=args.latency) as farm:
            for label, extra in (("full crawl", []), ("incremental (re-check after 30 days)", ["--incremental"]),
                                 ("incremental, --recheck-days 0", ["--incremental", "--recheck-days", "0"])):
                before, start = farm.bytes_sent(), time.perf_counter()
                subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", "--registry", str(farm.registry),
                                "--db", args.db, "--defer-cleaning", *extra], check=True, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                elapsed, moved = time.perf_counter() - start, farm.bytes_sent() - before
                with sqlite3.connect(args.db) as db:
                    totals = json.loads(db.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")
                                        .fetchone()[0])["totals"]
                rows.append((label, elapsed, moved, totals))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    full = rows[0][2]
    print(f"farm: {args.portals} portals, {args.latency * 1000:.0f} ms latency, default politeness")
    print(f"{'crawl':<36} {'seconds':>8} {'MB moved':>9} {'of full':>8} {'fetched':>8} {'304':>6} {'skipped':>8}")
    for label, elapsed, moved, totals in rows:
        print(f"{label:<36} {elapsed:>8.1f} {moved / 1e6:>9.2f} {moved / full:>8.1%} {totals.get('pages', 0):>8} "
              f"{totals.get('not_modified', 0):>6} {totals.get('skipped', 0):>8}")


if __name__ == "__main__":
    main()
