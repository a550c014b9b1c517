"""``nianbao export --stats``: the reports' main figures, one row per report with statistics
(the archive's ``report_stats_wide`` view), in a file of its own — what a researcher loads to
compare counties and years. Every cell of every table is in the corpus export's ``stats``.

Same promises as the corpus export (archive/export.py): the same filters, streamed, written
under a temporary name and renamed at the end, never over an earlier output without --force,
and a dataset card beside it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from archive.export import (  # the corpus export's safety and writers, shared
    ExportError,
    ExportOptions,
    _check_target,
    _put_in_place,
    _remove,
    _write_csv,
    _write_jsonl,
    filters,
)
from archive.export_card import CARD_MARKER, card_path
from archive.schema import WIDE_FIGURES
from archive.schema import now as _now

if TYPE_CHECKING:
    from archive.store import Archive

LABELS = ("report_id", "title", "year", "province", "city", "county", "region_code", "agency", "stats_flags")
COLUMNS = (*LABELS, *(name for name, *_ in WIDE_FIGURES))


def export_stats(archive: Archive, options: ExportOptions) -> int:
    """Write the main figures of the reports ``options`` select; the number of rows written."""
    if options.format == "txt":
        raise ExportError("--stats writes a table", "--format", "use csv, jsonl or parquet with --stats")
    out, card = options.out, card_path(options.out, options.format)
    partial = out.with_name(out.name + ".partial")
    _check_target(out, card, partial, options)
    where, params = filters(options)
    sql = (f"SELECT {', '.join('w.' + c for c in COLUMNS)} FROM report_stats_wide w JOIN reports r "
           "ON r.id = w.report_id" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY w.report_id")
    started = time.monotonic()
    partial.parent.mkdir(parents=True, exist_ok=True)
    try:
        written = 0

        def rows() -> Iterator[dict[str, object]]:
            nonlocal written
            for values in archive.db.conn.execute(sql, params):
                written += 1
                yield dict(zip(COLUMNS, values, strict=True))

        _WRITERS[options.format](rows(), partial, COLUMNS)
        card.write_text(_card(options, archive.path, written, time.monotonic() - started), encoding="utf-8")
        _put_in_place(partial, out)
    except BaseException:
        _remove(partial)
        raise
    return written


def _write_parquet(rows: Iterable[dict[str, object]], path: Path, columns: tuple[str, ...]) -> None:
    """Flat columns: integers for ids, years and figures, text for the labels (the corpus
    export's writer types the record's nested fields, which these rows do not have)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.int64() if c in ("report_id", "year") or c not in LABELS else pa.string())
                        for c in columns])
    iterator = iter(rows)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        while chunk := list(islice(iterator, 5000)):
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))


# JSONL and CSV (UTF-8 with BOM, Excel quoting) are the corpus export's own writers
_WRITERS = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}


def _card(options: ExportOptions, db: str, rows: int, seconds: float) -> str:
    figures = "\n".join(f"| `{name}` | {section} · {row} · {column} |" for name, section, row, column in WIDE_FIGURES)
    return f"""{CARD_MARKER} — main figures per report (--stats)

{rows} reports with statistics, from `{db}`, made {_now()} in {seconds:.1f} s by:

    {options.command(db)} --stats

One row per report; a figure is null where the report does not give it (masked, blank, (略),
or not in its form), never 0. Money is in 万元. `stats_flags` names the checks of the national
form the report fails (its numbers are kept: reports with errors are real). Keys and checks:
parsers/data/stats.md of nianbao; every cell of every table is in the corpus export's `stats`.

| column | report_stats (section · row · column), 总计 = all applicants |
|---|---|
| `report_id` | the report's id (reports.id) |
{figures}
"""
