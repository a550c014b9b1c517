"""Incremental and resumed crawls, over real HTTP on loopback (the real ``nianbao crawl`` in a
subprocess against the portal farm, whose pages carry ETag and Last-Modified and answer 304):

- a second, incremental crawl of an unchanged farm moves under a tenth of the first crawl's bytes
  and stores nothing new; with ``--recheck-days 0`` every known page is re-checked by a
  conditional request (answered 304), still under a tenth;
- reports added to a portal between two crawls are all found, and no known report page is asked
  for again;
- a crawl killed with SIGKILL (or stopped with Ctrl-C) is continued by ``--resume``: the reports
  are those of an uninterrupted crawl, each once, and no report page stored before the kill is
  fetched again.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.farm import Farm

ROOT = Path(__file__).resolve().parent.parent
ROOTS = [ROOT / "crawler" / "demo", ROOT / "tests" / "farm"]
LATENCY = 0.02  # enough for a crawl to be caught in the middle


def _nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True, text=True, env=env,
                          timeout=600, check=False)


def _crawl(farm: Farm, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = _nianbao("crawl", "--registry", str(farm.registry), "--db", str(db), "--local", *args)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _count(db: Path, sql: str, *params: object) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchone()[0]


def _last_run(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        return json.loads(conn.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0])


def _requests(farm: Farm) -> Counter[str]:
    """Every request the farm answered so far, as ``netloc + target``."""
    counts: Counter[str] = Counter()
    for portal in farm.portals:
        for host in ["", *portal["hosts"]]:
            netloc = urlsplit(farm.url(portal["id"], "/", host)).netloc
            for target, n in farm.log(portal["id"], host).items():
                counts[netloc + target] += n
    return counts


def _key(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _reports(db: Path) -> tuple[int, set[str], set[str]]:
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT count(*) FROM reports").fetchone()[0],
                {r[0] for r in conn.execute("SELECT text_hash FROM reports")},
                {r[0] for r in conn.execute("SELECT url FROM report_sources")})


@pytest.fixture(scope="module")
def farm() -> Iterator[Farm]:
    with Farm(ROOTS, latency=LATENCY) as running:
        yield running


@pytest.fixture(scope="module")
def first(farm: Farm, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A full crawl of the farm: its archive and the bytes the farm sent for it."""
    db = tmp_path_factory.mktemp("incremental") / "first.db"
    before = farm.bytes_sent()
    _crawl(farm, db)
    return db, farm.bytes_sent() - before


def test_an_incremental_crawl_of_an_unchanged_farm_moves_under_a_tenth_of_the_bytes(farm: Farm, first) -> None:
    db, full = first
    tables = ("reports", "report_sources", "report_versions", "report_stats")
    counts = {t: _count(db, f"SELECT count(*) FROM {t}") for t in tables}
    requests = _requests(farm)
    before = farm.bytes_sent()
    done = _crawl(farm, db, "--incremental")
    moved = farm.bytes_sent() - before
    assert moved < 0.10 * full, f"{moved} bytes against {full} for the full crawl"
    assert {t: _count(db, f"SELECT count(*) FROM {t}") for t in tables} == counts
    totals = _last_run(db)["totals"]
    assert totals["new"] == 0 and totals["not_modified"] > 0 and totals["skipped"] > 0
    assert "unchanged since the last crawl (304)" in done.stdout
    # no report page or attachment stored by the first crawl was asked for again
    asked = _requests(farm) - requests
    with sqlite3.connect(db) as conn:
        stored = [url for (url,) in conn.execute("SELECT url FROM url_state WHERE role IN ('detail', 'attachment') "
                                                 "AND ok = 1")]
    assert stored and not [url for url in stored if asked[_key(url)]]
    with sqlite3.connect(db) as conn:
        status, options = conn.execute("SELECT status, options FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    assert status == "finished" and json.loads(options)["incremental"] is True


def test_recheck_days_0_re_checks_every_known_page_with_a_conditional_request(farm: Farm, first) -> None:
    db, full = first
    reports = _count(db, "SELECT count(*) FROM reports")
    pages = _count(db, "SELECT count(*) FROM url_state WHERE ok = 1 AND etag IS NOT NULL")
    checked = _count(db, "SELECT sum(not_modified) FROM url_state")
    before = farm.bytes_sent()
    _crawl(farm, db, "--incremental", "--recheck-days", "0")
    moved = farm.bytes_sent() - before
    assert moved < 0.10 * full, f"{moved} bytes against {full} for the full crawl"
    totals = _last_run(db)["totals"]
    assert totals["skipped"] == 0 and totals["new"] == 0
    # every page with validators was answered 304 (robots.txt and pages without validators aside)
    assert _count(db, "SELECT sum(not_modified) FROM url_state") - checked == totals["not_modified"] >= pages * 0.95
    assert _count(db, "SELECT count(*) FROM reports") == reports


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_NEW = ("        - {year: 2025, title: 灵山县2025年政府信息公开工作年度报告, agency: 灵山县人民政府}\n",
        "        - {year: 2024, agency: 灵山县灵城街道办事处}\n")


def _crawled_lingshan(tmp_path: Path) -> tuple[Path, Path, int]:
    """A copy of the demo's 灵山 portal crawled once: its folder (to edit), the archive, the port
    (a farm restarted on it serves the same URLs)."""
    root = tmp_path / "portals"
    shutil.copytree(ROOT / "crawler" / "demo" / "lingshan", root / "lingshan")
    db, port = tmp_path / "a.db", _free_port()
    with Farm([root], port=port) as farm:
        _crawl(farm, db)
    return root, db, port


def test_reports_added_between_crawls_are_all_found(tmp_path: Path) -> None:
    root, db, port = _crawled_lingshan(tmp_path)
    known = _reports(db)
    # the portal publishes two reports: one on top of the paged county list, one in a township's list
    meta = root / "lingshan" / "portal.yaml"
    text = meta.read_text(encoding="utf-8")
    county = "      items:\n        - {year: 2024, title: 灵山县2024年"
    township = "      items:\n        - {year: 2023, agency: 灵山县灵城街道办事处}"
    assert county in text and township in text
    text = text.replace(county, "      items:\n" + _NEW[0] + county.split("\n", 1)[1])
    text = text.replace(township, "      items:\n" + _NEW[1] + township.split("\n", 1)[1])
    meta.write_text(text, encoding="utf-8")
    with Farm([root], port=port) as farm:  # the same addresses: the same URLs
        _crawl(farm, db, "--incremental")
        asked = _requests(farm)
    count, hashes, urls = _reports(db)
    assert count == known[0] + 2 and hashes > known[1] and urls > known[2]
    with sqlite3.connect(db) as conn:
        titles = {t for (t,) in conn.execute("SELECT title FROM reports WHERE year IN (2024, 2025)")}
        old = [url for (url,) in conn.execute("SELECT url FROM report_sources") if url in known[2]]
    assert "灵山县2025年政府信息公开工作年度报告" in titles
    assert any("灵城街道" in (t or "") and "2024" in (t or "") for t in titles), titles
    assert old and not [url for url in old if asked[_key(url)]], "a known report page was fetched again"
    assert _last_run(db)["totals"]["new"] == 2


def _interrupt(farm: Farm, db: Path, how: signal.Signals, after: int) -> None:
    """Start a crawl and stop it with ``how`` once ``after`` report pages are stored."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", "--registry", str(farm.registry),
                                "--db", str(db), "--local"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            time.sleep(0.1)
            assert process.poll() is None, "the crawl ended before it could be interrupted"
            try:
                done = _count(db, "SELECT count(*) FROM url_state WHERE role = 'detail'")
            except sqlite3.OperationalError:
                continue  # not created yet
            if done >= after:
                break
        else:
            pytest.fail("the crawl stored nothing in time")
        if how == signal.SIGKILL:  # the crawler and its cleaning processes, as a power cut or the OOM killer would
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.send_signal(how)  # Ctrl-C: Scrapy finishes the requests in flight and closes
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "Ctrl-C"])
def test_an_interrupted_crawl_resumes_without_fetching_again_what_it_stored(
        farm: Farm, first, tmp_path: Path, how: signal.Signals) -> None:
    reference = _reports(first[0])
    db = tmp_path / "interrupted.db"
    _interrupt(farm, db, how, after=120)
    with sqlite3.connect(db) as conn:
        status = conn.execute("SELECT status FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0]
        stored = [url for (url,) in conn.execute("SELECT url FROM url_state WHERE role IN ('detail', 'attachment') "
                                                 "AND ok = 1")]
        partial = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert status == ("running" if how == signal.SIGKILL else "interrupted")
    assert 0 < partial < reference[0]
    requests = _requests(farm)
    done = _crawl(farm, db, "--resume")
    asked = _requests(farm) - requests
    assert not [url for url in stored if asked[_key(url)]], "a report page stored before the stop was fetched again"
    assert "checked recently and not asked again" in done.stdout
    count, hashes, urls = _reports(db)
    assert (count, hashes, urls) == reference  # the same reports as an uninterrupted crawl, each once
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT id, status FROM crawl_runs ORDER BY id").fetchall()
    assert runs == [(1, "resumed by 2"), (2, "finished")]
    again = _nianbao("crawl", "--registry", str(farm.registry), "--db", str(db), "--local", "--resume")
    assert again.returncode != 0 and "nothing to resume" in again.stderr and "Traceback" not in again.stderr


def test_a_changed_report_page_becomes_a_new_version_when_it_is_re_checked(tmp_path: Path) -> None:
    root, db, port = _crawled_lingshan(tmp_path)
    meta = root / "lingshan" / "portal.yaml"
    text = meta.read_text(encoding="utf-8")
    old = "{year: 2022, title: 灵山县2022年政府信息公开工作年度报告, agency: 灵山县人民政府}"
    assert old in text
    meta.write_text(text.replace(old, old.replace("agency: 灵山县人民政府", "agency: 灵山县人民政府办公室")),
                    encoding="utf-8")
    with Farm([root], port=port) as farm:
        _crawl(farm, db, "--incremental")  # within the re-check interval: the known page is not asked
        assert _last_run(db)["totals"]["updated"] == 0
        _crawl(farm, db, "--incremental", "--recheck-days", "0")
    totals = _last_run(db)["totals"]
    assert totals["updated"] == 1 and totals["new"] == 0 and totals["not_modified"] > 0
    with sqlite3.connect(db) as conn:
        version, agency = conn.execute("SELECT version, agency FROM reports WHERE year = 2022 AND title LIKE "
                                       "'灵山县2022年%'").fetchone()
        versions = conn.execute("SELECT count(*) FROM report_versions v JOIN reports r ON r.id = v.report_id "
                                "WHERE r.year = 2022 AND r.title LIKE '灵山县2022年%'").fetchone()[0]
    assert (version, versions, agency) == (2, 2, "灵山县人民政府办公室")


# --- the pieces, without the network -------------------------------------------------------------

def _memory(**kwargs: object):
    from crawler.incremental import Known, Memory

    known = {
        "http://a/new-ok": Known("a", "detail", True, '"e1"', "Mon, 01 Jan 2024 00:00:00 GMT", "s1",
                                 "2026-11-20T00:00:00+00:00"),
        "http://a/old": Known("a", "detail", True, '"e2"', None, "s2", "2026-01-01T00:00:00+00:00"),
        "http://a/failed": Known("a", "detail", False, None, None, None, "2026-11-20T00:00:00+00:00"),
        "http://a/list": Known("a", "section", True, None, "Mon, 01 Jan 2024 00:00:00 GMT", "s3",
                               "2026-11-20T00:00:00+00:00"),
        "http://a/cover": Known("a", "detail", True, '"e4"', None, "s4", "2026-11-20T00:00:00+00:00", True),
        "http://b/other": Known("b", "detail", True, '"e5"', None, "s5", "2026-11-20T00:00:00+00:00"),
    }
    return Memory(known, **kwargs)


def test_memory_plans_each_known_url() -> None:
    from crawler.incremental import REPLAY, SKIP

    memory = _memory(conditional=True, skip_since="2026-11-01T00:00:00+00:00")
    assert memory.plan("http://a/unknown", "detail") == {}
    assert memory.plan("http://a/new-ok", "detail") is SKIP  # checked within the interval
    assert memory.plan("http://a/old", "detail") == {"If-None-Match": '"e2"'}
    assert memory.plan("http://a/failed", "detail") == {}  # failed last time: asked in full
    assert memory.plan("http://a/list", "section") == {}  # a list page's 304 is trusted to an ETag only
    assert memory.plan("http://a/old", "section") == {"If-None-Match": '"e2"'}
    assert memory.walks("http://a/list", "section") and memory.walks("http://a/cover", "detail")
    assert not memory.walks("http://a/old", "detail")
    assert memory.plan("http://a/cover", "detail") == REPLAY  # its attachments are still walked
    plain = _memory(conditional=False, skip_since="2026-11-01T00:00:00+00:00")  # --resume alone
    assert plain.plan("http://a/old", "detail") == {} and plain.plan("http://a/new-ok", "detail") is SKIP


def test_a_job_payload_carries_one_shards_urls_and_the_pages_it_may_replay() -> None:
    import zlib

    from crawler.incremental import Memory

    memory = _memory(conditional=True, skip_since="2026-11-01T00:00:00+00:00")
    bodies = {"s3": ("zlib", zlib.compress(b"<html>list</html>")), "s4": ("zlib", zlib.compress(b"<html>c</html>"))}
    memory.known["http://a/list"] = memory.known["http://a/list"].__class__(
        "a", "section", True, '"e3"', None, "s3", "2026-11-20T00:00:00+00:00")
    memory.packed = bodies.get
    payload = memory.to_payload(["a"])
    import msgpack

    assert msgpack.unpackb(msgpack.packb(payload)) == payload  # plain data (bodies as bytes)
    again = Memory.from_payload(payload)
    assert set(again.known) == set(memory.known) - {"http://b/other"}
    assert again.known["http://a/cover"] == memory.known["http://a/cover"]
    assert again.stored("http://a/list") == b"<html>list</html>" and again.stored("http://a/cover") == b"<html>c</html>"
    assert again.stored("http://a/old") is None  # a report page's body is not sent to workers
    assert again.plan("http://a/old", "detail") == memory.plan("http://a/old", "detail")


def test_the_farm_answers_conditional_requests_as_rfc_9110_says() -> None:
    from crawler.farm import conditional
    from crawler.farm_routes import Reply

    page = Reply(200, {"Content-Type": "text/html"}, b"<html>x</html>")
    full = conditional(page, 1_700_000_000, None, None)
    etag, modified = full.headers["ETag"], full.headers["Last-Modified"]
    assert full.status == 200 and full.body == page.body
    assert conditional(page, 1_700_000_000, etag, None).status == 304
    assert conditional(page, 1_700_000_000, f'"other", W/{etag}', None).status == 304
    assert conditional(page, 1_700_000_000, None, modified).status == 304
    assert conditional(page, 1_700_000_001, None, modified).status == 200  # changed since
    assert conditional(page, 1_700_000_000, '"other"', modified).status == 200  # If-None-Match decides
    assert conditional(page, 1_700_000_000, None, "not a date").status == 200
    assert conditional(page, 1_700_000_000, etag, None).body == b""


def test_a_list_page_whose_items_are_all_known_still_leads_to_the_next_page() -> None:
    """A pager that links only the next page: page 2's reports are known and skipped by an
    incremental crawl, and page 3 (where a new report may be) must still be walked."""
    from scrapy.http import HtmlResponse, Request

    from crawler.incremental import Known, Memory
    from crawler.registry import Portal
    from crawler.spiders.portals import PortalSpider

    base = "http://www.example.gov.cn/xxgk/ndbg/"
    items = [f"{base}t2024{n}.html" for n in range(3)]
    known = {url: Known("x", "detail", True, '"e"', None, "s", "2099-01-01T00:00:00+00:00") for url in items}
    spider = PortalSpider([Portal("x", "某县人民政府", "http://www.example.gov.cn/", "640324", ())],
                          memory=Memory(known, conditional=True, skip_since="2026-01-01T00:00:00+00:00"))
    links = "".join(f'<li><a href="{u}">某县{2021 - n}年政府信息公开工作年度报告</a><span>2022-01-2{n}</span></li>'
                    for n, u in enumerate(items))
    body = (f"<html><head><title>政府信息公开年报</title></head><body><ul>{links}</ul>"
            f'<div class="page"><a href="{base}index_1.html">上一页</a> <a href="{base}index_3.html">下一页</a>'
            "</div></body></html>").encode()
    request = Request(f"{base}index_2.html", meta={"portal": "x", "role": "section", "section": base, "paged": True})
    spider.states["x"].pending = 1
    out = list(spider.parse_page(HtmlResponse(request.url, body=body, request=request)))
    asked = [r.url for r in out if isinstance(r, Request)]
    assert f"{base}index_3.html" in asked
    assert not set(items) & set(asked) and spider.states["x"].skipped == 3


@pytest.mark.parametrize("flags", [(), ("--incremental",), ("--resume",)])
def test_an_archive_sqlite_cannot_open_is_a_one_line_error(tmp_path: Path, flags: tuple[str, ...]) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database, " * 100)
    done = _nianbao("crawl", "--db", str(junk), *flags)
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert len(done.stderr.strip().splitlines()) == 1 and str(junk) in done.stderr
    assert junk.read_bytes() == b"this is not a database, " * 100
