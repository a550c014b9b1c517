"""``nianbao export``: the corpus as JSONL, CSV, Parquet or a folder of text files, streamed.

Rows come from one SQL cursor in id order inside one read transaction, so the counts of the
dataset card are those of the rows written even while a crawl writes, and memory stays flat
however large the archive. Everything is written under a temporary name and renamed at the end:
an interrupted export never looks complete, and an earlier export is replaced only with
``--force``. The dataset card is :mod:`archive.export_card`.
"""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from archive.export_card import CARD_MARKER, card_path, render_card
from archive.schema import JSON_FIELDS, REPORT_FIELDS
from archive.schema import now as _now
from parsers.errors import NianbaoError

if TYPE_CHECKING:
    import sqlite3

    from archive.store import Archive

FORMATS = ("jsonl", "csv", "parquet", "txt")
# the record (PRODUCT.md's fields, then the Report extensions), after the archive's own id and
# before what the archive knows of the report: its version, when it was first seen and last
# written, and every URL where it was found
COLUMNS = ("id", *REPORT_FIELDS, "version", "first_seen", "updated_at", "sources")
DUPLICATE_COLUMNS = ("source_url", "source_portal", "canonical")  # --include-duplicates: one row per source
JSON_COLUMNS = (*JSON_FIELDS, "sources")
SOURCE_KEYS = ("url", "portal", "first_seen", "last_seen")
ROW_GROUP = 2000  # Parquet rows per row group: ~20 MB of text at most in memory at once
UNKNOWN = "未知"  # 未知 = unknown: the txt folder or name part of a report whose region or year was not found
_NAME_BYTES = 150  # per path component, in UTF-8: ext4 allows 255, and a Windows path 260 in all
_UNSAFE = re.compile(r'[/\\:*?"<>|]')  # not allowed in a file name on Windows (and / nowhere)
_WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                               *(f"LPT{i}" for i in range(1, 10))})
_PARTIAL_MARKER = ".nianbao-partial"  # in a txt export's temporary folder: ours to delete after a crash


class ExportError(NianbaoError):
    """The export cannot be made as asked; nothing was written, and nothing earlier was touched."""


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What to export and where; checked when made, so a bad option fails before the archive is opened."""

    format: str
    out: Path
    provinces: tuple[str, ...] = ()  # full (宁夏回族自治区) or short (宁夏) names
    years: tuple[int, ...] = ()
    since: str | None = None  # YYYY-MM-DD: reports added or changed (updated_at) on or after that day, UTC
    include_duplicates: bool = False  # one row per (report, source URL) instead of one per report
    force: bool = False  # replace an earlier export at ``out``

    def __post_init__(self) -> None:
        object.__setattr__(self, "out", Path(self.out))
        if self.format not in FORMATS:
            raise ExportError(f"unknown format {self.format!r}", "--format", f"choose one of {', '.join(FORMATS)}")
        if self.since is not None and not _is_date(self.since):
            raise ExportError(f"--since {self.since!r} is not a date", "--since",
                              "write it as YYYY-MM-DD, e.g. 2024-01-31")
        if self.include_duplicates and self.format == "txt":
            raise ExportError("a txt export has one file per report, not one per source URL", "--include-duplicates",
                              "use jsonl, csv or parquet to list every copy; a txt header names the canonical URL")
        for given in self.provinces:
            province_name(given)

    @property
    def columns(self) -> tuple[str, ...]:
        return COLUMNS + DUPLICATE_COLUMNS if self.include_duplicates else COLUMNS

    def command(self, db: str) -> str:
        """The command line that makes this export, for the dataset card."""
        args = ["nianbao", "export", "--db", db, "--format", self.format, "--out", str(self.out)]
        for province in self.provinces:
            args += ["--province", province]
        for year in self.years:
            args += ["--year", str(year)]
        if self.since:
            args += ["--since", self.since]
        args += ["--include-duplicates"] * self.include_duplicates + ["--force"] * self.force
        return " ".join(_quote(arg) for arg in args)


@dataclass(slots=True)
class ExportSummary:
    """What was written: counted from the rows themselves as they went out."""

    format: str
    out: Path
    card: Path
    rows: int = 0
    reports: int = 0
    by_province: Counter[str | None] = field(default_factory=Counter)
    by_year: Counter[int | None] = field(default_factory=Counter)
    by_portal: Counter[str | None] = field(default_factory=Counter)  # reports found on each portal
    made_at: str = ""
    seconds: float = 0.0

    def count(self, rows: Iterable[dict[str, object]]) -> Iterator[dict[str, object]]:
        """Pass rows through, counting them (a report with several source rows counts once)."""
        last = None
        for row in rows:
            self.rows += 1
            if row["id"] != last:
                last = row["id"]
                self.reports += 1
                self.by_province[row["province"]] += 1
                self.by_year[row["year"]] += 1
                sources = row["sources"]
                for portal in {s["portal"] for s in (json.loads(sources) if isinstance(sources, str) else sources)}:
                    self.by_portal[portal] += 1
            yield row

    def line(self) -> str:
        rows = f" ({self.rows} rows, one per source URL)" if self.rows != self.reports else ""
        return (f"exported {self.reports} reports{rows} as {self.format} to {self.out} in {self.seconds:.1f} s; "
                f"dataset card: {self.card}")


def export(archive: Archive, options: ExportOptions) -> ExportSummary:
    """Write the reports ``options`` select to ``options.out`` with a dataset card beside them."""
    out = options.out
    card = card_path(out, options.format)
    partial = out.with_name(out.name + ".partial")
    _check_target(out, card, partial, options)
    summary = ExportSummary(options.format, out, card, made_at=_now())
    started = time.monotonic()
    conn = archive.db.conn
    # a sequential scan gains nothing from the archive's 256 MB page cache: keep the export's memory small
    cache_size = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute("PRAGMA cache_size=-8192")
    conn.execute("BEGIN")  # one snapshot: the card's counts and portals are those of the rows written
    try:
        if options.format == "txt":
            _remove(partial)  # a killed export's leftovers (checked to be ours)
            partial.mkdir(parents=True)
            (partial / _PARTIAL_MARKER).touch()
        else:
            partial.parent.mkdir(parents=True, exist_ok=True)
        sql, params = export_query(options)
        rows = _rows(conn, sql, params, options.columns, decode=options.format in ("jsonl", "parquet"))
        _WRITERS[options.format](summary.count(rows), partial, options.columns)
        summary.seconds = time.monotonic() - started
        text = render_card(summary, options, archive.path, _portals(conn), _schema_version(conn),
                           options.command(archive.path))
        if options.format == "txt":
            (partial / "README.md").write_text(text, encoding="utf-8")
            (partial / _PARTIAL_MARKER).unlink()
        else:
            card_partial = card.with_name(card.name + ".partial")
            card_partial.write_text(text, encoding="utf-8")
            card_partial.replace(card)  # the card first: the data file appearing is what says "done"
        _put_in_place(partial, out)
    except BaseException:
        _remove(partial)
        _remove(card.with_name(card.name + ".partial"))
        raise
    finally:
        conn.execute("COMMIT")
        conn.execute(f"PRAGMA cache_size={int(cache_size)}")
    return summary


def province_name(given: str) -> str:
    """The full name of a province given in full (宁夏回族自治区) or short (宁夏), as the archive
    writes it (from the division codes), so the filter can use ``province IN (...)``."""
    from parsers.regions import registry

    names = sorted({d.name for rows in registry().by_code.values() for d in rows if d.level == "province"})
    if given in names:
        return given
    found = [name for name in names if name.startswith(given)] if len(given) >= 2 else []
    if len(found) != 1:
        which = "ambiguous" if found else "unknown"
        raise ExportError(f"{which} province {given!r}", "--province", "give its name, e.g. 宁夏 or 宁夏回族自治区")
    return found[0]


def _quote(arg: str) -> str:
    """Shell quoting that leaves Chinese as it is (shlex quotes every non-ASCII argument)."""
    if arg and all(ch.isalnum() or ch in "@%+=:,./-_" for ch in arg):
        return arg
    return shlex.quote(arg)


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


# --- reading ---------------------------------------------------------------------------------------
# a report's sources as one JSON array, in URL order, built by SQLite next to the row
_SOURCES = ("(SELECT json_group_array(json_object('url', url, 'portal', portal_id, 'first_seen', first_seen, "
            "'last_seen', last_seen)) FROM (SELECT * FROM report_sources WHERE report_id = r.id ORDER BY url))")


def export_query(options: ExportOptions) -> tuple[str, list[object]]:
    """The one SELECT, in id order (the primary key: SQLite walks it without sorting)."""
    where, params = filters(options)
    select = ", ".join(f"r.[{c}]" for c in COLUMNS[:-1]) + f", {_SOURCES}"
    source, order = "reports r", "r.id"
    if options.include_duplicates:
        select += ", s.url, s.portal_id, s.url = r.url"
        source, order = "reports r LEFT JOIN report_sources s ON s.report_id = r.id", "r.id, s.url"
    sql = f"SELECT {select} FROM {source}" + (f" WHERE {' AND '.join(where)}" if where else "")
    return sql + f" ORDER BY {order}", params


def filters(options: ExportOptions) -> tuple[list[str], list[object]]:
    """The WHERE conditions on ``reports r`` that --province, --year and --since ask for."""
    where: list[str] = []
    params: list[object] = []
    if options.provinces:
        names = sorted({province_name(p) for p in options.provinces})
        where.append(f"r.province IN ({', '.join('?' * len(names))})")
        params += names
    if options.years:
        where.append(f"r.year IN ({', '.join('?' * len(options.years))})")
        params += list(options.years)
    if options.since:
        where.append("r.updated_at >= ?")  # ISO 8601 UTC text: compares as dates do
        params.append(options.since)
    return where, params


def _rows(conn: sqlite3.Connection, sql: str, params: list[object], columns: tuple[str, ...],
          decode: bool) -> Iterator[dict[str, object]]:
    """Rows one at a time from the cursor; ``decode``: JSON columns as lists (for the formats that
    hold real lists), else as stored (CSV writes the stored text)."""
    for values in conn.execute(sql, params):
        row = dict(zip(columns, values, strict=True))
        if decode:
            for name in JSON_COLUMNS:
                if row[name] is not None:
                    row[name] = json.loads(row[name])
        if "canonical" in row and row["canonical"] is not None:
            row["canonical"] = bool(row["canonical"])
        yield row


def _portals(conn: sqlite3.Connection) -> dict[str, dict[str, str | None]]:
    return {row[0]: {"name": row[1], "home_url": row[2], "kind": row[3]}
            for row in conn.execute("SELECT id, name, home_url, kind FROM portals")}


def _schema_version(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT version FROM [schema] WHERE id = 1").fetchone()
    return row[0] if row else None


# --- writing ---------------------------------------------------------------------------------------
def _write_jsonl(rows: Iterable[dict[str, object]], path: Path, columns: tuple[str, ...]) -> None:
    """One JSON object per line, UTF-8, not ASCII-escaped; lists are real JSON."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_csv(rows: Iterable[dict[str, object]], path: Path, columns: tuple[str, ...]) -> None:
    """UTF-8 with a BOM, because Excel on a Chinese Windows reads a CSV without one as GBK; the
    csv module's Excel dialect quotes fields holding newlines, tabs and quotes, so a report's
    paragraphs and table rows stay in one cell. Lists are JSON text as stored."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row[c]) for c in columns])


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _write_parquet(rows: Iterable[dict[str, object]], path: Path, columns: tuple[str, ...]) -> None:
    """Row groups of ROW_GROUP rows, zstd-compressed (Chinese text compresses ~3x).

    Lists are typed nested columns (``list<string>``, ``list<struct<…>>``), not JSON text,
    because that is what makes Parquet worth choosing: DuckDB, pandas and polars query
    ``flags`` or ``spam_removed.reason`` without parsing anything. The shapes are PRODUCT.md's;
    ``stats.value`` is float64, since money in 万元 has decimals. Arrow drops a key a struct does
    not have without a word, so every item is checked first (:func:`_check_shapes`): data that
    does not fit stops the export with the report's id instead of being lost.

    Memory holds one row group; the only thing that grows is the metadata the writer keeps for
    the footer, ~28 KB per row group (bench/export.py: 187 MB peak at 100 k reports, 198 MB at 1 M).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(columns)
    # min/max statistics only where a reader filters (id, year, province …): the writer keeps every
    # row group's statistics for the footer until the end, and a text's min/max would be ~3 KB each
    statistics = [c for c in columns if c != "text" and c not in _NESTED and c != "flags"]
    iterator = iter(rows)
    with pq.ParquetWriter(path, schema, compression="zstd", write_statistics=statistics) as writer:
        while chunk := list(islice(iterator, ROW_GROUP)):
            _check_shapes(chunk, path)
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema), row_group_size=ROW_GROUP)


def _arrow_schema(columns: tuple[str, ...]):  # -> pyarrow.Schema (pyarrow imported only for parquet)
    import pyarrow as pa

    types = {"id": pa.int64(), "year": pa.int32(), "version": pa.int32(), "canonical": pa.bool_(),
             "flags": pa.list_(pa.string())}
    for name, keys in _NESTED.items():
        types[name] = pa.list_(pa.struct([(k, pa.float64() if (name, k) == ("stats", "value") else pa.string())
                                          for k in keys]))
    return pa.schema([(c, types.get(c, pa.string())) for c in columns])


_NESTED = {"spam_removed": ("text", "reason"), "chrome_removed": ("text", "reason"),
           # evidence: the sentence a figure was read from, when it came from prose (parsers/data/stats.md)
           "stats": ("section", "row", "column", "value", "evidence"), "sources": SOURCE_KEYS}


def _check_shapes(rows: list[dict[str, object]], path: Path) -> None:
    for row in rows:
        for name in ("flags", *_NESTED):
            for item in row[name] or ():
                if not _fits(name, item):
                    raise ExportError(f"report {row['id']}: {name} item {item!r:.80} does not fit the Parquet "
                                      "column", str(path), "export as jsonl, which keeps every field as stored")


def _fits(name: str, item: object) -> bool:
    if name == "flags":
        return isinstance(item, str)
    if not isinstance(item, dict) or not set(item) <= set(_NESTED[name]):
        return False
    for key, value in item.items():
        if (name, key) == ("stats", "value"):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                return False
        elif value is not None and not isinstance(value, str):
            return False
    return True


def _write_txt(rows: Iterable[dict[str, object]], folder: Path, columns: tuple[str, ...]) -> None:
    """One UTF-8 file per report: a header of title, agency, year, published and URL, a blank
    line, then the text exactly as stored (``\\n`` line ends on every system)."""
    made: set[Path] = set()
    for row in rows:
        path = folder / txt_path(row)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        header = "".join(f"{name}: {_one_line(row[name])}\n" for name in _TXT_HEADER)
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(header + "\n" + (row["text"] or ""))


_TXT_HEADER = ("title", "agency", "year", "published", "url")


def _one_line(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def txt_path(row: dict[str, object]) -> Path:
    """``<province>/<county or city>/<year>_<agency or title>_<id>.txt``, each part a safe name;
    the id keeps two reports of one agency and year apart."""
    province = safe_name(str(row["province"] or "")) or UNKNOWN
    place = safe_name(str(row["county"] or row["city"] or "")) or UNKNOWN
    tail = f"_{row['id']}.txt"
    head = f"{row['year'] or UNKNOWN}_"
    middle = safe_name(str(row["agency"] or row["title"] or ""), _NAME_BYTES - len((head + tail).encode()))
    return Path(province, place, head + middle + tail)


def safe_name(text: str, limit: int = _NAME_BYTES) -> str:
    """A file or folder name any system accepts: no ``/\\:*?"<>|``, no control or format
    characters (a right-to-left override would disguise a name), whitespace as single spaces, no
    leading or trailing dot or space, not a Windows device name, at most ``limit`` UTF-8 bytes."""
    kept = "".join(" " if ch.isspace() else ch for ch in _UNSAFE.sub("", text)
                   if ch.isspace() or not unicodedata.category(ch).startswith("C"))
    name = " ".join(kept.split()).strip(". ")
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    encoded = name.encode("utf-8")[:max(limit, 0)]
    return encoded.decode("utf-8", "ignore").rstrip(". ")


_WRITERS: dict[str, Callable[[Iterable[dict[str, object]], Path, tuple[str, ...]], None]] = {
    "jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet, "txt": _write_txt,
}


# --- never destroying an earlier export -----------------------------------------------------------
def _check_target(out: Path, card: Path, partial: Path, options: ExportOptions) -> None:
    """Refuse what would overwrite something the user did not ask us to replace."""
    folder = options.format == "txt"
    if out.exists() and out.is_dir() != folder:
        kind = "a folder" if out.is_dir() else "a file"
        want = "a folder" if folder else "a file path"
        raise ExportError(f"--out is {kind}", str(out), f"a {options.format} export needs {want}")
    if _non_empty(out) or (not folder and _non_empty(card)):
        if not options.force:
            raise ExportError("the output exists", str(out), "give another --out, or --force to replace it")
        if folder and not _is_export(out):
            raise ExportError("the folder is not a nianbao export (no dataset card in it)", str(out),
                              "give another --out: --force only replaces an earlier export")
    # a partial output of ours (an export killed before its end) is written over; anything else is in the way
    ours = (partial / _PARTIAL_MARKER).exists() if partial.is_dir() else not folder
    if partial.exists() and not ours:
        raise ExportError("something is in the way of the temporary output", str(partial),
                          "move it, or give another --out")


def _non_empty(path: Path) -> bool:
    if path.is_dir():
        return any(path.iterdir())
    return path.exists() and path.stat().st_size > 0


def _is_export(folder: Path) -> bool:
    readme = folder / "README.md"
    return readme.is_file() and readme.read_text(encoding="utf-8", errors="replace").startswith(CARD_MARKER)


def _put_in_place(partial: Path, out: Path) -> None:
    """Rename the finished export to its name; an earlier one goes only once the new one is complete."""
    if partial.is_dir() and out.exists():
        holder = Path(tempfile.mkdtemp(prefix=f".{out.name}.replaced-", dir=out.parent))  # a name nobody has
        out.rename(holder / "old")
        partial.rename(out)
        shutil.rmtree(holder)
    else:
        partial.replace(out)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
