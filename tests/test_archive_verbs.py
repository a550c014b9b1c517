"""``nianbao reprocess`` and ``nianbao stats`` on a real archive file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from archive.store import Archive
from crawler.cli import cli
from parsers.clean import CleanOptions, clean
from parsers.record import Fetch
from tests.conftest import expectations, fixture_bytes


def _archive(path: Path) -> None:
    """Every HTML fixture stored as a fetch and cleaned into the archive, as a crawl would."""
    with Archive(path) as archive:
        archive.store_portal("tongxin", "同心县人民政府", "http://www.tongxin.gov.cn/", "640324")
        for name, expect in expectations():
            if not name.endswith(".html") or not expect.get("url"):
                continue
            body = fixture_bytes(name)
            fid = archive.store_fetch(Fetch("tongxin" if "tongxin" in name else None, expect["url"], 200,
                                            {"Content-Type": "text/html"}, body, datetime(2024, 2, 1, tzinfo=UTC)))
            report = clean(body, CleanOptions(url=expect["url"]))
            if "not_a_report" not in report.flags:
                archive.store_report(report, fid)


def test_reprocess_without_changes_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    _archive(path)
    with Archive(path) as archive:
        before = archive.db["reports"].count
    result = CliRunner().invoke(cli, ["reprocess", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "updated=0" in result.output and "new=0" in result.output and "errors=0" in result.output
    with Archive(path) as archive:
        assert archive.db["reports"].count == before
        assert archive.db.conn.execute("SELECT max(version) FROM reports").fetchone()[0] == 1


def test_reprocess_cleans_an_attachment_and_a_cover_page_as_the_crawl_did(tmp_path: Path) -> None:
    """The crawl's role and listing are kept with the fetch: the PDF keeps its detail page's title
    and date, the cover page stays no report, a list page is not even re-cleaned."""
    path = tmp_path / "a.db"
    pdf_url = "http://www.tongxin.gov.cn/module/download/downfile.jsp?filename=2401.pdf"
    listing = {"title": "同心县人民政府办公室2023年政府信息公开工作年度报告", "published": "2024-01-22"}
    with Archive(path) as archive:
        archive.store_portal("tongxin", "同心县人民政府", "http://www.tongxin.gov.cn/", "640324")
        body = fixture_bytes("attachment_tongxin_2023.pdf")
        fid = archive.store_fetch(Fetch("tongxin", pdf_url, 200, {"Content-Type": "application/pdf"}, body,
                                        datetime(2024, 2, 1, tzinfo=UTC)), role="attachment", context=listing)
        report = clean(body, CleanOptions(url=pdf_url, region_hint="640324", listing=listing))
        assert report.title == listing["title"] and report.published == "2024-01-22"
        archive.store_report(report, fid, "tongxin")
        cover = b'<html><head><meta charset="utf-8"></head><body><h1>' + listing["title"].encode() + \
            b'</h1><p>\xe9\x99\x84\xe4\xbb\xb6\xef\xbc\x9a<a href="x.pdf">x.pdf</a></p></body></html>'
        archive.store_fetch(Fetch("tongxin", "http://www.tongxin.gov.cn/art/1.html", 200, {}, cover,
                                  datetime(2024, 2, 1, tzinfo=UTC)), role="detail", context={"cover": True})
        archive.store_fetch(Fetch("tongxin", "http://www.tongxin.gov.cn/col/index.html", 200, {}, cover,
                                  datetime(2024, 2, 1, tzinfo=UTC)), role="section")
    result = CliRunner().invoke(cli, ["reprocess", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "fetches=2" in result.output and "unchanged=1" in result.output and "not_a_report=1" in result.output
    with Archive(path) as archive:
        row = archive.db["reports"].get(1)
        assert (row["title"], row["published"], row["version"]) == (listing["title"], "2024-01-22", 1)
        assert archive.db["reports"].count == 1


def test_reprocess_after_a_parser_change_makes_new_versions_and_loses_nothing(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.db"
    _archive(path)
    import archive.cleaning as module

    real_clean = module.clean

    def changed(body, options):  # a vocabulary change that now removes one more phrase
        report = real_clean(body, options)
        report.text = report.text.replace("政务公开", "")
        return report

    monkeypatch.setattr(module, "clean", changed)  # seen in this process only: one worker, this one
    result = CliRunner().invoke(cli, ["reprocess", "--db", str(path), "--workers", "1"])
    assert result.exit_code == 0 and "updated=" in result.output and "updated=0" not in result.output
    with Archive(path) as archive:
        for row in archive.db.query("SELECT id, version FROM reports WHERE version > 1"):
            versions = archive.db.conn.execute("SELECT count(*) FROM report_versions WHERE report_id = ?",
                                               (row["id"],)).fetchone()[0]
            assert versions == row["version"]


def _fetches_only(path: Path) -> None:
    """What a fetch-only crawl (``--defer-cleaning``) leaves: every fixture page stored, no report."""
    with Archive(path) as archive:
        archive.store_portal("tongxin", "同心县人民政府", "http://www.tongxin.gov.cn/", "640324")
        for name, expect in expectations():
            if name.endswith((".html", ".pdf", ".docx")) and expect.get("url"):
                archive.store_fetch(Fetch("tongxin", expect["url"], 200, {}, fixture_bytes(name),
                                          datetime(2024, 2, 1, tzinfo=UTC)), role="detail")


def test_reprocess_in_worker_processes_makes_what_one_process_makes(tmp_path: Path) -> None:
    made = {}
    for workers in ("1", "2"):
        path = tmp_path / f"w{workers}.db"
        _fetches_only(path)
        result = CliRunner().invoke(cli, ["reprocess", "--db", str(path), "--workers", workers])
        assert result.exit_code == 0, result.output
        with Archive(path) as archive:
            rows = archive.db.conn.execute("SELECT id, title, year, region_code, text_hash, published "
                                           "FROM reports ORDER BY id").fetchall()
            made[workers] = (result.output, rows)
    assert made["1"] == made["2"]
    assert "new=0" not in made["2"][0] and len(made["2"][1]) >= 20


def test_stats_reports_coverage_as_json_and_text(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    _archive(path)
    result = CliRunner().invoke(cli, ["stats", "--db", str(path), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["reports"] >= 20 and found["portals"] == 1
    assert found["reports_per_province_year"]["宁夏回族自治区"]["2023"] >= 1
    assert found["spam_affected_reports"] >= 5 and found["name_hijacked_reports"] >= 1
    text = CliRunner().invoke(cli, ["stats", "--db", str(path)])
    assert text.exit_code == 0 and "reports:" in text.output


def test_verbs_refuse_a_missing_archive(tmp_path: Path) -> None:
    for verb in ("reprocess", "stats"):
        result = CliRunner().invoke(cli, [verb, "--db", str(tmp_path / "none.db")])
        assert result.exit_code == 1 and "no archive" in result.output
        assert not (tmp_path / "none.db").exists()
