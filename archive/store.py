"""The archive's one writer path: :class:`Archive` (the crawler pipeline, ``reprocess`` and
``ingest`` all go through it).

Every write is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``), so a process killed at any
point leaves the database as it was before or after a whole fetch or report, never between;
WAL mode lets readers (Datasette) read while the crawler writes. Nothing stored is overwritten:
a raw body is stored once per digest, and a report whose page changed keeps every earlier
version in ``report_versions``.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy
import sqlite_utils

from archive import dedup
from archive.schema import JSON_FIELDS, REPORT_FIELDS, migrate
from archive.schema import now as _now
from parsers.record import Fetch, Report

if TYPE_CHECKING:
    from datasketch import MinHash, MinHashLSH

PARSER_VERSION = "1"  # bump when parsers/ changes what it makes of a page; reprocess re-runs older rows
_NOT_TEXT = re.compile(r"[\W_]+")  # whitespace and punctuation do not make two reports different
_MAX_CANDIDATES = 50  # LSH candidates checked against the guards for one new report
_LIKE_BELOW = 3  # trigram FTS cannot match queries shorter than 3 characters: they use LIKE


@dataclass(frozen=True, slots=True)
class Stored:
    """What ``store_report`` did: ``new``; ``updated`` (its page changed: a new version);
    ``duplicate`` (the same text from another URL); ``near_duplicate`` (a mirror's copy, merged as
    one more source); ``canonical`` (a better copy of a known report, now its current version);
    ``unchanged``."""

    report_id: int
    status: str


def text_hash(text: str) -> str:
    """The identity of a clean text: sha256 of its letters and digits only."""
    return hashlib.sha256(_NOT_TEXT.sub("", text).lower().encode("utf-8")).hexdigest()


class Archive:
    """An open archive database. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.db = sqlite_utils.Database(self.path)
        self.db.conn.isolation_level = None  # transactions are ours, explicit
        migrate(self.db)
        self._lsh: MinHashLSH | None = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # --- runs and portals ---------------------------------------------------------------------------
    def begin_run(self, command: str) -> int:
        with self.transaction():
            cursor = self.db.conn.execute(
                "INSERT INTO crawl_runs (started_at, command) VALUES (?, ?)", (_now(), command))
        return int(cursor.lastrowid)

    def finish_run(self, run_id: int, stats: dict[str, object]) -> None:
        with self.transaction():
            self.db.conn.execute("UPDATE crawl_runs SET finished_at = ?, stats = ? WHERE id = ?",
                                 (_now(), json.dumps(stats, ensure_ascii=False), run_id))

    def store_portal(self, portal_id: str, name: str, home_url: str, region_code: str | None,
                     kind: str = "portal") -> None:
        with self.transaction():
            self.db.conn.execute(
                "INSERT INTO portals (id, name, region_code, home_url, kind) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, region_code = excluded.region_code, "
                "home_url = excluded.home_url, kind = excluded.kind",
                (portal_id, name, region_code, home_url, kind))

    # --- fetches --------------------------------------------------------------------------------------
    def store_fetch(self, fetch: Fetch, run_id: int | None = None, error: str | None = None) -> int:
        """Keep one HTTP response; its body is stored once per sha256, compressed."""
        headers = {k.lower(): v for k, v in fetch.headers.items()}
        digest = hashlib.sha256(fetch.body).hexdigest() if fetch.body else None
        with self.transaction():
            if digest:
                self.db.conn.execute(
                    "INSERT OR IGNORE INTO bodies (sha256, size, codec, data) VALUES (?, ?, 'zlib', ?)",
                    (digest, len(fetch.body), zlib.compress(fetch.body, 6)))
            cursor = self.db.conn.execute(
                "INSERT INTO fetches (run_id, portal_id, url, final_url, status, content_type, etag, "
                "last_modified, fetched_at, sha256, size, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, fetch.portal_id, fetch.url, fetch.final_url, fetch.status, headers.get("content-type"),
                 headers.get("etag"), headers.get("last-modified"), fetch.fetched_at.isoformat(), digest,
                 len(fetch.body), error))
        return int(cursor.lastrowid)

    def raw_body(self, sha256: str) -> bytes:
        """The stored raw body with this digest, decompressed."""
        row = self.db.conn.execute("SELECT codec, data FROM bodies WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise KeyError(sha256)
        return zlib.decompress(row[1]) if row[0] == "zlib" else bytes(row[1])

    # --- reports --------------------------------------------------------------------------------------
    def store_report(self, report: Report, fetch_id: int, portal_id: str | None = None) -> Stored:
        """Store a cleaned report: a new one, a new version of a known one (same source URL, new
        text), or one more source of a known one (same text from another URL)."""
        fetch = self.db.conn.execute("SELECT sha256, fetched_at, url FROM fetches WHERE id = ?",
                                     (fetch_id,)).fetchone()
        if fetch is None:
            raise KeyError(f"fetch {fetch_id}")
        raw_sha256, fetched_at, fetch_url = fetch
        url = report.url or fetch_url
        digest = text_hash(report.text) if report.text else "empty:" + hashlib.sha256(url.encode()).hexdigest()
        record = _columns(report)
        conn = self.db.conn
        signature = dedup.signature(report.text) if report.text else None
        with self.transaction():
            same_text = conn.execute("SELECT id FROM reports WHERE text_hash = ?", (digest,)).fetchone()
            # a new version only where the URL is the report's canonical one: a mirror's page that
            # changed is matched again below, never written over the official copy
            known = None if same_text else conn.execute(
                "SELECT id FROM reports WHERE url = ? ORDER BY id LIMIT 1", (url,)).fetchone()
            near = None if same_text or known or not report.text else self._near_duplicate(report, signature)
            if same_text:
                report_id = same_text[0]
                status = "unchanged" if self._has_source(report_id, url) else "duplicate"
            elif near is not None and not self._better_copy(report, portal_id, near):
                report_id, status = near, "near_duplicate"
            else:
                if near is not None:  # a better copy of a known report: it becomes the canonical one
                    known, reason = (near,), "better copy: official, unredacted or complete"
                else:
                    reason = None
                if known:
                    report_id, status = known[0], "updated" if near is None else "canonical"
                    version = conn.execute("SELECT version FROM reports WHERE id = ?", (report_id,)).fetchone()[0] + 1
                    assignments = ", ".join(f"[{c}] = ?" for c in record)
                    conn.execute(
                        f"UPDATE reports SET {assignments}, text_hash = ?, raw_sha256 = ?, parser_version = ?, "
                        "version = ?, updated_at = ?, canonical_reason = coalesce(?, canonical_reason) WHERE id = ?",
                        (*record.values(), digest, raw_sha256, PARSER_VERSION, version, _now(), reason, report_id))
                else:
                    status, version = "new", 1
                    columns = ", ".join(f"[{c}]" for c in record)
                    cursor = conn.execute(
                        f"INSERT INTO reports ({columns}, text_hash, raw_sha256, parser_version, version, "
                        f"first_seen, updated_at) VALUES ({', '.join('?' * len(record))}, ?, ?, ?, 1, ?, ?)",
                        (*record.values(), digest, raw_sha256, PARSER_VERSION, fetched_at, _now()))
                    report_id = int(cursor.lastrowid)
                conn.execute(
                    "INSERT INTO report_versions (report_id, version, text_hash, raw_sha256, fetch_id, fetched_at, "
                    "record) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (report_id, version, digest, raw_sha256, fetch_id, fetched_at, report.to_json()))
                if report.text:
                    self._remember(report_id, report, signature)
            conn.execute(
                "INSERT INTO report_sources (report_id, url, portal_id, fetch_id, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(report_id, url) DO UPDATE SET "
                "last_seen = excluded.last_seen, fetch_id = excluded.fetch_id",
                (report_id, url, portal_id, fetch_id, fetched_at, fetched_at))
            if status in ("new", "updated"):
                conn.execute("DELETE FROM report_stats WHERE report_id = ?", (report_id,))
                conn.executemany(
                    "INSERT INTO report_stats (report_id, section, [row], [column], value) VALUES (?, ?, ?, ?, ?)",
                    [(report_id, s.get("section"), s.get("row"), s.get("column"), s.get("value"))
                     for s in report.stats])
        return Stored(report_id, status)

    # --- near duplicates --------------------------------------------------------------------------
    def _index(self) -> MinHashLSH:
        """The LSH index of every report's signature, built from report_minhash on first use."""
        if self._lsh is None:
            from datasketch import MinHashLSH

            self._lsh = MinHashLSH(threshold=dedup.THRESHOLD, num_perm=dedup.NUM_PERM)
            for report_id, blob in self.db.conn.execute("SELECT report_id, signature FROM report_minhash"):
                self._lsh.insert(str(report_id), dedup.restore(blob))
        return self._lsh

    def _near_duplicate(self, report: Report, signature: MinHash | None) -> int | None:
        """The known report this one is a near copy of, as the guards allow, or None."""
        if signature is None:
            return None
        candidates = [int(c) for c in self._index().query(signature)]
        if not candidates:
            return None
        mine = dedup.key(report.year, report.region_code, report.agency, report.text)
        rows = []
        for start in range(0, len(candidates), 500):  # one query per 500 candidates, not one each
            chunk = candidates[start:start + 500]
            rows += self.db.conn.execute(
                "SELECT report_id, signature, year, region_code, agency, numbers FROM report_minhash "
                f"WHERE report_id IN ({', '.join('?' * len(chunk))})", chunk).fetchall()
        values = signature.hashvalues
        # most similar first: with many template-like candidates, the copy itself must be checked
        rows.sort(key=lambda r: -int((numpy.frombuffer(r[1], dtype=numpy.uint64) == values).sum()))
        for report_id, _sig, year, region_code, agency, numbers in rows[:_MAX_CANDIDATES]:
            if dedup.compatible(mine, dedup.Key(year, region_code, agency, tuple((numbers or "").split()))):
                return int(report_id)
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

    def _remember(self, report_id: int, report: Report, signature: MinHash | None) -> None:
        """Keep the report's signature and what the guards compare, for the next copies."""
        if signature is None:
            return
        mine = dedup.key(report.year, report.region_code, report.agency, report.text)
        self.db.conn.execute(
            "INSERT OR REPLACE INTO report_minhash (report_id, signature, year, region_code, agency, numbers) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (report_id, signature.hashvalues.astype(numpy.uint64).tobytes(), mine.year, mine.region_code,
             mine.agency, " ".join(mine.numbers)))
        if self._lsh is not None:
            key = str(report_id)
            if key in self._lsh.keys:
                self._lsh.remove(key)
            self._lsh.insert(key, signature)

    def _has_source(self, report_id: int, url: str) -> bool:
        return self.db.conn.execute("SELECT 1 FROM report_sources WHERE report_id = ? AND url = ?",
                                    (report_id, url)).fetchone() is not None

    # --- search ---------------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 20) -> list[dict[str, object]]:
        """Reports whose title or text contains ``query``, for Chinese of any length.

        FTS5's trigram index answers 3 characters and more; shorter queries return no rows from
        it without an error (SQLite 3.40), so they scan the base table with LIKE instead.
        """
        query = query.strip()
        if not query:
            return []
        conn = self.db.conn
        if len(query) >= _LIKE_BELOW:
            phrase = '"' + query.replace('"', '""') + '"'
            rows = conn.execute(
                "SELECT r.id, r.title FROM reports_fts JOIN reports r ON r.rowid = reports_fts.rowid "
                "WHERE reports_fts MATCH ? ORDER BY rank LIMIT ?", (phrase, limit)).fetchall()
        else:
            pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = conn.execute(
                "SELECT id, title FROM reports WHERE title LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\' "
                "ORDER BY id LIMIT ?", (pattern, pattern, limit)).fetchall()
        return [{"id": r[0], "title": r[1]} for r in rows]


def _columns(report: Report) -> dict[str, object]:
    record = report.to_dict()
    out: dict[str, object] = {}
    for name in REPORT_FIELDS:
        value = record.get(name)
        out[name] = json.dumps(value, ensure_ascii=False) if name in JSON_FIELDS else value
    return out


