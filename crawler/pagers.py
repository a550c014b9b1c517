"""A list's other pages, in every form Chinese portals use: pure functions over one page, no Scrapy.

- :func:`next_pages`: ``<a>`` pagers (下一页, 尾页, numbers, ``?page=N``, ``index_N.html``), TRS's
  ``createPageHTML(total, current, "index", "html")`` and the older ``var countPage`` pager whose
  pages are never linked, and ``javascript:goPage(n)`` pagers whose URL is made in a script;
- :func:`list_calls` and :func:`read_list_response`: lists a shell page loads from its script —
  Hanweb/JPaaS ``dataproxy.jsp`` XML records, JSON list APIs (``$.ajax``, ``fetch``, template
  literals, 0-based paging, the page inside a JSON-valued parameter, records as objects or as HTML
  inside the JSON), Guangdong's gkmlpt API — and the calls for the rest of each list, none past
  its end.

What a link is, and the words that say so, are :mod:`crawler.discover`'s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import html as lxml_html

from crawler.discover import QUOTED_URL, Link, links, parse, rx
from parsers.text import simplified, squash

MAX_LIST_PAGES = 500  # pages of one list generated from a script's page count (a trap's bound)
_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_JS_ASSIGN = r"""(?:var\s+|let\s+|const\s+|[,{]\s*|\b)['"]?{name}['"]?\s*[:=]\s*(?:"([^"]*)"|'([^']*)'|(\d+)\b)"""
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_DATAPROXY = re.compile(r"""[^'"\s<>()]*dataproxy\.jsp[^'"\s<>()]*""", re.I)
_PAGE_KEYS = ("page", "pageNo", "pageNum", "pageIndex", "currentPage", "curPage", "pageNumber", "current", "p")
_SIZE_KEYS = ("size", "pageSize", "rows", "limit", "perPage", "perpage", "pagesize", "num")
_API_HINT = re.compile(r"(?i)/api/|/list|query|search|getlist|\.json\b|/data/|/page")
_TITLE_KEYS = ("title", "docTitle", "DOCTITLE", "name", "subject", "articleTitle", "infoTitle", "showTitle")
_URL_KEYS = ("url", "link", "href", "docUrl", "DOCPUBURL", "path", "pageUrl", "detailUrl", "articleUrl", "linkUrl")
_DATE_KEYS = ("publishDate", "pubDate", "date", "releaseDate", "docRelTime", "DOCRELTIME", "publishTime", "time")


@dataclass(frozen=True, slots=True)
class ListCall:
    """A request a list shell makes from its script: Hanweb's dataproxy or a JSON API."""

    url: str
    kind: str  # "dataproxy" | "json"
    form: dict[str, str] | None = None  # POSTed fields (dataproxy)
    page: int = 1
    meta: dict[str, str] = field(default_factory=dict)  # what the next call needs (page key, size)


# --- the list's other pages -----------------------------------------------------------------------------
def next_pages(root: lxml_html.HtmlElement, text: str, url: str, page_links: list[Link]) -> list[str]:
    """Every other page of this list that the page itself reveals."""
    out: list[str] = []
    host = urlsplit(url).netloc
    next_rx, page_rx = rx("next_text"), rx("page_url")
    here = _list_stem(url)
    for link in page_links:
        if urlsplit(link.url).netloc != host or link.url == url:
            continue
        label = squash(link.text)
        same_list = _list_stem(link.url) == here
        pager = next_rx.search(label) and (not label.isdigit() or page_rx.search(link.url) or same_list)
        if pager or (page_rx.search(link.url) and same_list):
            out.append(link.url)
    out += _create_page_html(text, url)
    out += _count_page(text, url)
    out += _pager_function(text, url)
    out += _laypage(text, url)
    return list(dict.fromkeys(out))


_LAYPAGE = re.compile(r"laypage\.render\s*\(\s*\{(.*?)\}\s*\)\s*;", re.S)


def _laypage(text: str, url: str) -> list[str]:
    """layui's pager: ``laypage.render({count: 24, limit: 10, jump: function (obj) {
    location.href = 'index_' + obj.curr + '.html'}})`` — pages 2 … ceil(count / limit)."""
    out: list[str] = []
    for found in _LAYPAGE.finditer(text):
        options = found.group(1)
        count = re.search(r"\bcount\s*:\s*['\"]?(\d+)", options)
        limit = re.search(r"\blimit\s*:\s*['\"]?(\d+)", options)
        template = re.search(r"""["']([^"'\s]*)["']\s*\+\s*\w+\.curr\s*\+\s*["']([^"'\s]*)["']""", options)
        if not count or not template:
            continue
        size = int(limit.group(1)) if limit else 10
        pages = min(-(-int(count.group(1)) // max(size, 1)), MAX_LIST_PAGES)
        out += [urljoin(url, f"{template.group(1)}{n}{template.group(2)}") for n in range(2, pages + 1)]
    return out


_COUNT_PAGE = re.compile(r"\bvar\s+countPage\s*=\s*['\"]?(\d+)")


def _count_page(text: str, url: str) -> list[str]:
    """The older TRS pager: ``var countPage = 3`` and links written by ``document.write`` as
    "index" + "_" + n + "." + "html" — pages index_1 … index_{countPage-1}."""
    if "createPageHTML" in text:
        return []
    found = _COUNT_PAGE.search(text)
    if not found:
        return []
    total = min(int(found.group(1)), MAX_LIST_PAGES)
    tail = text[found.end():found.end() + 3000]
    ext = re.search(r"""['"]\.?(s?html?)['"]""", tail)
    prefix = re.search(r"""['"](index|list|default)['"]""", tail)
    ext_name = ext.group(1) if ext else (urlsplit(url).path.rsplit(".", 1)[-1] if "." in urlsplit(url).path
                                         else "html")
    name = prefix.group(1) if prefix else "index"
    return [urljoin(url, f"{name}_{n}.{ext_name}") for n in range(1, total)]


_PAGER_CALL = re.compile(
    r"(?:goPage|gotoPage|turnPage|toPage|changePage|jumpPage|goto|page)\s*\(\s*['\"]?(\d{1,4})['\"]?\s*\)", re.I)
_PAGER_TEMPLATE = re.compile(r"""['"]([^'"\s<>]*[?&][\w]*(?:page|pn|p)[\w]*=)['"]\s*\+\s*\w+""", re.I)


def _pager_function(text: str, url: str) -> list[str]:
    """``<a href="javascript:goPage(3)">`` with the URL made in the function
    (``location.href = "iList.jsp?cat=5&cur_page=" + p``): every page number the pager shows."""
    template = _PAGER_TEMPLATE.search(text)
    if not template:
        return []
    numbers = sorted({int(n) for n in _PAGER_CALL.findall(text)})
    if not numbers:
        return []
    total = re.search(r"(?:共|总)\s*(\d{1,4})\s*页", text)
    last = min(max(numbers[-1], int(total.group(1)) if total else 0), MAX_LIST_PAGES)
    base = urljoin(url, template.group(1).replace("&amp;", "&"))
    return [base + str(n) for n in range(1, last + 1)]


def _list_stem(url: str) -> tuple[str, str]:
    """A list URL without its page number: pages of one list share it."""
    parts = urlsplit(url)
    path = re.sub(r"(?:_\d+)?(\.\w+)$", r"\1", parts.path)
    path = re.sub(r"/(?:index|default|list)(?:_\d+)?\.\w+$", "/", path)
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if k.lower() not in {p.lower() for p in _PAGE_KEYS}
                   and not re.fullmatch(r"(?i)\w*page\w*|pn|p|start\w*|index|offset", k))
    return path, urlencode(query)


def _create_page_html(text: str, url: str) -> list[str]:
    """TRS: ``createPageHTML(total, current, "index", "html")`` (also with a leading element id
    and with variables) lists pages index_1.html … index_{total-1}.html, none of them linked."""
    out: list[str] = []
    for call in _CREATE_PAGE.finditer(text):
        args = [a.strip() for a in call.group(1).split(",")]
        values = [a.strip("'\"") if a[:1] in "'\"" else _js_value(text, a) for a in args if a]
        numbers = [int(v) for v in values if v.isdigit()]
        words = [v for v in values if v and not v.isdigit()]
        if not numbers or len(words) < 2:
            continue
        total = min(numbers[0], MAX_LIST_PAGES)
        prefix, ext = words[-2], words[-1]
        if not re.fullmatch(r"[\w-]+", prefix) or not re.fullmatch(r"s?html?|jsp|php|aspx?", ext):
            continue
        first = urljoin(url, f"{prefix}.{ext}")
        on_first = url == first or url == urljoin(url, "./")  # the directory serves the first page
        out += ([] if on_first else [first]) + [urljoin(url, f"{prefix}_{n}.{ext}") for n in range(1, total)]
    return out


def _js_value(text: str, token: str) -> str:
    """A script argument's value: itself, or the literal (string or number) assigned to that
    name anywhere in the script (``var countPage = 4``, ``data: {channelId: "12"}``)."""
    if not re.fullmatch(r"[A-Za-z_$][\w$]*", token):
        return token
    found = re.search(_JS_ASSIGN.replace("{name}", re.escape(token)), text)
    return next((g for g in found.groups() if g is not None), "") if found else ""


# --- list shells: Hanweb dataproxy and JSON APIs --------------------------------------------------------------
def list_calls(text: str, url: str, root: lxml_html.HtmlElement | None = None) -> list[ListCall]:
    """The first request of every script-driven list on a page (its later requests come from
    :func:`read_list_response`); ``root``: the page already parsed, if it was."""
    return _dataproxy_calls(text, url) + _json_calls(text, url, root) + _gkmlpt_calls(text, url)


def embedded_records(text: str, base_url: str) -> list[Link]:
    """Records a Hanweb list shell carries in its own ``<script type="text/xml">`` (the first
    page, before any dataproxy call)."""
    out: list[Link] = []
    for record in _RECORD.findall(text):
        root = parse(f"<div>{record}</div>")
        if root is not None:
            out += links(root, base_url)
    return out


def _dataproxy_calls(text: str, url: str) -> list[ListCall]:
    found = _DATAPROXY.findall(text)
    if not found:
        return []
    params: dict[str, str] = {}
    for candidate in found:
        params.update(parse_qsl(urlsplit(candidate.replace("&amp;", "&")).query))
    for key in ("columnid", "unitid", "webid", "appid", "path", "webname", "permissiontype", "col",
                "sourceContentType"):
        if key not in params:
            value = _js_value(text, key)
            if value:
                params[key] = value
    perpage = int(_js_value(text, "perpage") or params.get("perpage") or 15)
    endpoint = urljoin(url, found[0].split("?")[0].replace("&amp;", "&"))
    query = {k: v for k, v in params.items() if k not in ("startrecord", "endrecord", "perpage")}
    call_url = endpoint + ("?" + urlencode(query) if query else "")
    group = perpage * 3
    form = {"startrecord": "1", "endrecord": str(group), "perpage": str(perpage)}
    return [ListCall(call_url, "dataproxy", form, 1, {"perpage": str(perpage), "group": str(group)})]


_GKMLPT_CONFIG = re.compile(r"_CONFIG\s*=\s*(\{.*?\});?\s*(?:</script>|$)", re.S | re.M)


def _gkmlpt_calls(text: str, url: str) -> list[ListCall]:
    """Guangdong's 政府信息公开目录管理平台 (gkmlpt, every county of the province): a Vue shell whose
    ``window._CONFIG`` holds the site id (SID) and the category tree; the list of a category comes
    from ``/gkmlpt/api/all/{id}?page=N&sid=SID``, called from the platform's external script. The
    年报 categories (and their children) are the ones whose names say so."""
    found = _GKMLPT_CONFIG.search(text)
    if not found or "/gkmlpt/" not in url:
        return []
    try:
        config = json.loads(found.group(1))
    except ValueError:
        return []
    sid = str(config.get("SID") or "")
    if not sid:
        return []
    wanted: list[int] = []
    stack = [(node, False) for node in config.get("TREE") or [] if isinstance(node, dict)]
    while stack:
        node, inside = stack.pop()
        name = simplified(str(node.get("name", "")))
        hit = inside or bool(rx("section_text").search(name) or "年报" in name or "年度报告" in name)
        if hit and isinstance(node.get("id"), int):
            wanted.append(node["id"])
        stack += [(child, hit) for child in node.get("children") or [] if isinstance(child, dict)]
    base = urljoin(url, "/gkmlpt/api/all/")
    return [ListCall(f"{base}{cat}?page=1&sid={sid}", "json", None, 1, {"page_key": "page", "start": "1"})
            for cat in sorted(set(wanted))]


def _json_calls(text: str, url: str, root: lxml_html.HtmlElement | None = None) -> list[ListCall]:
    root = root if root is not None else parse(text)
    if root is None:
        return []
    out: list[ListCall] = []
    for script in root.iter("script"):
        code = script.text or ""
        if not code.strip() or script.get("type", "").lower() in ("text/xml", "text/template"):
            continue
        for found in QUOTED_URL.finditer(code):
            literal = found.group(1)
            if not _API_HINT.search(literal) or re.search(r"\.(?:js|css|png|jpe?g|gif)(?:\?|$)", literal):
                continue
            if "dataproxy" in literal.lower():
                continue
            out.append(_json_call(code, literal, found.end(), url))
    return list({c.url: c for c in out}.values())


def _json_call(code: str, literal: str, after: int, url: str) -> ListCall:
    """A GET of the API with its page parameter, from the literal and the object literal after it
    (``$.ajax({url: "/api/list", data: {channelId: 12, page: 1}})``)."""
    literal, placeholders = _fill_template(code, literal)
    target = urljoin(url, literal)
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: v for k, v in placeholders.items() if k not in query or not query[k]})
    nearby = code[after:after + 600]
    skip = ("url", "type", "method", "dataType", "success", "async", "contentType", "params", "data", "headers")
    # a parameter built around the page number: paramJson: '{"pageNo":' + pageNo + ',"pageSize":"15"}'
    template = _CONCAT_PARAM.search(nearby)
    if template:
        key, _, head, _, _, tail = template.groups()
        query[key] = head + "1" + tail
    for key, raw in re.findall(r"""['"]?(\w+)['"]?\s*:\s*("[^"]*"|'[^']*'|[\w.$-]+)""", nearby):
        if key in skip or key in query:
            continue
        if raw[:1] in "'\"" or raw.isdigit():
            query[key] = raw.strip("'\"")
        elif key in _PAGE_KEYS:
            query[key] = "1"
        else:  # a variable (vm.size, this.channelId): its literal elsewhere in the script
            value = _js_value(code, raw.split(".")[-1])
            if value:
                query[key] = value
    if template:
        key, _, head, _, _, tail = template.groups()
        meta = {"page_key": key, "start": "1", "page_template": head + "%d" + tail}
        call_url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
        return ListCall(call_url, "json", None, 1, meta)
    page_key = next((k for k in query if k in _PAGE_KEYS), None)
    if page_key is None:
        page_key = next((k for k in _PAGE_KEYS if re.search(rf"['\"?&]{k}['\"]?\s*[:=]", code)), "page")
    size_key = next((k for k in query if k in _SIZE_KEYS), None)
    first = query.get(page_key, "1")
    zero_based = re.search(rf"\b{re.escape(page_key)}\s*[:=]\s*[\w.$]*(?:page|current|pageNum|pageNo)\w*\s*-\s*1\b",
                           code, re.I)
    start = 0 if first == "0" or zero_based else 1
    query[page_key] = str(start)
    call_url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
    meta = {"page_key": page_key, "start": str(start)}
    if size_key:
        meta["size_key"] = size_key
    return ListCall(call_url, "json", None, start, meta)


_PLACEHOLDER = re.compile(r"([\w]+)=\$\{\s*([\w.$]+)\s*\}")
_CONCAT_PARAM = re.compile(r"""(\w+)\s*:\s*(['"])(.*?)\2\s*\+\s*([\w.$]+)\s*\+\s*(['"])(.*?)\5""")


def _fill_template(code: str, literal: str) -> tuple[str, dict[str, str]]:
    """A template literal's ``key=${expr}`` parameters: a page key keeps its place (filled with
    the page), others take the literal the script assigns to the variable (``CATEGORY``)."""
    found: dict[str, str] = {}
    for key, expr in _PLACEHOLDER.findall(literal):
        if key in _PAGE_KEYS or re.fullmatch(r"(?i)\w*page\w*|current", key):
            found[key] = "1"
        else:
            value = _js_value(code, expr.split(".")[-1])
            if value:
                found[key] = value
    return _PLACEHOLDER.sub("", literal).replace("?&", "?").rstrip("&?"), found


def read_list_response(call: ListCall, body: str, base_url: str) -> tuple[list[Link], list[ListCall]]:
    """The links a list call returned and the calls for the rest of the list (none at its end:
    an empty page, a page repeating the last, or past the stated total)."""
    if call.kind == "dataproxy":
        return _read_dataproxy(call, body, base_url)
    return _read_json(call, body, base_url)


def _read_dataproxy(call: ListCall, body: str, base_url: str) -> tuple[list[Link], list[ListCall]]:
    found = embedded_records(body, base_url)
    total = re.search(r"<totalrecord>\s*(\d+)\s*</totalrecord>", body, re.I)
    if call.page != 1 or not total or not found:
        return found, []
    group = int(call.meta.get("group", "45"))
    count = min(int(total.group(1)), group * MAX_LIST_PAGES)
    calls = []
    for n, start in enumerate(range(group + 1, count + 1, group), start=2):
        form = {**(call.form or {}), "startrecord": str(start), "endrecord": str(min(start + group - 1, count))}
        calls.append(ListCall(call.url, "dataproxy", form, n, call.meta))
    return found, calls


def _read_json(call: ListCall, body: str, base_url: str) -> tuple[list[Link], list[ListCall]]:
    try:
        data = json.loads(body)
    except ValueError:
        return [], []
    records = _records(data)
    out: list[Link] = []
    if not records:  # JPaaS and others answer the list rendered as HTML inside the JSON
        for fragment in _html_values(data):
            root = parse(f"<div>{fragment}</div>")
            if root is not None:
                out += links(root, base_url)
    for record in records:
        title = next((str(record[k]) for k in _TITLE_KEYS if record.get(k)), "")
        target = next((str(record[k]) for k in _URL_KEYS if record.get(k)), "")
        date = next((str(record[k])[:10] for k in _DATE_KEYS if record.get(k)), None)
        if target:
            out.append(Link(urljoin(base_url, target), squash(title), date))
    if not out:
        return [], []
    pages = _page_count(data)
    if pages is not None and call.page - int(call.meta.get("start", "1")) + 1 >= pages:
        return out, []
    if call.page >= MAX_LIST_PAGES:
        return out, []
    parts = urlsplit(call.url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    template = call.meta.get("page_template")
    query[call.meta["page_key"]] = template % (call.page + 1) if template else str(call.page + 1)
    following = ListCall(urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), "")), "json",
                         None, call.page + 1, {**call.meta, "first": out[0].url})
    if call.meta.get("first") == out[0].url:  # the API repeats its last page past the end
        return out, []
    return out, [following]


def _nodes(data: object) -> Iterator[object]:
    """Every value of a JSON document, depth first."""
    stack = [data]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _html_values(data: object) -> list[str]:
    return [node for node in _nodes(data) if isinstance(node, str) and "<a " in node]


def _records(data: object) -> list[dict]:
    """The largest list of objects with a title and a URL, anywhere in the response."""
    best: list[dict] = []
    for node in _nodes(data):
        if isinstance(node, list):
            objects = [n for n in node if isinstance(n, dict)]
            if objects and any(any(k in o for k in _URL_KEYS) for o in objects) and len(objects) > len(best):
                best = objects
    return best


def _page_count(data: object) -> int | None:
    if not isinstance(data, dict):
        return None
    stack = [data]
    while stack:
        node = stack.pop()
        for key, value in node.items():
            if isinstance(value, dict):
                stack.append(value)
            elif key.lower() in ("pagecount", "totalpage", "totalpages", "pages", "pagetotal") and str(value).isdigit():
                return int(value)
    return None
