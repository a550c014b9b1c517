"""Scrapy settings for nianbao (scrapy.cfg points here; ``nianbao crawl`` loads them too).

Manners first: robots.txt obeyed, at most ~1 request/s per host (DOWNLOAD_DELAY with
AutoThrottle), two connections per host, an honest User-Agent, retries that back off, and a
throughput that comes from crawling many portals at once. ``LOCAL`` relaxes the delays for the
bundled demo portals and the test farm, which are served on loopback.

Off, on purpose: Scrapy's Telnet console and its RemoteControl extension (an HTTP server on
loopback that runs code sent to it) have no place on a crawl machine.
"""

import os

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# who we are: set NIANBAO_CONTACT (an e-mail or URL) before crawling real portals
USER_AGENT = ("nianbao/0.1 (archive of 政府信息公开工作年度报告 for research; "
              f"contact: {os.environ.get('NIANBAO_CONTACT', 'see the nianbao README')})")
ROBOTSTXT_OBEY = True

# politeness per host; throughput from many hosts at once
CONCURRENT_REQUESTS = 128
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024  # annual-report PDFs reach ~20 MB; a bigger body is not a report
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
REACTOR_THREADPOOL_MAXSIZE = 20

# every response reaches the spider (a 404 or a WAF's 412 is recorded, not dropped)
HTTPERROR_ALLOW_ALL = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetry": 550,
    "crawler.middlewares.Replay": 50,  # before every other: a replayed page never reaches the network
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,  # no portal needs a login
}
ITEM_PIPELINES = {"crawler.pipeline.ArchivePipeline": 300}
# a response yields one Page and its links: Scrapy's default (100) starts 100 asyncio tasks per
# response to process them, which was a sixth of the crawler's CPU on the benchmark farm
CONCURRENT_ITEMS = 8
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,  # depth is bounded by roles (below)
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,  # a development aid
}
EXTENSIONS = {"crawler.progress.Progress": 500}
DEPTH_LIMIT = 0  # bounded by roles instead: hubs two hops deep, lists by their pagers, MAX_LIST_PAGES
LOG_LEVEL = "WARNING"
NIANBAO_PROGRESS_INTERVAL = 10.0
# `nianbao crawl --incremental`: a known report page or attachment is re-checked (conditionally)
# when its last check is older than this; list pages are re-walked on every crawl
NIANBAO_RECHECK_DAYS = 30.0

# the demo portals and the test farm on loopback: no delays, quick retries
LOCAL = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_BACKOFF_BASE": 0.05,
    "DOWNLOAD_TIMEOUT": 10,
    "NIANBAO_PROGRESS_INTERVAL": 5.0,
}
