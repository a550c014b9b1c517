"""Benchmark the archive at national scale on synthetic reports shaped like real ones.

Run by hand:  .venv/bin/python bench/archive.py --reports 100000 [--db /tmp/bench.db] [--workers 2]

Reports: national-format prose from the seeds, one county-year template shared by the county's
14 agencies (so siblings are near each other and the guards must keep them apart), the
statistics table with its own numbers, 15 years per agency; every tenth report also arrives as an
aggregator's damaged copy (redacted, digits masked, no region), which must merge. Generation and
:func:`archive.store.prepare` (signature, text hash, search terms) run in worker processes, as a
crawler's pipeline would; the single writer commits in batches.

Prints: ingest rate and how the copies were classified, time spent finding near duplicates,
peak memory (writer and workers), database size, a full de-duplication pass (index rebuilt from
the database, every report queried against it and checked by the guards), search latency per
query length, and a baseline in the same run (sqlite-utils ``insert_all`` of the same records
without provenance, de-duplication or search).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import dedup  # noqa: E402
from archive.store import Archive, Prepared, pack_body, prepare  # noqa: E402
from parsers.record import Fetch, Report  # noqa: E402

SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("0*.txt"))
AGENCIES = ["人民政府办公室", "发展和改革局", "教育局", "公安局", "民政局", "财政局", "人力资源和社会保障局",
            "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局", "卫生健康局", "市场监督管理局"]
YEARS = 15
ROWS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开", "部分公开", "不予公开",
        "本机关不掌握相关政府信息", "不予处理", "其他处理", "总计", "结转下年度继续办理")
PER_COUNTY = len(AGENCIES) * YEARS
_PARAGRAPHS: list[str] = []


def _paragraphs() -> list[str]:
    if not _PARAGRAPHS:
        for seed in SEEDS:
            _PARAGRAPHS.extend(line.strip() for line in seed.read_text(encoding="utf-8").split("\n")
                               if len(line.strip()) > 20)
    return _PARAGRAPHS


def report(i: int) -> Report:
    """The i-th synthetic report (deterministic, so workers make them independently)."""
    paragraphs = _paragraphs()
    county, agency_index = i // PER_COUNTY, i % len(AGENCIES)
    year = 2010 + (i % PER_COUNTY) // len(AGENCIES)
    name = f"测试{county:05d}县"
    agency = name + AGENCIES[agency_index]
    template = random.Random(county * 100 + year).sample(paragraphs, 14)  # the county's wording that year
    rng = random.Random(i)
    body = template + rng.sample(paragraphs, 6)
    rng.shuffle(body)
    table = [label + "\t" + "\t".join(str(rng.randint(0, 60)) for _ in range(7)) for label in ROWS]
    title = f"{agency}{year}年政府信息公开工作年度报告"
    text = "\n".join([title, *body, *table])
    return Report(title=title, text=text, year=year, agency=agency, region_code=f"{100000 + county:06d}",
                  county=name, url=f"http://www.c{county:05d}.gov.cn/xxgk/ndbg/{year}/{i}.html")


def mirror(original: Report, i: int) -> Report:
    rng = random.Random(-i)
    text = "".join("*" if ch.isdigit() and rng.random() < 0.3 else ch for ch in original.text)
    text = text.replace("政府信息", "(略)信息", 2)
    return Report(**{**original.to_dict(), "text": text, "region_code": None, "county": None,
                     "url": f"http://mirror.example.com/{i}.html", "flags": ["redacted", "digits_masked"]})


def copies(i: int) -> list[tuple[Report, bytes, tuple[str, bytes], Prepared]]:
    """The copies of report i as a crawler's pipeline hands them to the writer: the record, the raw
    page, packed, and the prepared values."""
    out = []
    first = report(i)
    for item in (first, mirror(first, i)) if i % 10 == 0 else (first,):
        page = "<html><body><div class='article'>" + "".join(f"<p>{p}</p>" for p in item.text.split("\n"))
        raw = (page + "</div></body></html>").encode()
        out.append((item, raw, pack_body(raw), prepare(item, item.url or "")))
    return out


def _percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * share))]


def ingest(archive: Archive, n: int, workers: int, batch: int) -> tuple[dict[str, int], float]:
    """Statuses of the stored copies, and the seconds the writer was busy (the rest of the wall
    time it waited for the workers)."""
    statuses: dict[str, int] = {}
    fetched = datetime.now(UTC)
    busy = 0.0
    with multiprocessing.Pool(workers) as pool:
        # one batch being written while the next is prepared: bounded memory (imap would queue
        # every prepared copy in this process when the workers are faster than the writer)
        windows = [range(start, min(start + batch, n)) for start in range(0, n, batch)]
        pending = pool.map_async(copies, windows[0], chunksize=32) if windows else None
        for index in range(len(windows)):
            chunk = pending.get()
            pending = pool.map_async(copies, windows[index + 1], chunksize=32) if index + 1 < len(windows) else None
            start = time.perf_counter()
            with archive.batch():
                for items in chunk:
                    for item, page, packed, prepared in items:
                        fetch = archive.store_fetch(Fetch("bench", item.url or "", 200, {}, page, fetched),
                                                    packed=packed)
                        status = archive.store_report(item, fetch, "bench", prepared).status
                        statuses[status] = statuses.get(status, 0) + 1
            busy += time.perf_counter() - start
    return statuses, busy


def full_dedup(path: str) -> tuple[float, int, int]:
    """Rebuild the LSH index from the database and check every report against it: seconds,
    reports checked, pairs the guards would merge (must be 0: the ingest merged them all)."""
    start = time.perf_counter()
    with Archive(path) as archive:
        index = archive._index()
        print(f"  LSH index of {len(index)} signatures built from the database in {time.perf_counter() - start:.1f} s")
        merged = checked = 0
        rows = archive.db.conn.execute(
            "SELECT report_id, signature, year, region_code, agency, numbers FROM report_minhash")
        keys = {}  # the guards' values, numbers kept as one string until compared
        for report_id, _blob, year, region, agency, numbers in rows:
            keys[report_id] = (year, region, agency, numbers or "")

        def key(report_id: int) -> dedup.Key:
            year, region, agency, numbers = keys[report_id]
            return dedup.Key(year, region, agency, numbers)

        import numpy

        for report_id, blob in archive.db.conn.execute("SELECT report_id, signature FROM report_minhash"):
            checked += 1
            mine = key(report_id)
            signature = numpy.frombuffer(blob, dtype=numpy.uint64).astype(numpy.uint32)
            for other, _ in index.query(signature, mine.year)[:50]:
                if other != report_id and dedup.compatible(mine, key(other)):
                    merged += 1
                    break
    return time.perf_counter() - start, checked, merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--db", default="/tmp/nianbao-bench.db")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--sync-search", action="store_true",
                        help="index each report for search in its own transaction (default: a bulk ingest's "
                             "deferred indexing, timed apart)")
    args = parser.parse_args()
    for suffix in ("", "-wal", "-shm", ".baseline"):
        Path(args.db + suffix).unlink(missing_ok=True)

    near_time = [0.0]
    original = Archive._near_duplicate

    def timed(self: Archive, prepared: Prepared) -> int | None:
        t = time.perf_counter()
        try:
            return original(self, prepared)
        finally:
            near_time[0] += time.perf_counter() - t

    Archive._near_duplicate = timed  # type: ignore[method-assign]
    start = time.perf_counter()
    with Archive(args.db, defer_search=not args.sync_search) as archive:
        statuses, busy = ingest(archive, args.reports, args.workers, args.batch)
        elapsed = time.perf_counter() - start
        start = time.perf_counter()
        indexed = archive.catch_up_search()
        catch_up = time.perf_counter() - start
    copies_n = sum(statuses.values())
    mirrors = len(range(0, args.reports, 10))
    print(f"ingest: {args.reports} reports + {mirrors} mirror copies in {elapsed:.0f} s: "
          f"{args.reports / elapsed:.0f} reports/s ({copies_n / elapsed:.0f} copies/s) end to end, "
          f"{args.workers} workers preparing, batches of {args.batch}")
    print(f"  the writer alone (busy {busy:.0f} s, sharing the CPUs with the workers): {args.reports / busy:.0f} "
          f"reports/s ({copies_n / busy:.0f} copies/s)")
    print(f"  statuses {statuses}; expected new={args.reports} near_duplicate={mirrors}")
    if not args.sync_search:
        print(f"  search indexing deferred to the end of the ingest: {indexed} reports indexed in {catch_up:.0f} s "
              f"({indexed / max(catch_up, 1e-9):.0f}/s); ingest and indexing together "
              f"{args.reports / (elapsed + catch_up):.0f} reports/s")
    print(f"  near-duplicate lookups during ingest: {near_time[0]:.1f} s "
          f"({1000 * near_time[0] / copies_n:.2f} ms a copy)")
    writer = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  peak RSS: writer {writer:.0f} MiB, largest worker {workers:.0f} MiB")
    size = sum(Path(args.db + s).stat().st_size for s in ("", "-wal") if Path(args.db + s).exists())
    print(f"database: {size / 2**30:.2f} GiB ({size / args.reports / 1024:.1f} KiB a report)")

    seconds, checked, merged = full_dedup(args.db)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"full de-duplication pass: {checked} reports in {seconds:.0f} s; {merged} further merges found; "
          f"peak RSS now {peak:.0f} MiB")

    queries = {1: ["件", "县", "复", "罚", "鑫"], 2: ["申请", "复议", "诉讼", "收费", "鹦鹉"],
               3: ["依申请", "信息公", "行政诉", "不掌握", "鹦鹉螺"],
               6: ["依申请公开事", "政府信息公开", "本机关不掌握", "行政复议诉讼", "鹦鹉螺的壳子"]}
    with Archive(args.db) as archive:
        for length, words in queries.items():
            times = []
            for _ in range(5):
                for word in words:
                    t = time.perf_counter()
                    archive.search(word, limit=20)
                    times.append(1000 * (time.perf_counter() - t))
            print(f"search, {length} character(s) {words}: p50 {_percentile(times, 0.5):.1f} ms, "
                  f"p95 {_percentile(times, 0.95):.1f} ms")

    import sqlite_utils

    sample = min(args.reports, 20_000)
    start = time.perf_counter()
    rows = (r.to_dict() for i in range(sample) for r in ((report(i), mirror(report(i), i)) if i % 10 == 0
                                                          else (report(i),)))
    sqlite_utils.Database(args.db + ".baseline")["reports"].insert_all(rows, batch_size=500)
    base = time.perf_counter() - start
    Path(args.db + ".baseline").unlink()
    print(f"baseline: sqlite-utils insert_all of {sample} reports (made in this process; no "
          f"provenance, no de-duplication, no search index): {sample / base:.0f} reports/s")


if __name__ == "__main__":
    main()
