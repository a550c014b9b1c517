"""The archive writer of a crawl: a detail page or attachment is cleaned in a worker process
(:mod:`archive.cleaning`, ``NIANBAO_CLEAN_WORKERS``, default one per core), then every
:class:`crawler.items.Page` is stored by :func:`archive.pages.store_page` — its response in
``fetches`` (the raw body kept once per digest), its report through
:meth:`archive.store.Archive.store_report` (the single writer path ``reprocess`` and ``ingest``
use too), last its URL's ``url_state`` row (what an incremental crawl re-checks and a resumed one
skips; a 304 updates that row only). All writes happen on the reactor's thread, one at a time.

It also keeps the per-portal tallies that the progress lines and the end-of-crawl summary show,
and records the run in ``crawl_runs`` (``interrupted`` when Scrapy closed the spider early, e.g.
on Ctrl-C) and each portal's outcome in ``portal_runs``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import Counter
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from scrapy import signals

from archive.cleaning import Cleaned, clean_page
from archive.pages import TALLIES, store_page
from archive.store import Archive
from crawler.items import Page

OPTIONS = ("NIANBAO_INCREMENTAL", "NIANBAO_RECHECK_DAYS", "NIANBAO_SKIP_SINCE", "NIANBAO_RESUMES",
           "NIANBAO_DEFER_CLEANING")  # the settings a run is recorded with


class CrawlPipeline:
    """What the crawl's two pipelines share (this module's, and a distributed worker's
    :class:`crawler.redis_pipeline.RedisPipeline`): the cleaning processes, the per-portal tallies
    the progress lines read, and the summary per portal."""

    TALLIES = TALLIES

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.tallies: dict[str, Counter[str]] = {}
        self.pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlPipeline:
        pipeline = cls(crawler)
        crawler.nianbao_pipeline = pipeline  # the progress extension reads the tallies
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def _open(self, clean: bool = True) -> None:
        """The cleaning processes (spawned, not forked: the crawler process runs threads — DNS,
        the reactor's pool) and a tally per portal."""
        if clean:
            workers = self.crawler.settings.getint("NIANBAO_CLEAN_WORKERS", 0) or os.cpu_count() or 1
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        for portal_id in self.crawler.spider.states:
            self.tallies[portal_id] = Counter(dict.fromkeys(self.TALLIES, 0))

    async def _clean(self, item: Page) -> Cleaned:
        state = self.crawler.spider.states.get(item.fetch.portal_id)
        region = state.portal.region_code if state is not None else None
        args = (item.fetch.body, item.fetch.final_url or item.fetch.url, item.fetch.headers.get("Content-Type"),
                region, item.context)
        assert self.pool is not None
        return await asyncio.wrap_future(self.pool.submit(clean_page, *args))

    def _close_pool(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)

    def spider_closed(self, reason: str) -> None:
        """Scrapy's signal, after the pipelines closed (``reason``: ``finished`` unless stopped early)."""

    def summary(self) -> dict[str, Any]:
        """Per portal: section found?, list pages, reports new/updated/unchanged, attachments,
        blocked, errors, 304s, skipped (what ``crawl_runs.stats`` keeps and the CLI prints)."""
        portals = {}
        for portal_id, state in self.crawler.spider.states.items():
            tally = self.tallies.get(portal_id, Counter())
            portals[portal_id] = {
                "section_found": bool(state.sections), "sections": len(state.sections),
                **{k: tally.get(k, 0) for k in self.TALLIES}, "blocked_reason": state.blocked,
                "truncated": state.truncated, "robots_skipped": state.robots_skipped, "skipped": state.skipped,
            }
        totals: Counter[str] = Counter()
        for row in portals.values():
            totals.update({k: v for k, v in row.items() if isinstance(v, int) and not isinstance(v, bool)})
        return {"portals": portals, "totals": dict(totals)}


class ArchivePipeline(CrawlPipeline):
    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.path = crawler.settings.get("NIANBAO_DB")
        self.command = crawler.settings.get("NIANBAO_COMMAND", "crawl")
        self.archive: Archive | None = None
        self.run_id: int | None = None
        # fetch only: reports are made later by `nianbao reprocess` from the stored responses, with
        # their role and listing (a national crawl's fetchers need not spend their CPU on cleaning)
        self.defer = crawler.settings.getbool("NIANBAO_DEFER_CLEANING")

    def open_spider(self) -> None:
        self._open(clean=not self.defer)
        self.archive = Archive(self.path)
        settings = self.crawler.settings
        given = {name.removeprefix("NIANBAO_").lower(): settings.get(name) for name in OPTIONS}
        # kept: what was set (0 days is a setting; False, None and "" are not)
        options = {key: value for key, value in given.items()
                   if value is not None and value is not False and value != ""}
        if not options.get("incremental"):
            options.pop("recheck_days", None)
        options["portals"] = len(self.crawler.spider.states)
        self.run_id = self.archive.begin_run(self.command, options)
        resumes = settings.get("NIANBAO_RESUMES")
        if resumes:
            self.archive.mark_interrupted(int(resumes), resumed_by=self.run_id)
        for state in self.crawler.spider.states.values():
            p = state.portal
            self.archive.store_portal(p.id, p.name, p.home_url, p.region_code, p.kind)

    async def process_item(self, item: Page) -> Page:
        assert self.archive is not None
        clean_error = None
        if (item.role in ("detail", "attachment") and item.report is None and not self.defer
                and not (item.not_modified or item.error or item.blocked)):
            cleaned = await self._clean(item)
            item.report, item.prepared, clean_error = cleaned.report, cleaned.prepared, cleaned.error
        tally = self.tallies.setdefault(item.fetch.portal_id or "", Counter())
        tally.update(store_page(self.archive, item, self.run_id, clean_error=clean_error))
        return item

    def close_spider(self) -> None:
        self._close_pool()

    def spider_closed(self, reason: str) -> None:
        """After the pipelines closed: the run's record, ``interrupted`` unless the crawl ran to its end."""
        if self.archive is None:
            return
        self.archive.finish_run(self.run_id or 0, self.summary(), "finished" if reason == "finished" else "interrupted")
        self.archive.close()
        self.archive = None

    def summary(self) -> dict[str, Any]:
        return {**super().summary(), "cleaning_deferred": self.defer}
