"""``nianbao schedule``: the verb, registered into the ``nianbao`` group by :mod:`crawler.cli`.

Kept apart from cli.py so the scheduling options live beside their command; like every verb it
parses its options, calls one library function (:func:`crawler.schedule.schedule`) and prints.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command("schedule")
@click.option("--every", default="daily", show_default=True, metavar="daily|weekly|hourly|'M H DOM MON DOW'",
              help="How often: daily, weekly (Mondays), hourly, or a cron expression of five fields.")
@click.option("--at", metavar="HH:MM", help="Time of day for daily and weekly (the minute for hourly). "
              "[default: 03:30]")
@click.option("--db", default="nianbao.db", show_default=True, type=click.Path(dir_okay=False),
              help="The archive (SQLite) the scheduled crawl writes.")
@click.option("--registry", type=click.Path(dir_okay=False), help="Portal registry (default: settings/portals.yaml).")
@click.option("--recheck-days", type=click.FloatRange(min=0), metavar="DAYS",
              help="Passed to the crawl: re-check known report pages when their last check is older than this.")
@click.option("--cron", "kind", flag_value="cron", default=True, help="A crontab line (the default).")
@click.option("--systemd", "kind", flag_value="systemd",
              help="A systemd service and timer (a run missed while the machine was off runs at boot).")
@click.option("--install", is_flag=True, help="Install the entry: into your crontab, or the units into --unit-dir "
              "and enable the timer. Installing again replaces the entry of the same archive.")
@click.option("--unit-dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Where --systemd --install writes the units. [default: ~/.config/systemd/user]")
@click.option("--log", type=click.Path(dir_okay=False), metavar="FILE",
              help="Append the crawl's output here (default: DB-STEM.crawl.log beside the db for cron, "
              "the journal for systemd).")
@click.option("--local", is_flag=True, hidden=True, help="Crawl with --local (portals served on loopback).")
def schedule(every: str, at: str | None, db: str, registry: str | None, recheck_days: float | None, kind: str,
             install: bool, unit_dir: str | None, log: str | None, local: bool) -> None:
    """Print (or --install) a cron line or a systemd timer that runs `nianbao crawl --incremental`.

    The entry runs the crawl with absolute paths, PATH and LANG set, so it works from cron's bare
    environment; a crawl still running when the next is due is not started twice (flock on
    DB.lock). A crawl cut short by a reboot is continued with `nianbao crawl --resume`. Every run
    is a row of crawl_runs: see them with `nianbao stats`.

    Example: nianbao schedule --every daily --at 03:30 --db /srv/nianbao/nianbao.db --systemd --install
    """
    from crawler.schedule import ScheduleOptions
    from crawler.schedule import schedule as run

    options = ScheduleOptions(Path(db), every.strip(), at, Path(registry) if registry else None, recheck_days,
                              Path(log) if log else None, Path(unit_dir) if unit_dir else None, local)
    click.echo(run(options, kind, install))  # errors: one line, by the nianbao group (crawler.cli)
