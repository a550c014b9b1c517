"""Benchmark ``nianbao export``: time and peak memory per format, to show memory stays flat.

Run by hand:  .venv/bin/python bench/export.py --reports 1000000 [--formats jsonl,csv,parquet,txt] [--keep]

Builds a synthetic archive straight into the schema (``archive.schema.migrate``, then sqlite-utils
``insert_all``): reports of ~3 KB of national-format prose from the seeds with a statistics
table, real counties from the division codes, a statistics list, spam and chrome removals, and
every tenth report found a second time on a mirror. Then runs ``nianbao export`` in each format in
its own process, and two baselines over the same SELECT (``archive.export.export_query``):
sqlite-utils ``db.query`` rows dumped with ``json.dumps``, and a plain ``csv.writer``. Each
process's peak RSS comes from ``os.wait4`` in a small launcher process (see ``_LAUNCHER``). Run it at
two sizes: the same peak at 100 k and 1 M reports is what "flat" means. The database and the
exports are deleted at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("0*.txt"))
ROWS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开", "部分公开", "不予公开",
        "本机关不掌握相关政府信息", "不予处理", "其他处理", "总计", "结转下年度继续办理")
AGENCIES = ("人民政府办公室", "发展和改革局", "教育局", "公安局", "民政局", "财政局", "卫生健康局")
TEXT_BYTES = 3000

_JSONL_BASELINE = """
import json, sys, sqlite_utils
db = sqlite_utils.Database(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for row in db.query(sys.argv[3]):
        out.write(json.dumps(row, ensure_ascii=False) + "\\n")
"""
_CSV_BASELINE = """
import csv, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
cursor = conn.execute(sys.argv[3])
with open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as out:
    writer = csv.writer(out)
    writer.writerow([d[0] for d in cursor.description])
    writer.writerows(cursor)
"""


def _paragraphs() -> list[str]:
    out = []
    for seed in SEEDS:
        out.extend(line.strip() for line in seed.read_text(encoding="utf-8").split("\n") if len(line.strip()) > 20)
    return out


def _counties() -> list[tuple[str, str | None, str | None, str | None]]:
    from parsers.regions import registry

    regions = registry()
    found = []
    for code, rows in sorted(regions.by_code.items()):
        if rows[-1].level == "county" and rows[-1].valid_to is None:
            region = regions.region(code)
            found.append((code, region.province, region.city, region.county))
    return found


def _records(n: int) -> object:
    """The synthetic reports and their sources, deterministic in i."""
    paragraphs, counties = _paragraphs(), _counties()
    for i in range(1, n + 1):
        rng = random.Random(i)
        code, province, city, county = counties[i % len(counties)]
        year = 2010 + i % 15
        agency = (county or city or "") + AGENCIES[i % len(AGENCIES)]
        title = f"{agency}{year}年政府信息公开工作年度报告"
        body, size = [title], len(title.encode())
        while size < TEXT_BYTES:
            body.append(rng.choice(paragraphs))
            size += len(body[-1].encode()) + 1
        table = [label + "\t" + "\t".join(str(rng.randint(0, 60)) for _ in range(7)) for label in ROWS[:4]]
        stats = [{"section": "三", "row": label, "column": "合计", "value": rng.randint(0, 99)} for label in ROWS[:5]]
        spam = [{"text": "皇冠体育", "reason": "spam_phrase:huangguan"}] if i % 7 == 0 else []
        url = f"http://www.c{code}.gov.cn/xxgk/ndbg/{year}/{i}.html"
        yield {
            "id": i, "title": title, "text": "\n".join(body + table), "year": year, "published": f"{year + 1}-01-20",
            "agency": agency, "region_code": code, "province": province, "city": city, "county": county,
            "source": agency, "site_code": code + "0001", "url": url,
            "spam_removed": json.dumps(spam, ensure_ascii=False), "stats": json.dumps(stats, ensure_ascii=False),
            "flags": json.dumps(["redacted"] if i % 11 == 0 else []),
            "chrome_removed": json.dumps([{"text": "打印本页", "reason": "chrome:print"}], ensure_ascii=False),
            "encoding": "utf-8", "text_hash": f"{i:064x}", "raw_sha256": f"{i:064x}", "parser_version": "1",
            "version": 1, "first_seen": "2024-02-01T00:00:00+00:00", "updated_at": "2024-02-01T00:00:00+00:00",
        }, url, code


def build(path: Path, n: int) -> None:
    """A synthetic archive of n reports."""
    import sqlite_utils

    from archive.schema import migrate

    db = sqlite_utils.Database(path)
    migrate(db)
    portals: dict[str, dict] = {}
    records = _records(n)
    while chunk := list(islice(records, 2000)):  # a chunk's reports, then their sources (foreign keys)
        sources = []
        for record, url, code in chunk:
            portals.setdefault(code, {"id": f"p{code}", "name": f"{record['county']}人民政府",
                                      "region_code": code, "home_url": f"http://www.c{code}.gov.cn/", "kind": "portal"})
            seen = {"first_seen": record["first_seen"], "last_seen": record["first_seen"]}
            sources.append({"report_id": record["id"], "url": url, "portal_id": f"p{code}", **seen})
            if record["id"] % 10 == 0:
                sources.append({"report_id": record["id"], "url": f"http://mirror.example.com/{record['id']}.html",
                                "portal_id": "mirror", **seen})
        with db.conn:
            db["reports"].insert_all([record for record, _, _ in chunk], batch_size=1000)
            db["report_sources"].insert_all(sources, batch_size=2000)
    db["portals"].insert_all([*portals.values(), {"id": "mirror", "name": "某文库", "region_code": None,
                                                  "home_url": "http://mirror.example.com/", "kind": "mirror"}])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


# a small process that runs the job and writes the job's own peak RSS (KB) to a file: a child's
# ru_maxrss starts from the RSS of the process it was forked from, so the fork must happen in a
# fresh interpreter (~10 MB), not in this one, which grows while it walks a txt export's files
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run(args: list[str]) -> tuple[float, float]:
    """Run a process; its wall seconds and its own peak RSS in MB."""
    peak = Path(f"/tmp/nianbao-bench-export-peak-{os.getpid()}")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, str(peak), *args], cwd=ROOT)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(args)}")
    kb = int(peak.read_text())
    peak.unlink()
    return seconds, kb / 1024  # ru_maxrss is in KB on Linux


def size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
    return path.stat().st_size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--formats", default="jsonl,csv,parquet,txt")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/nianbao-bench-export"))
    parser.add_argument("--keep", action="store_true", help="Keep the database and the exports.")
    parser.add_argument("--build-only", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.build_only:
        build(options.build_only, options.reports)
        return
    from archive.export import ExportOptions, export_query

    work = options.dir
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    db = work / "bench.db"
    seconds, _ = run([sys.executable, __file__, "--reports", str(options.reports), "--build-only", str(db)])
    print(f"archive: {options.reports:,} reports, {db.stat().st_size / 1e9:.2f} GB, built in {seconds:.0f} s",
          flush=True)
    sql, _ = export_query(ExportOptions("jsonl", work / "x"))
    python = sys.executable
    jobs = [(f"nianbao export {fmt}", work / f"out.{fmt}", [python, "-m", "crawler.cli", "export", "--db", str(db),
                                                            "--format", fmt, "--out", str(work / f"out.{fmt}")])
            for fmt in options.formats.split(",")]
    jobs += [("baseline: sqlite-utils rows + json.dumps", work / "base.jsonl",
              [python, "-c", _JSONL_BASELINE, str(db), str(work / "base.jsonl"), sql]),
             ("baseline: sqlite3 cursor + csv.writer", work / "base.csv",
              [python, "-c", _CSV_BASELINE, str(db), str(work / "base.csv"), sql])]
    results = []
    for name, out, args in jobs:
        wall, rss = run(args)
        results.append((name, wall, options.reports / wall, rss, size_mb(out)))
        print(f"  done: {name} in {wall:.0f} s", flush=True)
        if not options.keep and out.is_dir():
            shutil.rmtree(out)  # a million small files: free the space before the next job
    print(f"\n{'job':44} {'seconds':>8} {'reports/s':>10} {'peak RSS MB':>12} {'output MB':>10}")
    for name, wall, rate, rss, size in results:
        print(f"{name:44} {wall:8.1f} {rate:10,.0f} {rss:12.0f} {size:10.0f}")
    if not options.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
