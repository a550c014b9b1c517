"""The cleaning stage: one stored or fetched detail page or attachment in, its report (or why
none) out — for the crawl's pipeline and for ``reprocess``.

A plain function of picklable values, so both run it in worker processes (cleaning a report
page costs more CPU than everything else a page costs the crawl together): the crawl's reactor
keeps downloading, and the archive's writer keeps writing, while the cores clean. It also
prepares what the archive computes before writing (text hash, MinHash signature, search terms),
off the writer's thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archive.store import Prepared, prepare
from parsers.clean import CleanOptions, clean
from parsers.errors import NianbaoError
from parsers.record import Report


@dataclass(slots=True)
class Cleaned:
    report: Report | None  # None: not a report (or unreadable)
    prepared: Prepared | None = None
    error: str | None = None


def clean_page(body: bytes, url: str, content_type: str | None, region_hint: str | None,
               listing: dict[str, Any] | None) -> Cleaned:
    """``listing``: what the crawl knew of the page (parsers.clean.CleanOptions.listing)."""
    options = CleanOptions(url=url, content_type=content_type, region_hint=region_hint, where=url,
                           listing=listing or None)
    try:
        report = clean(body, options)
    except NianbaoError as error:
        return Cleaned(None, error=str(error))
    if "not_a_report" in report.flags or not report.text:
        return Cleaned(None)
    return Cleaned(report, prepare(report, report.url or url))
