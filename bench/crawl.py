"""Crawl benchmark: a generated farm of many small portals, each its own loopback host, with a
per-response latency, crawled with the default politeness (≤ 1 request/s per host).

Run by hand:  .venv/bin/python bench/crawl.py [--portals 300] [--years 17] [--latency 0.05]

Each portal is a real county (its code and name from parsers/data/regions.tsv): home page →
政务公开 hub → 年报 column (TRS pages through ``createPageHTML``) → one report page per year,
made from the Hanweb fixture page with the county's name and the year put in, so every report is
a distinct report of its own region. Prints pages/s, CPU seconds per page (crawler process and
farm apart), peak memory, and what was stored; the target is ≥ 150 pages/s on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEMPLATE = ROOT / "tests" / "fixtures" / "hanweb_tongxin_2023.html"
PER_PAGE = 10


def counties(n: int) -> list[tuple[str, str]]:
    with (ROOT / "parsers" / "data" / "regions.tsv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t")
                if r["level"] == "county" and not r["valid_to"] and r["name"].endswith("县")]
    random.Random(5).shuffle(rows)
    return [(r["code"], r["name"]) for r in rows[:n]]


def generate(folder: Path, portals: int, years: int) -> int:
    """Write the farm; returns the number of report pages."""
    template = TEMPLATE.read_text(encoding="utf-8")
    reports = 0
    for index, (code, name) in enumerate(counties(portals)):
        portal = folder / f"p{index:04d}"
        files = portal / "files"
        (files / "zwgk" / "ndbg").mkdir(parents=True)
        (portal / "portal.yaml").write_text(f'id: p{index:04d}\nname: {name}人民政府\nregion_code: "{code}"\n',
                                            encoding="utf-8")
        (files / "index.html").write_text(
            f'<html><head><meta charset="utf-8"><title>{name}人民政府</title></head><body><div class="nav">'
            f'<a href="/">首页</a><a href="/xwzx/">新闻中心</a><a href="/zwgk/index.html">政务公开</a>'
            f'<a href="/zwfw/">政务服务</a></div></body></html>', encoding="utf-8")
        (files / "zwgk" / "index.html").write_text(
            '<html><head><meta charset="utf-8"></head><body><ul><li><a href="/zwgk/zcwj/">政策文件</a></li>'
            '<li><a href="/zwgk/ndbg/index.html">政府信息公开年报</a></li></ul></body></html>', encoding="utf-8")
        items = []
        for year in range(2024 - years, 2024):
            page = template.replace("同心县", name).replace("2023年", f"{year}年")
            detail = f"t{year + 1}0122_{index:04d}{year}.html"
            (files / "zwgk" / "ndbg" / detail).write_text(page, encoding="utf-8")
            items.append(f'<li><a href="./{detail}">{name}{year}年政府信息公开工作年度报告</a>'
                         f'<span>{year + 1}-01-22</span></li>')
            reports += 1
        pages = [items[i:i + PER_PAGE] for i in range(0, len(items), PER_PAGE)]
        for number, chunk in enumerate(pages):
            name_ = "index.html" if number == 0 else f"index_{number}.html"
            (files / "zwgk" / "ndbg" / name_).write_text(
                '<html><head><meta charset="utf-8"></head><body><ul>' + "".join(chunk) + "</ul>"
                f'<script>createPageHTML({len(pages)}, {number}, "index", "html");</script></body></html>',
                encoding="utf-8")
    return reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, default=300)
    parser.add_argument("--years", type=int, default=17)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--db", default="/tmp/nianbao-bench-crawl.db")
    args = parser.parse_args()

    from crawler.farm import Farm
    from crawler.registry import load
    from crawler.run import crawl

    folder = Path(tempfile.mkdtemp(prefix="nianbao-farm-"))
    try:
        reports = generate(folder, args.portals, args.years)
        for suffix in ("", "-wal", "-shm"):
            Path(args.db + suffix).unlink(missing_ok=True)
        with Farm([folder], latency=args.latency) as farm:
            portals = load(farm.registry)
            before = resource.getrusage(resource.RUSAGE_SELF)
            before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            summary = crawl(portals, args.db, extra={"NIANBAO_PROGRESS_INTERVAL": 15.0, "LOG_LEVEL": "ERROR"})
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_SELF)
            children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the cleaning workers, reaped by now
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    totals = summary["totals"]
    pages = totals.get("pages", 0)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    workers = (children.ru_utime - before_children.ru_utime) + (children.ru_stime - before_children.ru_stime)
    db = sqlite3.connect(args.db)
    stored = db.execute("SELECT count(*) FROM reports").fetchone()[0]
    print(f"farm: {args.portals} portals (one loopback host each), {reports} report pages, "
          f"{args.latency * 1000:.0f} ms latency per response; default politeness (DOWNLOAD_DELAY 1 s per host)")
    print(f"crawl: {pages} pages in {elapsed:.1f} s = {pages / elapsed:.0f} pages/s; "
          f"CPU per page: {cpu / max(pages, 1) * 1000:.1f} ms in the crawler process (Scrapy, discovery, archive "
          f"writes), {workers / max(pages, 1) * 1000:.1f} ms in the cleaning workers")
    print(f"stored: {stored} reports of {reports} (new {totals.get('new', 0)}, duplicates "
          f"{totals.get('duplicate', 0) + totals.get('near_duplicate', 0)}), errors {totals.get('errors', 0)}")
    print(f"peak RSS of the crawler process: {after.ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
