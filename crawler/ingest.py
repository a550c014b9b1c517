"""``nianbao ingest``: the archive's single writer in a distributed crawl. It reads the pages the
workers send through the Redis stream ``nianbao:items`` (:mod:`crawler.messages`) and stores them
through :class:`archive.store.Archive`, as the local crawl's pipeline does, a batch per
transaction; and it closes each run in ``crawl_runs`` once every shard of it has said
``shard_done``.

At least once in, exactly once stored. The stream is read through a consumer group: an entry
stays pending until it is acknowledged, and it is acknowledged (and deleted) only after the
batch that stored it committed. An ingest killed mid-batch reads its pending entries first when
it starts again; an entry whose fetch row exists already (``fetches.item_id`` is the entry's id)
raises :class:`archive.store.DuplicateItem` and is skipped. A shard that a dead worker had begun
is crawled again by another: its pages come twice, as two fetches, and the archive stores their
reports once (a report is its text).

The run's tallies are kept in Redis next to the run (``nianbao:run:<id>:tally``), written with
the acknowledgement, so an ingest restarted mid-run still closes the run with whole counts.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from archive.pages import TALLIES, store_page
from archive.store import Archive, DuplicateItem
from crawler.distributed import RUNS, STREAM, job_id, run_key
from crawler.messages import BadMessage, PageMessage, unpack
from parsers.errors import NianbaoError

if TYPE_CHECKING:
    from redis import Redis

GROUP = "ingest"
CONSUMER = "ingest"  # one ingest per archive: a restarted one finds its own pending entries under this name
DEAD = "nianbao:items:dead"  # entries that could not be stored, with why (kept for a look, never retried)
LOCK = "nianbao:ingest:lock"
LOCK_TTL = 15  # seconds: a killed ingest's lock is gone by then
CHECK_EVERY = 5.0  # seconds between looks for runs to close when no shard_done came
KEEP = 7 * 24 * 3600  # a finished run's bookkeeping stays in Redis this long
STATE = ("section_found", "sections", "blocked_reason", "truncated", "robots_skipped", "skipped")  # the worker's


class IngestBusy(NianbaoError):
    """Another ingest holds the lock: the archive has one writer."""


@dataclass(slots=True)
class IngestOptions:
    run_id: int | None = None  # with exit_when_done: the run to wait for (default: every run of this archive)
    exit_when_done: bool = False
    idle_exit: float | None = None  # seconds without any entry, then stop
    batch: int = 256
    block_ms: int = 1000
    progress: float = 10.0  # seconds between progress lines on stderr (0: none)


class Ingest:
    def __init__(self, client: Redis, archive: Archive) -> None:
        self.client = client
        self.archive = archive
        self.db = os.path.abspath(archive.path)
        self.pending_first = True  # after a crash, our own unacknowledged entries come first
        self.stored = Counter()
        self.owner = f"{socket.gethostname()}:{os.getpid()}"

    def run(self, options: IngestOptions) -> Counter[str]:
        """Ingest until stopped (Ctrl-C), or until ``options`` says to stop; returns the counts."""
        self._lock()
        self._group()
        idle_since = last_line = last_check = time.monotonic()
        try:
            while True:
                self._lock()
                shards = self.stored["shards"]
                handled = self.step(options.batch, options.block_ms)
                now = time.monotonic()
                if handled:
                    idle_since = now
                # a run can close when a shard said done, or (rarely) when RQ gave up on a shard
                if self.stored["shards"] != shards or now - last_check >= CHECK_EVERY:
                    last_check = now
                    self.finish_runs()
                if options.progress and now - last_line >= options.progress:
                    last_line = now
                    self._say(f"ingest: {self.stored['pages']} pages, {self.stored['reports']} reports "
                              f"({self.stored['new']} new), {self.stored['shards']} shards done, "
                              f"{self.client.xlen(STREAM)} waiting")
                if options.exit_when_done and not handled and self._all_done(options.run_id):
                    break
                if options.idle_exit is not None and now - idle_since >= options.idle_exit:
                    break
        finally:
            if self.client.get(LOCK) == self.owner.encode():
                self.client.delete(LOCK)
        return self.stored

    # --- reading and storing --------------------------------------------------------------------------
    def step(self, count: int = 256, block_ms: int = 1000) -> int:
        """Read, store and acknowledge one batch; returns how many entries it handled."""
        start = "0" if self.pending_first else ">"
        answer = self.client.xreadgroup(GROUP, CONSUMER, {STREAM: start}, count=count,
                                        block=None if self.pending_first else block_ms)
        entries = answer[0][1] if answer else []
        if self.pending_first and not entries:
            self.pending_first = False
            return 0
        if not entries:
            return 0
        ids = [entry_id for entry_id, _ in entries]
        messages = [(i.decode(), fields.get(b"m") if fields else None) for i, fields in entries]
        try:
            tallies, done = self._store_batch(messages)
        except Exception:  # one bad entry must not stop the archive: the batch's entries one by one
            tallies, done = Counter(), {}
            for one in messages:
                try:
                    t, d = self._store_batch([one])
                except (NianbaoError, KeyError, ValueError, TypeError) as error:  # the entry's own fault
                    self.client.xadd(DEAD, {"id": one[0], "m": one[1] or b"", "error": str(error)[:500]})
                    self._say(f"ingest: entry {one[0]} not stored ({str(error)[:200]}); kept in {DEAD}")
                    continue
                tallies.update(t)
                done.update(d)
        pipe = self.client.pipeline(transaction=True)
        for (run_id, portal_id, key), value in tallies.items():
            pipe.hincrby(run_key(run_id) + ":tally", f"{portal_id}\t{key}", value)
        for (run_id, shard), message in done.items():
            pipe.hset(run_key(run_id) + ":done", str(shard), json.dumps(message, ensure_ascii=False))
        pipe.xack(STREAM, GROUP, *ids)
        pipe.xdel(STREAM, *ids)
        pipe.execute()
        for (_, _, key), value in tallies.items():
            self.stored[key] += value
        self.stored["shards"] += len(done)
        return len(entries)

    def _store_batch(self, messages: list[tuple[str, bytes | None]]) -> tuple[Counter, dict]:
        tallies: Counter[tuple[int, str, str]] = Counter()
        done: dict[tuple[int, int], dict] = {}
        with self.archive.batch():
            for entry_id, raw in messages:
                if raw is None:
                    continue  # deleted from the stream while pending: nothing to store
                message = unpack(raw)
                if isinstance(message, PageMessage):
                    self._store(entry_id, message, tallies)
                else:
                    done[(int(message["run"]), int(message["shard"]))] = {
                        "worker": message.get("worker"), "summary": message.get("summary") or {}}
        return tallies, done

    def _store(self, entry_id: str, m: PageMessage, tallies: Counter) -> None:
        """One page, as :class:`crawler.pipeline.ArchivePipeline` stores it (:func:`archive.pages.store_page`)."""
        try:
            counted = store_page(self.archive, m, m.run_id, clean_error=m.clean_error,
                                 item_id=None if m.not_modified else entry_id)
        except DuplicateItem:
            return  # stored by an ingest killed before it acknowledged the entry
        portal_id = m.fetch.portal_id or ""
        for key, value in counted.items():
            tallies[(m.run_id, portal_id, key)] += value

    # --- closing runs ----------------------------------------------------------------------------------
    def finish_runs(self) -> list[int]:
        """Close every run whose shards have all said ``shard_done`` (or failed for good in RQ);
        returns the runs closed now."""
        closed = []
        for raw in self.client.smembers(RUNS):
            run_id = int(raw)
            meta = self.client.hgetall(run_key(run_id))
            if not meta or meta.get(b"db", b"").decode() not in ("", self.db):
                continue  # another archive's run
            if self._finished_in_archive(run_id):
                self.client.srem(RUNS, run_id)
                continue
            shards = int(meta.get(b"shards", 0))
            done = {int(k): json.loads(v) for k, v in self.client.hgetall(run_key(run_id) + ":done").items()}
            failed = self._failed_shards(run_id, shards, done)
            if len(done) + len(failed) < shards:
                continue
            summary = self.summary(run_id, done, failed)
            self.archive.finish_run(run_id, summary, "interrupted" if failed else "finished")
            for suffix in ("", ":done", ":tally"):
                self.client.expire(run_key(run_id) + suffix, KEEP)
            self.client.srem(RUNS, run_id)
            self._say(f"ingest: run {run_id} finished: {shards} shards, {summary['totals'].get('pages', 0)} pages, "
                      f"{summary['totals'].get('reports', 0)} reports ({summary['totals'].get('new', 0)} new)"
                      + (f"; shards failed: {sorted(failed)}" if failed else ""))
            closed.append(run_id)
        return closed

    def summary(self, run_id: int, done: dict[int, dict], failed: dict[int, str]) -> dict[str, Any]:
        """The run's summary in :meth:`crawler.pipeline.ArchivePipeline.summary`'s shape: the
        workers' view of each portal (section found, blocked, truncated), the ingest's counts of
        what was stored."""
        counts: dict[str, Counter[str]] = {}
        for field, value in self.client.hgetall(run_key(run_id) + ":tally").items():
            portal_id, _, key = field.decode().partition("\t")
            counts.setdefault(portal_id, Counter())[key] = int(value)
        portals: dict[str, dict[str, Any]] = {}
        for shard in sorted(done):
            for portal_id, row in (done[shard]["summary"].get("portals") or {}).items():
                portals[portal_id] = {k: row.get(k) for k in STATE}
        for portal_id in counts:
            portals.setdefault(portal_id, dict.fromkeys(STATE))
        for portal_id, row in portals.items():
            row.update({k: counts.get(portal_id, Counter()).get(k, 0) for k in TALLIES})
            row["section_found"] = bool(row.get("section_found"))
        totals: Counter[str] = Counter()
        for row in portals.values():
            totals.update({k: v for k, v in row.items() if isinstance(v, int) and not isinstance(v, bool)})
        return {"portals": portals, "totals": dict(totals), "cleaning_deferred": False,
                "shards": {str(s): done[s].get("worker") for s in sorted(done)},
                "workers": sorted({str(d.get("worker")) for d in done.values()}),
                **({"failed_shards": {str(s): why for s, why in failed.items()}} if failed else {})}

    def _failed_shards(self, run_id: int, shards: int, done: dict[int, dict]) -> dict[int, str]:
        """Shards whose RQ job failed with no retry left: they will never say ``shard_done``."""
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        failed = {}
        for shard in range(shards):
            if shard in done:
                continue
            try:
                job = Job.fetch(job_id(run_id, shard), connection=self.client)
            except NoSuchJobError:
                continue
            if job.get_status() == JobStatus.FAILED:
                info = (job.exc_info or "failed").strip().splitlines()
                failed[shard] = info[-1][:300] if info else "failed"
        return failed

    def _finished_in_archive(self, run_id: int) -> bool:
        row = self.archive.db.conn.execute("SELECT finished_at FROM crawl_runs WHERE id = ?", (run_id,)).fetchone()
        return row is not None and row[0] is not None

    def _all_done(self, run_id: int | None) -> bool:
        if run_id is not None:
            return self._finished_in_archive(run_id)
        return not any(self.client.hget(run_key(int(r)), "db") in (None, self.db.encode())
                       for r in self.client.smembers(RUNS))

    # --- plumbing ----------------------------------------------------------------------------------
    def _group(self) -> None:
        import redis

        try:
            self.client.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    def _lock(self) -> None:
        """One ingest at a time: the lock is ours for LOCK_TTL seconds, renewed every loop."""
        if self.client.set(LOCK, self.owner, nx=True, ex=LOCK_TTL):
            return
        holder = (self.client.get(LOCK) or b"").decode()
        if holder == self.owner:
            self.client.expire(LOCK, LOCK_TTL)
            return
        raise IngestBusy("another ingest is running", holder or "?",
                         f"one ingest per archive; if it was killed, its lock expires within {LOCK_TTL} s")

    @staticmethod
    def _say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)


def ingest(redis_url: str, db: str, options: IngestOptions) -> Counter[str]:
    """``nianbao ingest``: store what the workers send into the archive at ``db``."""
    from crawler.distributed import connect

    client = connect(redis_url)
    with Archive(db) as archive:
        return Ingest(client, archive).run(options)


__all__ = ["BadMessage", "Ingest", "IngestBusy", "IngestOptions", "ingest"]
