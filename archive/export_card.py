"""The dataset card (README.md) written beside every export: what is in it, where it came from,
how it was made, so a file passed from one researcher to the next still explains itself."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archive.export import ExportOptions, ExportSummary

CARD_MARKER = "# nianbao export"  # a card's first line: how --force recognises an earlier txt export

# every exported column with its type (as JSON) and meaning; the record's are PRODUCT.md's
FIELDS: dict[str, tuple[str, str]] = {
    "id": ("int", "the report's id in the archive (reports.id); stable across exports of one archive"),
    "title": ("str", "the report's title, spam removed, real name restored where it can be"),
    "text": ("str", "the clean body: paragraphs separated by `\\n`; each table row on its own line, cells "
                    "separated by `\\t`; no chrome, no spam, a repeated body once"),
    "year": ("int or null", "the year the report covers (not the year it was published)"),
    "published": ("YYYY-MM-DD or null", "publish date"),
    "agency": ("str or null", "issuing body, e.g. 同心县人民政府办公室"),
    "region_code": ("str or null", "6-digit code of the report's region (county/district; city or province "
                                   "for higher levels)"),
    "province": ("str or null", "name of the region's province"),
    "city": ("str or null", "name of the region's prefecture-level city"),
    "county": ("str or null", "name of the region's county or district"),
    "source": ("str or null", "the 来源 (source) line's value"),
    "site_code": ("str or null", "the portal's 网站标识码 (site identification code)"),
    "url": ("str or null", "canonical URL: the best copy (official portal over mirror, unredacted, complete)"),
    "spam_removed": ("list of {text, reason}", "every span the cleaner removed as spam, and why (the "
                                               "vocabulary entry that fired)"),
    "flags": ("list of str", "what the cleaner noticed, e.g. name_hijacked, redacted, digits_masked, "
                             "repeated_body_collapsed, attachment"),
    "stats": ("list of {section, row, column, value, evidence}", "the report's statistical tables as numbers; "
                                                                 "evidence: the sentence a figure was read from, "
                                                                 "when it came from prose (else absent or null)"),
    "chrome_removed": ("list of {text, reason}", "every non-spam removal (navigation chrome, repeated "
                                                 "bodies and paragraphs, hidden text), and why"),
    "encoding": ("str or null", "how the bytes were read: the codec, or pdf / docx"),
    "version": ("int", "the report's version: 1, plus one for each change of its page's text"),
    "first_seen": ("ISO 8601 UTC", "when the report was first fetched"),
    "updated_at": ("ISO 8601 UTC", "when the archive last wrote the report (added, or a new version); "
                                   "what --since compares"),
    "sources": ("list of {url, portal, first_seen, last_seen}", "every URL where the report was found, "
                                                                "mirrors and redirects included, with the portal id"),
    "source_url": ("str or null", "--include-duplicates: the URL of this copy"),
    "source_portal": ("str or null", "--include-duplicates: the portal this copy was found on"),
    "canonical": ("bool or null", "--include-duplicates: true for the copy at the report's canonical url"),
}

_LAYOUT = {
    "jsonl": "One JSON object per line, UTF-8 (not ASCII-escaped); lists are JSON arrays.",
    "csv": "UTF-8 with a byte-order mark (Excel on a Chinese Windows opens it right), a header row, "
           "Excel quoting (newlines and tabs of `text` stay inside their cell); lists are JSON text, "
           "null is an empty cell, booleans are true/false. Excel shows at most 32,767 characters "
           "in a cell: read long reports with a CSV library, not Excel.",
    "parquet": "Parquet, zstd, row groups of 2,000 rows; lists are typed nested columns (flags: "
               "list<string>; spam_removed, chrome_removed, stats, sources: list<struct>, stats.value "
               "float64, a key an item lacks is null); published and the times are ISO text.",
    "txt": "A folder per province and county (or city; 未知 = unknown), one UTF-8 file per report named "
           "`<year>_<agency or title>_<id>.txt`: a header (title, agency, year, published, url), a blank "
           "line, then the text exactly as in the archive.",
}


def card_path(out: Path, fmt: str) -> Path:
    """README.md inside a txt folder; ``<out>.README.md`` beside a file, so that an unrelated
    README.md in the same folder is never written over."""
    return out / "README.md" if fmt == "txt" else out.with_name(out.name + ".README.md")


def render_card(summary: ExportSummary, options: ExportOptions, db: str, portals: dict[str, dict[str, str | None]],
                schema_version: int | None, command: str) -> str:
    """The card as Markdown."""
    duplicates = ("included: one row per report and URL where it was found (source_url, source_portal, "
                  "canonical)" if options.include_duplicates else
                  "excluded: one row per report (mirrors and near-duplicates are merged in the archive; "
                  "every URL is in `sources`)")
    lines = [
        f"{CARD_MARKER}: {summary.reports} reports as {options.format}", "",
        "Chinese local governments' annual reports on open government information "
        "(政府信息公开工作年度报告, 年报), from a nianbao archive.", "",
        f"- made: {summary.made_at} (UTC), in {summary.seconds:.1f} s",
        f"- command: `{command}`",
        f"- archive: `{db}` (schema version {schema_version})",
        f"- data: `{summary.out.name}` — {_LAYOUT[options.format]}",
        f"- rows: {summary.rows}; reports: {summary.reports}",
        f"- filters: province {_listed(options.provinces)}; year {_listed(options.years)}; "
        f"since {options.since or 'any'} (reports added or changed on or after that day, by updated_at, UTC)",
        f"- duplicates: {duplicates}", "",
        "## Reports by province", "", "| province | reports |", "|---|---:|",
        *(f"| {name or '(unknown)'} | {n} |" for name, n in _sorted(summary.by_province)), "",
        "## Reports by year", "", "| year | reports |", "|---|---:|",
        *(f"| {year or '(unknown)'} | {n} |" for year, n in _sorted(summary.by_year)), "",
        "## Sources", "", "Portals the exported reports were found on (a report found on several counts for each).", "",
        "| portal | name | home URL | kind | reports |", "|---|---|---|---|---:|",
        *(_portal_row(portal_id, portals.get(portal_id or ""), n) for portal_id, n in _sorted(summary.by_portal)), "",
        "## Fields", "", "| field | type | meaning |", "|---|---|---|",
        *(f"| `{name}` | {FIELDS[name][0]} | {FIELDS[name][1]} |" for name in options.columns), "",
        "## Provenance and licence", "",
        "Government information published under the Regulations on Open Government Information "
        "(政府信息公开条例), copied from the public portals named above; each report's `url` and "
        "`sources` say where. The text was cleaned: injected spam was removed (every removed span is "
        "listed in `spam_removed` with the rule that fired), as were navigation chrome and repeated "
        "bodies (`chrome_removed`); nothing else was changed. The archive keeps the raw responses, so "
        "any report can be checked against what the portal served. Cite the issuing agency and the URL.",
        "",
    ]
    return "\n".join(lines)


def _listed(values: tuple) -> str:
    return ", ".join(str(v) for v in values) if values else "any"


def _sorted(counts: dict) -> list[tuple]:
    """Known values in order, the unknown (None) last."""
    return sorted(counts.items(), key=lambda item: (item[0] is None, str(item[0])))


def _portal_row(portal_id: str | None, portal: dict[str, str | None] | None, n: int) -> str:
    portal = portal or {}
    return (f"| {portal_id or '(none)'} | {portal.get('name') or ''} | {portal.get('home_url') or ''} | "
            f"{portal.get('kind') or ''} | {n} |")
