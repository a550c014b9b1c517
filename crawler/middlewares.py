"""Downloader middlewares: retries that back off, and an offline public-suffix list.

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
from scrapy.http import Request


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


def offline_public_suffixes() -> None:
    """Scrapy's cookie middleware splits domains with tldextract, which downloads the public
    suffix list on first use: offline that costs 0.7 s and warnings on every crawl. Use the
    snapshot tldextract ships instead (no network)."""
    from scrapy.downloadermiddlewares import cookies
    from tldextract import TLDExtract

    cookies._split_domain = TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
