"""A crawl shared by many machines: portal-sharded crawl jobs on an RQ queue in Redis.

``nianbao dispatch`` (:func:`dispatch`) records the run in the archive, groups the portals into
shards and enqueues one RQ job per shard on the queue ``nianbao``. ``nianbao worker``
(:func:`work`) runs RQ's forking worker on each crawl machine: each job (:func:`crawl_shard`) is
one Scrapy crawl of its shard's portals in a fresh work horse (a Twisted reactor cannot be
restarted in one process), whose items go back through the Redis stream ``nianbao:items``
(:mod:`crawler.redis_pipeline`) to ``nianbao ingest`` (:mod:`crawler.ingest`), the archive's
single writer.

Why shards of whole portals, not a shared frontier (scrapy-redis): the spider keeps each portal's
state in memory (seen URLs, pending requests, a WAF block, the page budget), and Scrapy's
per-host politeness holds inside one process only. Portals sharing a hostname land in one shard,
so a host is crawled by one worker at a time, at the usual ≤ 1 request/s. A job whose worker
died is re-queued by RQ (``Retry``) once the dead horse's heartbeat expires; what it had sent
already is stored once by the ingest (a report is identified by its text).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from parsers.errors import NianbaoError

if TYPE_CHECKING:
    from redis import Redis

    from crawler.registry import Portal

QUEUE = "nianbao"  # the RQ queue of crawl jobs
STREAM = "nianbao:items"  # crawled pages and shard_done messages, to the ingest
RUNS = "nianbao:runs"  # ids of the runs dispatched through this Redis
JOB_TIMEOUT = 24 * 3600  # a shard's portals crawl side by side; the slowest at ≤ 1 request/s may take hours
RESULT_TTL = 600  # the job's return value is a few counts: the archive has the run
RETRIES = 3


class RedisUnavailable(NianbaoError):
    """Redis could not be reached (or answered an error) at the given URL."""


def run_key(run_id: int) -> str:
    """The run's hash in Redis: ``shards`` (how many), ``db``; its ``:done`` and ``:tally`` hashes
    are kept by the ingest."""
    return f"nianbao:run:{run_id}"


def job_id(run_id: int, shard: int) -> str:
    return f"nianbao-{run_id}-{shard}"


def connect(url: str) -> Redis:
    """A Redis client for ``url``, checked with a PING: an unreachable Redis is a one-line error."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
        client.ping()
    except ValueError as error:
        raise RedisUnavailable("not a Redis URL", url, f"{error}; e.g. redis://127.0.0.1:6379/0") from None
    except redis.RedisError as error:
        raise RedisUnavailable(f"cannot reach Redis: {str(error).splitlines()[0]}", url,
                               "start redis-server there, or give the right --redis URL") from None
    return client


def portal_hosts(portal: Portal) -> set[str]:
    return {urlsplit(u).hostname or "" for u in (portal.home_url, *portal.section_urls)} - {""}


def shard(portals: Iterable[Portal], size: int) -> list[list[Portal]]:
    """Portals in shards of about ``size``; portals sharing a hostname are always in one shard
    (one worker crawls a host, so Scrapy's per-host delay holds across machines). A group of
    portals bigger than ``size`` is one shard of its own."""
    portals = list(portals)
    parent = list(range(len(portals)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, portal in enumerate(portals):
        for host in portal_hosts(portal):
            if host in owner:
                parent[root(index)] = root(owner[host])
            else:
                owner[host] = index
    groups: dict[int, list[Portal]] = {}
    for index, portal in enumerate(portals):
        groups.setdefault(root(index), []).append(portal)
    shards: list[list[Portal]] = []
    current: list[Portal] = []
    for group in groups.values():  # registry order, groups kept whole
        if current and len(current) + len(group) > size:
            shards.append(current)
            current = []
        current = current + group
    if current:
        shards.append(current)
    return shards


def portal_payload(portal: Portal) -> dict[str, Any]:
    return {"id": portal.id, "name": portal.name, "home_url": portal.home_url, "region_code": portal.region_code,
            "section_urls": list(portal.section_urls), "kind": portal.kind}


def dispatch(portals: list[Portal], db: str, redis_url: str, *, incremental: bool = False,
             recheck_days: float | None = None, shard_size: int = 10, local: bool = False,
             max_pages: int | None = None) -> tuple[int, int]:
    """Record a run in the archive at ``db`` and enqueue its shards; returns ``(run_id, shards)``.

    ``incremental``: each shard carries the memory of earlier crawls of its portals (validators,
    and the stored navigation pages a 304 is walked from), since workers have no archive."""
    from rq import Queue, Retry

    from archive.store import Archive

    client = connect(redis_url)  # before the archive is touched: a wrong URL writes nothing
    shards = shard(portals, max(1, shard_size))
    options: dict[str, Any] = {"redis": redis_url, "shards": len(shards), "portals": len(portals),
                               "shard_size": shard_size}
    if incremental:
        from settings import scrapy as project

        recheck_days = project.NIANBAO_RECHECK_DAYS if recheck_days is None else recheck_days
        options.update(incremental=True, recheck_days=recheck_days)
    if max_pages:
        options["max_pages"] = max_pages
    with Archive(db) as archive:
        run_id = archive.begin_run("dispatch", options)
        for p in portals:
            archive.store_portal(p.id, p.name, p.home_url, p.region_code, p.kind)
    payloads = [{"run_id": run_id, "shard": index, "local": local, "max_pages": max_pages,
                 "portals": [portal_payload(p) for p in group],
                 "memory": _memory(db, [p.id for p in group], recheck_days) if incremental else None}
                for index, group in enumerate(shards)]
    # the run's shard count is in Redis before its first job can finish: the ingest reads it there
    client.hset(run_key(run_id), mapping={"shards": len(shards), "db": os.path.abspath(db),
                                          "dispatched_by": f"{socket.gethostname()}:{os.getpid()}"})
    client.sadd(RUNS, run_id)
    queue = Queue(QUEUE, connection=client)
    queue.enqueue_many([Queue.prepare_data(crawl_shard, (payload,), job_id=job_id(run_id, payload["shard"]),
                                           timeout=JOB_TIMEOUT, result_ttl=RESULT_TTL, retry=Retry(max=RETRIES),
                                           description=f"nianbao run {run_id} shard {payload['shard']}: "
                                           f"{len(payload['portals'])} portals")
                        for payload in payloads])
    return run_id, len(shards)


def _memory(db: str, portal_ids: list[str], recheck_days: float | None) -> dict[str, Any]:
    """One shard's memory of earlier crawls, as plain data (:meth:`Memory.to_payload`)."""
    from crawler.incremental import Memory, recheck_cutoff

    memory = Memory.from_archive(db, portal_ids, conditional=True, skip_since=recheck_cutoff(recheck_days or 0.0))
    return memory.to_payload(portal_ids)


def crawl_shard(payload: dict[str, Any]) -> dict[str, Any]:
    """The RQ job: crawl one shard's portals with the project's Scrapy settings, every page sent
    to the ingest through Redis, then the shard's ``shard_done``. Runs in RQ's work horse (a
    forked process of its own: one CrawlerProcess per process). A crawl that did not run to its
    end (the horse was told to stop) raises, so that RQ retries the shard."""
    from scrapy.crawler import CrawlerProcess

    from crawler.incremental import Memory
    from crawler.middlewares import offline_public_suffixes
    from crawler.redis_pipeline import send_shard_done
    from crawler.registry import Portal
    from crawler.run import settings
    from crawler.spiders.portals import PortalSpider

    redis_url = os.environ.get("NIANBAO_REDIS")
    if not redis_url:
        raise RedisUnavailable("no Redis URL for the items", "NIANBAO_REDIS", "run jobs with `nianbao worker`")
    portals = [Portal(p["id"], p["name"], p["home_url"], p.get("region_code"), tuple(p.get("section_urls") or ()),
                      p.get("kind") or "portal") for p in payload["portals"]]
    memory = Memory.from_payload(payload["memory"]) if payload.get("memory") else None
    offline_public_suffixes()
    extra = {"ITEM_PIPELINES": {"crawler.redis_pipeline.RedisPipeline": 300}, "NIANBAO_REDIS": redis_url,
             "NIANBAO_RUN_ID": payload["run_id"], "NIANBAO_SHARD": payload["shard"], "NIANBAO_INCREMENTAL": False,
             "NIANBAO_STREAM": STREAM}
    process = CrawlerProcess(settings("", local=bool(payload.get("local")), command="worker", extra=extra))
    crawler = process.create_crawler(PortalSpider)
    process.crawl(crawler, portals=portals, max_pages=payload.get("max_pages"), memory=memory)
    process.start()
    pipeline = getattr(crawler, "nianbao_pipeline", None)
    reason = getattr(pipeline, "failed", None) or getattr(pipeline, "close_reason", None)
    if pipeline is None or reason != "finished":
        raise NianbaoError(f"the shard's crawl stopped early ({reason or 'never opened'})",
                           f"run {payload['run_id']} shard {payload['shard']}", "RQ retries it")
    summary = pipeline.summary()
    send_shard_done(connect(redis_url), payload["run_id"], payload["shard"], summary,
                    os.environ.get("NIANBAO_WORKER_NAME") or socket.gethostname())
    return {"run_id": payload["run_id"], "shard": payload["shard"], "pages": summary["totals"].get("pages", 0)}


def work(redis_url: str, *, name: str | None = None, burst: bool = False, job_monitoring_interval: int = 30,
         maintenance_interval: int = 600) -> bool:
    """Run RQ's forking worker on the queue ``nianbao`` until stopped (or, ``burst``, until the
    queue is empty); returns whether it did any job.

    The worker's TTL is kept close to ``maintenance_interval``: RQ runs maintenance (which
    re-queues the jobs of dead workers) between blocking waits on the empty queue, and a wait lasts
    the TTL less 15 s (default TTL 420 s: an idle survivor would take 7 minutes to notice)."""
    from rq import Queue, Worker

    client = connect(redis_url)
    os.environ["NIANBAO_REDIS"] = redis_url  # the work horses send their items there
    if name:
        os.environ["NIANBAO_WORKER_NAME"] = name
    worker = Worker([Queue(QUEUE, connection=client)], name=name, connection=client,
                    job_monitoring_interval=job_monitoring_interval, maintenance_interval=maintenance_interval,
                    worker_ttl=min(420, max(20, maintenance_interval + 15)))
    if name is None:
        os.environ["NIANBAO_WORKER_NAME"] = worker.name
    return worker.work(burst=burst, logging_level="WARNING")
