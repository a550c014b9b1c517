"""The plugin's own pages: the coverage chart (reports per province and year, gaps visible) and a
report's page (its clean text, with every span the cleaner removed listed beside it and why)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from datasette.utils.asgi import NotFound, Response

_ARCHIVE_TABLES = {"reports", "reports_bigrams", "report_sources", "portals"}


async def is_archive(db: Any) -> bool:
    """A nianbao archive: has the tables the plugin reads (an unrelated database is left alone)."""
    return set(await db.table_names()) >= _ARCHIVE_TABLES


async def _database(datasette: Any, request: Any) -> Any:
    """The archive asked for with ``?db=``, else the first archive served."""
    name = request.args.get("db")
    candidates = [datasette.databases[name]] if name in datasette.databases else list(datasette.databases.values())
    for db in candidates:
        if db.name != "_internal" and await is_archive(db):
            return db
    raise NotFound("no nianbao archive is served here" + (f" under the name {name}" if name else ""))


async def coverage(request: Any, datasette: Any) -> Response:
    db = await _database(datasette, request)
    rows = (await db.execute(
        "SELECT coalesce(province, '未知省份') AS province, year, count(*) AS n FROM reports "
        "WHERE year IS NOT NULL GROUP BY 1, 2")).rows
    portals = (await db.execute(
        "SELECT p.id, p.name, p.kind, r.year, count(DISTINCT r.id) AS n FROM portals p "
        "LEFT JOIN report_sources s ON s.portal_id = p.id LEFT JOIN reports r ON r.id = s.report_id "
        "GROUP BY p.id, r.year ORDER BY p.id")).rows
    years = sorted({row["year"] for row in rows})
    if years:
        years = list(range(years[0], years[-1] + 1))  # a year nobody reported is a gap too
    chart = heatmap({(row["province"], row["year"]): row["n"] for row in rows}, years)
    by_portal: dict[str, dict[str, Any]] = {}
    for row in portals:
        entry = by_portal.setdefault(row["id"], {"id": row["id"], "name": row["name"], "kind": row["kind"],
                                                 "years": {}})
        if row["year"] is not None:
            entry["years"][row["year"]] = row["n"]
    for entry in by_portal.values():
        entry["missing"] = [y for y in years if y not in entry["years"]] if entry["kind"] != "mirror" else []
    total = (await db.execute("SELECT count(*) FROM reports")).first()[0]
    html = await datasette.render_template("nianbao_coverage.html", {
        "database": db.name, "chart": chart, "years": years, "portals": list(by_portal.values()),
        "total": total, "undated": total - sum(row["n"] for row in rows),
    }, request=request)
    return Response.html(html)


def heatmap(counts: dict[tuple[str, int], int], years: list[int]) -> dict[str, Any]:
    """Cells of an SVG heat map, provinces down and years across: shade by count, an empty cell
    (a province with reports, but none for that year) drawn as a gap."""
    totals: Counter[str] = Counter()
    for (province, _), n in counts.items():
        totals[province] += n
    provinces = sorted(totals, key=lambda p: (-totals[p], p))  # most reports first
    top = max(counts.values(), default=1)
    cell, left, head = 44, 150, 28
    cells = []
    for i, province in enumerate(provinces):
        for j, year in enumerate(years):
            n = counts.get((province, year), 0)
            shade = 0.15 + 0.85 * n / top if n else 0
            cells.append({"x": left + j * cell, "y": head + i * cell, "n": n, "gap": not n,
                          "fill": f"rgba(31, 119, 180, {shade:.2f})" if n else "#fff",
                          "province": province, "year": year})
    return {"cells": cells, "cell": cell, "left": left, "head": head, "provinces": provinces, "years": years,
            "width": left + cell * len(years) + 10, "height": head + cell * len(provinces) + 10,
            "gaps": sum(c["gap"] for c in cells)}


async def applications(request: Any, datasette: Any) -> Response:
    """Information requests received per year for a region (a code or a name; every region when
    empty): the sum of 本年新收 (总计) over the region's reports, with how many reports gave it."""
    db = await _database(datasette, request)
    region = (request.args.get("region") or "").strip()
    rows = (await db.execute(
        "SELECT year, sum(new_applications) AS n, count(new_applications) AS reports FROM report_stats_wide "
        "WHERE year IS NOT NULL AND (:region = '' OR region_code = :region OR county LIKE '%' || :region || '%' "
        "OR city LIKE '%' || :region || '%' OR province LIKE '%' || :region || '%') GROUP BY year ORDER BY year",
        {"region": region})).rows
    html = await datasette.render_template("nianbao_applications.html", {
        "database": db.name, "region": region, "chart": bars([(row["year"], row["n"], row["reports"]) for row in rows]),
    }, request=request)
    return Response.html(html)


def bars(points: list[tuple[int, int | None, int]]) -> dict[str, Any]:
    """An SVG bar chart of (year, value, reports behind it); a year without a figure is a gap."""
    if not points:
        return {"bars": [], "width": 0, "height": 0}
    years = list(range(points[0][0], points[-1][0] + 1))
    values = {year: (n, k) for year, n, k in points}
    top = max((n or 0 for n, _ in values.values()), default=0) or 1
    width, height, left, base = 56, 240, 50, 260
    out = []
    for i, year in enumerate(years):
        n, k = values.get(year, (None, 0))
        h = round(height * (n or 0) / top)
        out.append({"year": year, "n": n, "reports": k, "x": left + i * width, "y": base - h, "h": h,
                    "gap": n is None})
    return {"bars": out, "bar": width - 12, "base": base, "left": left, "width": left + width * len(years) + 10,
            "height": base + 40, "top": top}


async def report(request: Any, datasette: Any) -> Response:
    db = await _database(datasette, request)
    report_id = int(request.url_vars["id"])
    row = (await db.execute("SELECT * FROM reports WHERE id = ?", [report_id])).first()
    if row is None:
        raise NotFound(f"no report {report_id} in {db.name}")
    sources = (await db.execute(
        "SELECT s.url, s.portal_id, p.name AS portal, p.kind, s.first_seen, s.last_seen FROM report_sources s "
        "LEFT JOIN portals p ON p.id = s.portal_id WHERE s.report_id = ? ORDER BY s.first_seen", [report_id])).rows
    record = dict(row)
    for field in ("spam_removed", "chrome_removed", "flags", "stats"):
        record[field] = json.loads(record.get(field) or "[]")
    html = await datasette.render_template("nianbao_report.html", {
        "database": db.name, "report": record, "blocks": blocks(record.get("text") or ""),
        "sources": [dict(s) for s in sources],
    }, request=request)
    return Response.html(html)


def blocks(text: str) -> list[dict[str, Any]]:
    """The clean text as paragraphs and tables: a run of lines with tabs (PRODUCT.md: a table
    row per line, cells separated by tabs) is one table."""
    out: list[dict[str, Any]] = []
    for line in text.split("\n"):
        if "\t" in line:
            if not out or out[-1]["kind"] != "table":
                out.append({"kind": "table", "rows": []})
            out[-1]["rows"].append(line.split("\t"))
        elif line.strip():
            out.append({"kind": "p", "text": line})
    return out
