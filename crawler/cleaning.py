"""The cleaning stage of a crawl: one detail page or attachment in, its report (or why none) out.

A plain function of picklable values, so the pipeline runs it in worker processes (cleaning a
report page costs 30–60 ms of CPU, more than everything else a page costs the crawl together):
the crawl's reactor keeps downloading while both cores clean. It also prepares what the archive
computes before writing (text hash, MinHash signature, search terms), off the writer's thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archive.store import Prepared, prepare
from parsers.clean import CleanOptions, clean
from parsers.errors import NianbaoError
from parsers.meta import is_report_title, year_in
from parsers.record import Report

_COVER_TEXT = 1000  # a cover page's clean text (metadata, title, 附件 line) is shorter than any report


@dataclass(slots=True)
class Cleaned:
    report: Report | None  # None: not a report (or unreadable)
    prepared: Prepared | None = None
    error: str | None = None
    not_a_report: bool = False


def clean_page(body: bytes, url: str, content_type: str | None, region_hint: str | None, role: str,
               context: dict[str, Any]) -> Cleaned:
    options = CleanOptions(url=url, content_type=content_type, region_hint=region_hint, where=url)
    try:
        report = clean(body, options)
    except NianbaoError as error:
        return Cleaned(None, error=str(error))
    if role == "attachment":
        take_context(report, context)
    if "not_a_report" in report.flags or not report.text:
        return Cleaned(None, not_a_report=True)
    if context.get("cover") and len(report.text) < _COVER_TEXT:
        return Cleaned(None, not_a_report=True)  # its attachments are the report
    return Cleaned(report, prepare(report, report.url or url))


def take_context(report: Report, context: dict[str, Any]) -> None:
    """An attachment's record takes its detail page's title and date (a PDF's first line is
    rarely its title; its file has no date)."""
    title = context.get("title")
    if title and is_report_title(title):
        report.title = title
        if "not_a_report" in report.flags:
            report.flags.remove("not_a_report")
        report.year = year_in(title) or report.year
    if context.get("published"):
        report.published = context["published"]
    report.flag("attachment")
