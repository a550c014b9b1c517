"""What the spider hands the pipeline: one :class:`Page` per HTTP response (or failed request),
carrying the response as a :class:`parsers.record.Fetch`; the pipeline's cleaning stage makes its
:class:`parsers.record.Report` — the one record type between stages."""

from __future__ import annotations

from dataclasses import dataclass

from archive.store import Prepared
from parsers.record import Fetch, Report


@dataclass(slots=True)
class Page:
    fetch: Fetch
    role: str  # home | hub | section | list_call | detail | attachment
    report: Report | None = None
    redirects: tuple[str, ...] = ()  # URLs that redirected here, first first
    error: str | None = None  # why nothing (more) was made of it: HTTP status, unreadable body, WAF
    blocked: bool = False  # a WAF challenge: the portal's crawl stops here
    context: dict | None = None  # for a detail page or attachment: the title and date its list gave
    prepared: Prepared | None = None  # what the archive computes before writing (made by the cleaning stage)
    not_modified: bool = False  # a conditional request answered 304: the archive notes the check only
