"""``nianbao stats``: coverage and health of an archive, as a dict the CLI prints or dumps as JSON,
and its text rendering (:func:`format_text`)."""

from __future__ import annotations

import json
from datetime import datetime

from archive.store import Archive

FAILING = ("blocked", "failed", "no_section")  # portal_runs.status values that mean the crawl got nothing
LAST_RUNS = 10
FAILING_AFTER = 3
_RUN_COUNTS = ("pages", "reports", "new", "updated", "not_modified", "skipped", "errors")


def stats(archive: Archive, failing_after: int = FAILING_AFTER) -> dict[str, object]:
    """Portals, reports per province and year, missing years per portal, spam-affected reports,
    fetch errors, the last crawl runs, and the portals whose last ``failing_after`` crawls all failed."""
    q = archive.db.conn.execute
    per_province_year: dict[str, dict[str, int]] = {}
    for province, year, n in q("SELECT coalesce(province, '?'), coalesce(year, 0), count(*) FROM reports "
                               "GROUP BY 1, 2 ORDER BY 1, 2"):
        per_province_year.setdefault(province, {})[str(year or "?")] = n
    missing: dict[str, list[int]] = {}
    for portal_id, years in q("SELECT s.portal_id, group_concat(DISTINCT r.year) FROM report_sources s "
                              "JOIN reports r ON r.id = s.report_id WHERE r.year IS NOT NULL "
                              "GROUP BY s.portal_id"):
        have = sorted({int(y) for y in (years or "").split(",") if y})
        if have:
            gaps = [y for y in range(have[0], have[-1] + 1) if y not in have]
            if gaps:
                missing[portal_id or "?"] = gaps
    return {
        "portals": q("SELECT count(*) FROM portals").fetchone()[0],
        "reports": q("SELECT count(*) FROM reports").fetchone()[0],
        "sources": q("SELECT count(*) FROM report_sources").fetchone()[0],
        "fetches": q("SELECT count(*) FROM fetches").fetchone()[0],
        "raw_bodies": q("SELECT count(*) FROM bodies").fetchone()[0],
        "reports_per_province_year": per_province_year,
        "missing_years_per_portal": missing,
        "spam_affected_reports": q("SELECT count(*) FROM reports WHERE spam_removed NOT IN ('[]', '') "
                                   "AND spam_removed IS NOT NULL").fetchone()[0],
        "name_hijacked_reports": q("SELECT count(*) FROM reports WHERE flags LIKE '%name_hijacked%'").fetchone()[0],
        "fetch_errors": q("SELECT count(*) FROM fetches WHERE error IS NOT NULL OR status >= 400").fetchone()[0],
        "last_runs": last_runs(archive),
        "failing_portals": failing_portals(archive, failing_after),
    }


def last_runs(archive: Archive, limit: int = LAST_RUNS) -> list[dict[str, object]]:
    """The last runs, newest first, each with its status, duration and totals (from ``crawl_runs.stats``).

    A run still ``running`` whose process is gone (killed, or its machine rebooted) is shown as
    ``interrupted``: it is what ``nianbao crawl --resume`` would continue. ``blocked`` counts the
    portals a WAF challenge stopped; ``errors`` the pages that failed."""
    gone = archive.interrupted_run()
    rows = []
    for run_id, started, finished, command, status, options, summary in archive.db.conn.execute(
            "SELECT id, started_at, finished_at, command, status, options, stats FROM crawl_runs "
            "ORDER BY id DESC LIMIT ?", (limit,)):
        summary = json.loads(summary or "{}")
        options = json.loads(options or "{}")
        portals, totals = summary.get("portals") or {}, summary.get("totals") or {}
        if status == "running" and gone is not None and gone["id"] == run_id:
            status = "interrupted"
        rows.append({
            "id": run_id, "started_at": started, "finished_at": finished, "command": command,
            "status": status or ("finished" if finished else "running"),
            "duration": _seconds(started, finished),
            "incremental": bool(options.get("incremental")),
            "portals": len(portals) or options.get("portals") or 0,
            **{name: totals.get(name, 0) for name in _RUN_COUNTS},
            "blocked": sum(1 for row in portals.values() if row.get("blocked_reason")),
        })
    return rows


def failing_portals(archive: Archive, runs: int = FAILING_AFTER) -> list[dict[str, object]]:
    """Portals whose last ``runs`` finished crawls that included them all failed (``portal_runs.status``
    blocked, failed or no_section), with the statuses (newest first), how many runs in a row have
    failed, and the last WAF reason. Interrupted runs are not counted: the portals a stopped crawl
    never reached look like portals without a section."""
    q = archive.db.conn.execute
    marks = ", ".join("?" * len(FAILING))
    finished = "SELECT id FROM crawl_runs WHERE status = 'finished'"
    streaks = q(f"SELECT p.portal_id, count(*), max(p.run_id) FROM portal_runs p LEFT JOIN "
                f"(SELECT portal_id, max(run_id) AS ok_run FROM portal_runs WHERE status NOT IN ({marks}) "
                f"AND run_id IN ({finished}) GROUP BY portal_id) o ON o.portal_id = p.portal_id "
                f"WHERE p.run_id > coalesce(o.ok_run, 0) AND p.run_id IN ({finished}) "
                f"GROUP BY p.portal_id HAVING count(*) >= ? ORDER BY count(*) DESC, p.portal_id",
                (*FAILING, max(runs, 1))).fetchall()
    out = []
    for portal_id, streak, last_run in streaks:
        recent = q(f"SELECT run_id, status, blocked_reason FROM portal_runs WHERE portal_id = ? "
                   f"AND run_id IN ({finished}) ORDER BY run_id DESC LIMIT ?", (portal_id, runs)).fetchall()
        reason = q(f"SELECT blocked_reason FROM portal_runs WHERE portal_id = ? AND blocked_reason IS NOT NULL "
                   f"AND run_id IN ({finished}) ORDER BY run_id DESC LIMIT 1", (portal_id,)).fetchone()
        name = q("SELECT name, home_url FROM portals WHERE id = ?", (portal_id,)).fetchone() or (None, None)
        out.append({"portal_id": portal_id, "name": name[0], "home_url": name[1], "failing_runs": streak,
                    "last_run": last_run, "statuses": [row[1] for row in recent],
                    "runs": [row[0] for row in recent], "last_blocked_reason": reason[0] if reason else None})
    return out


def _seconds(started: str | None, finished: str | None) -> float | None:
    if not started or not finished:
        return None
    try:
        return (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    except ValueError:
        return None


def format_text(found: dict[str, object]) -> str:
    """``nianbao stats`` as text: the counts as ``key: value`` lines, nested counts indented, then a
    table of the last runs and one of the portals failing run after run."""
    lines = []
    for key, value in found.items():
        if key in ("last_runs", "failing_portals"):
            continue
        if isinstance(value, dict | list):
            lines.append(f"{key}:")
            lines += ["  " + line for line in json.dumps(value, ensure_ascii=False, indent=2).splitlines()[1:-1]]
        else:
            lines.append(f"{key}: {value}")
    runs = found.get("last_runs") or []
    assert isinstance(runs, list)
    lines.append(f"last runs: {len(runs)}" if not runs else "last runs:")
    if runs:
        lines.append(f"  {'id':>5} {'command':<8} {'status':<16} {'started (UTC)':<16} {'took':>7} {'portals':>7} "
                     f"{'pages':>6} {'new':>5} {'upd':>4} {'304':>5} {'skip':>5} {'err':>4} {'blocked':>7}")
        for run in runs:
            started = str(run.get("started_at") or "")[:16].replace("T", " ")
            lines.append(f"  {run['id']:>5} {str(run['command'])[:8]:<8} {str(run['status'])[:16]:<16} "
                         f"{started:<16} {_took(run.get('duration')):>7} {run['portals']:>7} {run['pages']:>6} "
                         f"{run['new']:>5} {run['updated']:>4} {run['not_modified']:>5} {run['skipped']:>5} "
                         f"{run['errors']:>4} {run['blocked']:>7}")
    failing = found.get("failing_portals") or []
    assert isinstance(failing, list)
    if not failing:
        lines.append("failing portals: 0")
        return "\n".join(lines)
    lines.append("failing portals (their last crawls all blocked, failed or without a 年报 section):")
    width = max(len("portal"), *(len(str(p["portal_id"])) for p in failing))
    lines.append(f"  {'portal':<{width}} {'runs':>4}  {'last statuses, newest first':<34} last blocked reason")
    for portal in failing:
        statuses = ", ".join(portal["statuses"])
        lines.append(f"  {portal['portal_id']:<{width}} {portal['failing_runs']:>4}  {statuses:<34} "
                     f"{portal.get('last_blocked_reason') or '-'}")
    return "\n".join(lines)


def _took(seconds: object) -> str:
    """A duration as 42s, 7m05s or 3h12m; ``-`` for a run that has not finished."""
    if not isinstance(seconds, int | float):
        return "-"
    total = round(seconds)
    if total < 60:
        return f"{total}s"
    if total < 3600:
        return f"{total // 60}m{total % 60:02d}s"
    return f"{total // 3600}h{total % 3600 // 60:02d}m"
