"""One crawled page into the archive: its response, its report, its URL's state — the same steps
in the same order for both writers, the crawl's pipeline (:mod:`crawler.pipeline`) and
``nianbao ingest`` (:mod:`crawler.ingest`), so the two cannot drift apart.

A page is one transaction: its response, its report and its URL's ``url_state`` row are stored
together or not at all. A URL found in ``url_state`` is therefore done (an incremental crawl
re-checks it, a resumed one skips it); a process killed before the commit fetches it again. A 304
updates that row only. Should storing the report fail (a bug), the response is still kept, with
the error, so that nothing fetched is lost and ``reprocess`` can make the report later.
"""

from __future__ import annotations

from collections import Counter
from typing import Protocol

from archive.store import Archive, DuplicateItem, Prepared, pack_body
from parsers.record import Fetch, Report

# what store_page counts, as a run's summary shows it per portal (the crawl's pipeline and the ingest)
TALLIES = ("pages", "list_pages", "reports", "new", "updated", "unchanged", "duplicate", "near_duplicate",
           "canonical", "attachments", "errors", "blocked", "not_modified", "bytes")


class CrawledPage(Protocol):
    """What :class:`crawler.items.Page` and :class:`crawler.messages.PageMessage` both carry."""

    fetch: Fetch
    role: str
    report: Report | None
    prepared: Prepared | None
    redirects: tuple[str, ...]
    error: str | None
    blocked: bool
    context: dict | None
    not_modified: bool


def store_page(archive: Archive, page: CrawledPage, run_id: int | None, *, clean_error: str | None = None,
               item_id: str | None = None) -> Counter[str]:
    """Store one page (``clean_error``: why the cleaner made nothing of it; ``item_id``: its Redis
    stream entry, see :meth:`Archive.store_fetch`); returns what it counts for the run's tallies:
    pages, bytes, list_pages, blocked, errors, not_modified, reports, attachments and the report's
    status (new, updated, unchanged, duplicate, near_duplicate, canonical)."""
    if page.not_modified:
        archive.note_not_modified(page.fetch.url)
        return Counter(not_modified=1)
    packed = pack_body(page.fetch.body) if page.fetch.body else None
    try:
        with archive.batch():
            return _store(archive, page, run_id, clean_error, item_id, packed)
    except DuplicateItem:
        raise
    except Exception as error:  # whatever failed, the response itself is kept
        if archive.db.conn.in_transaction:
            raise  # inside a caller's batch (the ingest's): the caller handles it
        why = f"not stored as a report: {type(error).__name__}: {error}"[:300]
        archive.store_fetch(page.fetch, run_id, page.error or why, packed, role=page.role, context=page.context,
                            item_id=item_id)
        return Counter(pages=1, errors=1, bytes=len(page.fetch.body))


def _store(archive: Archive, page: CrawledPage, run_id: int | None, clean_error: str | None, item_id: str | None,
           packed: tuple[str, bytes] | None) -> Counter[str]:
    tally: Counter[str] = Counter()
    fetch = page.fetch
    portal_id = fetch.portal_id or None
    fetch_id = archive.store_fetch(fetch, run_id, page.error, packed, role=page.role, context=page.context,
                                   item_id=item_id)
    tally["pages"] += 1
    tally["bytes"] += len(fetch.body)
    if page.role in ("section", "list_call") and not page.error:
        tally["list_pages"] += 1
    if page.blocked:
        tally["blocked"] += 1
    elif page.error:
        tally["errors"] += 1
    elif clean_error:
        archive.note_fetch_error(fetch_id, clean_error)
        tally["errors"] += 1
    if page.report is not None:
        stored = archive.store_report(page.report, fetch_id, portal_id, page.prepared)
        tally["reports"] += 1
        tally[stored.status] += 1
        if page.role == "attachment":
            tally["attachments"] += 1
        for url in page.redirects:
            archive.add_source(stored.report_id, url, portal_id, fetch_id)
    archive.note_url(fetch.url, portal_id, page.role, fetch_id, fetch.status, not (page.error or page.blocked),
                     fetch.headers, packed[0] if packed else None, bool(page.context and page.context.get("cover")))
    return tally
