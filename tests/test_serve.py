"""``nianbao serve``: a real Datasette over the demo archive, in process (datasette.client) with
the metadata and plugin that ``serve`` gives it, and once as the real command on a free port."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from datasette.app import Datasette

from archive.serve import metadata, prepare
from archive.store import Archive

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ds(demo_db: Path) -> Datasette:
    assert prepare(demo_db)  # migrated and checkpointed: the file alone holds everything
    return Datasette(immutables=[str(demo_db)], metadata=metadata(demo_db))


def _get(ds: Datasette, path: str, **params: str):
    return asyncio.run(ds.client.get(path, params=params or None))


def _titles(ds: Datasette, db: Path, query: str) -> list[dict]:
    response = _get(ds, f"/{db.stem}/reports.json", _search=query, _shape="array", _col="title", _size="max")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("query", ["依申请公开", "政府信息公开申请", "公开", "申请", "灵山", "报", "县"])
def test_the_search_box_finds_chinese_of_any_length_as_the_archive_does(ds: Datasette, demo_db: Path,
                                                                        query: str) -> None:
    found = {row["id"] for row in _titles(ds, demo_db, query)}
    with Archive(demo_db) as archive:
        ours = {row["id"] for row in archive.search(query, limit=10_000)}
        texts = dict(archive.db.execute("SELECT id, coalesce(title, '') || coalesce(text, '') FROM reports").fetchall())
    assert found and found == ours
    assert found == {i for i, text in texts.items() if query in text}  # exactly the reports that contain it


def test_a_query_nothing_contains_finds_nothing_and_the_page_shows_the_search_box(ds: Datasette, demo_db: Path) -> None:
    assert _titles(ds, demo_db, "无此词语组合") == []
    page = _get(ds, f"/{demo_db.stem}/reports", _search="公开").text
    assert 'name="_search"' in page and 'value="公开"' in page and 'search matches &#34;公开&#34;' in page


def test_reports_have_default_facets_and_titles_that_link_to_the_report_page(ds: Datasette, demo_db: Path) -> None:
    data = _get(ds, f"/{demo_db.stem}/reports.json", _extra="facet_results").json()
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"province", "city", "year", "agency"} <= set(facets)
    page = _get(ds, f"/{demo_db.stem}/reports").text
    assert re.search(r'<a href="/-/report/\d+\?db=' + demo_db.stem, page)


def test_raw_bodies_and_index_tables_are_hidden(ds: Datasette, demo_db: Path) -> None:
    tables = {t["name"]: t for t in _get(ds, f"/{demo_db.stem}.json").json()["tables"]}
    for name in ("bodies", "report_minhash", "reports_fts", "reports_bigrams"):
        assert tables[name]["hidden"], name
    assert not tables["reports"]["hidden"] and not tables["report_sources"]["hidden"]


@pytest.mark.parametrize("query", ["reports_by_region_year", "coverage_matrix", "gaps", "spam_affected",
                                   "blocked_portals", "applications_by_region_year", "applications_per_year",
                                   "failing_portals"])
def test_canned_queries_run(ds: Datasette, demo_db: Path, query: str) -> None:
    response = _get(ds, f"/{demo_db.stem}/{query}.json", _shape="array", region="", year="", from_year="",
                    to_year="", runs="")
    assert response.status_code == 200, response.text
    rows = response.json()
    if query in ("reports_by_region_year", "coverage_matrix", "spam_affected", "gaps"):
        assert rows, query
    if query == "spam_affected":
        assert all(row["spans"] >= 1 and row["removed"] for row in rows)
    if query == "coverage_matrix":
        with Archive(demo_db) as archive:
            assert sum(row["reports"] for row in rows) == archive.db["reports"].count


def test_a_region_by_year(ds: Datasette, demo_db: Path) -> None:
    rows = _get(ds, f"/{demo_db.stem}/reports_by_region_year.json", _shape="array", region="灵山", year="2023").json()
    assert rows and all(row["year"] == 2023 and "灵山" in row["county"] for row in rows)


def test_the_coverage_chart_shows_counts_and_gaps(ds: Datasette, demo_db: Path) -> None:
    page = _get(ds, "/-/coverage").text
    assert '<svg id="coverage-chart"' in page
    counts = [int(n) for n in re.findall(r'data-count="(\d+)"', page)]
    with Archive(demo_db) as archive:
        dated = archive.db.execute("SELECT count(*) FROM reports WHERE year IS NOT NULL").fetchone()[0]
    assert sum(counts) == dated and 0 in counts  # every dated report counted once, and gaps drawn
    assert 'class="nb-gap"' in page


def test_a_report_page_shows_the_clean_text_beside_what_was_removed(ds: Datasette, demo_db: Path) -> None:
    with Archive(demo_db) as archive:
        report_id, spam, text = archive.db.execute(
            "SELECT id, spam_removed, text FROM reports WHERE spam_removed != '[]' LIMIT 1").fetchone()
    page = _get(ds, f"/-/report/{report_id}").text
    for span in json.loads(spam):
        assert f'<span class="nb-span">{span["text"]}</span>' in page and span["reason"] in page
    first_line = next(line for line in text.split("\n") if line.strip() and "\t" not in line)
    assert first_line in page
    assert _get(ds, "/-/report/999999").status_code == 404


def test_applications_per_year_for_a_region_as_a_query_and_a_chart(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from parsers.record import Fetch, Report

    path = tmp_path / "stats.db"
    with Archive(path) as archive:
        for year, n, county in ((2021, 12, "同心县"), (2023, 16, "同心县"), (2023, 5, "灵山县")):
            url = f"http://www.example.gov.cn/{county}/{year}.html"
            fetch = archive.store_fetch(Fetch(None, url, 200, {}, url.encode(), datetime(2024, 1, 1, tzinfo=UTC)))
            archive.store_report(Report(
                title=f"{county}{year}年政府信息公开工作年度报告", year=year,
                text=f"{county}{year}年新收申请{n}件。" + ("主动公开。" if county == "同心县" else "办理。") * 40,
                county=county, url=url, stats=[{"section": "依申请公开", "row": "本年新收政府信息公开申请数量",
                                                "column": "总计", "value": n}]), fetch)
    ds = Datasette(immutables=[str(path)], metadata=metadata(path))
    rows = _get(ds, "/stats/applications_per_year.json", _shape="array", region="同心").json()
    assert [(r["year"], r["new_applications"], r["reports"]) for r in rows] == [(2021, 12, 1), (2023, 16, 1)]
    page = _get(ds, "/-/applications", region="同心").text
    assert '<svg id="applications-chart"' in page
    assert re.findall(r'data-year="(\d+)" data-value="(\d*)"', page) == [("2021", "12"), ("2022", ""), ("2023", "16")]
    everything = _get(ds, "/-/applications").text
    assert 'data-year="2023" data-value="21"' in everything


def test_metadata_names_the_served_database_and_is_bilingual(demo_db: Path) -> None:
    meta = metadata(demo_db)
    assert list(meta["databases"]) == [demo_db.stem]
    assert "年报" in meta["title"] and "annual reports" in meta["description_html"]
    assert "sum(year =" in meta["databases"][demo_db.stem]["queries"]["coverage_matrix"]["sql"]


def test_serve_runs_the_real_server_read_only(demo_db: Path) -> None:
    import hashlib

    assert prepare(demo_db)  # what serve does first (a checkpoint moves the log into the file)
    before = hashlib.sha256(demo_db.read_bytes()).hexdigest()
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--db", str(demo_db), "--port", "0"],
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        url = wait_for_url(process)
        with urllib.request.urlopen(f"{url}/{demo_db.stem}/reports.json?_search=公开&_shape=array".replace(
                "公开", "%E5%85%AC%E5%BC%80"), timeout=20) as response:
            assert json.load(response)
        with urllib.request.urlopen(f"{url}/-/coverage", timeout=20) as response:
            assert b"coverage-chart" in response.read()
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert hashlib.sha256(demo_db.read_bytes()).hexdigest() == before  # served, never written


def test_serve_refuses_a_missing_archive(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "crawler.cli", "serve", "--db", str(tmp_path / "none.db")],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert done.returncode != 0 and "no archive" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "none.db").exists()


def wait_for_url(process: subprocess.Popen) -> str:
    """The address Datasette's server prints once it listens (``--port 0``: a free port)."""
    assert process.stderr is not None
    for line in process.stderr:
        found = re.search(r"Uvicorn running on (http://[\d.]+:\d+)", line)
        if found:
            return found.group(1)
    raise AssertionError(f"the server did not start (exit code {process.wait(timeout=10)})")


def test_failing_portals_are_those_whose_last_runs_all_failed(tmp_path: Path) -> None:
    import yaml

    sql = yaml.safe_load((ROOT / "settings" / "datasette.yaml").read_text(encoding="utf-8"))
    sql = next(iter(sql["databases"].values()))["queries"]["failing_portals"]["sql"]
    outcomes = {"waf": [{"blocked_reason": "WAF challenge (HTTP 412)", "pages": 1}] * 3,
                "recovered": [{"pages": 2, "errors": 2}, {"pages": 2, "errors": 2},
                              {"pages": 5, "section_found": True}],
                "down": [{"pages": 5, "section_found": True}, {"pages": 2, "errors": 2}, {"pages": 2, "errors": 2},
                         {"pages": 3, "section_found": False}]}
    with Archive(tmp_path / "a.db") as archive:
        for n in range(4):
            run = archive.begin_run("crawl")
            archive.finish_run(run, {"portals": {p: o[n] for p, o in outcomes.items() if n < len(o)}, "totals": {}})
        rows = archive.db.execute(sql, {"runs": ""}).fetchall()
        assert sorted((r[0], r[3]) for r in rows) == [("down", "no_section, failed, failed"),
                                                        ("waf", "blocked, blocked, blocked")]
        assert [r[0] for r in archive.db.execute(sql, {"runs": "4"})] == []  # down was ok four runs ago
