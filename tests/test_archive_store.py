"""The archive's writer: content-addressed raw bodies, one row per distinct report, every source,
every version, Chinese search of any length, and a database that survives SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.schema import SCHEMA_VERSION
from archive.store import Archive, text_hash
from parsers.clean import CleanOptions, clean
from parsers.record import Fetch, Report
from tests.conftest import fixture_bytes

TONGXIN_URL = "http://www.tongxin.gov.cn/xxgk/zfxxgkml/zfxxgkndbg/art/2024/1/22/art_1234_5678.html"


def _fetch(archive: Archive, url: str, body: bytes) -> int:
    return archive.store_fetch(Fetch("tongxin", url, 200, {"Content-Type": "text/html", "ETag": '"x1"'}, body,
                                     datetime(2024, 2, 1, tzinfo=UTC)))


def test_schema_is_created_versioned_and_reopened_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        fid = _fetch(archive, TONGXIN_URL, b"<p>x</p>")
        archive.store_report(Report(title="t", text="全年共受理申请16件。", url=TONGXIN_URL), fid)
    with Archive(path) as archive:
        tables = set(archive.db.table_names())
        assert {"reports", "report_sources", "fetches", "portals", "crawl_runs", "report_stats",
                "report_versions", "bodies", "reports_fts"} <= tables
        assert archive.db["schema"].get(1)["version"] == SCHEMA_VERSION
        assert archive.db["reports"].count == 1
        assert archive.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_raw_bodies_are_stored_once_per_digest_and_come_back_whole(tmp_path: Path) -> None:
    body = fixture_bytes("trs_lingshan_2017_gbk_spam.html")
    with Archive(tmp_path / "a.db") as archive:
        first = _fetch(archive, "http://www.lingshan.gov.cn/a.html", body)
        second = _fetch(archive, "http://www.lingshan.gov.cn/a.html?from=list", body)
        assert first != second and archive.db["bodies"].count == 1
        digest = archive.db["fetches"].get(first)["sha256"]
        assert archive.raw_body(digest) == body
        row = archive.db["fetches"].get(first)
        assert (row["etag"], row["content_type"], row["size"]) == ('"x1"', "text/html", len(body))


def test_the_same_report_from_two_urls_is_one_report_with_two_sources(tmp_path: Path) -> None:
    body = fixture_bytes("hanweb_tongxin_2023.html")
    report = clean(body, CleanOptions(url=TONGXIN_URL))
    with Archive(tmp_path / "a.db") as archive:
        assert archive.store_report(report, _fetch(archive, TONGXIN_URL, body)).status == "new"
        again = archive.store_report(report, _fetch(archive, TONGXIN_URL, body))
        assert again.status == "unchanged"
        mirror = Report(**{**report.to_dict(), "url": "http://mirror.example.com/1.html",
                           "text": report.text.replace("。", ". ")})  # punctuation differs only
        moved = archive.store_report(mirror, _fetch(archive, "http://mirror.example.com/1.html", body))
        assert moved.status == "duplicate" and moved.report_id == again.report_id
        assert archive.db["reports"].count == 1 and archive.db["report_sources"].count == 2


def test_a_changed_page_keeps_every_version(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        v1 = Report(title="同心县2023年报", text="全年共受理依申请公开事项16件。", url=TONGXIN_URL)
        v2 = Report(title="同心县2023年报", text="全年共受理依申请公开事项17件。", url=TONGXIN_URL)
        first = archive.store_report(v1, _fetch(archive, TONGXIN_URL, b"<p>16</p>"))
        second = archive.store_report(v2, _fetch(archive, TONGXIN_URL, b"<p>17</p>"))
        assert (first.status, second.status) == ("new", "updated") and first.report_id == second.report_id
        row = archive.db["reports"].get(first.report_id)
        assert row["version"] == 2 and "17件" in row["text"]
        versions = list(archive.db.query("SELECT version, record FROM report_versions ORDER BY version"))
        assert [v["version"] for v in versions] == [1, 2] and "16件" in versions[0]["record"]


def test_text_hash_ignores_whitespace_and_punctuation_only() -> None:
    assert text_hash("全年共受理16件。\n二、") == text_hash("全年共受理16件 二")
    assert text_hash("全年共受理16件") != text_hash("全年共受理17件")


@pytest.mark.parametrize(("query", "found"), [
    ("件", True), ("申请", True), ("依申请", True), ("依申请公开事项", True), ("不存在的词", False),
])
def test_chinese_search_of_any_length(tmp_path: Path, query: str, found: bool) -> None:
    body = fixture_bytes("hanweb_tongxin_2023.html")
    with Archive(tmp_path / "a.db") as archive:
        archive.store_report(clean(body, CleanOptions(url=TONGXIN_URL)), _fetch(archive, TONGXIN_URL, body))
        assert bool(archive.search(query)) is found


WRITER = """
import sys
from datetime import UTC, datetime
from archive.store import Archive
from parsers.record import Fetch, Report
archive = Archive(sys.argv[1])
for i in range(int(sys.argv[2])):
    url = f"http://x.gov.cn/{i}.html"
    fid = archive.store_fetch(Fetch("p", url, 200, {}, f"<p>{i}</p>".encode() * 50, datetime.now(UTC)))
    archive.store_report(Report(title=f"报告{i}", text=f"第{i}号报告正文,全年受理申请{i}件。" * 20, url=url), fid)
    print(i, flush=True)
"""


def test_sigkill_mid_batch_leaves_a_consistent_database_and_a_rerun_doubles_nothing(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "100000"], stdout=subprocess.PIPE, env=env)
    assert writer.stdout is not None
    seen = 0
    deadline = time.monotonic() + 60
    while seen < 300 and time.monotonic() < deadline:
        if writer.stdout.readline():
            seen += 1
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert reports >= 300
    # every report has its version row and its source; no source points nowhere
    assert conn.execute("SELECT count(*) FROM report_versions").fetchone()[0] == reports
    assert conn.execute("SELECT count(*) FROM report_sources WHERE report_id NOT IN (SELECT id FROM reports)"
                        ).fetchone()[0] == 0
    conn.close()
    done = subprocess.run([sys.executable, "-c", WRITER, str(path), str(reports + 20)], env=env,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == reports + 20
    assert conn.execute("SELECT count(*) FROM report_sources").fetchone()[0] == reports + 20
    conn.close()
