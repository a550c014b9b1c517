"""Crawl benchmark: a generated farm of many small portals, each its own loopback host, with a
per-response latency, crawled with the default politeness (≤ 1 request/s per host).

Run by hand:  .venv/bin/python bench/crawl.py [--portals 300] [--latency 0.05] [--workers N]

The farm is ``python -m crawler.farm_gen bench`` (real counties, five CMS styles — TRS,
Hanweb dataproxy, JSON API, ASP pagers, static sites —, ~19 reports each, news and budgets
beside them, every portal with its expect.yaml). Prints pages/s, CPU seconds per page (the
crawler process and its cleaning workers apart), peak memory, and whether what was stored is
what each expect.yaml says. Target: ≥ 150 pages/s on this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=0, help="cleaning processes (default: one per core)")
    parser.add_argument("--db", default="/tmp/nianbao-bench-crawl.db")
    parser.add_argument("--defer-cleaning", action="store_true", help="fetch only (then time `reprocess` apart)")
    args = parser.parse_args()

    from crawler.farm import Farm
    from crawler.registry import load
    from crawler.run import crawl

    folder = Path(tempfile.mkdtemp(prefix="nianbao-farm-"))
    try:
        subprocess.run([sys.executable, "-m", "crawler.farm_gen", "bench", str(folder), "--portals",
                        str(args.portals)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        expected = {p.parent.name: yaml.safe_load(p.read_text(encoding="utf-8"))
                    for p in folder.glob("*/expect.yaml")}
        for suffix in ("", "-wal", "-shm"):
            Path(args.db + suffix).unlink(missing_ok=True)
        with Farm([folder], latency=args.latency) as farm:
            portals = load(farm.registry)
            before = resource.getrusage(resource.RUSAGE_SELF)
            before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            extra = {"NIANBAO_PROGRESS_INTERVAL": 15.0, "LOG_LEVEL": "ERROR"}
            if args.workers:
                extra["NIANBAO_CLEAN_WORKERS"] = args.workers
            summary = crawl(portals, args.db, extra=extra, defer_cleaning=args.defer_cleaning)
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_SELF)
            children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the cleaning workers, reaped by now
            urls = {p["id"]: p for p in farm.portals}
            if args.defer_cleaning:
                from archive.reprocess import reprocess
                from archive.store import Archive

                t = time.perf_counter()
                workers = args.workers or os.cpu_count() or 1
                with Archive(args.db) as archive:
                    made = reprocess(archive, workers)
                took = time.perf_counter() - t
                print(f"reprocess after the fetch-only crawl: {made['fetches']} responses cleaned in "
                      f"{took:.1f} s with {workers} cleaning processes ({made['fetches'] / took:.0f} responses/s, "
                      f"{made['new']} new reports); crawl and reprocess together {elapsed + took:.1f} s")
            missing = stored_twice = 0
            db = sqlite3.connect(args.db)
            for portal_id, expect in expected.items():
                for item in expect.get("reports") or []:
                    url = farm.url(portal_id, item["path"], item.get("host", ""))
                    found = db.execute("SELECT count(DISTINCT report_id) FROM report_sources WHERE url = ?",
                                       (url,)).fetchone()[0]
                    missing += found == 0
                    stored_twice += found > 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    totals = summary["totals"]
    pages = totals.get("pages", 0)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    workers = (children.ru_utime - before_children.ru_utime) + (children.ru_stime - before_children.ru_stime)
    reports = sum(len(e.get("reports") or []) for e in expected.values())
    print(f"farm: {len(urls)} portals (one loopback host each), {reports} reports, "
          f"{args.latency * 1000:.0f} ms latency per response; default politeness (DOWNLOAD_DELAY 1 s per host)")
    print(f"crawl: {pages} pages in {elapsed:.1f} s = {pages / elapsed:.0f} pages/s")
    print(f"CPU per page: {cpu / max(pages, 1) * 1000:.1f} ms in the crawler process (Scrapy, discovery, archive "
          f"writes), {workers / max(pages, 1) * 1000:.1f} ms in the cleaning workers; "
          f"{(cpu + workers) / elapsed:.2f} cores busy on average (the farm's own CPU not counted)")
    print(f"stored: {db.execute('SELECT count(*) FROM reports').fetchone()[0]} reports; of the {reports} expected, "
          f"{missing} missing, {stored_twice} stored twice; errors {totals.get('errors', 0)}")
    print(f"peak RSS of the crawler process: {after.ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
