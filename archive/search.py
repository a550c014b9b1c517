"""Chinese full-text search of any length.

Two FTS5 indexes, because no single built-in tokenizer serves Chinese queries of every length:

- ``reports_fts`` (trigram tokenizer, external content over ``reports``) answers queries of
  3 characters and more, ranked by bm25.
- ``reports_bigrams`` (contentless, ``detail=none``) holds every pair of adjacent Han characters
  of a title and text, plus the last character of each Han run, as tokens. A 2-character query is
  one token; a 1-character query is a prefix query (every position of a Han run starts a pair or
  is its last character), so both are index lookups instead of a scan of the whole text
  (SQLite 3.40's trigram index returns no rows for them, without an error).

The archive's writer keeps both in sync itself (:func:`index_report`), in the transaction that
writes the report: no triggers, because FTS5 flushes its pending index at every savepoint and a
trigger runs as one, which made indexing a report 2.5x slower.

Queries of 1–2 characters that are not all Han (digits, Latin) scan the base table with LIKE.
:func:`where_clause` is the one place these rules live: :func:`search` and the search box of
``nianbao serve`` (archive/browse) both use it.
Results: best first (bm25) when a phrase matches up to ``RANK_AT_MOST`` reports, newest first
otherwise and for 1–2 characters, so that a query's cost stays bounded at a million reports.
"""

from __future__ import annotations

import re
import sqlite3

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_TRIGRAM_FROM = 3
RANK_AT_MOST = 2000  # matches ranked by bm25; more are listed newest first


def bigram_terms(*texts: str | None) -> str:
    """The tokens of ``reports_bigrams`` for these texts, separated by spaces."""
    out: list[str] = []
    for text in texts:
        for run in _HAN_RUN.findall(text or ""):
            out += [run[i:i + 2] for i in range(len(run) - 1)]
            out.append(run[-1])
    return " ".join(out)


def create_bigrams(conn: sqlite3.Connection) -> None:
    # prefix='1': a one-character query reads one prefix doclist instead of merging those of every
    # pair starting with that character (26 ms → under 1 ms at 100,000 reports)
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS reports_bigrams USING fts5(terms, content='', "
                 "detail=none, prefix='1', tokenize='unicode61')")


def index_report(conn: sqlite3.Connection, rowid: int, title: str | None, text: str | None, terms: str,
                 old: tuple[str | None, str | None] | None = None) -> None:
    """Index a report's title and text (``terms``: its :func:`bigram_terms`); ``old`` (the title
    and text indexed before) are taken out first, as external-content and contentless FTS5
    tables need the old values to delete."""
    if old is not None:
        conn.execute("INSERT INTO reports_fts (reports_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)",
                     (rowid, *old))
        conn.execute("INSERT INTO reports_bigrams (reports_bigrams, rowid, terms) VALUES ('delete', ?, ?)",
                     (rowid, bigram_terms(*old)))
    conn.execute("INSERT INTO reports_fts (rowid, title, text) VALUES (?, ?, ?)", (rowid, title, text))
    conn.execute("INSERT INTO reports_bigrams (rowid, terms) VALUES (?, ?)", (rowid, terms))


def search(conn: sqlite3.Connection, query: str, limit: int = 20) -> list[dict[str, object]]:
    """Reports whose title or text contains ``query``: id and title, best match first."""
    query = query.strip()
    if not query:
        return []
    clause, params = where_clause(query)
    if len(query) >= _TRIGRAM_FROM:
        # bm25 ranks every match before the first row comes back: fine for a few thousand, seconds
        # for a phrase in every report of a million; past RANK_AT_MOST, newest first (rowid order
        # streams, and stops at the limit)
        many = conn.execute("SELECT count(*) FROM (SELECT rowid FROM reports_fts WHERE reports_fts MATCH "
                            ":nianbao_search LIMIT :most)", {**params, "most": RANK_AT_MOST + 1}).fetchone()[0]
        order = "reports_fts.rowid DESC" if many > RANK_AT_MOST else "rank"
        rows = conn.execute(
            "SELECT r.id, r.title FROM reports_fts JOIN reports r ON r.rowid = reports_fts.rowid "
            f"WHERE reports_fts MATCH :nianbao_search ORDER BY {order} LIMIT :limit",
            {**params, "limit": limit}).fetchall()
    else:
        rows = conn.execute(f"SELECT id, title FROM reports WHERE {clause} ORDER BY id DESC LIMIT :limit",
                            {**params, "limit": limit}).fetchall()
    return [{"id": r[0], "title": r[1]} for r in rows]


def where_clause(query: str) -> tuple[str, dict[str, str]]:
    """A WHERE condition on ``reports`` (and its parameters) true for the reports whose title or
    text contains ``query``: the trigram index for 3 characters and more, the bigram index for
    1–2 Han characters, LIKE for 1–2 other characters. Datasette's search box on ``reports``
    uses it (archive/browse), so the box and :func:`search` find the same reports."""
    query = query.strip()
    if len(query) >= _TRIGRAM_FROM:
        return ("id IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH :nianbao_search)",
                {"nianbao_search": '"' + query.replace('"', '""') + '"'})
    if _HAN_RUN.fullmatch(query):
        return ("id IN (SELECT rowid FROM reports_bigrams WHERE reports_bigrams MATCH :nianbao_search)",
                {"nianbao_search": f'"{query}"' if len(query) == 2 else f'"{query}"*'})
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return ("(title LIKE :nianbao_search ESCAPE '\\' OR text LIKE :nianbao_search ESCAPE '\\')",
            {"nianbao_search": pattern})
