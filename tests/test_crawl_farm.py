"""The crawler over real HTTP on loopback: ``nianbao crawl`` (the real command, in a subprocess)
against the portal farm (the demo portals and tests/farm), checked against each portal's
expect.yaml: every report stored exactly once, mirrors merged, nothing else stored as a report,
robots.txt obeyed, WAF portals blocked; then a second crawl that stores nothing twice."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from crawler.discover import canonical
from crawler.farm import Farm

ROOT = Path(__file__).resolve().parent.parent
ROOTS = [p for p in (ROOT / "crawler" / "demo", ROOT / "tests" / "farm") if p.is_dir()]
EXPECT = {p.parent.name: yaml.safe_load(p.read_text(encoding="utf-8"))
          for root in ROOTS for p in sorted(root.glob("*/expect.yaml"))}


def _nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True, text=True, env=env,
                          timeout=600, check=False)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Farm, sqlite3.Connection, str, str]]:
    db = tmp_path_factory.mktemp("crawl") / "farm.db"
    with Farm(ROOTS) as farm:
        first = _nianbao("crawl", "--registry", str(farm.registry), "--db", str(db), "--local")
        assert first.returncode == 0, first.stderr[-3000:]
        conn = sqlite3.connect(db)
        yield farm, conn, first.stdout, first.stderr
        conn.close()


def _report_of(conn: sqlite3.Connection, url: str) -> list[int]:
    """The reports found at this URL (as the crawler writes URLs: canonical, query sorted)."""
    return [r[0] for r in conn.execute("SELECT DISTINCT report_id FROM report_sources WHERE url IN (?, ?)",
                                       (url, canonical(url)))]


def _fetched(conn: sqlite3.Connection, url: str) -> bool:
    urls = (url, canonical(url))
    return conn.execute("SELECT 1 FROM fetches WHERE url IN (?, ?) OR final_url IN (?, ?)",
                        (*urls, *urls)).fetchone() is not None


def _portal_ids() -> list[str]:
    return sorted(EXPECT)


@pytest.mark.parametrize("portal", _portal_ids())
def test_every_report_is_stored_exactly_once(crawled, portal: str) -> None:
    farm, conn, _, _ = crawled
    expect = EXPECT[portal]
    if expect.get("blocked"):
        pytest.skip("a blocked portal stores no report")
    ids = set()
    for item in expect.get("reports") or []:
        url = farm.url(portal, item["path"], item.get("host", ""))
        found = _report_of(conn, url)
        assert len(found) == 1, f"{url}: stored as {len(found)} reports ({item.get('title_contains')})"
        title, year = conn.execute("SELECT title, year FROM reports WHERE id = ?", (found[0],)).fetchone()
        if item.get("title_contains"):
            assert item["title_contains"] in (title or ""), f"{url}: title {title!r}"
        if item.get("year"):
            assert year == item["year"], f"{url}: year {year}"
        if item.get("via"):  # a link that redirected to the page is one more source of the report
            assert _report_of(conn, farm.url(portal, item["via"])) == found, f"{item['via']}: not a source"
        for other in item.get("also_at") or []:  # the same report at another URL: one more source
            where = farm.url(portal, other["path"], other.get("host", ""))
            assert _report_of(conn, where) == found, f"{where}: not a source of {url}"
        if item.get("text_contains"):
            text = conn.execute("SELECT text FROM reports WHERE id = ?", (found[0],)).fetchone()[0]
            assert item["text_contains"] in text, f"{url}: text lacks {item['text_contains'][:30]}…"
        ids.add(found[0])
    assert len(ids) == len(expect.get("reports") or []), "two expected reports were merged into one"


@pytest.mark.parametrize("portal", _portal_ids())
def test_mirror_copies_merge_into_the_official_report(crawled, portal: str) -> None:
    farm, conn, _, _ = crawled
    mirrors = EXPECT[portal].get("mirror_of") or []
    if not mirrors:
        pytest.skip("no mirror copies")
    for item in mirrors:
        copy = farm.url(portal, item["path"], item.get("host", ""))
        original = farm.url(item["of"]["portal"], item["of"]["path"])
        assert _report_of(conn, copy) == _report_of(conn, original) != [], f"{copy} not merged with {original}"
        official = conn.execute("SELECT url FROM reports WHERE id = ?", (_report_of(conn, original)[0],)).fetchone()
        assert not official[0].startswith(farm.url(portal, "/")), "the mirror's copy became canonical"


@pytest.mark.parametrize("portal", _portal_ids())
def test_nothing_else_is_stored_as_a_report(crawled, portal: str) -> None:
    farm, conn, _, _ = crawled
    for item in [*(EXPECT[portal].get("not_reports") or []), *(EXPECT[portal].get("fetched_not_stored") or [])]:
        url = farm.url(portal, item["path"], item.get("host", ""))
        assert _report_of(conn, url) == [], f"{url} ({item.get('title')}) was stored as a report"
    expected = {canonical(farm.url(portal, i["path"], i.get("host", ""))) for i in EXPECT[portal].get("reports") or []}
    expected |= {canonical(farm.url(portal, o["path"], o.get("host", "")))
                 for i in EXPECT[portal].get("reports") or [] for o in i.get("also_at") or []}
    expected |= {canonical(farm.url(portal, i["path"], i.get("host", "")))
                 for i in EXPECT[portal].get("mirror_of") or []}
    stored = {r[0] for r in conn.execute("SELECT url FROM report_sources WHERE portal_id = ?", (portal,))}
    assert stored <= expected | _redirect_sources(conn, portal), f"unexpected reports: {sorted(stored - expected)}"


def _redirect_sources(conn: sqlite3.Connection, portal: str) -> set[str]:
    """URLs that redirected to a report page are sources too."""
    return {r[0] for r in conn.execute("SELECT url FROM fetches WHERE portal_id = ? AND url != final_url", (portal,))}


@pytest.mark.parametrize("portal", _portal_ids())
def test_robots_txt_and_other_sites_are_left_alone(crawled, portal: str) -> None:
    farm, conn, _, _ = crawled
    never = EXPECT[portal].get("never_fetched") or []
    if not never:
        pytest.skip("nothing disallowed")
    for item in never:
        path, host = (item["path"], item.get("host", "")) if isinstance(item, dict) else (item, "")
        assert not _fetched(conn, farm.url(portal, path, host)), f"{path} fetched despite robots.txt"
        with urllib.request.urlopen(farm.url(portal, "/__farm__/log", host)) as response:
            log = json.load(response)
        assert not any(str(key).startswith(path) for key in _requested_paths(log)), f"{path} requested"


def _requested_paths(log: object) -> list[str]:
    if isinstance(log, dict):
        found = []
        for key, value in log.items():
            found += [key] if isinstance(value, int) else _requested_paths(value)
        return found
    return []


@pytest.mark.parametrize("portal", _portal_ids())
def test_waf_challenges_block_the_portal(crawled, portal: str) -> None:
    _, conn, stdout, _ = crawled
    expect = EXPECT[portal]
    run = json.loads(conn.execute("SELECT stats FROM crawl_runs ORDER BY id LIMIT 1").fetchone()[0])
    row = run["portals"][portal]
    if expect.get("blocked"):
        assert row["blocked_reason"] and "WAF" in row["blocked_reason"]
        assert conn.execute("SELECT count(*) FROM report_sources WHERE portal_id = ?", (portal,)).fetchone()[0] == 0
        assert "blocked" in stdout
    else:
        assert not row["blocked_reason"]
        kind = next(p["kind"] for p in _farm_portals(crawled) if p["id"] == portal)
        assert row["section_found"] or kind == "mirror" or not (expect.get("reports") or [])


def _farm_portals(crawled) -> list[dict]:
    return crawled[0].portals


def test_the_summary_and_progress_lines(crawled) -> None:
    _, conn, stdout, stderr = crawled
    for portal in EXPECT:
        assert f"portal {portal}: start" in stderr and f"portal {portal}: done" in stderr
        assert any(line.startswith(portal) for line in stdout.splitlines())
    assert "total:" in stdout
    assert conn.execute("SELECT count(*) FROM crawl_runs WHERE finished_at IS NOT NULL").fetchone()[0] >= 1


def test_a_second_crawl_stores_nothing_twice(crawled, tmp_path: Path) -> None:
    farm, conn, _, _ = crawled
    db = conn.execute("PRAGMA database_list").fetchone()[2]
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("reports", "report_sources", "report_versions")}
    again = _nianbao("crawl", "--registry", str(farm.registry), "--db", db, "--local")
    assert again.returncode == 0, again.stderr[-2000:]
    after = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counts}
    assert after == counts
    run = json.loads(conn.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert run["totals"]["new"] == 0 and run["totals"]["unchanged"] >= 1
