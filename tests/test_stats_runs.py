"""``nianbao stats`` on crawl runs: the last runs with their status, duration and totals, and the
portals whose crawls fail run after run, on an archive written through ``Archive`` as a crawl does
(begin_run, then finish_run with the run's summary)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from archive.stats import failing_portals, format_text, last_runs, stats
from archive.store import Archive

OK = {"section_found": True, "pages": 12, "list_pages": 2, "reports": 5, "new": 2, "updated": 1,
      "not_modified": 3, "skipped": 4, "errors": 0, "blocked_reason": None}
BLOCKED = {"section_found": False, "pages": 1, "list_pages": 0, "reports": 0, "new": 0, "updated": 0,
           "not_modified": 0, "skipped": 0, "errors": 0, "blocked": 1, "blocked_reason": "HTTP 412 (瑞数)"}
FAILED = {"section_found": False, "pages": 3, "list_pages": 0, "reports": 0, "new": 0, "updated": 0,
          "not_modified": 0, "skipped": 0, "errors": 3, "blocked_reason": None}
NO_SECTION = {**OK, "section_found": False, "reports": 0, "new": 0, "updated": 0, "not_modified": 0}

# one row per run, oldest first: each portal's outcome, and whether the run finished
RUNS = [
    ({"good": OK, "waf": BLOCKED, "back": FAILED, "hidden": OK}, "finished"),
    ({"good": OK, "waf": BLOCKED, "back": FAILED, "hidden": NO_SECTION}, "finished"),
    ({"good": OK, "waf": BLOCKED, "back": FAILED, "hidden": NO_SECTION}, "interrupted"),
    ({"good": OK, "waf": BLOCKED, "back": OK, "hidden": NO_SECTION}, "finished"),
]


def _summary(portals: dict[str, dict]) -> dict:
    totals: dict[str, int] = {}
    for row in portals.values():
        for key, value in row.items():
            if isinstance(value, int) and not isinstance(value, bool):
                totals[key] = totals.get(key, 0) + value
    return {"portals": portals, "totals": totals}


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    path = tmp_path / "runs.db"
    with Archive(path) as archive:
        for portal_id in ("good", "waf", "back", "hidden"):
            archive.store_portal(portal_id, f"{portal_id}县人民政府", f"http://{portal_id}.gov.cn/", None, "portal")
        for portals, status in RUNS:
            run_id = archive.begin_run("crawl", {"incremental": True, "portals": len(portals)})
            archive.finish_run(run_id, _summary(portals), status)
        archive.begin_run("crawl", {"portals": 4})  # still running: this very process is alive
    return path


def test_last_runs_are_newest_first_with_status_duration_and_totals(archive_path: Path) -> None:
    with Archive(archive_path) as archive:
        runs = last_runs(archive)
    assert [r["id"] for r in runs] == [5, 4, 3, 2, 1]
    assert [r["status"] for r in runs] == ["running", "finished", "interrupted", "finished", "finished"]
    latest = runs[1]
    assert latest["portals"] == 4 and latest["incremental"] is True
    assert latest["pages"] == 12 * 2 + 1 + 12 and latest["new"] == 4 and latest["updated"] == 2
    assert latest["not_modified"] == 6 and latest["skipped"] == 12 and latest["errors"] == 0
    assert latest["blocked"] == 1  # portals stopped by a WAF, not pages
    assert isinstance(latest["duration"], float) and latest["duration"] >= 0
    assert runs[0]["duration"] is None and runs[0]["pages"] == 0 and runs[0]["portals"] == 4


def test_a_resumed_run_says_which_run_resumed_it(archive_path: Path) -> None:
    with Archive(archive_path) as archive:
        archive.mark_interrupted(3, resumed_by=4)
        runs = {r["id"]: r for r in last_runs(archive)}
    assert runs[3]["status"] == "resumed by 4"


def test_a_running_run_whose_process_is_gone_is_interrupted(archive_path: Path) -> None:
    with Archive(archive_path) as archive:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout.strip()  # a process of this machine that is gone
        archive.db.conn.execute("UPDATE crawl_runs SET host = ? WHERE id = 5", (f"{socket.gethostname()}:{dead}",))
        archive.db.conn.commit()
        assert last_runs(archive)[0]["status"] == "interrupted"


def test_portals_failing_their_last_three_finished_runs_are_listed(archive_path: Path) -> None:
    with Archive(archive_path) as archive:
        failing = failing_portals(archive)
    by_id = {p["portal_id"]: p for p in failing}
    assert set(by_id) == {"waf"}, "back recovered; hidden failed in only 2 finished runs (one was interrupted)"
    waf = by_id["waf"]
    assert waf["statuses"] == ["blocked"] * 3 and waf["runs"] == [4, 2, 1] and waf["failing_runs"] == 3
    assert waf["last_blocked_reason"] == "HTTP 412 (瑞数)" and waf["name"] == "waf县人民政府"


def test_the_number_of_runs_that_makes_a_portal_failing_is_a_parameter(archive_path: Path) -> None:
    with Archive(archive_path) as archive:
        two = {p["portal_id"]: p for p in failing_portals(archive, 2)}
        four = failing_portals(archive, 4)
    assert set(two) == {"waf", "hidden"} and two["hidden"]["statuses"] == ["no_section"] * 2
    assert two["hidden"]["last_blocked_reason"] is None
    assert four == []


def test_a_portal_that_recovers_leaves_the_list_and_one_that_relapses_starts_again(archive_path: Path) -> None:
    with Archive(archive_path) as archive:
        for _ in range(2):
            run_id = archive.begin_run("crawl")
            archive.finish_run(run_id, _summary({"waf": OK, "back": FAILED}), "finished")
        assert failing_portals(archive) == []
        run_id = archive.begin_run("crawl")
        archive.finish_run(run_id, _summary({"waf": OK, "back": FAILED}), "finished")
        assert [p["portal_id"] for p in failing_portals(archive)] == ["back"]


def test_stats_keeps_its_keys_and_adds_the_runs(archive_path: Path) -> None:
    with Archive(archive_path) as archive:
        found = stats(archive)
    for key in ("portals", "reports", "sources", "fetches", "raw_bodies", "reports_per_province_year",
                "missing_years_per_portal", "spam_affected_reports", "name_hijacked_reports", "fetch_errors",
                "last_runs", "failing_portals"):
        assert key in found, key
    assert {"id", "started_at", "finished_at", "command"} <= set(found["last_runs"][0])
    json.dumps(found, ensure_ascii=False)  # --json prints it as is


def test_text_shows_a_table_of_runs_and_the_failing_portals(archive_path: Path) -> None:
    with Archive(archive_path) as archive:
        text = format_text(stats(archive))
    assert "portals: 4" in text and "reports: 0" in text
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line == "last runs:")
    assert lines[head + 1].split()[:4] == ["id", "command", "status", "started"]
    assert lines[head + 2].split()[:3] == ["5", "crawl", "running"]
    assert lines[head + 4].split()[:3] == ["3", "crawl", "interrupted"]
    waf = next(line for line in lines if line.strip().startswith("waf "))
    assert "blocked, blocked, blocked" in waf and "HTTP 412 (瑞数)" in waf


def test_text_of_an_archive_without_runs_says_so(tmp_path: Path) -> None:
    with Archive(tmp_path / "empty.db") as archive:
        text = format_text(stats(archive))
    assert "last runs: 0" in text and "failing portals: 0" in text
