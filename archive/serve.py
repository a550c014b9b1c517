"""``nianbao serve``: Datasette over the archive, read-only, with the project's metadata
(settings/datasette.yaml) and plugin (archive/browse: Chinese search of any length, the coverage
chart, report pages).

The archive is brought to the current schema and its write-ahead log checkpointed first, then
served immutable (Datasette reads the file as it is, counts cached): serving never writes. An
archive that a crawl is writing right now cannot be checkpointed whole; it is served read-only
but live instead, and the command says so.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import json
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from archive.schema import SCHEMA_VERSION
from parsers.errors import NianbaoError

# Datasette settings for an archive of long texts: short cells in table views (the report page
# shows a text whole), time for facets and queries over a million rows
SETTINGS = {"truncate_cells_html": "160", "facet_time_limit_ms": "2000", "sql_time_limit_ms": "10000",
            "default_page_size": "50"}


@dataclass(slots=True)
class ServeOptions:
    db: Path
    host: str = "127.0.0.1"
    port: int = 8001
    live: bool = False  # read the file as it changes (a crawl is writing it) instead of immutable


def metadata(db: Path) -> dict[str, Any]:
    """settings/datasette.yaml for this file: its ``archive`` entry under the database's name
    (Datasette names a database after its file) and the coverage query's year columns."""
    text = importlib.resources.files("settings").joinpath("datasette.yaml").read_text(encoding="utf-8")
    meta = yaml.safe_load(text)
    entry = meta["databases"].pop("archive")
    entry["queries"]["coverage_matrix"]["sql"] = coverage_sql(_years(db))
    meta["databases"][db.stem] = entry
    return meta


def coverage_sql(years: list[int]) -> str:
    """Reports per region (county, else city, else province) and year, a column per year."""
    columns = "".join(f',\n  sum(year = {y}) as "{y}"' for y in years)
    return ("select region_code, province, city, county, count(*) as reports" + columns +
            "\nfrom reports group by region_code, province, city, county order by region_code")


def _years(db: Path) -> list[int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return [row[0] for row in conn.execute(
            "SELECT DISTINCT year FROM reports WHERE year BETWEEN 1990 AND 2100 ORDER BY year")]


def prepare(db: Path) -> bool:
    """Migrate the archive and checkpoint its log; True when the file alone holds everything
    (it can be served immutable)."""
    if not db.is_file():
        raise NianbaoError("no archive", str(db), "give the path of an existing nianbao database with --db")
    from archive.store import Archive

    try:
        with Archive(db) as archive:
            busy, log, done = archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError as error:  # a read-only copy: serve it as it is, if it is current
        if _version(db) < SCHEMA_VERSION:
            raise NianbaoError(f"the archive has schema {_version(db)} and cannot be upgraded to "
                               f"{SCHEMA_VERSION} ({error})", str(db),
                               "serve a writable copy once, or run any nianbao verb on it") from None
        return True
    return not busy and log == done


def _version(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT version FROM schema WHERE id = 1").fetchone()
    return row[0] if row else 0


def arguments(options: ServeOptions, metadata_file: Path, immutable: bool) -> list[str]:
    """``datasette serve``'s command line for this archive."""
    args = ["serve", "--host", options.host, "--port", str(options.port), "--metadata", str(metadata_file)]
    args += ["-i", str(options.db)] if immutable else [str(options.db)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, value]
    return args


def serve(options: ServeOptions) -> int:
    """Run Datasette in this process until it is stopped (Ctrl-C or SIGTERM, which its server
    handles: one process to stop, and the temporary metadata is removed after); its exit code."""
    immutable = prepare(options.db) and not options.live
    if not immutable and not options.live:
        print(f"{options.db}: being written (its log could not be checkpointed): served live, read-only",
              file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="nianbao-serve-") as folder:
        meta_file = Path(folder) / "metadata.json"
        meta_file.write_text(json.dumps(metadata(options.db), ensure_ascii=False), encoding="utf-8")
        from datasette.cli import cli as datasette

        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a server is stopped
            datasette.main(arguments(options, meta_file, immutable), prog_name="datasette", standalone_mode=False)
        return 0
