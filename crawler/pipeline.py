"""The archive writer of a crawl: every :class:`crawler.items.Page` becomes a row of ``fetches``
(its raw body kept once per digest), and its report, if any, goes through
:meth:`archive.store.Archive.store_report` — the same single writer path as ``reprocess``.

It also keeps the per-portal tallies that the progress lines and the end-of-crawl summary show,
and records the summary in ``crawl_runs``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from archive.store import Archive
from crawler.items import Page

TALLIES = ("pages", "list_pages", "reports", "new", "updated", "unchanged", "duplicate", "near_duplicate",
           "canonical", "attachments", "errors", "blocked")


class ArchivePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("NIANBAO_DB")
        self.command = crawler.settings.get("NIANBAO_COMMAND", "crawl")
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.tallies: dict[str, Counter[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        pipeline = cls(crawler)
        crawler.nianbao_pipeline = pipeline  # the progress extension reads the tallies
        return pipeline

    def open_spider(self) -> None:
        self.archive = Archive(self.path)
        self.run_id = self.archive.begin_run(self.command)
        for state in self.crawler.spider.states.values():
            p = state.portal
            self.archive.store_portal(p.id, p.name, p.home_url, p.region_code, p.kind)
            self.tallies[p.id] = Counter(dict.fromkeys(TALLIES, 0))

    def process_item(self, item: Page) -> Page:
        assert self.archive is not None
        portal_id = item.fetch.portal_id or ""
        tally = self.tallies.setdefault(portal_id, Counter())
        fetch_id = self.archive.store_fetch(item.fetch, self.run_id, item.error)
        tally["pages"] += 1
        if item.role in ("section", "list_call") and not item.error:
            tally["list_pages"] += 1
        if item.blocked:
            tally["blocked"] += 1
        elif item.error:
            tally["errors"] += 1
        if item.report is not None:
            stored = self.archive.store_report(item.report, fetch_id, portal_id)
            tally["reports"] += 1
            tally[stored.status] += 1
            if item.role == "attachment":
                tally["attachments"] += 1
            for url in item.redirects:
                self.archive.add_source(stored.report_id, url, portal_id, fetch_id)
        return item

    def close_spider(self) -> None:
        if self.archive is None:
            return
        self.archive.finish_run(self.run_id or 0, self.summary())
        self.archive.close()

    def summary(self) -> dict[str, Any]:
        """Per portal: section found?, list pages, reports new/updated/unchanged, attachments,
        blocked, errors (what ``crawl_runs.stats`` keeps and the CLI prints)."""
        portals = {}
        for portal_id, state in self.crawler.spider.states.items():
            tally = self.tallies.get(portal_id, Counter())
            portals[portal_id] = {
                "section_found": bool(state.sections), "sections": len(state.sections),
                **{k: tally.get(k, 0) for k in TALLIES}, "blocked_reason": state.blocked,
                "truncated": state.truncated, "robots_skipped": state.robots_skipped,
            }
        totals = Counter()
        for row in portals.values():
            totals.update({k: v for k, v in row.items() if isinstance(v, int) and not isinstance(v, bool)})
        return {"portals": portals, "totals": dict(totals)}
