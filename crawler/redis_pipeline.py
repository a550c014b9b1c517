"""The item pipeline of a distributed crawl's worker: every :class:`crawler.items.Page` goes to the
Redis stream ``nianbao:items`` (:mod:`crawler.messages`) for ``nianbao ingest``, the archive's
single writer, instead of into a local archive.

A detail page or attachment is cleaned here first, in worker processes, exactly as
:class:`crawler.pipeline.ArchivePipeline` does (:func:`archive.cleaning.clean_page`): cleaning
is most of a page's CPU, and crawl machines are the ones that scale out, while the ingest only
writes. Backpressure: while the stream holds more than ``NIANBAO_STREAM_BOUND`` entries (the
ingest is behind), the pipeline waits before adding, and Scrapy's item slots fill and slow the
crawl, so Redis memory stays bounded.

Each page is one XADD pipelined with an XLEN: one round trip (two commands) per page.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import TYPE_CHECKING, Any

from crawler.items import Page
from crawler.messages import PageMessage, pack_page, pack_shard_done
from crawler.pipeline import CrawlPipeline

if TYPE_CHECKING:
    from redis import Redis

TALLIES = ("pages", "list_pages", "reports", "attachments", "errors", "blocked", "not_modified", "bytes")
STREAM_BOUND = 2000  # entries waiting for the ingest before workers hold back
_WAIT = 0.2  # seconds between looks at the stream's length while it is over the bound
_ATTEMPTS = 8  # sends of one page while Redis does not answer (backing off 1, 2, … 30 s: about 2 minutes)


class RedisPipeline(CrawlPipeline):
    TALLIES = TALLIES

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.url = settings.get("NIANBAO_REDIS")
        self.stream = settings.get("NIANBAO_STREAM", "nianbao:items")
        self.run_id = settings.getint("NIANBAO_RUN_ID")
        self.shard = settings.getint("NIANBAO_SHARD")
        self.bound = settings.getint("NIANBAO_STREAM_BOUND", STREAM_BOUND)
        self.client: Any = None  # redis.asyncio.Redis, made on the reactor's asyncio loop
        self.length = 0  # the stream's length after our last XADD
        self.close_reason: str | None = None
        self.failed: str | None = None  # why pages could not be sent (the shard then fails)
        self.lock = asyncio.Lock()
        self.closing: asyncio.Future | None = None

    def open_spider(self) -> None:
        import redis.asyncio

        self._open()
        self.client = redis.asyncio.Redis.from_url(self.url)

    async def process_item(self, item: Page) -> Page:
        portal_id = item.fetch.portal_id or ""
        tally = self.tallies.setdefault(portal_id, Counter())
        message = PageMessage(self.run_id, self.shard, item.fetch, item.role, item.report, item.prepared,
                              item.redirects, item.error, item.blocked, item.context, item.not_modified)
        if item.not_modified:
            tally["not_modified"] += 1
        else:
            tally["pages"] += 1
            tally["bytes"] += len(item.fetch.body)
            if item.role in ("section", "list_call") and not item.error:
                tally["list_pages"] += 1
            if item.blocked:
                tally["blocked"] += 1
            elif item.error:
                tally["errors"] += 1
            elif item.role in ("detail", "attachment") and item.report is None:
                cleaned = await self._clean(item)
                message.report, message.prepared, message.clean_error = cleaned.report, cleaned.prepared, cleaned.error
                tally["errors"] += bool(cleaned.error)
            if message.report is not None:
                tally["reports"] += 1
                tally["attachments"] += item.role == "attachment"
        await self._send(pack_page(message))
        item.fetch.body = b""  # sent: the item's body need not stay in memory while Scrapy finishes with it
        return item

    async def _send(self, data: bytes) -> None:
        """One page to the stream, one at a time (Scrapy processes several items at once: without
        the lock each would take a connection of its own, and the pool refuses the ninth). Redis
        gone for a moment is waited for; gone for good, the page is not dropped silently: the
        crawl stops, and the shard fails and is retried by RQ."""
        import redis

        async with self.lock:
            for attempt in range(_ATTEMPTS):
                try:
                    while self.length > self.bound:  # the ingest is behind: wait for it to catch up
                        await asyncio.sleep(_WAIT)
                        self.length = await self.client.xlen(self.stream)
                    async with self.client.pipeline(transaction=False) as pipe:
                        pipe.xadd(self.stream, {"m": data})
                        pipe.xlen(self.stream)
                        _, self.length = await pipe.execute()
                    return
                except (redis.ConnectionError, redis.TimeoutError) as error:
                    if attempt == _ATTEMPTS - 1:
                        self.failed = f"Redis unreachable: {error}"
                        closing = self.crawler.engine.close_spider_async(reason="redis_unavailable")
                        self.closing = asyncio.ensure_future(closing)
                        raise
                    await asyncio.sleep(min(2 ** attempt, 30))

    async def close_spider(self) -> None:
        self._close_pool()
        if self.client is not None:
            await self.client.aclose()

    def spider_closed(self, reason: str) -> None:
        self.close_reason = reason


def send_shard_done(client: Redis, run_id: int, shard: int, summary: dict[str, Any], worker: str,
                    stream: str = "nianbao:items") -> None:
    """After the shard's last page (a worker's XADDs keep their order, so the ingest reads this
    after every page of the shard)."""
    client.xadd(stream, {"m": pack_shard_done(run_id, shard, summary, worker)})
