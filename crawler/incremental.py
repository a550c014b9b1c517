"""What a crawl knows of URLs from earlier crawls, and what it does with a URL it meets again.

An incremental crawl (``nianbao crawl --incremental``) re-walks every list page, asks for a page
it has never fetched, and re-checks a known one with a conditional request (If-None-Match /
If-Modified-Since from the validators of its last full response) — a report page or attachment
no more often than the re-check interval, a navigation page (home, hub, list) every time, since
that is where new reports appear. A 304 costs a few hundred bytes: a navigation page answered 304
is walked from its stored body, so the new links of a list that did change are still found.

A resumed crawl (``nianbao crawl --resume``) skips the report pages and attachments that the
interrupted run (or a later one) stored already: the archive's ``url_state`` row of a URL is
written only after its response was stored and its report made, so a URL found there is done.
A skipped page that was a cover for attachments is walked again from its stored body
(:data:`REPLAY`, answered by :class:`crawler.middlewares.Replay` without the network), so that
attachments the interrupted crawl had not reached yet are still fetched.

:class:`Memory` is built from the archive (:meth:`Memory.from_archive`) for a crawl on this
machine, or from a job's payload (:meth:`Memory.from_payload`) for a worker of a distributed crawl,
which has no archive: the payload carries the validators and the stored navigation pages.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from archive.store import packed_body, unpack_body

NAVIGATION = frozenset({"home", "hub", "section", "list_call"})
REPORTS = frozenset({"detail", "attachment"})
SKIP = None  # Memory.plan's answer for a URL not to be asked again in this crawl
REPLAY = "replay"  # … nor asked again, but walked from its stored body (a cover page's attachments)


@dataclass(frozen=True, slots=True)
class Known:
    """One URL as the archive's ``url_state`` has it."""

    portal_id: str | None
    role: str | None
    ok: bool  # its last full response was a page (no error, status < 400)
    etag: str | None
    last_modified: str | None
    sha256: str | None  # of that response's body
    last_checked: str  # ISO 8601, UTC: last full response or 304
    cover: bool = False  # a report page that was only a cover for its attachments


@dataclass(slots=True)
class Memory:
    """``known`` URLs; ``conditional``: re-check them with conditional requests; ``skip_since``:
    a report page or attachment checked at or after this time (ISO 8601) is not asked again;
    ``packed``: a stored body by its sha256, as the archive keeps it (for a page answered 304 or
    replayed, and for a distributed job's payload)."""

    known: dict[str, Known] = field(default_factory=dict)
    conditional: bool = False
    skip_since: str | None = None
    packed: Callable[[str], tuple[str, bytes] | None] = lambda _sha256: None

    def plan(self, url: str, role: str) -> dict[str, str] | str | None:
        """The headers to ask for ``url`` with (empty: a plain request), :data:`SKIP`, or
        :data:`REPLAY`."""
        known = self.known.get(url)
        if known is None or not known.ok:
            return {}  # new, or it failed last time: asked for in full
        if role in REPORTS and self.skip_since is not None and known.last_checked >= self.skip_since:
            return REPLAY if known.cover and known.sha256 else SKIP
        if not self.conditional or not (known.etag or known.last_modified):
            return {}
        if role in NAVIGATION:
            # a list page is walked from its stored body after a 304: only an ETag (the bytes'
            # identity) is trusted for that; a CMS's Last-Modified is often its template's date,
            # and a 304 to it would hide new reports for good
            return {"If-None-Match": known.etag} if known.etag else {}
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return headers

    def walks(self, url: str, role: str) -> bool:
        """Whether a 304 for this page is walked from its stored body: a navigation page (its
        links lead on) or a cover page (its attachments); a report page's 304 ends there."""
        known = self.known.get(url)
        return role in NAVIGATION or bool(known and known.cover)

    def stored(self, url: str) -> bytes | None:
        """The body of ``url``'s last full response (for a 304), or None when it is not kept."""
        known = self.known.get(url)
        packed = self.packed(known.sha256) if known is not None and known.sha256 else None
        return unpack_body(*packed) if packed is not None else None

    # --- where it comes from ----------------------------------------------------------------------
    @classmethod
    def from_archive(cls, path: str, portal_ids: list[str], *, conditional: bool, skip_since: str | None) -> Memory:
        """The ``url_state`` of these portals, read from the archive at ``path`` (read-only: the
        crawl's own writer is the pipeline); stored bodies are read from it on demand."""
        from archive.store import Archive

        with Archive(path) as archive:  # migrates an older archive before it is read
            known = {row[0]: Known(row[1], row[2], bool(row[3]), row[4], row[5], row[6], row[7], bool(row[8]))
                     for row in archive.url_states(portal_ids)}
        reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        return cls(known, conditional, skip_since, partial(packed_body, reader))

    def to_payload(self, portal_ids: Iterable[str] | None = None) -> dict[str, Any]:
        """A plain-data copy for a distributed crawl's job: the known URLs (of these portals) and
        the stored pages a worker may need (navigation pages that can be answered 304, cover pages
        that are replayed), as the archive keeps them."""
        wanted = set(portal_ids) if portal_ids is not None else None
        rows, bodies = [], {}
        for url, k in self.known.items():
            if wanted is not None and k.portal_id not in wanted:
                continue
            rows.append([url, k.portal_id, k.role, k.ok, k.etag, k.last_modified, k.sha256, k.last_checked, k.cover])
            needed = k.cover or (self.conditional and k.role in NAVIGATION and k.etag)
            if needed and k.ok and k.sha256 and k.sha256 not in bodies:
                packed = self.packed(k.sha256)
                if packed is not None:
                    bodies[k.sha256] = list(packed)
        return {"known": rows, "bodies": bodies, "conditional": self.conditional, "skip_since": self.skip_since}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Memory:
        known = {row[0]: Known(row[1], row[2], bool(row[3]), row[4], row[5], row[6], row[7], bool(row[8]))
                 for row in payload["known"]}
        stored = payload.get("bodies") or {}

        def packed(sha256: str) -> tuple[str, bytes] | None:
            return tuple(stored[sha256]) if sha256 in stored else None

        return cls(known, bool(payload.get("conditional")), payload.get("skip_since"), packed)


def recheck_cutoff(days: float, now: datetime | None = None) -> str:
    """The ``skip_since`` of an incremental crawl that re-checks report pages every ``days``."""
    stamp = (now or datetime.now(UTC)) - timedelta(days=days)
    return stamp.isoformat(timespec="seconds")
