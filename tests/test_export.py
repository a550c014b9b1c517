"""``nianbao export`` on a real archive file: every exported row equals the database row, in every format."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from archive.export import COLUMNS, ExportError, ExportOptions, export, safe_name, txt_path
from archive.store import Archive
from crawler.cli import cli
from parsers.clean import CleanOptions, clean
from parsers.record import Fetch, Report
from tests.conftest import expectations, fixture_bytes

MIRROR_URL = "http://www.gov-mirror.example.com/ndbg/640324-2023.html"
ODD = Report(  # what the fixtures lack: statistics, no region, a title no file system would take as a name
    title='灵武市/教育局:2021年"政府信息公开"工作年度报告?<草稿>|\x07\u202e',
    text="一、总体情况\n本年新收政府信息公开申请数量\t12\t3\n二、主动公开情况\n\t缩进的一行", year=2021,
    agency=None, spam_removed=[{"text": "皇冠体育", "reason": "spam_phrase:huangguan"}], flags=["redacted"],
    stats=[{"section": "三", "row": "本年新收政府信息公开申请数量", "column": "自然人", "value": 12},
           {"section": "三", "row": "总计", "column": "合计", "value": 15}],
    chrome_removed=[{"text": "打印本页", "reason": "chrome:print"}], url="http://www.lingwu.gov.cn/a.html")


def _build(path: Path) -> None:
    """Every HTML fixture cleaned into the archive as a crawl would, one odd report, one mirror copy."""
    when = datetime(2024, 2, 1, tzinfo=UTC)
    with Archive(path) as archive:
        archive.store_portal("tongxin", "同心县人民政府", "http://www.tongxin.gov.cn/", "640324")
        archive.store_portal("mirror", "某文库", "http://www.gov-mirror.example.com/", None, kind="mirror")
        for name, expect in expectations():
            if not name.endswith(".html") or not expect.get("url"):
                continue
            body = fixture_bytes(name)
            portal = "tongxin" if "tongxin" in name else None
            fid = archive.store_fetch(Fetch(portal, expect["url"], 200, {"Content-Type": "text/html"}, body, when))
            report = clean(body, CleanOptions(url=expect["url"]))
            if "not_a_report" not in report.flags:
                stored = archive.store_report(report, fid, portal)
                if portal == "tongxin":
                    tongxin_report = stored.report_id
        fid = archive.store_fetch(Fetch(None, ODD.url, 200, {}, b"<html>odd</html>", when))
        archive.store_report(ODD, fid)
        fid = archive.store_fetch(Fetch("mirror", MIRROR_URL, 200, {}, b"<html>copy</html>", when))
        archive.add_source(tongxin_report, MIRROR_URL, "mirror", fid)


@pytest.fixture(scope="session")
def archive_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "a.db"
    _build(path)
    return path


@pytest.fixture()
def own_db(archive_db: Path, tmp_path: Path) -> Path:
    """A copy this test may change."""
    path = tmp_path / "own.db"
    shutil.copy(archive_db, path)
    return path


def _db_rows(path: Path, where: str = "1") -> list[dict]:
    """The reports as the database holds them, JSON columns parsed, with their sources."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    rows = []
    for rec in conn.execute(f"SELECT * FROM reports WHERE {where} ORDER BY id"):
        row = {name: rec[name] for name in COLUMNS if name != "sources"}
        for name in ("spam_removed", "flags", "stats", "chrome_removed"):
            row[name] = json.loads(row[name])
        row["sources"] = [{"url": s["url"], "portal": s["portal_id"], "first_seen": s["first_seen"],
                           "last_seen": s["last_seen"]}
                          for s in conn.execute("SELECT * FROM report_sources WHERE report_id = ? ORDER BY url",
                                                (rec["id"],))]
        rows.append(row)
    conn.close()
    return rows


def _export(db: Path, fmt: str, out: Path, **options: object) -> object:
    with Archive(db) as archive:
        return export(archive, ExportOptions(fmt, out, **options))


def _invoke(*args: str):
    return CliRunner().invoke(cli, ["export", *args])


def _one_line_error(result, *words: str) -> None:
    assert result.exit_code != 0
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, result.stderr


def test_jsonl_rows_equal_the_database_rows(archive_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    result = _invoke("--db", str(archive_db), "--format", "jsonl", "--out", str(out))
    assert result.exit_code == 0, result.output
    expected = _db_rows(archive_db)
    assert f"exported {len(expected)} reports" in result.output
    lines = out.read_bytes().decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(expected) > 50
    assert "\\u" not in lines[0] and "年度报告" in lines[0]  # not ASCII-escaped
    for line, want in zip(lines, expected, strict=False):
        got = json.loads(line)
        assert list(got) == list(COLUMNS)
        assert got == want


def test_csv_opens_in_excel_and_rows_equal_the_database_rows(archive_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    _export(archive_db, "csv", out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(COLUMNS)
    expected = _db_rows(archive_db)
    assert len(rows) - 1 == len(expected)
    for cells, want in zip(rows[1:], expected, strict=True):
        for name, cell in zip(COLUMNS, cells, strict=True):
            if name in ("spam_removed", "flags", "stats", "chrome_removed", "sources"):
                assert json.loads(cell) == want[name], name
            else:
                assert cell == ("" if want[name] is None else str(want[name])), name
    odd = next(cells for cells in rows if cells[1] == ODD.title)
    assert odd[2] == ODD.text  # newlines and tabs inside the cell survive


def test_parquet_rows_equal_the_database_rows_with_typed_lists(archive_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    _export(archive_db, "parquet", out)
    table = pq.read_table(out)
    assert table.column_names == list(COLUMNS)
    assert str(table.schema.field("flags").type) == "list<element: string>"
    assert "struct" in str(table.schema.field("stats").type)
    expected = [_with_struct_keys(row, table.schema) for row in _db_rows(archive_db)]
    assert table.to_pylist() == expected
    odd = next(row for row in table.to_pylist() if row["title"] == ODD.title)
    assert odd["stats"][1]["value"] == 15 and odd["spam_removed"][0]["reason"] == "spam_phrase:huangguan"


def _with_struct_keys(row: dict, schema) -> dict:
    """The row as a Parquet struct holds it: a key an item lacks (stats' evidence) reads back as null."""
    out = dict(row)
    for name in ("spam_removed", "chrome_removed", "stats", "sources"):
        keys = [field.name for field in schema.field(name).type.value_type]
        out[name] = [{key: item.get(key) for key in keys} for item in row[name]]
    return out


def test_parquet_refuses_data_it_would_lose_and_leaves_nothing_behind(own_db: Path, tmp_path: Path) -> None:
    """Arrow drops unknown struct keys silently: the export stops instead, and no file looks complete."""
    conn = sqlite3.connect(own_db)
    conn.execute("UPDATE reports SET stats = ? WHERE id = 3", (json.dumps([{"section": "a", "value": 1, "extra": 2}]),))
    conn.commit()
    conn.close()
    out = tmp_path / "r.parquet"
    with pytest.raises(ExportError, match="report 3: stats"):
        _export(own_db, "parquet", out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["own.db"]


def test_txt_writes_one_safely_named_file_per_report(archive_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    _export(archive_db, "txt", out)
    expected = _db_rows(archive_db)
    files = sorted(out.rglob("*.txt"))
    assert len(files) == len(expected)
    for row in expected:
        path = out / txt_path(row)
        content = path.read_bytes().decode("utf-8")
        header, text = content.split("\n\n", 1)
        assert text == row["text"]
        assert header.splitlines()[0].startswith("title: ") and f"url: {row['url']}" in header
        for part in path.relative_to(out).parts:
            assert len(part.encode()) <= 150 and not set(part) & set('/\\:*?"<>|')
            assert all(ch.isprintable() for ch in part)
    odd = next(row for row in expected if row["title"] == ODD.title)
    assert txt_path(odd).parts[:2] == ("未知", "未知")
    assert txt_path(odd).name == f"2021_灵武市教育局2021年政府信息公开工作年度报告草稿_{odd['id']}.txt"
    assert (out / "README.md").read_text(encoding="utf-8").startswith("# nianbao export")


def test_safe_names_have_no_forbidden_characters_and_fit_in_150_bytes() -> None:
    assert safe_name('a/b\\c:d*e?f"g<h>i|j') == "abcdefghij"
    assert safe_name("同心县\n人民政府\t办公室\u202e\x00") == "同心县 人民政府 办公室"
    assert safe_name(" ..CON.. ") == "_CON" and safe_name("aux.txt") == "_aux.txt"
    long = safe_name("宁夏回族自治区吴忠市同心县人民政府办公室" * 10)
    assert len(long.encode("utf-8")) <= 150 and long.startswith("宁夏回族自治区")
    assert safe_name("年报" * 100, 7) == "年报"  # cut on a character boundary


def test_filters_by_province_short_or_full_and_by_repeated_year(archive_db: Path, tmp_path: Path) -> None:
    for i, province in enumerate(("宁夏", "宁夏回族自治区")):
        out = tmp_path / f"n{i}.jsonl"
        result = _invoke("--db", str(archive_db), "--format", "jsonl", "--out", str(out), "--province", province)
        assert result.exit_code == 0, result.output
        got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert got == _db_rows(archive_db, "province = '宁夏回族自治区'") and len(got) >= 2
    out = tmp_path / "years.jsonl"
    summary = _export(archive_db, "jsonl", out, years=(2020, 2021), provinces=("湖南",))
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert got == _db_rows(archive_db, "year IN (2020, 2021) AND province = '湖南省'")
    assert summary.reports == len(got) >= 2 and set(summary.by_year) == {2020, 2021}


def test_since_exports_reports_added_or_changed_since_that_day(own_db: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(own_db)
    conn.execute("UPDATE reports SET updated_at = CASE WHEN id % 3 = 0 THEN '2025-03-01T08:00:00+00:00' "
                 "ELSE '2023-12-31T23:59:59+00:00' END")
    conn.commit()
    conn.close()
    out = tmp_path / "new.jsonl"
    result = _invoke("--db", str(own_db), "--format", "jsonl", "--out", str(out), "--since", "2024-01-01")
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert got == _db_rows(own_db, "id % 3 = 0") and got
    card = out.with_name("new.jsonl.README.md").read_text(encoding="utf-8")
    assert "since 2024-01-01" in card and "--since 2024-01-01" in card


def test_include_duplicates_gives_one_row_per_source_url(archive_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    result = _invoke("--db", str(archive_db), "--format", "jsonl", "--out", str(out), "--include-duplicates")
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = _db_rows(archive_db)
    assert len(got) == sum(max(1, len(row["sources"])) for row in expected) == len(expected) + 1
    copies = [row for row in got if row["source_url"] == MIRROR_URL]
    assert len(copies) == 1 and copies[0]["source_portal"] == "mirror" and copies[0]["canonical"] is False
    pair = [row for row in got if row["id"] == copies[0]["id"]]
    assert [row["canonical"] for row in pair].count(True) == 1
    by_id = {row["id"]: row for row in expected}
    for row in got:  # every row is its report's row, plus where this copy was found
        assert {k: v for k, v in row.items() if k in COLUMNS} == by_id[row["id"]]
    assert "(1 reports" not in result.output and f"({len(got)} rows, one per source URL)" in result.output
    default = tmp_path / "one.jsonl"
    _export(archive_db, "jsonl", default)
    assert len(default.read_text(encoding="utf-8").splitlines()) == len(expected)


def test_include_duplicates_in_csv_and_parquet_adds_the_copy_columns(archive_db: Path, tmp_path: Path) -> None:
    _export(archive_db, "parquet", tmp_path / "all.parquet", include_duplicates=True)
    table = pq.read_table(tmp_path / "all.parquet")
    assert table.column_names[-3:] == ["source_url", "source_portal", "canonical"]
    _export(archive_db, "csv", tmp_path / "all.csv", include_duplicates=True)
    with open(tmp_path / "all.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == table.num_rows and {row["canonical"] for row in rows} == {"true", "false"}


def test_dataset_card_gives_counts_fields_sources_and_the_command(archive_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    (tmp_path / "README.md").write_text("my own notes", encoding="utf-8")
    summary = _export(archive_db, "csv", out, provinces=("宁夏",))
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "my own notes"  # never written over
    card = (tmp_path / "r.csv.README.md").read_text(encoding="utf-8")
    assert card.startswith(f"# nianbao export: {summary.reports} reports as csv")
    assert f"| 宁夏回族自治区 | {summary.reports} |" in card and "| 2023 |" in card
    assert f"`nianbao export --db {archive_db} --format csv --out {out} --province 宁夏`" in card
    for name in COLUMNS:
        assert f"| `{name}` |" in card
    assert "| mirror | 某文库 | http://www.gov-mirror.example.com/ | mirror | 1 |" in card
    assert "| tongxin | 同心县人民政府 | http://www.tongxin.gov.cn/ |" in card
    assert "schema version" in card and "spam_removed" in card and "chrome_removed" in card
    assert "byte-order mark" in card and "excluded: one row per report" in card


def test_an_earlier_export_is_replaced_only_with_force(archive_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    out.write_text("an earlier export\n", encoding="utf-8")
    result = _invoke("--db", str(archive_db), "--format", "jsonl", "--out", str(out))
    _one_line_error(result, "exists", "--force")
    assert out.read_text(encoding="utf-8") == "an earlier export\n"
    result = _invoke("--db", str(archive_db), "--format", "jsonl", "--out", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(_db_rows(archive_db))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl", "r.jsonl.README.md"]


def test_a_txt_export_replaces_only_an_earlier_export_folder(archive_db: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious", encoding="utf-8")
    for force in ((), ("--force",)):
        result = _invoke("--db", str(archive_db), "--format", "txt", "--out", str(mine), *force)
        _one_line_error(result)
        assert (mine / "thesis.tex").read_text(encoding="utf-8") == "precious"
    assert "not a nianbao export" in result.stderr
    out = tmp_path / "corpus"
    _export(archive_db, "txt", out, provinces=("宁夏",))
    _export(archive_db, "txt", out, force=True)
    assert len(list(out.rglob("*.txt"))) == len(_db_rows(archive_db))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "mine"]


def test_a_killed_exports_leftovers_are_written_over_but_nothing_else(archive_db: Path, tmp_path: Path) -> None:
    (tmp_path / "r.jsonl.partial").write_text('{"id": 1}\n', encoding="utf-8")  # killed mid-write
    leftover = tmp_path / "corpus.partial"
    leftover.mkdir()
    (leftover / ".nianbao-partial").touch()
    (leftover / "half.txt").write_text("half", encoding="utf-8")
    _export(archive_db, "jsonl", tmp_path / "r.jsonl")
    _export(archive_db, "txt", tmp_path / "corpus")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "r.jsonl", "r.jsonl.README.md"]
    assert not (tmp_path / "corpus" / "half.txt").exists()
    someone = tmp_path / "other.partial"
    someone.mkdir()
    (someone / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ExportError, match="in the way"):
        _export(archive_db, "txt", tmp_path / "other")
    assert (someone / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_bad_options_are_one_line_errors(archive_db: Path, tmp_path: Path) -> None:
    base = ["--db", str(archive_db), "--format", "jsonl", "--out", str(tmp_path / "r.jsonl")]
    for since in ("2024-13-01", "yesterday", "20240101"):
        _one_line_error(_invoke(*base, "--since", since), "--since", "YYYY-MM-DD")
    _one_line_error(_invoke(*base, "--province", "火星"), "unknown province", "宁夏")
    _one_line_error(_invoke(*base, "--province", "山"), "province")
    result = _invoke("--db", str(archive_db), "--format", "txt", "--out", str(tmp_path / "t"), "--include-duplicates")
    _one_line_error(result, "--include-duplicates")
    result = _invoke("--db", str(archive_db), "--format", "txt", "--out", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 0, result.output  # a folder may be named anything
    _one_line_error(_invoke(*base[:-1], str(tmp_path / "r.jsonl")), "is a folder")
    assert list(tmp_path.iterdir()) == [tmp_path / "r.jsonl"]


def test_a_missing_archive_is_a_one_line_error(tmp_path: Path) -> None:
    result = _invoke("--db", str(tmp_path / "none.db"), "--format", "csv", "--out", str(tmp_path / "r.csv"))
    _one_line_error(result, "no archive")
    assert list(tmp_path.iterdir()) == []


def test_help_explains_duplicates_and_gives_an_example() -> None:
    result = CliRunner().invoke(cli, ["export", "--help"])
    assert result.exit_code == 0
    assert "Example: nianbao export" in result.output and "--include-duplicates" in result.output
    assert "one row per report" in result.output


def test_the_main_figures_export_equals_the_wide_view_row_for_row(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures.csv"
    result = CliRunner().invoke(cli, ["export", "--db", str(demo_db), "--format", "csv", "--out", str(out), "--stats"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        exported = list(csv.DictReader(handle))
    conn = sqlite3.connect(demo_db)
    conn.row_factory = sqlite3.Row
    wide = [dict(row) for row in conn.execute("SELECT * FROM report_stats_wide ORDER BY report_id")]
    assert len(exported) == len(wide) and any(row["new_applications"] is not None for row in wide)
    for ours, theirs in zip(exported, wide, strict=True):
        assert ours == {k: "" if v is None else str(v) for k, v in theirs.items()}
    assert "--stats" in (tmp_path / "figures.csv.README.md").read_text(encoding="utf-8")
    for fmt in ("jsonl", "parquet"):
        path = tmp_path / f"figures.{fmt}"
        done = CliRunner().invoke(cli, ["export", "--db", str(demo_db), "--format", fmt, "--out", str(path), "--stats"])
        assert done.exit_code == 0, done.output
        got = ([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if fmt == "jsonl"
               else pq.read_table(path).to_pylist())
        assert got == wide, fmt
    refused = CliRunner().invoke(cli, ["export", "--db", str(demo_db), "--format", "txt", "--out",
                                       str(tmp_path / "t"), "--stats"])
    assert refused.exit_code != 0 and "--stats" in refused.output
