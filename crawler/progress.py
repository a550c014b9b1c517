"""Progress of a crawl on stderr: a line when a portal starts and ends (the spider says those),
periodic totals (pages, reports, attachments, errors, pages/s), and the summary at the end."""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from twisted.internet import task


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Progress:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.interval = crawler.settings.getfloat("NIANBAO_PROGRESS_INTERVAL", 10.0)
        self.loop: task.LoopingCall | None = None
        self.started = time.monotonic()
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> Progress:
        return cls(crawler)

    def opened(self) -> None:
        self.started = time.monotonic()
        if self.interval > 0:
            self.loop = task.LoopingCall(self.tick)
            self.loop.start(self.interval, now=False)

    def closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def tick(self) -> None:
        pipeline = getattr(self.crawler, "nianbao_pipeline", None)
        if pipeline is None:
            return
        totals: dict[str, int] = {}
        for tally in pipeline.tallies.values():
            for key, value in tally.items():
                totals[key] = totals.get(key, 0) + value
        elapsed = max(time.monotonic() - self.started, 1e-6)
        # a distributed worker does not know which reports are new (the ingest does)
        new = f" ({totals.get('new', 0)} new)" if "new" in pipeline.TALLIES else ""
        checked = f", {totals['not_modified']} unchanged (304)" if totals.get("not_modified") else ""
        say(f"  … {totals.get('pages', 0)} pages, {totals.get('reports', 0)} reports{new}, "
            f"{totals.get('attachments', 0)} attachments, {totals.get('errors', 0)} errors{checked}, "
            f"{totals.get('pages', 0) / elapsed:.1f} pages/s")
