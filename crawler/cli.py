"""The ``nianbao`` command line: one thin module, each verb parses options and calls one library function.

Stage modules are imported inside each command, so ``nianbao clean`` never loads Scrapy or Twisted.
Errors from our code (:class:`parsers.errors.NianbaoError`) and the OS become one line on stderr,
``Error: <what> (<where>): <what to do>``, and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys

import click

from crawler.cli_distributed import dispatch, ingest, worker
from crawler.cli_schedule import schedule as schedule_command
from parsers.errors import NianbaoError

# errors of an archive file that SQLite cannot use, and of a Redis that fails mid-way: one line too
_FOREIGN = ("sqlite3", "redis.exceptions")


class _Group(click.Group):
    """Turns our errors into one line on stderr for every verb."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except Exception as error:
            if isinstance(error, NianbaoError | OSError) or type(error).__module__ in _FOREIGN:
                raise click.ClickException(_one_line(error)) from None
            raise


def _one_line(error: BaseException) -> str:
    if isinstance(error, OSError) and error.filename:
        return f"{error.strerror or error} ({error.filename}): check the path"
    return str(error).replace("\n", " ")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nianbao")
def cli() -> None:
    """nianbao: the archive of Chinese local governments' annual reports on open government
    information (政府信息公开工作年度报告, 年报)."""


for _verb in (schedule_command, dispatch, worker, ingest):  # defined in their own modules
    cli.add_command(_verb)


@cli.command()
@click.argument("pages", nargs=-1, required=True, metavar="PAGE...")
@click.option("--url", help="Where the page came from (one page only): helps the region and the canonical URL.")
@click.option("--region", "region_hint", metavar="CODE",
              help="The 6-digit region code of the portal (default: the registry's, for --url's host).")
@click.option("--registry", type=click.Path(dir_okay=False), help="Portal registry (default: settings/portals.yaml).")
def clean(pages: tuple[str, ...], url: str | None, region_hint: str | None, registry: str | None) -> None:
    """Clean saved pages or attachments (HTML in any encoding, PDF, DOCX; - reads stdin).

    Prints the report record as JSON (UTF-8): one object for one page, one object per line
    for several pages, in the order given. A page that fails gives {"error": ..., "page": ...}
    on its line and the rest go on; the exit code is then 1.

    Example: nianbao clean tests/fixtures/trs_lingshan_2017_gbk_spam.html
    --url http://www.lingshan.gov.cn/zwgk/zfxxgknb/201802/t20180213_1234567.html
    """
    from parsers.clean import CleanOptions
    from parsers.clean import clean as clean_page

    if url and len(pages) > 1:
        raise click.UsageError("--url names one page's origin: give it with a single PAGE")
    if region_hint and not (len(region_hint) == 6 and region_hint.isdigit()):
        raise click.BadParameter("a region code has 6 digits, e.g. 640324", param_hint="--region")
    if url and not region_hint:
        from crawler.registry import load, portal_for_url

        portal = portal_for_url(url, load(registry))
        region_hint = portal.region_code if portal else None
    failed = 0
    for page in pages:
        options = CleanOptions(url=url, region_hint=region_hint, where=page)
        try:
            body = sys.stdin.buffer.read() if page == "-" else _read(page)
            report = clean_page(body, options)
        except (NianbaoError, OSError) as error:
            failed += 1
            message = _one_line(error)
            click.echo(json.dumps({"error": message, "page": page}, ensure_ascii=False))
            click.echo(f"Error: {message}", err=True)
            continue
        click.echo(report.to_json(indent=2 if len(pages) == 1 else None))
    if failed:
        sys.exit(1)


def _open_archive(db: str):  # -> archive.store.Archive (imported lazily: clean must not load it)
    from pathlib import Path

    from archive.store import Archive

    if not Path(db).is_file():
        raise NianbaoError("no archive", db, "give the path of an existing nianbao database with --db")
    return Archive(db)


@cli.command()
@click.option("--db", default="nianbao.db", show_default=True, help="The archive (SQLite) to re-process.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Cleaning processes (0: one per core); this process reads and writes.")
def reprocess(db: str, workers: int) -> None:
    """Re-run the current parsers over the stored raw responses, without network.

    Each URL's latest stored response is cleaned again; reports whose text changed get a new
    version (the old one stays in report_versions), nothing is deleted. Prints what changed.

    Example: nianbao reprocess --db nianbao.db
    """
    from archive.reprocess import reprocess as run

    with _open_archive(db) as archive:
        counts = run(archive, workers or os.cpu_count() or 1)
    click.echo(" ".join(f"{key}={value}" for key, value in counts.items()))


@cli.command()
@click.option("--db", default="nianbao.db", show_default=True, help="The archive (SQLite) to describe.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def stats(db: str, as_json: bool) -> None:
    """Coverage and health: portals, reports per province and year, missing years per portal,
    spam-affected reports, fetch errors, the last runs, and portals whose last 3 crawls all
    failed (blocked, only errors, or no 年报 section found).

    Example: nianbao stats --db nianbao.db --json
    """
    from archive.stats import format_text
    from archive.stats import stats as describe

    with _open_archive(db) as archive:
        found = describe(archive)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    click.echo(format_text(found))


@cli.command()
@click.option("--db", default="nianbao.db", show_default=True, help="The archive (SQLite) to export.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "txt"]), required=True,
              help="jsonl, csv (UTF-8 with BOM, for Excel), parquet, or txt (a folder of one file per report).")
@click.option("--out", required=True, type=click.Path(), help="The file to write (a folder for txt).")
@click.option("--province", "provinces", multiple=True, metavar="P",
              help="Only this province, full or short name: 宁夏回族自治区 or 宁夏 (repeatable).")
@click.option("--year", "years", multiple=True, type=int, metavar="Y",
              help="Only reports covering this year (repeatable).")
@click.option("--since", metavar="YYYY-MM-DD",
              help="Only reports added or changed (updated_at, UTC) on or after this day.")
@click.option("--include-duplicates", is_flag=True,
              help="One row per report and URL where it was found (mirrors too), with source_url, "
              "source_portal and canonical; by default one row per report.")
@click.option("--force", is_flag=True, help="Replace an earlier export at --out.")
@click.option("--stats", "main_figures", is_flag=True,
              help="The main figures of each report's tables instead (one row per report: applications "
              "received, answered, reconsiderations, lawsuits; csv, jsonl or parquet).")
def export(db: str, fmt: str, out: str, provinces: tuple[str, ...], years: tuple[int, ...], since: str | None,
           include_duplicates: bool, force: bool, main_figures: bool) -> None:
    """Export the corpus, streamed, with a dataset card (README.md) beside it.

    The card (OUT.README.md beside a file, README.md inside a txt folder) gives the counts by
    province and year, the fields, the portals, the date and the command. Reports are merged
    in the archive (a mirror's copy is one more source of its report), so the default is one
    row per report with every URL in `sources`; --include-duplicates lists each copy. An
    existing output is never written over without --force.

    \b
    Example: nianbao export --db nianbao.db --format csv --out nianbao.csv --province 宁夏 --year 2023
    """
    from archive.export import ExportOptions
    from archive.export import export as run

    options = ExportOptions(fmt, out, provinces, years, since, include_duplicates, force)
    with _open_archive(db) as archive:
        if main_figures:
            from archive.export_stats import export_stats

            click.echo(f"exported the main figures of {export_stats(archive, options)} reports to {out}")
            return
        summary = run(archive, options)
    click.echo(summary.line())


@cli.command()
@click.option("--registry", type=click.Path(dir_okay=False), help="Portal registry (default: settings/portals.yaml).")
@click.option("--db", default="nianbao.db", show_default=True, help="The archive (SQLite) to crawl into.")
@click.option("--portal", "portal_ids", multiple=True, metavar="ID", help="Crawl only this portal (repeatable).")
@click.option("--incremental", is_flag=True, help="Re-walk lists, fetch only new pages, re-check known ones "
              "with conditional requests (report pages at most every --recheck-days).")
@click.option("--recheck-days", type=click.FloatRange(min=0), metavar="DAYS",
              help="With --incremental: re-check a known report page or attachment when its last check is "
              "older than this (default 30; 0: every crawl).")
@click.option("--resume", is_flag=True, help="Continue the last crawl that did not finish (Ctrl-C, killed, "
              "reboot) without fetching again what it stored.")
@click.option("--max-pages", type=click.IntRange(min=1), help="At most N requests per portal.")
@click.option("--defer-cleaning", is_flag=True, help="Only fetch and store the responses; make the reports "
              "afterwards with `nianbao reprocess` (for fetch machines of a large crawl).")
@click.option("--local", is_flag=True, hidden=True, help="No politeness delays (portals served on loopback).")
def crawl(registry: str | None, db: str, portal_ids: tuple[str, ...], incremental: bool,
          recheck_days: float | None, resume: bool, max_pages: int | None, defer_cleaning: bool, local: bool) -> None:
    """Crawl the registry's portals into the archive.

    From each portal's home page to its 年报 sections (two hops deep through 政务公开 and
    信息公开目录 pages), through every list page however the CMS paginates, to every report
    page and attachment. Progress while it runs, a summary per portal at the end. Re-running
    never duplicates rows: a report seen again is unchanged, a changed page a new version.

    Example: nianbao crawl --db nianbao.db --portal tongxin --max-pages 500
    """
    from crawler.registry import load
    from crawler.run import crawl as run
    from crawler.run import format_summary

    portals = load(registry)
    if portal_ids:
        known = {p.id for p in portals}
        unknown = [i for i in portal_ids if i not in known]
        if unknown:
            raise NianbaoError(f"no portal {', '.join(unknown)} in the registry", registry or "settings/portals.yaml",
                               "see the ids with: grep 'id:' on the registry")
        portals = [p for p in portals if p.id in portal_ids]
    summary = run(portals, db, max_pages=max_pages, local=local, incremental=incremental,
                  defer_cleaning=defer_cleaning, resume=resume, recheck_days=recheck_days)
    click.echo(format_summary(summary))


@cli.command()
@click.option("--db", default="nianbao-demo.db", show_default=True, help="The archive (SQLite) to crawl into.")
def demo(db: str) -> None:
    """Serve the bundled sample portals on loopback, crawl them into the archive, print the
    summary and how to browse it.

    The sample portals (TRS, Hanweb/JPaaS, a JSON list API, plain pagers; GBK and UTF-8; spam,
    chrome, attachments, a mirror) are served on 127.0.1.x by a server this command starts and
    stops. Runs in well under a minute.

    Example: nianbao demo --db nianbao-demo.db
    """
    from crawler.run import run_demo

    click.echo(run_demo(db))


@cli.command()
@click.option("--db", default="nianbao.db", show_default=True, help="The archive (SQLite) to serve.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to listen on (0: any free port, printed by Datasette).")
@click.option("--live", is_flag=True, help="Read the file as a crawl writes it (default: immutable, counts cached).")
def serve(db: str, host: str, port: int, live: bool) -> None:
    """Browse and query the archive with Datasette, read-only.

    Chinese full-text search of any length in the reports table's search box; facets by
    province, city, year and agency; canned queries (reports of a region by year, coverage
    matrix, gaps, spam-affected reports, blocked portals, applications by region and year);
    a coverage chart at /-/coverage and a page per report showing what the cleaner removed.
    Stop it with Ctrl-C.

    Example: nianbao serve --db nianbao-demo.db --port 8001
    """
    from pathlib import Path

    from archive.serve import ServeOptions
    from archive.serve import serve as run

    sys.exit(run(ServeOptions(Path(db), host, port, live)))


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="nianbao")


if __name__ == "__main__":
    main()
