"""The spider: from each portal's home page to its 年报 columns, through every list page, to every
report page and attachment.

Roles of a request (``meta["role"]``): ``home``; ``hub`` (政务公开 / 信息公开目录, at most two hops
from home); ``section`` (a 年报 column or one of its list pages); ``list_call`` (a Hanweb
dataproxy or JSON list request); ``detail`` (a page that may be a report); ``attachment``.
What a page is, and where its links lead, is decided by :mod:`crawler.discover`; what a detail
page says, by the parsers. Every response becomes a :class:`crawler.items.Page` for the archive.

An incremental or resumed crawl has a :class:`crawler.incremental.Memory` of earlier crawls: a
known report page is then skipped or asked for with a conditional request, and a page answered 304
is walked from its stored body (the pipeline records the check, nothing more).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import FormRequest, Request, Response
from twisted.python.failure import Failure

from crawler import discover, pagers
from crawler.discover import Link
from crawler.incremental import REPLAY, SKIP, Memory, recheck_cutoff
from crawler.items import Page
from crawler.pagers import ListCall
from crawler.progress import say
from crawler.registry import Portal
from parsers import sniff
from parsers.decode import decode
from parsers.meta import is_report_title
from parsers.record import Fetch

MAX_HUB_HOPS = 2
_PRIORITY = {"attachment": 30, "detail": 20, "list_call": 10, "section": 10, "hub": 0, "home": 0}
_COVER_PROSE = 1500  # a detail page with less prose than this (outside links) is a cover for its attachments


@dataclass
class PortalState:
    """What the crawl knows of one portal while it runs."""

    portal: Portal
    hosts: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)  # canonical URLs (and list calls) requested
    requested: int = 0
    blocked: str | None = None
    truncated: bool = False
    sections: set[str] = field(default_factory=set)
    list_pages: int = 0
    robots_skipped: int = 0
    skipped: int = 0  # known report pages not asked again (incremental or resumed crawl)
    met: int = 0  # report pages and attachments met for the first time in this crawl (asked or skipped)
    pending: int = 0  # requests made and not yet answered
    finished: bool = False

    def owns(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        return host in self.hosts or any(_same_site(host, h) for h in self.hosts)


_META = ("portal", "role", "section", "hop", "unit", "context", "call", "paged")  # what a request carries


def memory_from_settings(settings: Any, portal_ids: list[str]) -> Memory | None:
    """The memory of earlier crawls an incremental (``NIANBAO_INCREMENTAL``, re-checking report
    pages every ``NIANBAO_RECHECK_DAYS``) or resumed (``NIANBAO_SKIP_SINCE``) crawl needs, from the
    archive it writes to; None for a plain crawl."""
    incremental = settings.getbool("NIANBAO_INCREMENTAL")
    cutoffs = [c for c in (settings.get("NIANBAO_SKIP_SINCE"),
                           recheck_cutoff(settings.getfloat("NIANBAO_RECHECK_DAYS", 30.0)) if incremental else None)
               if c]
    if not cutoffs:
        return None
    return Memory.from_archive(settings.get("NIANBAO_DB"), portal_ids, conditional=incremental,
                               skip_since=min(cutoffs))


def _same_site(a: str, b: str) -> bool:
    """Two hosts of one site: www.x.gov.cn and xxgk.x.gov.cn (never two IP addresses)."""
    if not a or not b or a.replace(".", "").isdigit() or b.replace(".", "").isdigit():
        return False
    labels = 4 if a.endswith((".gov.cn", ".com.cn", ".org.cn", ".net.cn", ".edu.cn")) else 3
    return a.split(".")[-labels + 1:] == b.split(".")[-labels + 1:] and len(a.split(".")) >= labels - 1


class PortalSpider(scrapy.Spider):
    name = "portals"

    def __init__(self, portals: list[Portal] | str | None = None, max_pages: int | str | None = None,
                 memory: Memory | None = None, registry: str | None = None, portal: str | None = None,
                 **kwargs: Any) -> None:
        """``portals`` as objects (``nianbao crawl``), or, from Scrapy's command line and scrapyd,
        ``-a registry=FILE [-a portal=ID,ID] [-a max_pages=N]``."""
        super().__init__(**kwargs)
        if portals is None and registry:
            from crawler.registry import load

            portals = load(registry)
            if portal:
                wanted = {i.strip() for i in portal.split(",") if i.strip()}
                portals = [p for p in portals if p.id in wanted]
        if isinstance(portals, str):  # `-a portals=…` from Scrapy's command line
            raise ValueError("give the portals as a registry file: -a registry=FILE [-a portal=ID,ID]")
        self.max_pages = int(max_pages) if max_pages is not None else None
        self.memory = memory
        self.states: dict[str, PortalState] = {}
        for portal in portals or []:
            hosts = {urlsplit(u).hostname or "" for u in (portal.home_url, *portal.section_urls)}
            self.states[portal.id] = PortalState(portal, hosts)

    # --- requests ---------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        for state in self.states.values():
            say(f"portal {state.portal.id}: start — {state.portal.name} {state.portal.home_url}")
            home = self._request(state, state.portal.home_url, "home")
            if home is not None:
                yield home
            for url in state.portal.section_urls:
                section = self._request(state, url, "section", section=url)
                if section is not None:
                    yield section

    def _request(self, state: PortalState, url: str, role: str, **meta: Any) -> Request | None:
        """A request for this portal, or None: seen already, off the portal's hosts, over its
        page budget, or the portal is blocked."""
        if state.blocked:
            return None
        call: ListCall | None = meta.get("call")
        if call is None:  # a list call's URL is built from the page's script: its parameters stay as they are
            url = discover.canonical(url)
        key = url if call is None else f"{url} {sorted((call.form or {}).items())}"
        if key in state.seen:
            return None
        if role != "attachment" and not state.owns(url):
            return None
        if self.max_pages is not None and state.requested >= self.max_pages:
            state.truncated = True
            return None
        state.seen.add(key)
        if role in ("detail", "attachment"):
            state.met += 1
        meta = {"portal": state.portal.id, "role": role, **meta}
        if call is not None and call.form is not None:
            request = FormRequest(url, formdata=call.form, callback=self.parse_list_call, errback=self.failed,
                                  meta=meta, priority=_PRIORITY[role], dont_filter=True)
        else:
            callback = self.parse_list_call if call is not None else self.parse_page
            request = Request(url, callback=callback, errback=self.failed, meta=meta, priority=_PRIORITY[role],
                              dont_filter=call is not None)
        if self.memory is not None and request.method == "GET":
            plan = self.memory.plan(request.url, role)
            if plan is SKIP:
                state.skipped += 1
                return None
            if plan == REPLAY:  # walked from its stored body by crawler.middlewares.Replay, no network
                state.skipped += 1
                state.pending += 1
                request.meta["replay"] = True
                return request
            if plan:
                request.headers.update(plan)
                request.meta["conditional"] = True
        state.requested += 1
        state.pending += 1
        return request

    # --- responses --------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Page | Request]:
        state = self.states[response.meta["portal"]]
        try:
            yield from self._parse_page(response, state)
        finally:
            self._answered(state)

    def _parse_page(self, response: Response, state: PortalState) -> Iterator[Page | Request]:
        role = response.meta["role"]
        page = self._page(response, role)
        # the page goes to the archive (not when it is a 304, or a skipped cover page, walked from its stored body)
        emit = not response.meta.get("replay")
        if page.not_modified:
            yield page  # the pipeline records the check
            if self.memory is not None and not self.memory.walks(page.fetch.url, role):
                return  # a report page unchanged: nothing to walk
            stored = self._stored(response, state)
            if not isinstance(stored, Response):
                yield from stored
                return
            response, page, emit = stored, self._page(stored, role), False
        if page.blocked or page.error:
            yield page
            return
        if role in ("home", "hub", "section"):
            state.hosts.add(urlsplit(response.url).hostname or "")  # a redirect to www. is still the portal
        if role in ("detail", "attachment"):
            yield from self._detail(response, page, state, emit)
            return
        if emit:
            yield page
        text = self._text(response, page)
        if text is None:
            return
        yield from self._walk(response, text, role, state)

    def parse_list_call(self, response: Response) -> Iterator[Page | Request]:
        state = self.states[response.meta["portal"]]
        try:
            yield from self._parse_list_call(response, state)
        finally:
            self._answered(state)

    def _parse_list_call(self, response: Response, state: PortalState) -> Iterator[Page | Request]:
        page = self._page(response, "list_call")
        yield page
        if page.not_modified:
            stored = self._stored(response, state)
            if not isinstance(stored, Response):
                yield from stored
                return
            response = stored
        elif page.blocked or page.error:
            return
        call: ListCall = response.meta["call"]
        text = decode(response.body, response.headers.get("Content-Type", b"").decode("latin-1")).text
        found, calls = pagers.read_list_response(call, text, response.url)
        state.list_pages += 1
        yield from self._list_items(state, found, response.meta.get("section"))
        for following in calls:
            request = self._request(state, following.url, "list_call", call=following,
                                    section=response.meta.get("section"))
            if request is not None:
                yield request

    def _stored(self, response: Response, state: PortalState) -> Response | list[Request]:
        """A 304's page as its stored body, to walk; or, when that body is not kept, the request
        again without its conditions (counted as one more pending request of the portal). The
        body is the one stored for the URL asked (before any redirect), whose validators were sent."""
        asked = (response.meta.get("redirect_urls") or [response.request.url])[0]
        body = self.memory.stored(asked) if self.memory is not None else None
        if body is not None:
            return response.replace(status=200, body=body)
        headers = response.request.headers.copy()
        for name in ("If-None-Match", "If-Modified-Since"):
            headers.pop(name, None)
        meta = {k: v for k, v in response.meta.items() if k in _META}
        state.requested += 1
        state.pending += 1
        return [response.request.replace(url=asked, headers=headers, meta=meta, dont_filter=True)]

    def failed(self, failure: Failure) -> Iterator[Page]:
        request = failure.request  # type: ignore[attr-defined]
        state = self.states[request.meta["portal"]]
        try:
            yield from self._failed(failure, request, state)
        finally:
            self._answered(state)

    def _failed(self, failure: Failure, request: Request, state: PortalState) -> Iterator[Page]:
        if failure.check(IgnoreRequest):
            state.robots_skipped += 1  # robots.txt forbids it (or the portal is blocked): nothing fetched
            return
        error = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:300]
        yield Page(Fetch(state.portal.id, request.url, 0, {}, b"", datetime.now(UTC)), request.meta["role"],
                   error=error)

    def _answered(self, state: PortalState) -> None:
        """One request of the portal answered; the portal is done when none is left (the
        callback's own new requests were counted before this runs)."""
        state.pending -= 1
        if state.pending <= 0 and not state.finished:
            state.finished = True
            found = f"{len(state.sections)} 年报 section(s)" if state.sections else "no 年报 section found"
            status = f"blocked ({state.blocked})" if state.blocked else found
            say(f"portal {state.portal.id}: done — {status}, {state.requested} requests, "
                f"{state.list_pages} list pages")

    def dropped(self, request: Request) -> None:
        portal = request.meta.get("portal")
        if portal in self.states:
            self._answered(self.states[portal])

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.dropped, signal=signals.request_dropped)
        if spider.memory is None:  # run by Scrapy's own command line or scrapyd
            spider.memory = memory_from_settings(crawler.settings, list(spider.states))
        return spider

    # --- helpers ----------------------------------------------------------------------------------
    def _page(self, response: Response, role: str) -> Page:
        state = self.states[response.meta["portal"]]
        redirects = tuple(response.meta.get("redirect_urls", ()))
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
        fetch = Fetch(state.portal.id, redirects[0] if redirects else response.url, response.status, headers,
                      response.body, datetime.now(UTC), response.url)
        page = Page(fetch, role, redirects=redirects)
        if response.status == 304 and response.meta.get("conditional"):
            page.not_modified = True
            return page
        reason = discover.challenge(response.status, response.body)
        if reason:
            state.blocked = reason
            page.blocked, page.error = True, reason
            self.logger.warning("portal %s: blocked (%s) at %s", state.portal.id, reason, response.url)
        elif response.status >= 400:
            page.error = f"HTTP {response.status}"
        elif not response.body:
            page.error = "empty body"
        return page

    def _text(self, response: Response, page: Page) -> str | None:
        """A navigation page's text, or None (with the page's error set) when it is not HTML."""
        kind = sniff.sniff(response.body)
        if kind != sniff.HTML:
            page.error = f"not a page: {kind}"
            return None
        return decode(response.body, response.headers.get("Content-Type", b"").decode("latin-1")).text

    def _walk(self, response: Response, text: str, role: str, state: PortalState) -> Iterator[Request]:
        root = discover.parse(text)  # parsed once: links, pagers and list calls all read this tree
        if root is None:
            return
        found = discover.links(root, response.url)
        met = state.met
        yield from self._walk_links(response, root, found, text, role, state)
        if role != "section":
            return
        # a list page reached through a pager that brought no new item ends the walk (a 下一页
        # repeating the last page, or a page past the end that shows an empty list); an item an
        # incremental or resumed crawl skips (known) is new to this walk all the same
        if not response.meta.get("paged") or state.met > met:
            for url in pagers.next_pages(root, text, response.url, found):
                request = self._request(state, url, "section", section=response.meta.get("section"), paged=True)
                if request is not None:
                    yield request

    def _walk_links(self, response: Response, root: Any, found: list[Link], text: str, role: str,
                    state: PortalState) -> Iterator[Request]:
        hop = response.meta.get("hop", 0)
        section = response.meta.get("section")
        redirect = discover.script_redirect(root) if len(found) <= 1 else None
        if redirect:  # a page that is only a script sending the browser on (`location.href = …`)
            request = self._request(state, urljoin(response.url, redirect), role, hop=hop, section=section,
                                    unit=response.meta.get("unit"))
            if request is not None:
                yield request
        for link in found:
            if link.frame and role in ("hub", "section", "home"):
                # the page shows this frame as its own content (a list in an <iframe>)
                request = self._request(state, link.url, "section" if role == "section" else role, hop=hop,
                                        section=section, unit=response.meta.get("unit"))
                if request is not None:
                    yield request
                continue
            kind = discover.classify(link)
            if kind == "report" or (kind == "attachment" and role == "section"):
                yield from self._list_items(state, [link], section)
            elif (kind == "section" and role != "section") or (
                    role == "section" and (kind == "section" or discover.is_year_column(link))):
                request = self._request(state, link.url, "section", section=link.url)
                if request is not None:
                    yield request
            elif kind == "hub" and role in ("home", "hub") and hop < MAX_HUB_HOPS and not response.meta.get("unit"):
                request = self._request(state, link.url, "hub", hop=hop + 1)
                if request is not None:
                    yield request
            elif (kind is None and role == "hub" and hop >= 1 and not response.meta.get("unit")
                  and discover.is_unit(link)):
                # a department's or township's own pages, one hop below 部门/乡镇信息公开: only its
                # sections and reports are followed from there
                request = self._request(state, link.url, "hub", hop=hop + 1, unit=True)
                if request is not None:
                    yield request
            elif role == "section" and discover.is_list_item(link):
                yield from self._list_items(state, [link], section)
        if role != "section":
            return
        state.sections.add(section or response.url)
        state.list_pages += 1
        yield from self._list_items(state, pagers.embedded_records(text, response.url), section)
        for call in pagers.list_calls(text, response.url, root):
            request = self._request(state, call.url, "list_call", call=call, section=section)
            if request is not None:
                yield request

    def _list_items(self, state: PortalState, found: list[Link], section: str | None) -> Iterator[Request]:
        for link in found:
            kind = discover.classify(link)
            if kind == "attachment":
                context = {"title": link.text if is_report_title(link.text) else None, "published": link.date}
                request = self._request(state, link.url, "attachment", context=context, section=section)
            elif kind in ("report", None) and (kind == "report" or discover.is_list_item(link)):
                request = self._request(state, link.url, "detail", context={"title": link.text,
                                                                             "published": link.date},
                                        section=section)
            else:
                continue
            if request is not None:
                yield request

    def _detail(self, response: Response, page: Page, state: PortalState, emit: bool = True
                ) -> Iterator[Page | Request]:
        """A detail page or attachment goes to the pipeline, which cleans it. A detail page that is
        only a cover for attachments (a report title, little prose of its own, links to files)
        has them fetched, and is marked ``cover`` so that its few lines are not stored as the
        report its attachments are."""
        context = dict(response.meta.get("context") or {})
        page.context = context
        requests = list(self._attachments(response, page, state, context))  # sets context["cover"]
        if emit:
            yield page
        yield from requests

    def _attachments(self, response: Response, page: Page, state: PortalState,
                     context: dict[str, Any]) -> Iterator[Request]:
        if response.meta["role"] != "detail" or sniff.sniff(response.body) != sniff.HTML:
            return
        text = decode(response.body, page.fetch.headers.get("Content-Type")).text
        if not discover.may_link_files(text):
            return  # no file and no frame to fetch: the page is what it is
        root = discover.parse(text)
        if root is None:
            return
        if discover.prose_length(root, enough=_COVER_PROSE) >= _COVER_PROSE:
            return  # a report's own page: its links are not its report
        found = discover.links(root, response.url)
        files = [link for link in found if discover.classify(link) == "attachment"]
        # a shell showing the report in an <iframe> of the same site: the frame is the report's page
        frames = [link for link in found if link.frame and state.owns(link.url)]
        if not (files or frames):
            return
        title = discover.page_title(root) or ""
        if not is_report_title(title):
            title = context.get("title") or ""
        if not is_report_title(title):
            return  # a news page's attachments are not reports
        context["cover"] = True  # even when its files were fetched already through another page
        published = context.get("published") or discover.page_date(root)
        for link in files:
            request = self._request(state, link.url, "attachment", section=response.meta.get("section"),
                                    context={"title": title, "published": published, "detail": response.url})
            if request is not None:
                yield request
        for link in frames:
            request = self._request(state, link.url, "detail", section=response.meta.get("section"),
                                    context={"title": title, "published": published, "detail": response.url})
            if request is not None:
                yield request
