"""The archive's tables, created and migrated by code (PRODUCT.md names; a schema version kept).

Raw bodies live once per sha256 in ``bodies`` (content-addressed, zlib-compressed); ``fetches``
points at them. ``reports`` holds one row per distinct report with its current version, every
earlier version stays in ``report_versions``, and ``report_sources`` lists every URL where the
report was found. Full-text search is FTS5 with the trigram tokenizer over title and text and a
bigram index for queries of 1–2 characters, both kept in sync by the writer and queried by the
same rules from our code and from Datasette's search box (archive.search, archive.browse).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

SCHEMA_VERSION = 10

# the Report fields as reports columns (lists stored as JSON text)
REPORT_FIELDS = {
    "title": str, "text": str, "year": int, "published": str, "agency": str, "region_code": str,
    "province": str, "city": str, "county": str, "source": str, "site_code": str, "url": str,
    "spam_removed": str, "flags": str, "stats": str, "chrome_removed": str, "encoding": str,
}
JSON_FIELDS = ("spam_removed", "flags", "stats", "chrome_removed")


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the database to SCHEMA_VERSION, keeping its data; returns the version it had."""
    db.execute("PRAGMA journal_mode=WAL")
    # in WAL mode NORMAL never corrupts the database; a power cut may lose the last commits, which
    # the next crawl fetches again (a process kill loses nothing)
    db.execute("PRAGMA synchronous=NORMAL")
    # FTS segment merges and index inserts re-read pages: the default 2 MB cache thrashes on a large archive
    db.execute("PRAGMA cache_size=-262144")
    # checkpoint every ~40 MB of WAL instead of 4 MB: fewer fsyncs during a crawl or a bulk ingest (+8 %)
    db.execute("PRAGMA wal_autocheckpoint=10000")
    db.execute("PRAGMA foreign_keys=ON")
    if "schema" not in db.table_names():
        db["schema"].create({"id": int, "version": int, "migrated_at": str}, pk="id")
    row = next(iter(db["schema"].rows), None)
    found = row["version"] if row else 0
    with db.conn:
        if found < 1:
            _create_v1(db)
        if found < 2:
            _migrate_v2(db)
        if found < 3:
            _migrate_v3(db)
        if found < 4:
            _migrate_v4(db)
        if found < 5:
            _migrate_v5(db)
        if found < 6:
            _migrate_v6(db)
        if found < 7:
            db["search_pending"].create({"report_id": int}, pk="report_id", if_not_exists=True)
        if found < 8:
            _migrate_v8(db)
        if found < 9:
            _migrate_v9(db)
        if found < 10:
            _migrate_v10(db)
        if found < SCHEMA_VERSION:  # an archive already current is opened without a write
            db["schema"].upsert({"id": 1, "version": SCHEMA_VERSION, "migrated_at": now()}, pk="id")
    return found


def _create_v1(db: sqlite_utils.Database) -> None:
    db["portals"].create({"id": str, "name": str, "region_code": str, "home_url": str, "kind": str},
                         pk="id", if_not_exists=True)
    db["crawl_runs"].create({"id": int, "started_at": str, "finished_at": str, "command": str, "stats": str},
                            pk="id", if_not_exists=True)
    db["bodies"].create({"sha256": str, "size": int, "codec": str, "data": bytes}, pk="sha256", if_not_exists=True)
    db["fetches"].create({
        "id": int, "run_id": int, "portal_id": str, "url": str, "final_url": str, "status": int,
        "content_type": str, "etag": str, "last_modified": str, "fetched_at": str, "sha256": str,
        "size": int, "error": str,
    }, pk="id", foreign_keys=[("sha256", "bodies", "sha256")], if_not_exists=True)
    db["fetches"].create_index(["url"], if_not_exists=True)
    db["fetches"].create_index(["sha256"], if_not_exists=True)
    db["reports"].create({
        "id": int, **REPORT_FIELDS, "text_hash": str, "raw_sha256": str, "parser_version": str,
        "version": int, "first_seen": str, "updated_at": str,
    }, pk="id", if_not_exists=True)
    db["reports"].create_index(["text_hash"], unique=True, if_not_exists=True)
    db["reports"].create_index(["region_code", "year"], if_not_exists=True)
    db["report_versions"].create({
        "report_id": int, "version": int, "text_hash": str, "raw_sha256": str, "fetch_id": int,
        "fetched_at": str, "record": str,
    }, pk=("report_id", "version"), foreign_keys=[("report_id", "reports", "id")], if_not_exists=True)
    db["report_sources"].create({
        "report_id": int, "url": str, "portal_id": str, "fetch_id": int, "first_seen": str, "last_seen": str,
    }, pk=("report_id", "url"), foreign_keys=[("report_id", "reports", "id")], if_not_exists=True)
    db["report_sources"].create_index(["url"], if_not_exists=True)
    db["report_stats"].create({"report_id": int, "section": str, "row": str, "column": str, "value": int},
                              foreign_keys=[("report_id", "reports", "id")], if_not_exists=True)
    db["report_stats"].create_index(["report_id"], if_not_exists=True)
    if "reports_fts" not in db.table_names():
        db["reports"].enable_fts(["title", "text"], tokenize="trigram")  # kept in sync by archive.search


def _migrate_v2(db: sqlite_utils.Database) -> None:
    """v2: MinHash signatures for near-duplicate merging, and why a copy is canonical."""
    db["report_minhash"].create({"report_id": int, "signature": bytes, "year": int, "region_code": str,
                                 "agency": str, "numbers": str}, pk="report_id",
                                foreign_keys=[("report_id", "reports", "id")], if_not_exists=True)
    db["reports"].create_index(["url"], if_not_exists=True)  # a new version is found by its canonical URL
    if "canonical_reason" not in db["reports"].columns_dict:
        db.execute("ALTER TABLE reports ADD COLUMN canonical_reason TEXT")


def _migrate_v3(db: sqlite_utils.Database) -> None:
    """v3: the bigram index that answers 1- and 2-character queries (archive.search)."""
    from archive.search import bigram_terms, create_bigrams

    create_bigrams(db.conn)
    for rowid, title, text in db.execute("SELECT id, title, text FROM reports").fetchall():
        db.execute("INSERT INTO reports_bigrams (rowid, terms) VALUES (?, ?)", (rowid, bigram_terms(title, text)))


def _migrate_v4(db: sqlite_utils.Database) -> None:
    """v4: the writer indexes reports itself; the triggers made indexing 2.5x slower (archive.search)."""
    for trigger in ("reports_ai", "reports_ad", "reports_au"):
        db.execute(f"DROP TRIGGER IF EXISTS [{trigger}]")


def _migrate_v5(db: sqlite_utils.Database) -> None:
    """v5: what the crawl knew of a response (its role, its list entry's title and date), so that
    reprocess cleans an attachment as the crawl did."""
    columns = db["fetches"].columns_dict
    for name in ("role", "context"):
        if name not in columns:
            db.execute(f"ALTER TABLE fetches ADD COLUMN [{name}] TEXT")


def _migrate_v6(db: sqlite_utils.Database) -> None:
    """v6: the bigram index gets a one-character prefix index (archive.search); rebuilt."""
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'reports_bigrams'").fetchone()
    if sql and "prefix" in sql[0]:
        return
    db.execute("DROP TABLE IF EXISTS reports_bigrams")
    _migrate_v3(db)


def _migrate_v8(db: sqlite_utils.Database) -> None:
    """v8: ``reports_fts`` declared by us with ``content='reports'``. sqlite-utils wrote
    ``content=[reports]``, which Datasette recognises and then answers ``?_search=`` on
    ``reports`` with the trigram index alone: nothing for 1–2 character queries. Undeclared,
    the search is the nianbao plugin's (archive/datasette_plugin.py), which uses both indexes.
    The index is rebuilt from ``reports`` (about 250 reports/s), leaving out reports still
    queued in ``search_pending`` (their catch-up indexes them, once)."""
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'reports_fts'").fetchone()
    if sql and "content='reports'" in sql[0]:
        return
    db.execute("DROP TABLE IF EXISTS reports_fts")
    db.execute("CREATE VIRTUAL TABLE reports_fts USING fts5(title, text, tokenize='trigram', content='reports')")
    db.execute("INSERT INTO reports_fts (rowid, title, text) SELECT id, title, text FROM reports "
               "WHERE id NOT IN (SELECT report_id FROM search_pending)")


# the wide view's columns: (column name, section, row, column) of report_stats; 依申请公开 rows and
# columns as the statistics issue fixes them (parsers/data/stats.md), totals over all applicants
WIDE_FIGURES = (
    ("new_applications", "依申请公开", "本年新收政府信息公开申请数量", "总计"),
    ("carried_over_from_last_year", "依申请公开", "上年结转政府信息公开申请数量", "总计"),
    ("disclosed", "依申请公开", "予以公开", "总计"),
    ("partly_disclosed", "依申请公开", "部分公开", "总计"),
    ("not_held", "依申请公开", "本机关不掌握相关政府信息", "总计"),
    ("handled_total", "依申请公开", "总计", "总计"),
    ("carried_over_to_next_year", "依申请公开", "结转下年度继续办理", "总计"),
    ("reconsiderations", "复议诉讼", "行政复议", "总计"),
    ("reconsiderations_corrected", "复议诉讼", "行政复议", "结果纠正"),
    ("lawsuits_direct", "复议诉讼", "行政诉讼-未经复议直接起诉", "总计"),
    ("lawsuits_after_reconsideration", "复议诉讼", "行政诉讼-复议后起诉", "总计"),
    ("lawsuits_corrected_direct", "复议诉讼", "行政诉讼-未经复议直接起诉", "结果纠正"),
    ("lawsuits_corrected_after_reconsideration", "复议诉讼", "行政诉讼-复议后起诉", "结果纠正"),
)


def wide_view_sql() -> str:
    """``report_stats_wide``: one row per report that has statistics, its main figures as columns
    (null where the report does not give the figure: masked, blank, or another form)."""
    figures = "".join(
        f",\n  max(CASE WHEN s.section = '{section}' AND s.[row] = '{row}' AND s.[column] = '{column}' "
        f"THEN s.value END) AS {name}" for name, section, row, column in WIDE_FIGURES)
    return ("CREATE VIEW report_stats_wide AS\nSELECT r.id AS report_id, r.title, r.year, r.province, r.city, "
            "r.county, r.region_code, r.agency,\n  (SELECT group_concat(f.value, ' ') FROM json_each(r.flags) f "
            "WHERE f.value LIKE 'stats_%') AS stats_flags" + figures +
            "\nFROM reports r JOIN report_stats s ON s.report_id = r.id GROUP BY r.id")


def _migrate_v9(db: sqlite_utils.Database) -> None:
    """v9: a narrative figure keeps the sentence it was read from (``evidence``), and the wide view
    of the main figures per report (the statistics issue)."""
    if "evidence" not in db["report_stats"].columns_dict:
        db.execute("ALTER TABLE report_stats ADD COLUMN evidence TEXT")
    db.execute("DROP VIEW IF EXISTS report_stats_wide")
    db.execute(wide_view_sql())


def _migrate_v10(db: sqlite_utils.Database) -> None:
    """v10: scheduled, incremental, resumable and distributed crawls (the scheduled-crawls issue).

    ``url_state``: one row per URL the crawler has asked for, with the validators of its last full
    response (ETag, Last-Modified), when it was last checked and last changed, and whether it was a
    cover page for attachments (``cover``: walked again from its stored body when it is skipped, so
    that its attachments are still reached): what an incremental
    crawl sends as a conditional request, what it need not ask again before the re-check interval,
    and what a resumed crawl has done already. A 304 updates this row only (no fetch row, no body).
    ``portal_runs``: each portal's outcome in each run, for ``nianbao stats`` (portals whose crawls
    fail run after run). ``crawl_runs`` gets its status, options and where it ran; ``fetches``
    the id of the Redis stream entry it came from (``nianbao ingest`` stores an item once)."""
    runs = db["crawl_runs"].columns_dict
    for name in ("status", "options", "host"):
        if name not in runs:
            db.execute(f"ALTER TABLE crawl_runs ADD COLUMN [{name}] TEXT")
    db.execute("UPDATE crawl_runs SET status = CASE WHEN finished_at IS NULL THEN 'interrupted' ELSE 'finished' END "
               "WHERE status IS NULL")
    if "item_id" not in db["fetches"].columns_dict:
        db.execute("ALTER TABLE fetches ADD COLUMN item_id TEXT")
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS fetches_item_id ON fetches (item_id) WHERE item_id IS NOT NULL")
    db["url_state"].create({
        "url": str, "portal_id": str, "role": str, "status": int, "ok": int, "etag": str, "last_modified": str,
        "sha256": str, "fetch_id": int, "first_seen": str, "last_checked": str, "last_changed": str,
        "checks": int, "not_modified": int, "cover": int,
    }, pk="url", if_not_exists=True)
    db["url_state"].create_index(["portal_id"], if_not_exists=True)
    db["portal_runs"].create({
        "run_id": int, "portal_id": str, "status": str, "section_found": int, "pages": int, "list_pages": int,
        "reports": int, "new": int, "updated": int, "not_modified": int, "skipped": int, "errors": int,
        "blocked_reason": str, "bytes": int, "finished_at": str,
    }, pk=("run_id", "portal_id"), if_not_exists=True)
    db["portal_runs"].create_index(["portal_id", "run_id"], if_not_exists=True)
    # url_state from what earlier crawls fetched: their last response per URL (validators included)
    db.execute(
        "INSERT OR IGNORE INTO url_state (url, portal_id, role, status, ok, etag, last_modified, sha256, fetch_id, "
        "first_seen, last_checked, last_changed, checks, not_modified, cover) "
        "SELECT f.url, f.portal_id, f.role, f.status, (f.error IS NULL AND f.status < 400), f.etag, f.last_modified, "
        "f.sha256, f.id, f.fetched_at, f.fetched_at, f.fetched_at, 1, 0, "
        "coalesce(json_extract(f.context, '$.cover'), 0) FROM fetches f "
        "WHERE f.id = (SELECT max(id) FROM fetches g WHERE g.url = f.url)")


def now() -> str:
    """The time the archive writes down: UTC, seconds, ISO 8601."""
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")
