"""The nianbao plugin for Datasette (``nianbao serve``): Chinese search of any length in the
search box of ``reports``, a coverage chart, a report page that shows what the cleaner removed,
and links between them.

Registered through the ``datasette`` entry point (pyproject.toml), so any Datasette that has
nianbao installed loads it; every hook checks that the database is a nianbao archive first.
Datasette's own search binds ``?_search=`` to a table's FTS index, and the trigram index alone
returns nothing for 1–2 characters: the archive does not declare ``reports_fts`` as ``reports``'
index (schema v8), and :func:`filters_from_request` answers ``_search`` with both indexes.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.filters import FilterArguments
from markupsafe import Markup, escape

from archive.browse import pages
from archive.search import where_clause


@hookimpl(trylast=True)  # after Datasette's own search filter, whose context it completes
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    if table != "reports":
        return None

    async def inner() -> FilterArguments | None:
        if not await pages.is_archive(datasette.get_database(database)):
            return None
        query = (request.args.get("_search") or "").strip()
        context = {"supports_search": True, "search": query}
        if not query:
            return FilterArguments([], extra_context=context)
        clause, params = where_clause(query)
        return FilterArguments([clause], params, [f'search matches "{query}"'], context)

    return inner


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    return [(r"^/-/coverage$", pages.coverage), (r"^/-/applications$", pages.applications),
            (r"^/-/report/(?P<id>\d+)$", pages.report)]


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str, database: str, datasette: Any) -> Markup | None:
    """A report's title links to its report page (clean text beside what was removed)."""
    if table == "reports" and column == "title" and value and "id" in row.keys():  # noqa: SIM118 (a sqlite3.Row: `in` tests its values)
        path = datasette.urls.path(f"/-/report/{row['id']}?db={database}")
        return Markup(f'<a href="{escape(path)}">{escape(value)}</a>')
    return None


@hookimpl
def menu_links(datasette: Any, actor: Any, request: Any) -> list[dict[str, str]]:
    return [{"href": datasette.urls.path("/-/coverage"), "label": "Coverage 覆盖情况"},
            {"href": datasette.urls.path("/-/applications"), "label": "Applications 依申请公开"}]
