"""One walk over the page turns the DOM into lines: paragraphs, headings, list items, table rows.

Every text node counts, including the text of inline ``<span>``/``<font>`` pieces that editors
split a date into (seed 003 lost 年, 月, 〔〕 and 一 that way: "201711日" for 2017年1月1日).
Hidden elements and spam links are skipped here, in the same walk, and recorded with their
reason; data tables are rebuilt as grids (parsers/tables.py), layout tables read as blocks.
Lines outside the content container are kept too, marked, because the footer and the info line
carry metadata (网站标识码, 来源, 发布时间) even though they are not part of the report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parsers import tables
from parsers.content import SKIP_TAGS
from parsers.spam import SpamMatcher
from parsers.text import join_cjk, node_text, squash, url_host

if TYPE_CHECKING:
    from lxml.html import HtmlElement

BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
    "article", "header", "footer", "nav", "aside", "blockquote", "pre", "center", "form", "tr", "td",
    "th", "caption", "address", "figure", "figcaption", "main", "hr", "body", "table", "tbody",
    "thead", "tfoot", "fieldset", "legend", "marquee",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# hosts whose links are never spam whatever their text (国家体育总局 links to a .gov.cn site)
_GOV_SUFFIXES = (".gov.cn", ".gov")
# skipped like other non-text elements, but read for spam evidence
_SCRIPTED = frozenset({"noscript", "script"})
# a weak word alone ("体育", "娱乐") is a news portal's menu label, not spam, even off-site
_WEAK_LINK_MIN = 3
# hidden blocks of this many off-site links are an SEO link farm even without a spam word
_LINK_FARM = 3


@dataclass(slots=True)
class Line:
    """A line of page text; ``in_body`` when inside the content container."""

    text: str
    in_body: bool
    kind: str = "p"  # p | h | row
    link_chars: int = 0


@dataclass(slots=True)
class Removal:
    """Text the walk left out, and why; ``spam`` tells which list of the record it belongs to."""

    text: str
    reason: str
    spam: bool
    in_body: bool


class Walker:
    """Walks one parsed page; :meth:`run` returns its lines and what it removed."""

    def __init__(self, root: HtmlElement, container: HtmlElement, page_url: str | None,
                 is_hidden: Callable[[HtmlElement], str | None], spam: SpamMatcher) -> None:
        self.root = root
        self.container = container
        self.page_host = url_host(page_url)
        self.is_hidden = is_hidden
        self.spam = spam
        self.lines: list[Line] = []
        self.removed: list[Removal] = []
        self._parts: list[str] = []
        self._link_chars = 0
        self._in_body = False
        self._pre = 0  # depth of <pre> elements around the current node
        self.spam_hosts = self._spam_hosts()

    def run(self) -> tuple[list[Line], list[Removal]]:
        body = self.root.find("body")
        self._walk(body if body is not None else self.root, self._flush)
        self._flush()
        return self.lines, self.removed

    # --- the walk -------------------------------------------------------------------------------
    def _walk(self, top: HtmlElement, brk: Callable[[], None]) -> None:
        """Depth-first without recursion: portal pages nest ``<font>`` thousands deep."""
        stack: list[tuple[HtmlElement, bool]] = [(top, False)]
        while stack:
            el, closing = stack.pop()
            tag = el.tag
            if closing:
                if tag in BLOCK_TAGS or tag == "br" or el is self.container:
                    brk()
                if el is self.container:
                    self._in_body = False
                if tag == "pre":
                    self._pre -= 1
                if el is not top and el.tail:
                    self._text(el.tail, brk)
                continue
            if tag in _SCRIPTED:
                self._scripted_spam(el)
            if not isinstance(tag, str) or tag in SKIP_TAGS or self._skip(el):
                if el is not top and el.tail:
                    self._text(el.tail, brk)
                continue
            if el is self.container:
                brk()
                self._in_body = True
            if tag == "br":
                stack.append((el, True))
                continue
            if tag in BLOCK_TAGS:
                brk()
            if tag == "table" and not tables.is_layout(el):
                self._table(el, brk)
                if el is self.container:
                    self._in_body = False
                if el is not top and el.tail:
                    self._text(el.tail, brk)
                continue
            if tag == "a":
                self._link_chars += len(el.text_content())
            if tag == "pre":
                self._pre += 1
            if el.text:
                self._text(el.text, brk)
            stack.append((el, True))
            stack.extend((child, False) for child in reversed(el))

    def _text(self, text: str, brk: Callable[[], None]) -> None:
        """A text node; inside ``<pre>`` its line breaks end lines (a report pasted as plain text)."""
        if not self._pre or "\n" not in text:
            self._parts.append(node_text(text))
            return
        first, *rest = text.split("\n")
        self._parts.append(first)
        for piece in rest:
            brk()
            self._parts.append(piece)

    def _skip(self, el: HtmlElement) -> bool:
        """Hidden elements and spam links are left out, and recorded."""
        how = self.is_hidden(el)
        if how:
            text = squash(el.text_content())
            if text:
                entry = self.spam.any_entry(text) or ("link_farm" if self._offsite_links_in(el) >= _LINK_FARM else None)
                reason = f"hidden_{how}" + (f":{entry}" if entry else "")
                self.removed.append(Removal(text, reason, bool(entry), self._in_body))
            return True
        if el.tag == "a":
            text = squash(el.text_content())
            if not text:
                return False
            href = el.get("href", "")
            entry = self.spam.strong_entry(text)
            if not entry and self._offsite(href) and len(text) >= _WEAK_LINK_MIN:
                entry = self.spam.any_entry(text)
                if not entry and url_host(href) in self.spam_hosts:
                    entry = "spam_host"
            if entry:
                self.removed.append(Removal(text, f"spam_link:{entry}", True, self._in_body))
                return True
        return False

    def _spam_hosts(self) -> set[str]:
        """Off-site hosts that some link on the page advertises spam for: their other links are
        spam too, whatever their text ("香港马会资料大全" beside "六合彩开奖结果")."""
        hosts = set()
        for a in self.root.iter("a"):
            href = a.get("href", "")
            if self._offsite(href) and self.spam.any_entry(a.text_content()):
                hosts.add(url_host(href))
        return hosts

    def _scripted_spam(self, el: HtmlElement) -> None:
        """Spam a browser never shows as text but that marks the page as hacked: links in
        ``<noscript>`` (hidden when scripts run) and runs written by ``document.write``."""
        text = el.text_content() if el.tag == "noscript" else (el.text or "")
        if not text or text.isascii():
            return
        if el.tag == "noscript":
            visible = squash(text)
            entry = self.spam.any_entry(visible)
            if entry:
                self.removed.append(Removal(visible, f"hidden_noscript:{entry}", True, self._in_body))
            return
        for run in self.spam.runs(text):
            piece = text[run.start:run.end]
            self.removed.append(Removal(piece, f"script_injection:{run.entry_ids[0]}", True, self._in_body))

    def _offsite(self, href: str) -> bool:
        """A link to another site that is not a government one."""
        host = url_host(href)
        if not host or host == self.page_host:
            return False
        return not host.endswith(_GOV_SUFFIXES)

    def _offsite_links_in(self, el: HtmlElement) -> int:
        return sum(1 for a in el.iter("a") if self._offsite(a.get("href", "")))

    def _table(self, table: HtmlElement, brk: Callable[[], None]) -> None:
        brk()
        caption = table.find("caption")
        if caption is not None:
            text = self._cell_text(caption)
            if text:
                self.lines.append(Line(text, self._in_body, "p"))
        for text in tables.row_lines(tables.grid(table, self._cell_text)):
            self.lines.append(Line(text, self._in_body, "row"))
        # text a sloppy editor left between cells or rows ("注：单位为件") is still the report's
        stray = [squash(t) for el in table.iter("tr", "tbody", "thead", "tfoot", "table")
                 for t in (el.text, *(c.tail for c in el if c.tag in ("td", "th", "tr")))
                 if t and t.strip()]
        if stray:
            self.lines.append(Line(" ".join(stray), self._in_body, "p"))

    def _cell_text(self, cell: HtmlElement) -> str:
        """A cell's text on one line: its own paragraphs joined, no tabs inside."""
        saved_parts, saved_links = self._parts, self._link_chars
        pieces: list[str] = []
        self._parts = []

        def brk() -> None:
            pieces.append(squash("".join(self._parts)))
            self._parts = []

        self._walk(cell, brk)
        brk()
        self._parts, self._link_chars = saved_parts, saved_links
        return join_cjk(pieces).replace("\t", " ")

    def _flush(self) -> None:
        if not self._parts:
            return
        text = squash("".join(self._parts))
        self._parts = []
        links, self._link_chars = self._link_chars, 0
        if text:
            self.lines.append(Line(text, self._in_body, "p", min(links, len(text))))
