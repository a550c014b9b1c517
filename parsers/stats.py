"""``extract``: a report's clean text to its statistics, cells {section, row, column, value} and flags.

Tables first (parsers/stats_tables.py), then sentences for any section no table gave
(parsers/stats_narrative.py), then the forms' own arithmetic (stats.yaml ``checks``): a report
whose numbers do not add up keeps them and is flagged, since reports with errors are real and
worth finding. The keys, null rules and flags are documented in parsers/data/stats.md.
"""

from __future__ import annotations

from typing import Any

from parsers import stats_vocab as sv
from parsers.errors import VocabularyError
from parsers.stats_narrative import read_sentences
from parsers.stats_tables import read_tables, section_rule

TABLE_ERA = 2019  # the national table forms (2019 regulation) cover reports for 2019 and later
_TOLERANCE = 1e-6  # money in 万元 has decimals; counts compare exactly anyway


def extract(text: str, year: int | None) -> tuple[list[dict[str, object]], list[str]]:
    """The statistics of one report and the flags they raise.

    Flags: ``stats_check_failed:<section>:<check>`` (a rule of the form does not hold),
    ``stats_row_skipped:<section>`` (a row's numbers could not be placed, so none were kept),
    ``stats_row_repeated:<section>`` (a row read twice with other numbers; the first kept),
    ``stats_from_text`` (some figures were read from sentences), ``stats_not_found`` (a report of
    the table era, or with a table-era heading, where no table could be read).
    """
    text = pipe_rows(text)
    found = read_tables(text, year)
    cells = list(found.cells)
    flags = list(found.flags)
    sentences = read_sentences(text, found.sections)
    if sentences:
        cells.extend(sentences)
        flags.append("stats_from_text")
    if not found.cells and _expects_tables(text, year):
        flags.append("stats_not_found")
    flags.extend(check(cells))
    return cells, flags


def pipe_rows(text: str) -> str:
    """A table typed as text in an HTML page (``| 规章 | 0 | 0 | 0 |``, with or without the outer
    bars; a Markdown ``| --- |`` rule dropped) as the tab-separated rows the readers take. A plain
    text file's ``|`` tables were made rows by the cleaner already; a line with one cell and a
    bar (``规章 |``, one cell per line) is left to the readers of flattened tables."""
    out = []
    for line in text.split("\n"):
        if "|" in line.strip().strip("|｜"):
            cells = [cell.strip() for cell in line.strip().strip("|｜").replace("｜", "|").split("|")]
            if any("-" in cell for cell in cells) and all(set(cell) <= set("-:— ") for cell in cells):
                continue  # a Markdown header rule
            if sum(1 for cell in cells if cell) >= 2:
                line = "\t".join(cells)
        out.append(line)
    return "\n".join(out)


def _expects_tables(text: str, year: int | None) -> bool:
    """A report for 2019 or later, or one with a heading only the table forms have."""
    if year is not None and year >= TABLE_ERA:
        return True
    for line in text.split("\n"):
        if "\t" not in line and len(line) < 40:
            rule = section_rule(line)
            if rule is not None and rule.get("kind") == "heading" and rule.get("section") != "主动公开":
                return True
    return False


def check(cells: list[dict[str, object]]) -> list[str]:
    """``stats_check_failed:<section>:<check id>`` for every stats.yaml check the cells fail; a
    check needing a null or missing cell is not made (a masked number proves nothing)."""
    table = {(c["section"], c["row"], c["column"]): c["value"] for c in cells if "evidence" not in c}
    flags = []
    for rule in sv.checks():
        if not _holds(rule, table):
            flags.append(f"stats_check_failed:{rule['section']}:{rule['id']}")
    return flags


def cells_of(triples: list[list[Any]], section: str) -> list[dict[str, object]]:
    """A check's example ([row, column, value] triples) as cells: how tests feed stats.yaml's examples."""
    return [{"section": section, "row": r, "column": c, "value": v} for r, c, v in triples]


def _holds(rule: dict[str, Any], table: dict[tuple[object, object, object], object]) -> bool:
    section = rule["section"]
    rows = {r for s, r, _ in table if s == section}
    columns = {c for s, _, c in table if s == section}

    def total(keys: list[tuple[str, str]]) -> float | None:
        values = [table.get((section, r, c)) for r, c in keys]
        if any(not isinstance(v, int | float) for v in values):
            return None
        return float(sum(values))  # type: ignore[arg-type]

    pairs: list[tuple[float | None, float | None]] = []
    if rule["kind"] == "balance":
        for column in columns:
            pairs.append((total([(r, column) for r in rule["left"]]), total([(r, column) for r in rule["right"]])))
    elif rule["kind"] == "rows_sum":
        for column in columns:
            parts = next((p for p in rule["parts"] if all((section, r, column) in table for r in p)), None)
            if parts is not None:
                pairs.append((total([(rule["total"], column)]), total([(r, column) for r in parts])))
    elif rule["kind"] == "columns_sum":
        for row in rows:
            parts = next((p for p in rule["parts"] if all((section, row, c) in table for c in p)), None)
            if parts is not None:
                pairs.append((total([(row, rule["total"])]), total([(row, c) for c in parts])))
    else:
        raise VocabularyError(f"unknown check kind {rule['kind']!r}", f"stats.yaml check {rule['id']}")
    return all(a is None or b is None or abs(a - b) <= _TOLERANCE for a, b in pairs)
