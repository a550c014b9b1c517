"""Distributed-crawl benchmark: the generated farm of bench/crawl.py crawled by 1 and by 2 ``nianbao
worker`` processes with one ``nianbao ingest``, through a redis-server of our own, all on this
machine; then what that says about a national crawl on 1, 4 and 16 machines.

Run by hand:  .venv/bin/python bench/scale.py [--portals 300] [--latency 0.05] [--workers 1 2]

Measured per run: pages/s (dispatch to the run closed in the archive), CPU seconds per page in the
workers (crawler, cleaning processes) and in the ingest (the archive's single writer), Redis
commands and socket reads (≈ round trips) per page, Redis peak memory, and whether what was
stored is what each expect.yaml says. Politeness is the default (≤ 1 request/s per host), so each
worker gets one big shard: a worker needs many hosts at once to keep its cores busy.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NATIONAL = {"portals": 3000, "reports": 2_000_000, "pages": 2_700_000}
CORES = 2  # per machine, as this one
POLITE = 1.0  # requests/s per host (DOWNLOAD_DELAY 1 s; AutoThrottle only slows it)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--db", default="/tmp/nianbao-bench-scale.db")
    args = parser.parse_args()

    from crawler.farm import Farm

    folder = Path(tempfile.mkdtemp(prefix="nianbao-farm-"))
    results = []
    try:
        subprocess.run([sys.executable, "-m", "crawler.farm_gen", "bench", str(folder), "--portals",
                        str(args.portals)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        expected = {p.parent.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in folder.glob("*/expect.yaml")}
        with Farm([folder], latency=args.latency) as farm:
            for workers in args.workers:
                port = _free_port()  # a fresh redis-server per run: its peak memory is the run's
                server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                           "--appendonly", "no"], stdout=subprocess.DEVNULL)
                try:
                    time.sleep(0.5)
                    results.append(_run(f"redis://127.0.0.1:{port}/0", farm, expected, args, workers))
                finally:
                    server.terminate()
                    server.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _print(results, args)


def _run(url: str, farm, expected: dict, args: argparse.Namespace, workers: int) -> dict:
    import redis

    client = redis.Redis.from_url(url)
    for suffix in ("", "-wal", "-shm"):
        Path(args.db + suffix).unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    verbs = [sys.executable, "-m", "crawler.cli"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    sent = subprocess.run([*verbs, "dispatch", "--redis", url, "--registry", str(farm.registry), "--db", args.db,
                           "--shard-size", str(math.ceil(args.portals / workers))], capture_output=True, text=True,
                          env=env, check=True)
    run_id = sent.stdout.split()[1].rstrip(":")
    ingest = subprocess.Popen([*verbs, "ingest", "--redis", url, "--db", args.db, "--run", run_id,
                               "--exit-when-done"], **quiet)
    crawlers = [subprocess.Popen([*verbs, "worker", "--redis", url, "--burst", "--name", f"w{i}"], **quiet)
                for i in range(workers)]
    for crawler in crawlers:
        crawler.wait()
    crawled = time.perf_counter() - start
    mid = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, their horses and cleaning processes
    ingest.wait()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stats = client.info("commandstats")
    calls = {name.removeprefix("cmdstat_"): row["calls"] for name, row in stats.items()}
    info = client.info()
    db = sqlite3.connect(args.db)
    pages = db.execute("SELECT count(*) FROM fetches").fetchone()[0]
    missing = twice = 0
    for portal_id, expect in expected.items():
        for item in expect.get("reports") or []:
            found = db.execute("SELECT count(DISTINCT report_id) FROM report_sources WHERE url = ?",
                               (farm.url(portal_id, item["path"], item.get("host", "")),)).fetchone()[0]
            missing += found == 0
            twice += found > 1
    reports = db.execute("SELECT count(*) FROM reports").fetchone()[0]
    db.close()
    return {"workers": workers, "pages": pages, "elapsed": elapsed, "crawled": crawled, "reports": reports,
            "expected": sum(len(e.get("reports") or []) for e in expected.values()), "missing": missing,
            "twice": twice, "cpu_workers": _cpu(mid) - _cpu(before), "cpu_ingest": _cpu(after) - _cpu(mid),
            "calls": calls, "reads": info.get("total_reads_processed", 0),
            "peak": info.get("used_memory_peak_human"), "dispatch": sent.stdout.strip()}


def _print(results: list[dict], args: argparse.Namespace) -> None:
    print(f"farm: {args.portals} generated portals, one loopback host each, {args.latency * 1000:.0f} ms latency; "
          f"default politeness (1 request/s per host); {os.cpu_count()} cores here, shared by farm, Redis, "
          f"workers and ingest")
    print(f"{'workers':>7} {'pages':>6} {'s':>6} {'pages/s':>7} {'worker ms/p':>11} {'ingest ms/p':>11} "
          f"{'cores busy':>10} {'redis cmd/p':>11} {'reads/p':>7} {'redis peak':>10}  stored")
    for r in results:
        p = max(r["pages"], 1)
        busy = (r["cpu_workers"] + r["cpu_ingest"]) / r["elapsed"]
        print(f"{r['workers']:>7} {r['pages']:>6} {r['elapsed']:>6.1f} {r['pages'] / r['elapsed']:>7.1f} "
              f"{r['cpu_workers'] / p * 1000:>11.1f} {r['cpu_ingest'] / p * 1000:>11.1f} {busy:>10.2f} "
              f"{sum(r['calls'].values()) / p:>11.2f} {r['reads'] / p:>7.2f} {r['peak']:>10}  "
              f"{r['reports']} reports; of {r['expected']} expected {r['missing']} missing, {r['twice']} twice")
    last = results[-1]
    top = sorted(last["calls"].items(), key=lambda kv: -kv[1])[:8]
    print("redis commands (last run): " + ", ".join(f"{k} {v}" for k, v in top))
    _estimate(results)


def _estimate(results: list[dict]) -> None:
    """A national crawl from the measured per-page CPU: crawl machines scale out, the ingest does not."""
    pages = sum(r["pages"] for r in results)
    worker = sum(r["cpu_workers"] for r in results) / pages  # CPU s per page on crawl machines
    ingest = sum(r["cpu_ingest"] for r in results) / pages  # CPU s per page in the single writer
    n = NATIONAL
    writer = 1 / ingest  # one process, one core
    polite = n["portals"] * POLITE  # every host at once, each at its limit
    per_portal = n["pages"] / n["portals"] / POLITE / 3600
    print(f"\nnational crawl estimate: {n['portals']:,} portals, {n['reports']:,} reports, ~{n['pages']:,} pages; "
          f"machines of {CORES} cores; measured {worker * 1000:.1f} ms CPU/page on crawl machines, "
          f"{ingest * 1000:.1f} ms/page in the ingest (single writer: ≤ {writer:.0f} pages/s)")
    print(f"{'machines':>8} {'crawl pages/s':>13} {'ingest pages/s':>14} {'polite cap':>10} {'limit':>8} {'hours':>6}")
    for machines in (1, 4, 16):
        crawl = machines * CORES / worker
        rate = min(crawl, writer, polite)
        limit = "crawl CPU" if rate == crawl else "ingest" if rate == writer else "politeness"
        hours = n["pages"] / rate / 3600
        print(f"{machines:>8} {crawl:>13.0f} {writer:>14.0f} {polite:>10.0f} {limit:>8} {hours:>6.1f}")
    print(f"politeness bounds each portal's own time: ~{n['pages'] // n['portals']} pages a portal at ≤ {POLITE:g} "
          f"request/s is ≥ {per_portal:.2f} h, and the largest portals (10x) ≥ {per_portal * 10:.1f} h, whatever the "
          "number of machines; the archive machine (ingest + Redis) is the one that does not scale out")


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
