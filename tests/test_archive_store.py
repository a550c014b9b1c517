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
from archive.store import Archive, ArchiveError, text_hash
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


SEARCHABLE = Report(title="灵山县2017年政务公开工作报告", url=TONGXIN_URL,
                    text="一、概述\n全年共受理依申请公开事项16件。\nPDF附件 A1\n二、主动公开情况")


@pytest.mark.parametrize(("query", "found"), [
    ("件", True),  # the last character of a Han run, before "。"
    ("述", True), ("灵", True), ("概述", True), ("16", True), ("A1", True), ("况", True),
    ("事项", True), ("项1", True), ("项2", False), ("受理依申请", True), ("公开工作报告", True),
    ("歪", False), ("歪斜", False), ("理依申请公开事项16件", True), ("事项17件", False), ("%", False), ("_", False),
])
def test_search_is_exact_for_every_length(tmp_path: Path, query: str, found: bool) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.store_report(SEARCHABLE, _fetch(archive, TONGXIN_URL, b"<p>x</p>"))
        assert bool(archive.search(query)) is found


def test_search_follows_a_new_version(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.store_report(SEARCHABLE, _fetch(archive, TONGXIN_URL, b"<p>x</p>"))
        changed = Report(**{**SEARCHABLE.to_dict(), "text": SEARCHABLE.text.replace("概述", "总体情况")})
        assert archive.store_report(changed, _fetch(archive, TONGXIN_URL, b"<p>y</p>")).status == "updated"
        assert archive.search("概述") == [] and archive.search("述") == []
        assert archive.search("总体")[0]["title"] == SEARCHABLE.title


def test_the_bigram_index_is_built_for_an_older_database(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.store_report(SEARCHABLE, _fetch(archive, TONGXIN_URL, b"<p>x</p>"))
        archive.db.execute("DROP TABLE reports_bigrams")
        archive.db.execute("UPDATE [schema] SET version = 2")
        archive.db.conn.commit()
    with Archive(path) as archive:
        assert archive.search("概述") and archive.search("件")


def test_a_v7_trigram_index_is_redeclared_so_that_datasette_leaves_search_to_the_plugin(tmp_path: Path) -> None:
    """v8: sqlite-utils declared ``content=[reports]``, which Datasette binds its own search to;
    the index is rebuilt under our declaration, a report still queued for search left out."""
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.store_report(SEARCHABLE, _fetch(archive, TONGXIN_URL, b"<p>x</p>"))
        conn = archive.db.conn
        conn.execute("DROP TABLE reports_fts")
        conn.execute("CREATE VIRTUAL TABLE [reports_fts] USING FTS5 ([title], [text], tokenize='trigram', "
                     "content=[reports])")
        conn.execute("INSERT INTO reports_fts (reports_fts) VALUES ('rebuild')")
        conn.execute("UPDATE [schema] SET version = 7")
        conn.commit()
    with Archive(path) as archive:
        sql = archive.db.execute("SELECT sql FROM sqlite_master WHERE name = 'reports_fts'").fetchone()[0]
        assert "content='reports'" in sql and "[reports]" not in sql
        assert archive.search("概述") and archive.search("概") and archive.search("依申请公开")
        archive.db.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('integrity-check', 1)")


def test_a_batch_is_stored_whole_or_not_at_all(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        with archive.batch():
            kept = archive.store_report(SEARCHABLE, _fetch(archive, TONGXIN_URL, b"<p>x</p>"))
            with pytest.raises(KeyError):
                archive.store_report(SEARCHABLE, 999)  # no such fetch: refused before any write
            other = Report(title="另一份", text="全年共受理依申请公开事项3件。", url="http://b.gov.cn/1.html")
            archive.store_report(other, _fetch(archive, "http://b.gov.cn/1.html", b"<p>b</p>"))
        assert archive.db["reports"].count == 2 and archive.db["reports"].get(kept.report_id)
        with pytest.raises(ZeroDivisionError), archive.batch():
            archive.store_report(Report(title="回滚", text="不会留下", url="http://c.gov.cn/1.html"),
                                 _fetch(archive, "http://c.gov.cn/1.html", b"<p>c</p>"))
            raise ZeroDivisionError
        assert archive.db["reports"].count == 2 and archive.search("回滚") == []
        # a write that fails half-way inside a batch, even if the caller carries on, undoes the batch
        with pytest.raises(ArchiveError, match="rolled back"), archive.batch():
            archive.store_report(Report(title="第三份", text="第三份正文内容", url="http://d.gov.cn/1.html"),
                                 _fetch(archive, "http://d.gov.cn/1.html", b"<p>d</p>"))
            with pytest.raises(sqlite3.OperationalError), archive.transaction():
                archive.db.conn.execute("INSERT INTO no_such_table VALUES (1)")
        assert archive.db["reports"].count == 2 and archive.db["fetches"].count == 2
        assert archive.search("第三份") == [] and archive.search("另一份")


WRITER = """
import sys
from datetime import UTC, datetime
from archive.store import Archive
from parsers.record import Fetch, Report
archive = Archive(sys.argv[1])
size = int(sys.argv[3])
for start in range(0, int(sys.argv[2]), size):
    with archive.batch():
        for i in range(start, min(start + size, int(sys.argv[2]))):
            url = f"http://x.gov.cn/{i}.html"
            fid = archive.store_fetch(Fetch("p", url, 200, {}, f"<p>{i}</p>".encode() * 50, datetime.now(UTC)))
            text = f"第{i}号报告正文,全年受理申请{i}件。" * 20
            archive.store_report(Report(title=f"报告{i}", text=text, url=url), fid)
    print(start, flush=True)
"""


@pytest.mark.parametrize("batch", [1, 25])
def test_sigkill_mid_batch_leaves_a_consistent_database_and_a_rerun_doubles_nothing(tmp_path: Path,
                                                                                    batch: int) -> None:
    path = tmp_path / "k.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "100000", str(batch)],
                              stdout=subprocess.PIPE, env=env)
    assert writer.stdout is not None
    seen = 0
    deadline = time.monotonic() + 60
    while seen * batch < 300 and time.monotonic() < deadline:
        if writer.stdout.readline():
            seen += 1
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert reports >= 300 and reports % batch == 0  # whole batches only
    assert conn.execute("SELECT count(*) FROM reports_bigrams").fetchone()[0] == reports
    # every report has its version row and its source; no source points nowhere
    assert conn.execute("SELECT count(*) FROM report_versions").fetchone()[0] == reports
    assert conn.execute("SELECT count(*) FROM report_sources WHERE report_id NOT IN (SELECT id FROM reports)"
                        ).fetchone()[0] == 0
    conn.close()
    done = subprocess.run([sys.executable, "-c", WRITER, str(path), str(reports + 20), str(batch)], env=env,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == reports + 20
    assert conn.execute("SELECT count(*) FROM report_sources").fetchone()[0] == reports + 20
    conn.close()


def test_deferred_search_indexes_everything_when_the_ingest_ends(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    archive = Archive(path, defer_search=True)
    with archive.batch():
        first = archive.store_report(SEARCHABLE, _fetch(archive, TONGXIN_URL, b"<p>x</p>"))
        other = Report(title="另一份", text="全年共受理依申请公开事项3件。", url="http://b.gov.cn/1.html")
        archive.store_report(other, _fetch(archive, "http://b.gov.cn/1.html", b"<p>b</p>"))
    changed = Report(**{**SEARCHABLE.to_dict(), "text": SEARCHABLE.text.replace("概述", "总体情况")})
    assert archive.store_report(changed, _fetch(archive, TONGXIN_URL, b"<p>y</p>")).status == "updated"
    assert archive.search("另一份") == [] and archive.search("总体情况") == []  # stored, not yet searchable
    archive.close()  # the catch-up
    with Archive(path) as archive:
        assert [r["id"] for r in archive.search("总体情况")] == [first.report_id]
        assert archive.search("概述") == [] and archive.search("述") == []  # the old version is not indexed
        assert archive.search("另一份") and archive.search("份")
        assert archive.db["search_pending"].count == 0
        # FTS5 raises "database disk image is malformed" if the index and the reports disagree
        archive.db.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('integrity-check', 1)")


def test_a_deferred_ingest_killed_before_its_catch_up_is_indexed_on_next_open(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    archive = Archive(path, defer_search=True)
    archive.store_report(SEARCHABLE, _fetch(archive, TONGXIN_URL, b"<p>x</p>"))
    archive.db.conn.close()  # as if killed: no catch-up ran
    with Archive(path) as archive:
        assert archive.search("受理依申请") and archive.search("概述")


def test_statistics_are_kept_with_their_evidence_and_shown_wide_per_report(tmp_path: Path) -> None:
    stats = [
        {"section": "依申请公开", "row": "本年新收政府信息公开申请数量", "column": "自然人", "value": 15},
        {"section": "依申请公开", "row": "本年新收政府信息公开申请数量", "column": "总计", "value": 16},
        {"section": "依申请公开", "row": "予以公开", "column": "总计", "value": None},  # masked: null, never 0
        {"section": "复议诉讼", "row": "行政复议", "column": "总计", "value": 2,
         "evidence": "全年共发生行政复议案件2件"},
    ]
    report = Report(**{**SEARCHABLE.to_dict(), "stats": stats, "flags": ["stats_check_failed:复议诉讼:总计"]})
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        report_id = archive.store_report(report, _fetch(archive, TONGXIN_URL, b"<p>x</p>")).report_id
    with Archive(path) as archive:
        rows = archive.db.execute("SELECT [row], [column], value, evidence FROM report_stats WHERE report_id = ? "
                                  "ORDER BY rowid", (report_id,)).fetchall()
        assert rows[-1] == ("行政复议", "总计", 2, "全年共发生行政复议案件2件") and rows[2][2] is None
        wide = next(archive.db.query("SELECT * FROM report_stats_wide WHERE report_id = ?", [report_id]))
    assert wide["new_applications"] == 16 and wide["disclosed"] is None and wide["reconsiderations"] == 2
    assert wide["stats_flags"] == "stats_check_failed:复议诉讼:总计" and wide["year"] == report.year


# --- crawl runs and url_state (schema v10: incremental, resumed and scheduled crawls) -------------

def test_url_state_keeps_validators_the_last_check_and_the_last_change(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        first = archive.store_fetch(Fetch("p", "http://x/1.html", 200, {"ETag": '"a"'}, b"one", datetime.now(UTC)))
        archive.note_url("http://x/1.html", "p", "detail", first, 200, True, {"ETag": '"a"'}, "s1")
        row = archive.db["url_state"].get("http://x/1.html")
        assert (row["etag"], row["ok"], row["checks"], row["not_modified"]) == ('"a"', 1, 1, 0)
        changed = row["last_changed"]
        time.sleep(1.1)
        archive.note_not_modified("http://x/1.html")
        row = archive.db["url_state"].get("http://x/1.html")
        assert (row["checks"], row["not_modified"], row["last_changed"]) == (2, 1, changed)
        assert row["last_checked"] > changed
        archive.note_url("http://x/1.html", "p", "detail", None, 200, True, {"etag": '"b"'}, "s2")
        row = archive.db["url_state"].get("http://x/1.html")
        assert (row["etag"], row["sha256"], row["fetch_id"]) == ('"b"', "s2", first)
        assert row["last_changed"] == row["last_checked"] > changed
        archive.note_url("http://x/1.html", "p", "detail", None, 503, False, {"ETag": '"c"'})
        row = archive.db["url_state"].get("http://x/1.html")
        assert (row["ok"], row["etag"], row["sha256"]) == (0, None, "s2")  # a failure keeps no validators


def test_runs_record_their_status_and_each_portals_outcome(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        run = archive.begin_run("crawl", {"incremental": True})
        assert archive.interrupted_run() is None  # still running, in this very process
        archive.finish_run(run, {"portals": {
            "ok": {"pages": 9, "errors": 1, "section_found": True, "new": 3},
            "waf": {"pages": 1, "errors": 0, "blocked": 1, "blocked_reason": "WAF challenge (HTTP 412)"},
            "down": {"pages": 2, "errors": 2, "section_found": False},
            "nosection": {"pages": 4, "errors": 0, "section_found": False},
        }, "totals": {}})
        outcome = {r["portal_id"]: r["status"] for r in archive.db["portal_runs"].rows}
        assert outcome == {"ok": "ok", "waf": "blocked", "down": "failed", "nosection": "no_section"}
        assert archive.db["crawl_runs"].get(run)["status"] == "finished"
        # a run whose process died without closing it is found, and a resumed one says by which
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout.strip()
        killed = archive.begin_run("crawl")
        archive.db.execute("UPDATE crawl_runs SET host = replace(host, ':' || ?, ':' || ?) WHERE id = ?",
                           [str(os.getpid()), dead, killed])
        archive.db.conn.commit()
        assert archive.interrupted_run()["id"] == killed
        archive.mark_interrupted(killed, resumed_by=killed + 1)
        assert archive.db["crawl_runs"].get(killed)["status"] == f"resumed by {killed + 1}"


def test_an_archive_of_version_9_gets_url_state_from_its_fetches(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Archive(path) as archive:
        run = archive.begin_run("crawl")
        for body, etag in ((b"v1", '"1"'), (b"v2", '"2"')):
            archive.store_fetch(Fetch("p", "http://x/a.html", 200, {"ETag": etag}, body, datetime.now(UTC)), run,
                                role="detail", context={"cover": True})
        archive.store_fetch(Fetch("p", "http://x/gone.html", 404, {}, b"no", datetime.now(UTC)), run, "HTTP 404")
        archive.finish_run(run, {"portals": {}, "totals": {}})
        archive.db.conn.executescript(  # what version 9 had
            "DROP TABLE url_state; DROP TABLE portal_runs; DROP INDEX fetches_item_id; "
            "ALTER TABLE fetches DROP COLUMN item_id; ALTER TABLE crawl_runs DROP COLUMN status; "
            "ALTER TABLE crawl_runs DROP COLUMN options; ALTER TABLE crawl_runs DROP COLUMN host; "
            "UPDATE [schema] SET version = 9")
    with Archive(path) as archive:
        assert archive.db["schema"].get(1)["version"] == SCHEMA_VERSION
        rows = {r["url"]: r for r in archive.db["url_state"].rows}
        assert (rows["http://x/a.html"]["etag"], rows["http://x/a.html"]["ok"], rows["http://x/a.html"]["cover"]) \
            == ('"2"', 1, 1)
        assert rows["http://x/gone.html"]["ok"] == 0
        assert archive.db["crawl_runs"].get(run)["status"] == "finished"


def test_a_page_is_stored_whole_or_its_response_alone_with_the_error(tmp_path: Path, monkeypatch) -> None:
    from archive.pages import store_page
    from crawler.items import Page

    body = fixture_bytes("trs_lingshan_2017_gbk_spam.html")
    url = "http://www.lingshan.gov.cn/zwgk/zfxxgknb/201802/t20180213_1234567.html"
    report = clean(body, CleanOptions(url=url))
    with Archive(tmp_path / "a.db") as archive:
        page = Page(Fetch("lingshan", url, 200, {"ETag": '"a"'}, body, datetime.now(UTC)), "detail", report)
        assert store_page(archive, page, None)["new"] == 1
        assert archive.db["url_state"].get(url)["etag"] == '"a"'

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("a bug in the writer")

        monkeypatch.setattr(archive, "store_report", broken)
        other = "http://www.lingshan.gov.cn/other.html"
        page = Page(Fetch("lingshan", other, 200, {}, body + b" ", datetime.now(UTC)), "detail", report)
        assert store_page(archive, page, None) == {"pages": 1, "errors": 1, "bytes": len(body) + 1}
        error = archive.db.execute("SELECT error FROM fetches WHERE url = ?", [other]).fetchone()[0]
        assert error.startswith("not stored as a report: RuntimeError: a bug in the writer")
        assert archive.db["url_state"].count_where("url = ?", [other]) == 0  # not done: fetched again next time
        assert archive.db["reports"].count == 1
