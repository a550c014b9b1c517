"""``nianbao reprocess``: re-run the current parsers over the stored raw responses, no network.

Only the latest successful response of each URL is re-cleaned (older responses are the history
that ``report_versions`` already keeps), and only if the crawl fetched it as a detail page or an
attachment (navigation pages never were reports); it is cleaned with what the crawl knew of it
(an attachment takes its detail page's title and date). A report whose clean text changed gets a
new version, nothing is deleted. Returns what happened, for the CLI to print.
"""

from __future__ import annotations

import json
from collections import Counter

from archive.store import Archive
from parsers.clean import CleanOptions, clean
from parsers.errors import NianbaoError
from parsers.record import Report


def reprocess(archive: Archive) -> Counter[str]:
    """Counts of ``new``, ``updated``, ``unchanged``, ``duplicate`` and ``errors``."""
    counts: Counter[str] = Counter(dict.fromkeys(
        ("fetches", "new", "updated", "unchanged", "duplicate", "not_a_report", "errors"), 0))
    latest = archive.db.conn.execute(
        "SELECT f.id, f.url, f.final_url, f.content_type, f.sha256, f.portal_id, p.region_code, f.context "
        "FROM fetches f LEFT JOIN portals p ON p.id = f.portal_id "
        "WHERE f.id IN (SELECT max(id) FROM fetches WHERE sha256 IS NOT NULL AND status BETWEEN 200 AND 299 "
        "AND coalesce(role, 'detail') IN ('detail', 'attachment') GROUP BY url) ORDER BY f.id").fetchall()
    for fetch_id, url, final_url, content_type, sha256, portal_id, region_code, context in latest:
        options = CleanOptions(url=final_url or url, content_type=content_type, region_hint=region_code,
                               where=f"fetch {fetch_id}", listing=json.loads(context) if context else None)
        try:
            report: Report = clean(archive.raw_body(sha256), options)
        except NianbaoError:
            counts["errors"] += 1
            continue
        if "not_a_report" in report.flags:
            counts["not_a_report"] += 1
            continue
        counts[archive.store_report(report, fetch_id, portal_id).status] += 1
    counts["fetches"] = len(latest)
    return counts


