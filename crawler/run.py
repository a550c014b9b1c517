"""Running a crawl: Scrapy's CrawlerProcess with the project's settings, the portal spider, the
archive pipeline; then the summary per portal (also kept in ``crawl_runs``)."""

from __future__ import annotations

from typing import Any

from crawler.registry import Portal
from parsers.errors import NianbaoError


def settings(db: str, *, local: bool = False, command: str = "crawl", extra: dict[str, Any] | None = None) -> Any:
    from scrapy.settings import Settings

    from settings import scrapy as project

    result = Settings()
    result.setmodule(project, priority="project")
    if local:
        result.setdict(project.LOCAL, priority="cmdline")
    result.setdict({"NIANBAO_DB": db, "NIANBAO_COMMAND": command, **(extra or {})}, priority="cmdline")
    return result


def crawl(portals: list[Portal], db: str, *, max_pages: int | None = None, local: bool = False,
          incremental: bool = False, defer_cleaning: bool = False, command: str = "crawl",
          resume: bool = False, recheck_days: float | None = None,
          extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Crawl these portals into the archive at ``db``; returns the run's summary.

    ``incremental``: re-walk the lists, fetch new pages, re-check known ones with conditional
    requests, report pages no more often than every ``recheck_days`` (default: the setting
    ``NIANBAO_RECHECK_DAYS``). ``resume``: continue the last crawl that did not finish, without
    asking again for the report pages it stored (:mod:`crawler.incremental`)."""
    from scrapy.crawler import CrawlerProcess

    from crawler.middlewares import offline_public_suffixes
    from crawler.spiders.portals import PortalSpider, memory_from_settings

    _check_archive(db)  # an unusable file is a one-line error here, not a traceback inside the reactor
    offline_public_suffixes()
    extra = {"NIANBAO_INCREMENTAL": incremental, "NIANBAO_DEFER_CLEANING": defer_cleaning, **(extra or {})}
    if recheck_days is not None:
        extra["NIANBAO_RECHECK_DAYS"] = recheck_days
    if resume:
        extra.update(_resume(db))
    options = settings(db, local=local, command=command, extra=extra)
    memory = memory_from_settings(options, [p.id for p in portals])  # read before the reactor starts
    process = CrawlerProcess(options)
    crawler = process.create_crawler(PortalSpider)
    process.crawl(crawler, portals=portals, max_pages=max_pages, memory=memory)
    process.start()
    pipeline = getattr(crawler, "nianbao_pipeline", None)
    if pipeline is None or pipeline.run_id is None:
        raise NianbaoError("the crawl did not start (see the errors above)", db, "check the archive and the settings")
    return pipeline.summary()


def _check_archive(db: str) -> None:
    import sqlite3

    from archive.store import Archive

    try:
        with Archive(db):
            pass
    except sqlite3.Error as error:
        raise NianbaoError(f"not an archive nianbao can open ({error})", db, "give another --db") from None



def _resume(db: str) -> dict[str, Any]:
    """The settings that resume the archive's last unfinished crawl."""
    from pathlib import Path

    from archive.store import Archive

    if not Path(db).exists():
        raise NianbaoError("nothing to resume: no archive here", db, "start a crawl with `nianbao crawl --db …`")
    with Archive(db) as archive:
        interrupted = archive.interrupted_run()
    if interrupted is None:
        raise NianbaoError("nothing to resume: every crawl of this archive finished (or is still running)", db,
                           "run `nianbao crawl --incremental` to look for new reports")
    # a resumed run that was itself stopped: what the run it resumed had stored is done too
    since = min(filter(None, (interrupted["started_at"], interrupted["options"].get("skip_since"))))
    return {"NIANBAO_SKIP_SINCE": since, "NIANBAO_RESUMES": interrupted["id"]}


def format_summary(summary: dict[str, Any]) -> str:
    """The end-of-crawl table: one line per portal, then the totals."""
    head = f"{'portal':<18} {'section':<8} {'lists':>5} {'reports':>7} {'new':>5} {'upd':>4} {'same':>5} " \
           f"{'dup':>4} {'att':>4} {'err':>4}  note"
    lines = [head]
    for portal_id, row in summary["portals"].items():
        note = f"blocked: {row['blocked_reason']}" if row.get("blocked_reason") else (
            "page budget reached" if row.get("truncated") else "")
        duplicates = row["duplicate"] + row["near_duplicate"] + row["canonical"]
        lines.append(f"{portal_id:<18} {'yes' if row['section_found'] else 'NO':<8} {row['list_pages']:>5} "
                     f"{row['reports']:>7} {row['new']:>5} {row['updated']:>4} {row['unchanged']:>5} "
                     f"{duplicates:>4} {row['attachments']:>4} {row['errors']:>4}  {note}")
    t = summary["totals"]
    lines.append(f"total: {t.get('pages', 0)} pages, {t.get('reports', 0)} reports ({t.get('new', 0)} new, "
                 f"{t.get('updated', 0)} updated, {t.get('unchanged', 0)} unchanged), "
                 f"{t.get('attachments', 0)} attachments, {t.get('blocked', 0)} blocked, {t.get('errors', 0)} errors")
    if t.get("not_modified") or t.get("skipped"):
        lines.append(f"known pages: {t.get('not_modified', 0)} unchanged since the last crawl (304), "
                     f"{t.get('skipped', 0)} checked recently and not asked again")
    if summary.get("cleaning_deferred"):
        lines.append("cleaning deferred: the responses are stored; make the reports with `nianbao reprocess --db …`")
    return "\n".join(lines)


def run_demo(db: str) -> str:
    """``nianbao demo``: serve the bundled portals on loopback, crawl them into ``db``; returns
    the summary and how to browse the archive."""
    import time
    from importlib import resources

    from crawler.farm import Farm
    from crawler.progress import say
    from crawler.registry import load

    root = resources.files("crawler") / "demo"
    started = time.monotonic()
    with Farm([str(root)]) as farm:
        say(f"serving {len(farm.portals)} sample portals on loopback (127.0.1.x); crawling them into {db}")
        summary = crawl(load(farm.registry), db, local=True, command="demo")
    elapsed = time.monotonic() - started
    return (f"{format_summary(summary)}\n\ncrawled in {elapsed:.0f} s into {db}. Browse it with:\n"
            f"  nianbao serve --db {db}\n  nianbao stats --db {db}")
