"""A crawl shared by machines, for real on loopback: a redis-server of our own, the portal farm (the
demo portals and tests/farm), ``nianbao dispatch``, two ``nianbao worker`` processes and one
``nianbao ingest``, each the real command in a subprocess. Checked against each portal's
expect.yaml: every report stored exactly once, none missing; then the same with one worker killed
(SIGKILL, its whole process group) mid-crawl: the survivor takes its job over; and an unreachable
Redis is a one-line error.

Skipped without ``redis-server`` unless ``NIANBAO_REQUIRE_REDIS=1`` (CI), where that fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from crawler.discover import canonical
from crawler.farm import Farm

ROOT = Path(__file__).resolve().parent.parent
ROOTS = [p for p in (ROOT / "crawler" / "demo", ROOT / "tests" / "farm") if p.is_dir()]
EXPECT = {p.parent.name: yaml.safe_load(p.read_text(encoding="utf-8"))
          for root in ROOTS for p in sorted(root.glob("*/expect.yaml"))}
REDIS_SERVER = shutil.which("redis-server")
WORKER_TIMINGS = ["--maintenance-interval", "2", "--job-monitoring-interval", "2"]  # a dead job back in ~65 s

if REDIS_SERVER is None and os.environ.get("NIANBAO_REQUIRE_REDIS") == "1":
    raise RuntimeError("redis-server is missing and NIANBAO_REQUIRE_REDIS=1: apt-get install redis-server")
needs_redis = pytest.mark.skipif(REDIS_SERVER is None,
                                 reason="redis-server is not installed (Debian: apt-get install redis-server)")


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _nianbao(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(*args), capture_output=True, text=True, env=_env(), timeout=timeout, check=False)


def _start(log: Path, *args: str) -> subprocess.Popen:
    """A long-running verb in its own process group (a worker's work horse and cleaning processes
    are in it too: killing the group is a machine going away)."""
    handle = open(log, "wb")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(_command(*args), stdout=handle, stderr=subprocess.STDOUT, env=_env(),
                            start_new_session=True)


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still in a job: its work horse too (its own group)
            _kill_machine(process)
            process.wait()


def _kill_machine(process: subprocess.Popen) -> None:
    """SIGKILL a worker and everything under it, as when its machine goes away: RQ puts its work
    horse in a process group of its own (``os.setpgrp``), so the worker's group alone would leave
    the horse crawling on."""
    family, parents = {process.pid}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    todo = [process.pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in family:
                family.add(child)
                todo.append(child)
    for pid in family:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(os.getpgid(pid), signal.SIGKILL)
    process.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    import redis

    port = _free_port()
    server = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    with Farm(ROOTS) as running:
        yield running


def _crawl(redis_url: str, farm: Farm, folder: Path, kill: bool) -> tuple[sqlite3.Connection, dict]:
    """dispatch, two workers (one killed mid-crawl when ``kill``), one ingest until the run is closed.
    Killing needs longer jobs (a shard of 3 portals is crawled in about 4 s), so that the kill lands
    in the middle of the crawl and not after the shard said done."""
    import redis
    from rq import Worker
    from rq.job import Job, JobStatus

    redis.Redis.from_url(redis_url).flushall()
    db = folder / "archive.db"
    sent = _nianbao("dispatch", "--redis", redis_url, "--registry", str(farm.registry), "--db", str(db),
                    "--shard-size", "8" if kill else "3", "--local")
    assert sent.returncode == 0, sent.stderr[-2000:]
    run_id = int(sent.stdout.split()[1].rstrip(":"))
    workers = {name: _start(folder / f"{name}.log", "worker", "--redis", redis_url, "--name", name, *WORKER_TIMINGS)
               for name in ("w1", "w2")}
    ingest = _start(folder / "ingest.log", "ingest", "--redis", redis_url, "--db", str(db), "--run", str(run_id),
                    "--exit-when-done")
    killed = None
    try:
        if kill:  # while w2 is 3 s into crawling a shard (its first pages sent by then)
            client = redis.Redis.from_url(redis_url)
            deadline = time.monotonic() + 90
            while killed is None and time.monotonic() < deadline:
                w2 = Worker.find_by_key("rq:worker:w2", connection=client)
                job_id = w2.get_current_job_id() if w2 is not None else None
                job = Job.fetch(job_id, connection=client) if job_id else None
                if (job is not None and job.get_status() == JobStatus.STARTED and job.started_at is not None
                        and (datetime.now(UTC) - job.started_at.replace(tzinfo=UTC)).total_seconds() > 3
                        and not client.hexists(f"nianbao:run:{run_id}:done", job_id.rsplit("-", 1)[1])):
                    _kill_machine(workers["w2"])
                    # "" when the job ended in the milliseconds before the kill (then the test fails)
                    killed = job_id if job.get_status() == JobStatus.STARTED else ""
                time.sleep(0.1)
            assert killed is not None, "w2 was never 3 s into a job"
        ingest.wait(timeout=240)
    finally:
        for process in (*workers.values(), ingest):
            _stop(process)
    assert ingest.returncode == 0, (folder / "ingest.log").read_text()[-3000:]
    conn = sqlite3.connect(db)
    status, stats = conn.execute("SELECT status, stats FROM crawl_runs WHERE id = ?", (run_id,)).fetchone()
    summary = {"status": status, "stats": json.loads(stats), "killed": killed, "run_id": run_id}
    return conn, summary


def _count(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        try:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def _report_of(conn: sqlite3.Connection, url: str) -> list[int]:
    return [r[0] for r in conn.execute("SELECT DISTINCT report_id FROM report_sources WHERE url IN (?, ?)",
                                       (url, canonical(url)))]


def _check_every_report_once(conn: sqlite3.Connection, farm: Farm) -> None:
    """Each portal's expect.yaml: every report stored exactly once, none missing, mirrors merged."""
    problems = []
    for portal, expect in EXPECT.items():
        if expect.get("blocked"):
            n = conn.execute("SELECT count(*) FROM report_sources WHERE portal_id = ?", (portal,)).fetchone()[0]
            if n:
                problems.append(f"{portal}: blocked, yet {n} reports stored")
            continue
        ids = set()
        for item in expect.get("reports") or []:
            url = farm.url(portal, item["path"], item.get("host", ""))
            found = _report_of(conn, url)
            if len(found) != 1:
                problems.append(f"{url}: stored as {len(found)} reports ({item.get('title_contains')})")
                continue
            title = conn.execute("SELECT title FROM reports WHERE id = ?", (found[0],)).fetchone()[0] or ""
            if item.get("title_contains") and item["title_contains"] not in title:
                problems.append(f"{url}: title {title!r}")
            ids.add(found[0])
        if len(ids) != len([i for i in expect.get("reports") or [] if len(_report_of(
                conn, farm.url(portal, i["path"], i.get("host", "")))) == 1]):
            problems.append(f"{portal}: two expected reports merged into one")
        for item in expect.get("mirror_of") or []:
            copy = farm.url(portal, item["path"], item.get("host", ""))
            original = farm.url(item["of"]["portal"], item["of"]["path"])
            if _report_of(conn, copy) != _report_of(conn, original) or not _report_of(conn, original):
                problems.append(f"{copy}: not merged with {original}")
        for item in expect.get("not_reports") or []:
            url = farm.url(portal, item["path"], item.get("host", ""))
            if _report_of(conn, url):
                problems.append(f"{url}: not a report, stored as one")
    assert not problems, "\n".join(problems[:30])


@pytest.fixture(scope="module")
def two_workers(redis_url: str, farm: Farm, tmp_path_factory: pytest.TempPathFactory):
    conn, summary = _crawl(redis_url, farm, tmp_path_factory.mktemp("two"), kill=False)
    yield conn, summary
    conn.close()


@needs_redis
def test_two_workers_store_every_report_exactly_once(two_workers, farm: Farm) -> None:
    conn, _ = two_workers
    _check_every_report_once(conn, farm)


@needs_redis
def test_the_run_is_closed_with_each_portal_and_both_workers_did_jobs(two_workers) -> None:
    conn, summary = two_workers
    assert summary["status"] == "finished"
    stats = summary["stats"]
    assert set(stats["workers"]) == {"w1", "w2"}, stats["shards"]
    assert set(stats["portals"]) == set(EXPECT)
    rows = dict(conn.execute("SELECT portal_id, status FROM portal_runs WHERE run_id = ?", (summary["run_id"],)))
    assert set(rows) == set(EXPECT)
    for portal, expect in EXPECT.items():
        assert (rows[portal] == "blocked") == bool(expect.get("blocked")), (portal, rows[portal])
    assert stats["totals"]["new"] == conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    pages = conn.execute("SELECT count(*) FROM fetches WHERE run_id = ?", (summary["run_id"],)).fetchone()[0]
    assert stats["totals"]["pages"] == pages


@needs_redis
def test_a_killed_worker_s_shard_is_finished_by_the_other(redis_url: str, farm: Farm,
                                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    conn, summary = _crawl(redis_url, farm, tmp_path_factory.mktemp("kill"), kill=True)
    try:
        _check_every_report_once(conn, farm)
        assert summary["status"] == "finished"
        assert summary["killed"], "the job ended in the milliseconds before the kill: no shard was taken over"
        shard = summary["killed"].rsplit("-", 1)[1]  # job id nianbao-<run>-<shard>
        assert summary["stats"]["shards"][shard] == "w1", "the killed worker's shard was not taken over"
        assert set(summary["stats"]["portals"]) == set(EXPECT)
    finally:
        conn.close()


@needs_redis
def test_an_unreachable_redis_is_a_one_line_error(tmp_path: Path) -> None:
    url = f"redis://127.0.0.1:{_free_port()}/0"
    db = tmp_path / "archive.db"
    for args in (["dispatch", "--db", str(db)], ["worker", "--burst"], ["ingest", "--db", str(db)]):
        done = _nianbao(*args, "--redis", url, timeout=60)
        assert done.returncode != 0, args
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: cannot reach Redis") and url in lines[0], done.stderr
    assert not db.exists(), "dispatch wrote an archive although Redis was not there"


def test_portals_sharing_a_host_are_one_shard() -> None:
    from crawler.distributed import shard
    from crawler.registry import Portal

    portals = [Portal("a", "A", "http://a.gov.cn/"), Portal("b", "B", "http://b.gov.cn/"),
               Portal("c", "C", "http://c.gov.cn/", section_urls=("http://a.gov.cn/c/nb/",)),
               Portal("d", "D", "http://d.gov.cn/"), Portal("e", "E", "http://e.gov.cn/")]
    shards = [[p.id for p in group] for group in shard(portals, 2)]
    assert sorted(i for group in shards for i in group) == ["a", "b", "c", "d", "e"]
    assert any({"a", "c"} <= set(group) for group in shards)  # a.gov.cn is crawled by one worker
    assert all(len(group) <= 2 or set(group) >= {"a", "c"} for group in shards)


def test_a_page_message_carries_the_report_and_what_dedup_needs() -> None:
    from datetime import UTC, datetime

    import numpy

    from archive.store import prepare
    from crawler.messages import PageMessage, pack_page, unpack
    from parsers.record import Fetch, Report

    report = Report(title="某县2023年政府信息公开工作年度报告", text="一、总体情况 收到申请 12 件。", year=2023,
                    stats=[{"section": "applications", "row": "received", "column": "total", "value": 12}])
    fetch = Fetch("p1", "http://a.gov.cn/nb/1.html", 200, {"Content-Type": "text/html; charset=gbk"},
                  "年报".encode("gbk"), datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "http://a.gov.cn/nb/1.html")
    prepared = prepare(report, fetch.url)
    sent = PageMessage(7, 3, fetch, "detail", report, prepared, ("http://a.gov.cn/r",), context={"title": "t"})
    got = unpack(pack_page(sent))
    assert isinstance(got, PageMessage)
    assert got.fetch == fetch and got.report == report and got.redirects == sent.redirects
    assert (got.run_id, got.shard, got.role, got.context) == (7, 3, "detail", {"title": "t"})
    assert got.prepared.text_hash == prepared.text_hash and got.prepared.terms == prepared.terms
    assert numpy.array_equal(got.prepared.signature, prepared.signature) and got.prepared.key == prepared.key
