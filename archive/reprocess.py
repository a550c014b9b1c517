"""``nianbao reprocess``: re-run the current parsers over the stored raw responses, no network.

Only the latest successful response of each URL is re-cleaned (older responses are the history
that ``report_versions`` already keeps), and only if the crawl fetched it as a detail page or an
attachment (navigation pages never were reports); it is cleaned with what the crawl knew of it
(an attachment takes its detail page's title and date). A report whose clean text changed gets a
new version, nothing is deleted. Returns what happened, for the CLI to print.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from archive.cleaning import Cleaned, clean_page
from archive.store import Archive

_LATEST = ("SELECT max(id) FROM fetches WHERE sha256 IS NOT NULL AND status BETWEEN 200 AND 299 "
           "AND coalesce(role, 'detail') IN ('detail', 'attachment') GROUP BY url ORDER BY 1")


def reprocess(archive: Archive, workers: int = 1) -> Counter[str]:
    """Counts of ``new``, ``updated``, ``unchanged``, ``duplicate``, ``not_a_report`` and
    ``errors``. ``workers`` > 1 cleans in that many processes while this one reads the stored
    bodies and writes, in fetch order, exactly as one process would."""
    counts: Counter[str] = Counter(dict.fromkeys(
        ("fetches", "new", "updated", "unchanged", "duplicate", "not_a_report", "errors"), 0))
    latest = [row[0] for row in archive.db.conn.execute(_LATEST)]
    for fetch_id, portal_id, cleaned in _cleaned(archive, latest, workers):
        if cleaned.error:
            archive.note_fetch_error(fetch_id, cleaned.error)
            counts["errors"] += 1
        elif cleaned.report is None:
            counts["not_a_report"] += 1
        else:
            counts[archive.store_report(cleaned.report, fetch_id, portal_id, cleaned.prepared).status] += 1
    counts["fetches"] = len(latest)
    return counts


def _cleaned(archive: Archive, fetch_ids: list[int], workers: int) -> Iterator[tuple[int, str | None, Cleaned]]:
    """Each fetch cleaned with what the crawl knew of it, in order; with workers, a bounded
    window of bodies is in flight (memory stays flat however many fetches there are)."""
    if workers <= 1:
        for fetch_id in fetch_ids:
            portal_id, args = _job(archive, fetch_id)
            yield fetch_id, portal_id, clean_page(*args)
        return
    window: deque[tuple[int, str | None, Future[Cleaned]]] = deque()
    # spawn, not fork: the caller may run threads (a crawl's reactor)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for fetch_id in fetch_ids:
            portal_id, args = _job(archive, fetch_id)
            window.append((fetch_id, portal_id, pool.submit(clean_page, *args)))
            if len(window) >= 4 * workers:
                done_id, done_portal, future = window.popleft()
                yield done_id, done_portal, future.result()
        while window:
            done_id, done_portal, future = window.popleft()
            yield done_id, done_portal, future.result()


def _job(archive: Archive, fetch_id: int) -> tuple[str | None, tuple]:
    url, final_url, content_type, sha256, portal_id, region_code, context = archive.db.conn.execute(
        "SELECT f.url, f.final_url, f.content_type, f.sha256, f.portal_id, p.region_code, f.context "
        "FROM fetches f LEFT JOIN portals p ON p.id = f.portal_id WHERE f.id = ?", (fetch_id,)).fetchone()
    listing = json.loads(context) if context else None
    return portal_id, (archive.raw_body(sha256), final_url or url, content_type, region_code, listing)
