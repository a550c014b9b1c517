"""Finds the element that holds the report on a portal page.

Known CMS containers (containers.yaml: TRS ``div.TRS_Editor``, Hanweb/JPaaS ``#zoom`` …) win when
they hold most of the text; otherwise a density walk descends from ``<body>`` into the child that
holds most of the non-link text, and stops where the text is spread over several children
(a mirror showing the body twice stops above both copies, so the repeat is seen and collapsed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from lxml import etree

from parsers import chrome, tables, vocab
from parsers.text import visible_len

if TYPE_CHECKING:
    from lxml.html import HtmlElement

SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "select", "option", "button", "input",
    "textarea", "head", "title", "object", "embed", "svg", "canvas", "map", "audio", "video",
})
# elements the density walk never descends into: their text is one unit of the report
_LEAVES = frozenset({"p", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "li", "a"})
_DESCEND_SHARE = 0.6  # a child holding this share of its parent's prose becomes the container
_KNOWN_SHARE = 0.6  # a known CMS container must hold this share of what the density walk found
_TABLE_WEIGHT = 0.2  # statistics-table text counts this much when looking for the prose
_WIDEN_SHARE = 0.25  # prose beside the container, as a share of its own, that makes it the parent
_WIDEN_TABLE_ROWS = 3  # a data table of this many rows beside the container belongs to the report
_TEXTAREA_MIN = 200  # characters of escaped HTML before a textarea is read as the page's content
_HTML_IN_TEXT = re.compile(r"<(?:p|div|table|br|span|font|h[1-6])\b", re.I)


@cache
def _known_xpaths() -> tuple[tuple[str, etree.XPath], ...]:
    return tuple((e.id, etree.XPath(e.pattern)) for e in vocab.entries("containers", pattern_key="xpath"))


HiddenTest = Callable[["HtmlElement"], "str | None"]


def prose_lengths(root: HtmlElement, is_hidden: HiddenTest) -> dict[HtmlElement, int]:
    """Visible non-link characters under every element, computed bottom-up in one pass."""
    prose: dict[HtmlElement, int] = {}
    for el in reversed(list(root.iter())):
        tag = el.tag
        if not isinstance(tag, str) or tag in SKIP_TAGS or is_hidden(el):
            prose[el] = 0
            continue
        if tag == "a":
            total = 0
        else:
            total = visible_len(el.text) if el.text else 0
            for child in el:
                total += prose.get(child, 0)
                if child.tail:
                    total += visible_len(child.tail)
        if tag == "table" and not tables.is_layout(el):
            # numbers in a statistics table must not pull the container into the table's wrapper
            # (a big table in <div style="overflow-x:auto"> would otherwise leave the prose out)
            total = int(total * _TABLE_WEIGHT)
        prose[el] = total
    return prose


def expand_textareas(root: HtmlElement) -> int:
    """Put report HTML that a template keeps escaped in a hidden ``<textarea>`` (a script copies
    it into the page) where a browser running the script shows it; returns how many."""
    from lxml import html

    count = 0
    for area in list(root.iter("textarea")):
        source = area.text or ""
        if len(source) < _TEXTAREA_MIN or not _HTML_IN_TEXT.search(source):
            continue
        holder = html.Element("div", {"class": "nianbao-textarea"})
        try:
            pieces = html.fragments_fromstring(source)
        except Exception:  # lxml's ParserError for markup it cannot read: leave the textarea alone
            continue
        for piece in pieces:
            if isinstance(piece, str):
                holder.text = (holder.text or "") + piece
            else:
                holder.append(piece)
        holder.tail = area.tail
        area.getparent().replace(area, holder)
        count += 1
    return count


def locate(root: HtmlElement, is_hidden: HiddenTest) -> tuple[HtmlElement, str]:
    """The content container and how it was found (``density`` or a containers.yaml id)."""
    prose = prose_lengths(root, is_hidden)
    body = root.find("body")
    node = body if body is not None else root
    while True:
        children = [c for c in node if isinstance(c.tag, str) and c.tag not in _LEAVES]
        if not children:
            break
        best = max(children, key=lambda c: prose.get(c, 0))
        if prose.get(best, 0) < _DESCEND_SHARE * prose.get(node, 0) or prose.get(best, 0) == 0:
            break
        if best.tag == "table" and not tables.is_layout(best):
            break
        node = best
    found = prose.get(node, 0)
    for entry_id, xpath in _known_xpaths():
        matches = [m for m in xpath(root) if prose.get(m, 0) > 0]
        if not matches:
            continue
        candidate = max(matches, key=lambda m: prose.get(m, 0))
        if _is_ancestor(candidate, node):
            continue  # a generic wrapper around what the density walk found: keep the tighter one
        if prose.get(candidate, 0) >= _KNOWN_SHARE * found and prose.get(candidate, 0) > 0:
            return _widen(candidate, prose), entry_id
    return _widen(node, prose), "density"


def _widen(node: HtmlElement, prose: dict[HtmlElement, int]) -> HtmlElement:
    """The parent instead, when the report goes on in the container's siblings: a second
    TRS_Editor, prose split over two divs, or the statistics tables in a wrapper of their own.
    Losing half a report is worse than reading a title or an info line, which chrome removal drops."""
    parent = node.getparent()
    if parent is None or parent.tag in ("body", "html"):
        return node
    siblings = [s for s in parent if s is not node and isinstance(s.tag, str)]
    beside = sum(prose.get(s, 0) for s in siblings)
    tables_beside = any(_report_table(t) for s in siblings for t in ([s] if s.tag == "table" else s.iter("table")))
    if beside >= _WIDEN_SHARE * prose.get(node, 0) or tables_beside:
        return parent
    return node


def _report_table(table: HtmlElement) -> bool:
    """A data table of the report, not the page's metadata table (索引号, 发布机构 …)."""
    if tables.is_layout(table):
        return False
    rows = tables.rows_of(table)
    if len(rows) < _WIDEN_TABLE_ROWS:
        return False
    return not any(chrome.row_rule("\t".join(c.text_content().strip() for c in tr)) for tr in rows[:3])


def _is_ancestor(a: HtmlElement, b: HtmlElement) -> bool:
    if a is b:
        return False
    parent = b.getparent()
    while parent is not None:
        if parent is a:
            return True
        parent = parent.getparent()
    return False
