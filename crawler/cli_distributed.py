"""The verbs of a crawl shared by several machines: ``dispatch``, ``worker``, ``ingest``
(registered into the ``nianbao`` group by :mod:`crawler.cli`, which turns their errors — ours, the
OS's, Redis's, SQLite's — into one line on stderr and a non-zero exit).

Each parses its options and calls one function of :mod:`crawler.distributed` or :mod:`crawler.ingest`.
"""

from __future__ import annotations

import time

import click

from parsers.errors import NianbaoError

_REDIS = click.option("--redis", "redis_url", required=True, metavar="URL",
                      help="The Redis of the crawl, e.g. redis://archive-host:6379/0 (keep it private).")


@click.command()
@_REDIS
@click.option("--registry", type=click.Path(dir_okay=False), help="Portal registry (default: settings/portals.yaml).")
@click.option("--db", default="nianbao.db", show_default=True, help="The archive the ingest writes (the run's record).")
@click.option("--portal", "portal_ids", multiple=True, metavar="ID", help="Crawl only this portal (repeatable).")
@click.option("--incremental", is_flag=True, help="Re-walk lists, fetch only new pages, re-check known ones "
              "with conditional requests (each shard carries what the archive knows of its portals).")
@click.option("--recheck-days", type=click.FloatRange(min=0), metavar="DAYS",
              help="With --incremental: re-check a known report page when its last check is older than this.")
@click.option("--shard-size", type=click.IntRange(min=1), default=10, show_default=True,
              help="Portals per crawl job (portals sharing a host are always in one job).")
@click.option("--max-pages", type=click.IntRange(min=1), help="At most N requests per portal.")
@click.option("--local", is_flag=True, hidden=True, help="No politeness delays (portals served on loopback).")
@click.option("--wait", is_flag=True, help="Wait until the ingest has closed the run, printing progress.")
def dispatch(redis_url: str, registry: str | None, db: str, portal_ids: tuple[str, ...], incremental: bool,
             recheck_days: float | None, shard_size: int, max_pages: int | None, local: bool, wait: bool) -> None:
    """Start a crawl shared by several machines: record the run in the archive and put one crawl
    job per shard of portals on the Redis queue, for `nianbao worker` on each crawl machine; their
    pages are stored by `nianbao ingest`.

    Example: nianbao dispatch --redis redis://127.0.0.1:6379/0 --db nianbao.db --shard-size 10 --wait
    """
    from crawler.distributed import dispatch as run
    from crawler.registry import load

    portals = load(registry)
    if portal_ids:
        unknown = sorted(set(portal_ids) - {p.id for p in portals})
        if unknown:
            raise NianbaoError(f"no portal {', '.join(unknown)} in the registry", registry or "settings/portals.yaml",
                               "see the ids with: grep 'id:' on the registry")
        portals = [p for p in portals if p.id in portal_ids]
    run_id, shards = run(portals, db, redis_url, incremental=incremental, recheck_days=recheck_days,
                         shard_size=shard_size, local=local, max_pages=max_pages)
    click.echo(f"run {run_id}: {len(portals)} portals in {shards} crawl jobs on {redis_url}")
    if wait:
        _wait(redis_url, db, run_id, shards)


def _wait(redis_url: str, db: str, run_id: int, shards: int) -> None:
    """Until the run is closed in the archive (by the ingest), a progress line every 10 s."""
    import json
    import sqlite3

    from crawler.distributed import connect, run_key

    client = connect(redis_url)
    last = 0.0
    while True:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT status, stats FROM crawl_runs WHERE id = ? AND finished_at IS NOT NULL",
                               (run_id,)).fetchone()
        if row is not None:
            totals = json.loads(row[1] or "{}").get("totals", {})
            click.echo(f"run {run_id} {row[0]}: {totals.get('pages', 0)} pages, {totals.get('reports', 0)} reports "
                       f"({totals.get('new', 0)} new), {totals.get('errors', 0)} errors")
            return
        if time.monotonic() - last >= 10:
            last = time.monotonic()
            done = client.hlen(run_key(run_id) + ":done")
            click.echo(f"  … run {run_id}: {done}/{shards} shards done", err=True)
        time.sleep(1)


@click.command()
@_REDIS
@click.option("--name", help="This worker's name in RQ (default: host and pid).")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty instead of waiting for more jobs.")
@click.option("--job-monitoring-interval", type=click.IntRange(min=1), default=30, show_default=True, metavar="S",
              help="Seconds between heartbeats of a running job; a job whose worker died is re-queued "
              "S + 60 s after its last heartbeat.")
@click.option("--maintenance-interval", type=click.IntRange(min=1), default=600, show_default=True, metavar="S",
              help="Seconds between RQ's maintenance runs (which re-queue the jobs of dead workers).")
def worker(redis_url: str, name: str | None, burst: bool, job_monitoring_interval: int,
           maintenance_interval: int) -> None:
    """Crawl jobs from the Redis queue, one shard of portals at a time, each in a fresh process;
    every page goes back through Redis to `nianbao ingest`. Stop it with Ctrl-C (it finishes the
    running job first; a second Ctrl-C abandons it, and RQ gives it to another worker).

    Example: nianbao worker --redis redis://archive-host:6379/0 --name crawl-1
    """
    from crawler.distributed import work

    work(redis_url, name=name, burst=burst, job_monitoring_interval=job_monitoring_interval,
         maintenance_interval=maintenance_interval)


@click.command()
@_REDIS
@click.option("--db", default="nianbao.db", show_default=True, help="The archive (SQLite) to store into.")
@click.option("--run", "run_id", type=int, metavar="ID", help="With --exit-when-done: the run to wait for "
              "(default: every run dispatched for this archive).")
@click.option("--exit-when-done", is_flag=True, help="Stop once the run(s) are closed and nothing is waiting.")
@click.option("--idle-exit", type=click.FloatRange(min=0), metavar="SECONDS",
              help="Stop after this long without any page coming in.")
def ingest(redis_url: str, db: str, run_id: int | None, exit_when_done: bool, idle_exit: float | None) -> None:
    """Store the pages that workers send through Redis into the archive: its single writer.
    Closes each run once all its shards are done. Safe to kill and restart: nothing is lost or
    stored twice.

    Example: nianbao ingest --redis redis://127.0.0.1:6379/0 --db nianbao.db
    """
    from crawler.ingest import IngestOptions
    from crawler.ingest import ingest as run

    counts = run(redis_url, db, IngestOptions(run_id, exit_when_done, idle_exit))
    click.echo(f"ingested {counts['pages']} pages, {counts['reports']} reports ({counts['new']} new), "
               f"{counts['shards']} shards done")
