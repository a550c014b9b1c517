"""The archive's one writer path: :class:`Archive` (the crawler pipeline, ``reprocess`` and
``ingest`` all go through it).

Every write is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``), so a process killed at any
point leaves the database as it was before or after a whole fetch or report, never between;
WAL mode lets readers (Datasette) read while the crawler writes. Nothing stored is overwritten:
a raw body is stored once per digest, and a report whose page changed keeps every earlier
version in ``report_versions``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy
import sqlite_utils

from archive import dedup
from archive import search as fulltext
from archive.schema import JSON_FIELDS, REPORT_FIELDS, migrate
from archive.schema import now as _now
from archive.search import bigram_terms
from parsers.errors import NianbaoError
from parsers.record import Fetch, Report

if TYPE_CHECKING:
    from archive.lsh import BandIndex

PARSER_VERSION = "1"  # bump when parsers/ changes what it makes of a page; reprocess re-runs older rows
_NOT_TEXT = re.compile(r"[\W_]+")  # whitespace and punctuation do not make two reports different
_MAX_CANDIDATES = 50  # LSH candidates checked against the guards for one new report


class ArchiveError(NianbaoError):
    """The archive could not store something; what was stored before is intact."""


class DuplicateItem(ArchiveError):
    """This Redis stream entry was stored already (an ingest redelivered it after a crash)."""


@dataclass(frozen=True, slots=True)
class Stored:
    """What ``store_report`` did: ``new``; ``updated`` (its page changed: a new version);
    ``duplicate`` (the same text from another URL); ``near_duplicate`` (a mirror's copy, merged as
    one more source); ``canonical`` (a better copy of a known report, now its current version);
    ``unchanged``."""

    report_id: int
    status: str


@dataclass(frozen=True, slots=True)
class Prepared:
    """What store_report computes from a report before it writes: made by :func:`prepare`, which
    a caller may run in other processes (it pickles) to keep the single writer busy writing."""

    text_hash: str
    signature: numpy.ndarray | None  # MinHash values, uint32
    key: dedup.Key | None
    terms: str  # the short-query search tokens (archive.search.bigram_terms)


def prepare(report: Report, url: str) -> Prepared:
    terms = bigram_terms(report.title, report.text)
    if not report.text:
        return Prepared("empty:" + hashlib.sha256(url.encode()).hexdigest(), None, None, terms)
    return Prepared(text_hash(report.text), dedup.signature(report.text).hashvalues.astype(numpy.uint32),
                    dedup.key(report.year, report.region_code, report.agency, report.text), terms)


def pack_body(body: bytes) -> tuple[str, bytes]:
    """A raw body's sha256 and its compressed bytes, as ``bodies`` keeps them."""
    return hashlib.sha256(body).hexdigest(), zlib.compress(body, 6)


def packed_body(conn: sqlite3.Connection, sha256: str) -> tuple[str, bytes] | None:
    """A stored body as ``bodies`` keeps it, ``(codec, data)``, or None (any connection to the
    archive: the crawl's memory of earlier crawls reads through a read-only one)."""
    row = conn.execute("SELECT codec, data FROM bodies WHERE sha256 = ?", (sha256,)).fetchone()
    return (row[0], bytes(row[1])) if row else None


def unpack_body(codec: str, data: bytes) -> bytes:
    return zlib.decompress(data) if codec == "zlib" else bytes(data)


def text_hash(text: str) -> str:
    """The identity of a clean text: sha256 of its letters and digits only."""
    return hashlib.sha256(_NOT_TEXT.sub("", text).lower().encode("utf-8")).hexdigest()


class Archive:
    """An open archive database. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path, defer_search: bool = False) -> None:
        """``defer_search``: a bulk ingest's mode — new reports are queued in ``search_pending``
        (in their own transaction, so nothing is lost) and indexed for search by
        :meth:`catch_up_search`, in bulk, when the archive is closed; until then they are stored
        but not found by search."""
        self.path = str(path)
        self.db = sqlite_utils.Database(self.path)
        self.db.conn.isolation_level = None  # transactions are ours, explicit
        migrate(self.db)
        self._lsh: BandIndex | None = None
        self._failed = False  # a write inside the open batch failed
        self._to_index: list[tuple] = []  # full-text index writes of the open transaction (see transaction)
        self.defer_search = defer_search
        if not defer_search:
            self.catch_up_search()  # what a deferred run killed before its end left unindexed

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.defer_search:
            self.catch_up_search()
        self.db.conn.close()

    def catch_up_search(self, chunk: int = 2000) -> int:
        """Index the reports queued by a deferred-search ingest, ``chunk`` at a time (each chunk
        one transaction); returns how many."""
        conn = self.db.conn
        done = 0
        while True:
            ids = [r[0] for r in conn.execute("SELECT report_id FROM search_pending ORDER BY report_id LIMIT ?",
                                              (chunk,))]
            if not ids:
                return done
            marks = ", ".join("?" * len(ids))
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(f"INSERT INTO reports_fts (rowid, title, text) SELECT id, title, text FROM reports "
                             f"WHERE id IN ({marks})", ids)
                rows = conn.execute(f"SELECT id, title, text FROM reports WHERE id IN ({marks})", ids).fetchall()
                conn.executemany("INSERT INTO reports_bigrams (rowid, terms) VALUES (?, ?)",
                                 [(i, bigram_terms(title, text)) for i, title, text in rows])
                conn.execute(f"DELETE FROM search_pending WHERE report_id IN ({marks})", ids)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            done += len(ids)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction, or, inside a :meth:`batch`, part of the batch's. A write that fails
        inside a batch rolls the whole batch back when it ends.

        FTS5 flushes its pending index at every savepoint, and SQLite opens one for every
        statement that may need a statement rollback (REPLACE, foreign keys): the full-text index
        writes are therefore queued and made together just before COMMIT, in the same transaction
        (indexing a report cost 3x more interleaved with the other writes)."""
        conn = self.db.conn
        if conn.in_transaction:
            try:
                yield
            except BaseException:
                self._failed = True
                raise
            return
        self._failed = False
        self._to_index = []
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            if not self._failed:
                self._write_index(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            self._lsh = None  # rebuilt from the database on next use
            raise
        finally:
            self._to_index = []
        if self._failed:
            conn.execute("ROLLBACK")
            self._lsh = None
            raise ArchiveError("a write failed inside the batch: the whole batch was rolled back, "
                               "nothing of it is stored")
        conn.execute("COMMIT")

    def _write_index(self, conn: sqlite3.Connection) -> None:
        for args in self._to_index:
            report_id = args[0]
            # only a deferred run queues reports (and a normal open catches its leftovers up first)
            if self.defer_search and conn.execute("SELECT 1 FROM search_pending WHERE report_id = ?",
                                                  (report_id,)).fetchone():
                continue  # not indexed yet: the catch-up indexes what the row holds then
            if self.defer_search and len(args) == 4:  # a new report: queued
                conn.execute("INSERT OR IGNORE INTO search_pending (report_id) VALUES (?)", (report_id,))
            else:
                fulltext.index_report(conn, *args)

    def batch(self) -> contextlib.AbstractContextManager[None]:
        """Many writes as one transaction: bulk ingest commits once per batch instead of once per
        fetch and report. A killed process loses the open batch whole, never part of it; so does a
        write that fails inside it (checks that need no write, like an unknown fetch id, fail
        before writing and leave the batch alone)."""
        return self.transaction()

    # --- runs and portals ---------------------------------------------------------------------------
    def begin_run(self, command: str, options: dict[str, object] | None = None) -> int:
        """A new row of ``crawl_runs`` (status ``running``), with the options it ran with and
        where it runs (``host:pid``: a run left ``running`` by a dead process is found by
        :meth:`interrupted_run`)."""
        import os
        import socket

        where = f"{socket.gethostname()}:{os.getpid()}"
        with self.transaction():
            cursor = self.db.conn.execute(
                "INSERT INTO crawl_runs (started_at, command, status, options, host) VALUES (?, ?, 'running', ?, ?)",
                (_now(), command, json.dumps(options or {}, ensure_ascii=False), where))
        return int(cursor.lastrowid)

    def finish_run(self, run_id: int, stats: dict[str, object], status: str = "finished") -> None:
        """Close a run: its summary in ``crawl_runs.stats``, each portal's outcome in ``portal_runs``
        (``status`` is ``finished``, or ``interrupted`` for a crawl stopped by Ctrl-C)."""
        finished = _now()
        portals = stats.get("portals") or {}
        assert isinstance(portals, dict)
        with self.transaction():
            self.db.conn.execute("UPDATE crawl_runs SET finished_at = ?, stats = ?, status = ? WHERE id = ?",
                                 (finished, json.dumps(stats, ensure_ascii=False), status, run_id))
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO portal_runs (run_id, portal_id, status, section_found, pages, list_pages, "
                "reports, new, updated, not_modified, skipped, errors, blocked_reason, bytes, finished_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, portal_id, portal_outcome(row), int(bool(row.get("section_found"))), row.get("pages", 0),
                  row.get("list_pages", 0), row.get("reports", 0), row.get("new", 0), row.get("updated", 0),
                  row.get("not_modified", 0), row.get("skipped", 0), row.get("errors", 0), row.get("blocked_reason"),
                  row.get("bytes", 0), finished) for portal_id, row in portals.items()])

    def interrupted_run(self) -> dict[str, object] | None:
        """The last crawl on one machine that did not finish (stopped by Ctrl-C, killed, or its
        machine rebooted), or None. A run still ``running`` counts only when its process, on this
        machine, is gone. (A distributed run, ``dispatch``, is finished by its workers' retries.)"""
        import socket

        for run_id, started_at, status, host, options in self.db.conn.execute(
                "SELECT id, started_at, status, host, options FROM crawl_runs WHERE (finished_at IS NULL "
                "OR status = 'interrupted') AND command IN ('crawl', 'demo') ORDER BY id DESC"):
            if status == "running":
                name, _, pid = (host or "").rpartition(":")
                if name != socket.gethostname() or not pid.isdigit() or _alive(int(pid)):
                    continue  # another machine's, or still crawling
            return {"id": run_id, "started_at": started_at, "options": json.loads(options or "{}")}
        return None

    def mark_interrupted(self, run_id: int, resumed_by: int | None = None) -> None:
        with self.transaction():
            self.db.conn.execute(
                "UPDATE crawl_runs SET status = ?, finished_at = coalesce(finished_at, ?) WHERE id = ?",
                ("interrupted" if resumed_by is None else f"resumed by {resumed_by}", _now(), run_id))

    # --- what the crawler knows of each URL (incremental and resumed crawls) -------------------------
    def note_url(self, url: str, portal_id: str | None, role: str | None, fetch_id: int | None, status: int,
                 ok: bool, headers: dict[str, str] | None = None, sha256: str | None = None,
                 cover: bool = False) -> None:
        """A URL was answered in full (or failed): its validators, digest and time in ``url_state``.
        Written after the response was stored and processed, so a URL checked here is done."""
        lower = {k.lower(): v for k, v in (headers or {}).items()}
        etag, modified = (lower.get("etag"), lower.get("last-modified")) if ok else (None, None)
        stamp = _now()
        with self.transaction():
            self.db.conn.execute(
                "INSERT INTO url_state (url, portal_id, role, status, ok, etag, last_modified, sha256, fetch_id, "
                "first_seen, last_checked, last_changed, checks, not_modified, cover) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?) ON CONFLICT(url) DO UPDATE SET "
                "portal_id = excluded.portal_id, role = coalesce(excluded.role, role), status = excluded.status, "
                "ok = excluded.ok, etag = excluded.etag, last_modified = excluded.last_modified, "
                "last_changed = CASE WHEN excluded.sha256 IS NOT sha256 THEN excluded.last_checked "
                "ELSE last_changed END, sha256 = coalesce(excluded.sha256, sha256), "
                "fetch_id = coalesce(excluded.fetch_id, fetch_id), last_checked = excluded.last_checked, "
                "checks = checks + 1, cover = excluded.cover",
                (url, portal_id, role, status, int(ok), etag, modified, sha256, fetch_id, stamp, stamp, stamp,
                 int(cover)))

    def note_not_modified(self, url: str) -> None:
        """A conditional request was answered 304: the URL is checked, nothing else is written."""
        with self.transaction():
            self.db.conn.execute("UPDATE url_state SET last_checked = ?, checks = checks + 1, "
                                 "not_modified = not_modified + 1 WHERE url = ?", (_now(), url))

    def url_states(self, portal_ids: list[str] | None = None) -> Iterator[tuple]:
        """``(url, portal_id, role, ok, etag, last_modified, sha256, last_checked, cover)`` of every
        known URL (of these portals)."""
        sql = "SELECT url, portal_id, role, ok, etag, last_modified, sha256, last_checked, cover FROM url_state"
        if portal_ids is None:
            yield from self.db.conn.execute(sql)
            return
        for start in range(0, len(portal_ids), 500):
            chunk = portal_ids[start:start + 500]
            yield from self.db.conn.execute(f"{sql} WHERE portal_id IN ({', '.join('?' * len(chunk))})", chunk)

    def store_portal(self, portal_id: str, name: str, home_url: str, region_code: str | None,
                     kind: str = "portal") -> None:
        with self.transaction():
            self.db.conn.execute(
                "INSERT INTO portals (id, name, region_code, home_url, kind) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, region_code = excluded.region_code, "
                "home_url = excluded.home_url, kind = excluded.kind",
                (portal_id, name, region_code, home_url, kind))

    # --- fetches --------------------------------------------------------------------------------------
    def store_fetch(self, fetch: Fetch, run_id: int | None = None, error: str | None = None,
                    packed: tuple[str, bytes] | None = None, role: str | None = None,
                    context: dict | None = None, item_id: str | None = None) -> int:
        """Keep one HTTP response; its body is stored once per sha256, compressed. ``packed`` is
        :func:`pack_body`'s result when the caller computed it already; ``role`` (home, hub,
        section, list_call, detail, attachment) and ``context`` (what its list or detail page said
        of it) are what the crawl knew, so that ``reprocess`` cleans it as the crawl did.
        ``item_id`` is the Redis stream entry it came from (``nianbao ingest``); an item stored
        already raises :class:`DuplicateItem` and writes nothing."""
        headers = {k.lower(): v for k, v in fetch.headers.items()}
        digest, data = (packed or pack_body(fetch.body)) if fetch.body else (None, b"")
        if item_id is not None and self.db.conn.execute("SELECT 1 FROM fetches WHERE item_id = ?",
                                                        (item_id,)).fetchone():
            raise DuplicateItem(item_id)
        with self.transaction():
            if digest:
                self.db.conn.execute(
                    "INSERT OR IGNORE INTO bodies (sha256, size, codec, data) VALUES (?, ?, 'zlib', ?)",
                    (digest, len(fetch.body), data))
            cursor = self.db.conn.execute(
                "INSERT INTO fetches (run_id, portal_id, url, final_url, status, content_type, etag, "
                "last_modified, fetched_at, sha256, size, error, role, context, item_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, fetch.portal_id, fetch.url, fetch.final_url, fetch.status, headers.get("content-type"),
                 headers.get("etag"), headers.get("last-modified"), fetch.fetched_at.isoformat(), digest,
                 len(fetch.body), error, role, json.dumps(context, ensure_ascii=False) if context else None,
                 item_id))
        return int(cursor.lastrowid)

    def note_fetch_error(self, fetch_id: int, error: str) -> None:
        """Say why nothing was made of a stored response (e.g. the cleaner could not read it);
        an error already recorded is kept."""
        with self.transaction():
            self.db.conn.execute("UPDATE fetches SET error = ? WHERE id = ? AND error IS NULL", (error[:500], fetch_id))

    def raw_body(self, sha256: str) -> bytes:
        """The stored raw body with this digest, decompressed."""
        packed = packed_body(self.db.conn, sha256)
        if packed is None:
            raise KeyError(sha256)
        return unpack_body(*packed)

    # --- reports --------------------------------------------------------------------------------------
    def store_report(self, report: Report, fetch_id: int, portal_id: str | None = None,
                     prepared: Prepared | None = None) -> Stored:
        """Store a cleaned report: a new one, a new version of a known one (same source URL, new
        text), or one more source of a known one (same text from another URL). ``prepared`` is
        :func:`prepare`'s result when the caller computed it already."""
        fetch = self.db.conn.execute("SELECT sha256, fetched_at, coalesce(final_url, url) FROM fetches WHERE id = ?",
                                     (fetch_id,)).fetchone()
        if fetch is None:
            raise KeyError(f"fetch {fetch_id}")
        raw_sha256, fetched_at, source = fetch  # where it was found: a source, whatever the page calls itself
        url = report.url or source
        prepared = prepared or prepare(report, url)
        digest = prepared.text_hash
        fields = report.to_dict()
        record = _columns(fields)
        conn = self.db.conn
        with self.transaction():
            same_text = conn.execute("SELECT id FROM reports WHERE text_hash = ?", (digest,)).fetchone()
            # a new version only where the URL is the report's canonical one: a mirror's page that
            # changed is matched again below, never written over the official copy
            known = None if same_text else conn.execute(
                "SELECT id FROM reports WHERE url = ? ORDER BY id LIMIT 1", (url,)).fetchone()
            near = None if same_text or known or not report.text else self._near_duplicate(prepared)
            if same_text:
                report_id = same_text[0]
                status = "unchanged" if self._has_source(report_id, source) else "duplicate"
            elif near is not None and not self._better_copy(report, portal_id, near):
                report_id, status = near, "near_duplicate"
            else:
                if near is not None:  # a better copy of a known report: it becomes the canonical one
                    known, reason = (near,), "better copy: official, unredacted or complete"
                else:
                    reason = None
                if known:
                    report_id, status = known[0], "updated" if near is None else "canonical"
                    version, old_title, old_text = conn.execute(
                        "SELECT version, title, text FROM reports WHERE id = ?", (report_id,)).fetchone()
                    version += 1
                    assignments = ", ".join(f"[{c}] = ?" for c in record)
                    conn.execute(
                        f"UPDATE reports SET {assignments}, text_hash = ?, raw_sha256 = ?, parser_version = ?, "
                        "version = ?, updated_at = ?, canonical_reason = coalesce(?, canonical_reason) WHERE id = ?",
                        (*record.values(), digest, raw_sha256, PARSER_VERSION, version, _now(), reason, report_id))
                    self._to_index.append((report_id, report.title, report.text, prepared.terms,
                                           (old_title, old_text)))
                else:
                    status, version = "new", 1
                    columns = ", ".join(f"[{c}]" for c in record)
                    cursor = conn.execute(
                        f"INSERT INTO reports ({columns}, text_hash, raw_sha256, parser_version, version, "
                        f"first_seen, updated_at) VALUES ({', '.join('?' * len(record))}, ?, ?, ?, 1, ?, ?)",
                        (*record.values(), digest, raw_sha256, PARSER_VERSION, fetched_at, _now()))
                    report_id = int(cursor.lastrowid)
                    self._to_index.append((report_id, report.title, report.text, prepared.terms))
                conn.execute(
                    "INSERT INTO report_versions (report_id, version, text_hash, raw_sha256, fetch_id, fetched_at, "
                    "record) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (report_id, version, digest, raw_sha256, fetch_id, fetched_at,
                     json.dumps(fields, ensure_ascii=False)))
                if report.text:
                    self._remember(report_id, prepared)
            conn.execute(
                "INSERT INTO report_sources (report_id, url, portal_id, fetch_id, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(report_id, url) DO UPDATE SET "
                "last_seen = excluded.last_seen, fetch_id = excluded.fetch_id",
                (report_id, source, portal_id, fetch_id, fetched_at, fetched_at))
            if status in ("new", "updated"):
                conn.execute("DELETE FROM report_stats WHERE report_id = ?", (report_id,))
                conn.executemany(
                    "INSERT INTO report_stats (report_id, section, [row], [column], value, evidence) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(report_id, s.get("section"), s.get("row"), s.get("column"), s.get("value"), s.get("evidence"))
                     for s in report.stats])
        return Stored(report_id, status)

    def add_source(self, report_id: int, url: str, portal_id: str | None, fetch_id: int) -> None:
        """One more URL where a report was found (a URL that redirected to its page)."""
        fetched_at = self.db.conn.execute("SELECT fetched_at FROM fetches WHERE id = ?", (fetch_id,)).fetchone()[0]
        with self.transaction():
            self.db.conn.execute(
                "INSERT INTO report_sources (report_id, url, portal_id, fetch_id, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(report_id, url) DO UPDATE SET "
                "last_seen = excluded.last_seen, fetch_id = excluded.fetch_id",
                (report_id, url, portal_id, fetch_id, fetched_at, fetched_at))

    # --- near duplicates --------------------------------------------------------------------------
    def _index(self) -> BandIndex:
        """The LSH index of every report's signature, built from report_minhash on first use."""
        if self._lsh is None:
            from archive.lsh import BandIndex

            index = BandIndex(dedup.NUM_PERM, dedup.THRESHOLD)
            rows = self.db.conn.execute("SELECT report_id, signature, coalesce(year, 0) FROM report_minhash")
            while chunk := rows.fetchmany(100_000):
                signatures = numpy.frombuffer(b"".join(blob for _, blob, _ in chunk), dtype=numpy.uint64)
                index.add_many([report_id for report_id, _, _ in chunk],
                               signatures.reshape(len(chunk), dedup.NUM_PERM).astype(numpy.uint32),
                               [year for _, _, year in chunk])
            self._lsh = index
        return self._lsh

    def _near_duplicate(self, prepared: Prepared) -> int | None:
        """The known report this one is a near copy of, as the guards allow, or None."""
        if prepared.signature is None or prepared.key is None:
            return None
        # most similar first: with many template-like candidates, the copy itself must be checked
        found = self._index().query(prepared.signature, prepared.key.year)  # the year guard as a block
        candidates = [report_id for report_id, _ in found][:_MAX_CANDIDATES]
        if not candidates:
            return None
        rows = {row[0]: row[1:] for row in self.db.conn.execute(
            "SELECT report_id, year, region_code, agency, numbers FROM report_minhash "
            f"WHERE report_id IN ({', '.join('?' * len(candidates))})", candidates)}
        for report_id in candidates:
            if report_id not in rows:
                continue
            year, region_code, agency, numbers = rows[report_id]
            if dedup.compatible(prepared.key, dedup.Key(year, region_code, agency, numbers or "")):
                return report_id
        return None

    def _better_copy(self, report: Report, portal_id: str | None, current_id: int) -> bool:
        kind = self._portal_kind(portal_id)
        row = self.db.conn.execute("SELECT url, flags, text FROM reports WHERE id = ?", (current_id,)).fetchone()
        source = self.db.conn.execute(
            "SELECT p.kind FROM report_sources s LEFT JOIN portals p ON p.id = s.portal_id "
            "WHERE s.report_id = ? AND s.url = ?", (current_id, row[0])).fetchone()
        current = dedup.quality(row[0], source[0] if source else None, json.loads(row[1] or "[]"), row[2] or "")
        return dedup.quality(report.url, kind, report.flags, report.text) > current

    def _portal_kind(self, portal_id: str | None) -> str | None:
        if not portal_id:
            return None
        row = self.db.conn.execute("SELECT kind FROM portals WHERE id = ?", (portal_id,)).fetchone()
        return row[0] if row else None

    def _remember(self, report_id: int, prepared: Prepared) -> None:
        """Keep the report's signature and what the guards compare, for the next copies."""
        if prepared.signature is None or prepared.key is None:
            return
        mine = prepared.key
        self.db.conn.execute(
            "INSERT OR REPLACE INTO report_minhash (report_id, signature, year, region_code, agency, numbers) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (report_id, prepared.signature.astype(numpy.uint64).tobytes(), mine.year, mine.region_code,
             mine.agency, " ".join(mine.numbers)))
        if self._lsh is not None:
            self._lsh.add(report_id, prepared.signature, mine.year or 0)

    def _has_source(self, report_id: int, url: str) -> bool:
        return self.db.conn.execute("SELECT 1 FROM report_sources WHERE report_id = ? AND url = ?",
                                    (report_id, url)).fetchone() is not None

    # --- search ---------------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 20) -> list[dict[str, object]]:
        """Reports whose title or text contains ``query``, for Chinese of any length (archive.search)."""
        return fulltext.search(self.db.conn, query, limit)


def portal_outcome(row: dict[str, object]) -> str:
    """A portal's outcome in a run, as ``portal_runs.status``: ``blocked`` (a WAF challenge),
    ``failed`` (nothing but errors), ``no_section`` (no 年报 section found), or ``ok``."""
    if row.get("blocked_reason"):
        return "blocked"
    pages, errors = int(row.get("pages") or 0), int(row.get("errors") or 0)
    if errors and errors >= pages and not row.get("not_modified"):
        return "failed"
    if not row.get("section_found"):
        return "no_section"
    return "ok"


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def _columns(record: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name in REPORT_FIELDS:
        value = record.get(name)
        out[name] = json.dumps(value, ensure_ascii=False) if name in JSON_FIELDS else value
    return out


