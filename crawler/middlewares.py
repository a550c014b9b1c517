"""Downloader middlewares: retries that back off, stored pages replayed, and an offline public-suffix list.

``BackoffRetry`` is Scrapy's RetryMiddleware whose retries wait ``RETRY_BACKOFF_BASE × 2^(n-1)``
seconds (capped by ``RETRY_BACKOFF_MAX``) before they are sent again, so a portal that is down or
overloaded is not hammered; the wait happens in ``process_request`` with ``asyncio.sleep``, which
blocks nothing else.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response


class BackoffRetry(RetryMiddleware):
    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def _retry(self, request: Request, reason: Any) -> Request | None:
        retry = super()._retry(request, reason)
        if retry is not None:
            wait = min(self.cap, self.base * 2 ** (retry.meta.get("retry_times", 1) - 1))
            retry.meta["not_before"] = time.monotonic() + wait
        return retry

    async def process_request(self, request: Request) -> None:
        wait = request.meta.get("not_before", 0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)


class Replay:
    """A request marked ``replay`` (a known cover page that an incremental or resumed crawl skips,
    :mod:`crawler.incremental`) is answered from its stored body, without the network and without
    waiting for the host's politeness delay; when the body is not kept, it is downloaded."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> Replay:
        return cls(crawler)

    def process_request(self, request: Request) -> Response | None:
        if not request.meta.get("replay"):
            return None
        memory = getattr(self.crawler.spider, "memory", None)
        body = memory.stored(request.url) if memory is not None else None
        if body is None:
            request.meta["replay"] = False
            return None
        return Response(request.url, status=200, body=body, request=request, flags=["replay"])


def offline_public_suffixes() -> None:
    """Scrapy's cookie middleware splits domains with tldextract, which downloads the public
    suffix list on first use: offline that costs 0.7 s and warnings on every crawl. Use the
    snapshot tldextract ships instead (no network)."""
    from scrapy.downloadermiddlewares import cookies
    from tldextract import TLDExtract

    cookies._split_domain = TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
