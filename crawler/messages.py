"""What a distributed crawl's workers send the ingest through the Redis stream ``nianbao:items``:
one msgpack map per crawled page, and one ``shard_done`` per finished shard.

Explicit schemas, not pickle: the ingest, the archive's single writer, reads only plain data
(a stream entry that unpickled could run code on the archive machine). Version ``v`` changes
when a field changes meaning; the ingest refuses versions it does not know.

No Scrapy here: the ingest reads these without loading Twisted.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import msgpack
import numpy

from archive.dedup import Key
from archive.store import Prepared
from parsers.errors import NianbaoError
from parsers.record import Fetch, Report

VERSION = 1
_REPORT_FIELDS = {f.name for f in fields(Report)}


class BadMessage(NianbaoError):
    """A stream entry that is not a message of this schema."""


@dataclass(slots=True)
class PageMessage:
    """One crawled page as the ingest stores it (what :class:`crawler.items.Page` carries, and
    the cleaning stage's result made on the worker)."""

    run_id: int
    shard: int
    fetch: Fetch
    role: str
    report: Report | None = None
    prepared: Prepared | None = None
    redirects: tuple[str, ...] = ()
    error: str | None = None
    blocked: bool = False
    context: dict | None = None
    not_modified: bool = False
    clean_error: str | None = None  # the cleaner could not read the page (a fetch error, noted by the ingest)


def pack_page(m: PageMessage) -> bytes:
    f = m.fetch
    data = {
        "v": VERSION, "type": "page", "run": m.run_id, "shard": m.shard, "portal": f.portal_id,
        "fetch": {"url": f.url, "final_url": f.final_url, "status": f.status, "headers": f.headers, "body": f.body,
                  "fetched_at": f.fetched_at.isoformat()},
        "role": m.role, "context": m.context, "redirects": list(m.redirects), "error": m.error,
        "blocked": m.blocked, "not_modified": m.not_modified, "clean_error": m.clean_error,
        "report": m.report.to_dict() if m.report is not None else None,
        "prepared": _pack_prepared(m.prepared) if m.prepared is not None else None,
    }
    return msgpack.packb(data, use_bin_type=True)


def pack_shard_done(run_id: int, shard: int, summary: dict[str, Any], worker: str) -> bytes:
    """The end of a shard: its per-portal summary (crawler.pipeline's shape, without what only
    the archive knows: new, updated, duplicates)."""
    return msgpack.packb({"v": VERSION, "type": "shard_done", "run": run_id, "shard": shard, "summary": summary,
                          "worker": worker}, use_bin_type=True)


def unpack(raw: bytes) -> PageMessage | dict[str, Any]:
    """A :class:`PageMessage`, or a ``shard_done`` message as a dict."""
    try:
        data = msgpack.unpackb(raw, raw=False, strict_map_key=False)
    except (ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError) as error:
        raise BadMessage(f"not msgpack: {error}", "nianbao:items") from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise BadMessage(f"unknown message version {data.get('v') if isinstance(data, dict) else '?'}",
                         "nianbao:items", "run the same nianbao version on workers and ingest")
    if data.get("type") == "shard_done":
        return data
    f = data["fetch"]
    fetch = Fetch(data["portal"], f["url"], f["status"], dict(f["headers"]), f["body"],
                  datetime.fromisoformat(f["fetched_at"]), f["final_url"])
    report = data.get("report")
    return PageMessage(
        data["run"], data["shard"], fetch, data["role"],
        Report(**{k: v for k, v in report.items() if k in _REPORT_FIELDS}) if report is not None else None,
        _unpack_prepared(data["prepared"]) if data.get("prepared") is not None else None,
        tuple(data.get("redirects") or ()), data.get("error"), bool(data.get("blocked")), data.get("context"),
        bool(data.get("not_modified")), data.get("clean_error"))


def _pack_prepared(p: Prepared) -> dict[str, Any]:
    key = None
    if p.key is not None:
        numbers = p.key.numbers if isinstance(p.key.numbers, str) else list(p.key.numbers)
        key = {"year": p.key.year, "region_code": p.key.region_code, "agency": p.key.agency, "numbers": numbers}
    signature = p.signature.astype(numpy.uint32).tobytes() if p.signature is not None else None
    return {"text_hash": p.text_hash, "signature": signature, "key": key, "terms": p.terms}


def _unpack_prepared(d: dict[str, Any]) -> Prepared:
    key = d.get("key")
    if key is not None:
        numbers = key["numbers"] if isinstance(key["numbers"], str) else tuple(key["numbers"])
        key = Key(key["year"], key["region_code"], key["agency"], numbers)
    signature = numpy.frombuffer(d["signature"], dtype=numpy.uint32).copy() if d.get("signature") else None
    return Prepared(d["text_hash"], signature, key, d["terms"])
