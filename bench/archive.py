"""Benchmark the archive on synthetic reports shaped like real ones (national-format text and
tables, varied agencies, counties, years and numbers; every tenth report also arrives as a
damaged mirror copy).

Run by hand:  .venv/bin/python bench/archive.py --reports 100000 [--db /tmp/bench.db]
Prints ingest rate (fetch + report + near-duplicate check per report), peak memory, database
size, and search latency (p50/p95) for 1-, 2-, 3- and 6-character queries.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.store import Archive  # noqa: E402
from parsers.record import Fetch, Report  # noqa: E402

SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("0*.txt"))
AGENCIES = ["人民政府办公室", "发展和改革局", "教育局", "公安局", "民政局", "财政局", "人力资源和社会保障局",
            "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局", "卫生健康局", "市场监督管理局"]


def _paragraphs() -> list[str]:
    lines = []
    for seed in SEEDS:
        lines += [line.strip() for line in seed.read_text(encoding="utf-8").split("\n") if len(line.strip()) > 20]
    return lines


def synthetic(n: int, rng: random.Random) -> list[tuple[Report, str]]:
    paragraphs = _paragraphs()
    out = []
    for i in range(n):
        county = f"测试{i // 210:04d}县"
        agency = county + AGENCIES[i % len(AGENCIES)]
        year = 2008 + (i // len(AGENCIES)) % 15
        body = rng.sample(paragraphs, 12)
        table = [f"{label}\t" + "\t".join(str(rng.randint(0, 50)) for _ in range(7))
                 for label in ("本年新收政府信息公开申请数量", "上年结转", "予以公开", "部分公开", "不予公开", "总计")]
        text = "\n".join([f"{agency}{year}年政府信息公开工作年度报告", *body, *table])
        url = f"http://www.c{i // 210:04d}.gov.cn/ndbg/{year}/{i}.html"
        report = Report(title=f"{agency}{year}年政府信息公开工作年度报告", text=text, year=year, agency=agency,
                        region_code=f"{110000 + i // 210:06d}", url=url)
        out.append((report, url))
        if i % 10 == 0:  # the aggregator's copy of it
            mirror = Report(**{**report.to_dict(), "url": f"http://mirror.example.com/{i}.html",
                               "text": text.replace("政府信息", "(略) 信息", 2), "region_code": None,
                               "flags": ["redacted"]})
            out.append((mirror, mirror.url or ""))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--db", default="/tmp/nianbao-bench.db")
    args = parser.parse_args()
    for suffix in ("", "-wal", "-shm"):
        Path(args.db + suffix).unlink(missing_ok=True)
    rng = random.Random(1)
    items = synthetic(args.reports, rng)
    statuses: dict[str, int] = {}
    start = time.perf_counter()
    with Archive(args.db) as archive:
        for report, url in items:
            fetch = archive.store_fetch(Fetch(None, url, 200, {}, report.text.encode(), datetime.now(UTC)))
            status = archive.store_report(report, fetch).status
            statuses[status] = statuses.get(status, 0) + 1
        elapsed = time.perf_counter() - start
        print(f"ingested {len(items)} copies ({args.reports} reports) in {elapsed:.1f} s: "
              f"{len(items) / elapsed:.0f} copies/s; statuses {statuses}")
        # baseline in the same run: the same records bulk-inserted by sqlite-utils, no provenance, no dedup
        import sqlite_utils

        baseline_path = args.db + ".baseline"
        Path(baseline_path).unlink(missing_ok=True)
        start = time.perf_counter()
        sqlite_utils.Database(baseline_path)["reports"].insert_all(r.to_dict() for r, _ in items)
        base = time.perf_counter() - start
        Path(baseline_path).unlink(missing_ok=True)
        print(f"baseline sqlite-utils insert_all of the same records: {len(items) / base:.0f} copies/s "
              f"(ours/baseline time ratio {elapsed / base:.1f})")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS {peak:.0f} MiB; database {Path(args.db).stat().st_size / 2**20:.0f} MiB")
        for query in ("件", "申请", "依申请", "依申请公开事项"):
            times = []
            for _ in range(20):
                t = time.perf_counter()
                archive.search(query, limit=20)
                times.append(1000 * (time.perf_counter() - t))
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"search {query!r:<10} p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
