"""``nianbao stats``: coverage and health of an archive, as a dict the CLI prints or dumps as JSON."""

from __future__ import annotations

from archive.store import Archive


def stats(archive: Archive) -> dict[str, object]:
    """Portals, reports per province and year, missing years per portal, spam-affected reports,
    fetch errors, and the last crawl runs."""
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
        "last_runs": [dict(zip(("id", "started_at", "finished_at", "command"), row, strict=True))
                      for row in q("SELECT id, started_at, finished_at, command FROM crawl_runs "
                                   "ORDER BY id DESC LIMIT 5")],
    }
