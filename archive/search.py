"""Chinese full-text search of any length.

Two FTS5 indexes, because no single built-in tokenizer serves Chinese queries of every length:

- ``reports_fts`` (trigram tokenizer, external content over ``reports``) answers queries of
  3 characters and more, ranked by bm25; Datasette's search box uses it.
- ``reports_bigrams`` (contentless, ``detail=none``) holds every pair of adjacent Han characters
  of a title and text, plus the last character of each Han run, as tokens. A 2-character query is
  one token; a 1-character query is a prefix query (every position of a Han run starts a pair or
  is its last character), so both are index lookups instead of a scan of the whole text
  (SQLite 3.40's trigram index returns no rows for them, without an error).

The archive's writer keeps both in sync itself (:func:`index_report`), in the transaction that
writes the report: no triggers, because FTS5 flushes its pending index at every savepoint and a
trigger runs as one, which made indexing a report 2.5x slower.

Queries of 1–2 characters that are not all Han (digits, Latin) scan the base table with LIKE.
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
    if len(query) >= _TRIGRAM_FROM:
        phrase = '"' + query.replace('"', '""') + '"'
        # bm25 ranks every match before the first row comes back: fine for a few thousand, seconds
        # for a phrase in every report of a million; past RANK_AT_MOST, newest first (rowid order
        # streams, and stops at the limit)
        many = conn.execute("SELECT count(*) FROM (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ? "
                            "LIMIT ?)", (phrase, RANK_AT_MOST + 1)).fetchone()[0] > RANK_AT_MOST
        order = "reports_fts.rowid DESC" if many else "rank"
        rows = conn.execute(
            "SELECT r.id, r.title FROM reports_fts JOIN reports r ON r.rowid = reports_fts.rowid "
            f"WHERE reports_fts MATCH ? ORDER BY {order} LIMIT ?", (phrase, limit)).fetchall()
    elif _HAN_RUN.fullmatch(query):
        match = f'"{query}"' if len(query) == 2 else f'"{query}"*'
        rows = conn.execute(
            "SELECT r.id, r.title FROM reports_bigrams b JOIN reports r ON r.id = b.rowid "
            "WHERE reports_bigrams MATCH ? ORDER BY b.rowid DESC LIMIT ?", (match, limit)).fetchall()
    else:
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = conn.execute(
            "SELECT id, title FROM reports WHERE title LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\' "
            "ORDER BY id LIMIT ?", (pattern, pattern, limit)).fetchall()
    return [{"id": r[0], "title": r[1]} for r in rows]
