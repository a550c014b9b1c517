"""Finding a portal's 年报: pure functions over one page, no Scrapy.

The spider asks of every page it fetches on the way to the reports:

- :func:`links` — every link, with the text a person sees (or its ``title`` when the text is cut),
  frames, and the file a document viewer shows;
- :func:`classify` — is a link a 年报 column (``section``), a page on the way to one (``hub``:
  政务公开, 信息公开目录 …), a report (``report``: its text is a 年报 title), an ``attachment``,
  or nothing to follow; :func:`is_list_item`, :func:`is_unit`, :func:`is_year_column` inside
  a column or a 部门/乡镇 directory;
- :func:`prose_length`, :func:`page_title`, :func:`page_date` — whether a detail page is a cover
  for its attachments; :func:`challenge` — whether a response is a WAF's challenge.

A list's other pages are :mod:`crawler.pagers`'. The words and URL shapes are data:
``crawler/data/discovery.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html
from w3lib.url import canonicalize_url

from parsers import vocab
from parsers.meta import is_report_title
from parsers.text import simplified, squash

_VOCAB = "crawler:discovery"
_YEAR = re.compile(r"(?:19|20)\d{2}|[二][〇零○Ｏ][〇零○Ｏ一二三四五六七八九]{2}")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")
# a URL in a script or an onclick: quoted (also as a template literal), absolute, rooted or a page name
QUOTED_URL = re.compile(
    r"""['"`]((?:https?://|/|\./|\.\./)[^'"`\s<>]+|[\w./-]+\.(?:s?html?|jsp|aspx?|php)(?:\?[^'"`\s<>]*)?)['"`]""")


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    text: str
    date: str | None = None  # a date printed beside the link in a list, if any
    frame: bool = False  # an <iframe>/<frame>: the page shows it as its own content


# --- vocabulary ----------------------------------------------------------------------------------------
@cache
def rx(section: str) -> re.Pattern[str]:
    def group(pattern: str) -> str:  # a leading (?i) becomes a scoped (?i:…), so entries can be joined
        return f"(?i:{pattern[4:]})" if pattern.startswith("(?i)") else f"(?:{pattern})"

    return re.compile("|".join(group(e.pattern) for e in vocab.entries(_VOCAB, section)))


def entries(section: str) -> list[vocab.Entry]:
    return vocab.entries(_VOCAB, section)


# --- links -----------------------------------------------------------------------------------------------
def parse(text: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return None


def links(root: lxml_html.HtmlElement, base_url: str) -> list[Link]:
    """Every followable link of a page, resolved against its ``<base href>`` or URL: ``<a>``,
    ``<area>``, frames, ``<option>`` values that are URLs, any element whose ``onclick`` opens a
    URL (a table row, a list item), calls of the page's own link functions
    (``openDetail('2c90…')``, ``gotoPage(3)``: the URL their body builds), and the name/url pairs
    of menu trees built by scripts (zTree's ``zNodes``)."""
    base = root.xpath("string(//base/@href)") or base_url
    base = urljoin(base_url, base)
    functions = _link_functions(root)
    out: list[Link] = []
    for el in _LINKING(root):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("a", "area", "iframe", "frame", "option"):
            href = (el.get("href") or el.get("src") or el.get("value") or "").strip()
            if tag == "option" and not QUOTED_URL.fullmatch(f'"{href}"'):
                continue  # a <select> of other portals' links is only followed when its values are URLs
        elif tag and el.get("onclick"):
            href = ""
        else:
            continue
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            script = " ".join(filter(None, (href, el.get("onclick"))))
            href = _script_target(script, functions) or ""
            if not href:
                continue
        text = squash(el.text_content()) if tag not in ("iframe", "frame", "area") else ""
        title = squash(el.get("title") or "")
        if title and (not text or text.endswith(("...", "…", "..")) or len(title) > len(text)):
            text = title
        url = _unwrap_viewer(urljoin(base, href))
        if urlsplit(url).scheme in ("http", "https"):
            out.append(Link(url, text, _date_beside(el), tag in ("iframe", "frame")))
    for name, target in _script_menu(root):
        url = urljoin(base, target)
        if urlsplit(url).scheme in ("http", "https"):
            out.append(Link(url, name))
    return out


_LINKING = etree.XPath("//a | //area | //iframe | //frame | //option | //*[@onclick]")
_FUNCTION = re.compile(r"function\s+(\w+)\s*\(\s*(\w+)[^)]*\)\s*\{(.{0,600}?)\}", re.S)
_CALL = re.compile(r"(\w+)\s*\(\s*['\"]?([\w.-]{1,80})['\"]?\s*[,)]")
_MENU_ITEM = re.compile(r"""\{[^{}]*?\b(?:name|title|text)\s*:\s*["']([^"']{2,60})["'][^{}]*?"""
                        r"""\b(?:url|href|link)\s*:\s*["']([^"'#\s]{2,300})["'][^{}]*\}""")


def _link_functions(root: lxml_html.HtmlElement) -> dict[str, tuple[str, str]]:
    """The page's own link functions: ``function openDetail(id) { … "/content.jsp?id=" + id … }``
    as name → (what comes before the argument, what comes after)."""
    found: dict[str, tuple[str, str]] = {}
    for script in root.iter("script"):
        for name, arg, body in _FUNCTION.findall(script.text or ""):
            made = re.search(rf"""["']([^"'\s]*)["']\s*\+\s*{re.escape(arg)}\b\s*(?:\+\s*["']([^"'\s]*)["'])?""", body)
            if made and ("/" in made.group(1) or "." in (made.group(2) or "") or "=" in made.group(1)
                         or "_" in made.group(1)):
                found[name] = (made.group(1), made.group(2) or "")
    return found


def _script_target(script: str, functions: dict[str, tuple[str, str]]) -> str | None:
    """The URL an ``href="javascript:…"`` or ``onclick`` opens: a quoted URL, or a call of one of
    the page's link functions."""
    found = QUOTED_URL.search(script)
    if found:
        return found.group(1)
    for name, arg in _CALL.findall(script):
        if name in functions:
            before, after = functions[name]
            return before + arg + after
    return None


def _script_menu(root: lxml_html.HtmlElement) -> list[tuple[str, str]]:
    """Name/URL pairs of a menu tree a script builds (``var zNodes = [{name: "县政府年报", url: …}]``)."""
    out: list[tuple[str, str]] = []
    for script in root.iter("script"):
        code = script.text or ""
        if "url" in code or "href" in code:
            out += [(squash(n), u) for n, u in _MENU_ITEM.findall(code)
                    if not u.lower().startswith(_SKIP_SCHEMES) and not u.endswith((".js", ".css"))]
    return out


def script_redirect(root: lxml_html.HtmlElement) -> str | None:
    """Where a page that is only a script sends the browser (``window.location.href = "/a/"``)."""
    for script in root.iter("script"):
        found = re.search(r"""location(?:\.href)?\s*=\s*["']([^"']+)["']|location\.replace\(\s*["']([^"']+)["']""",
                          script.text or "")
        if found:
            return found.group(1) or found.group(2)
    return None


def _unwrap_viewer(url: str) -> str:
    """A document viewer's URL (pdf.js ``viewer.html?file=/a.pdf``) stands for the file it shows."""
    parts = urlsplit(url)
    if "viewer" in parts.path.lower():
        for key, value in parse_qsl(parts.query):
            if key.lower() in ("file", "url", "src") and rx("attachment").search(value):
                return urljoin(url, value)
    return url


DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_FILE_NAME = re.compile(r"(?i)\.(?:pdf|docx?|wps|ofd)$")  # a link named after the file it downloads


def _date_beside(el: lxml_html.HtmlElement) -> str | None:
    """A list's date for this link: in the link's row (its <li> or <tr>)."""
    row = el.getparent()
    for _ in range(3):
        if row is None or row.tag in ("li", "tr", "dd", "dl"):
            break
        row = row.getparent()
    if row is None or row.tag not in ("li", "tr", "dd", "dl"):
        return None
    found = DATE.search(row.text_content())
    if not found:
        return None
    y, m, d = found.groups()
    return f"{y}-{int(m):02d}-{int(d):02d}"


def canonical(url: str) -> str:
    """The URL a page is fetched once under: fragment, session ids and ``;jsessionid=`` path
    parameters dropped, query sorted (w3lib)."""
    parts = urlsplit(url)
    path = re.sub(r";(?:jsessionid|phpsessid|sid)=[^/?#]*", "", parts.path, flags=re.I)
    session = rx("session_param")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not session.search(k)]
    rebuilt = urlunsplit((parts.scheme, parts.netloc.lower(), path or "/", urlencode(query), ""))
    return canonicalize_url(rebuilt)


# --- what a link is ----------------------------------------------------------------------------------------
def classify(link: Link) -> str | None:
    """``attachment``, ``report``, ``section``, ``hub`` or None (not followed)."""
    text = simplified(link.text).strip()
    if rx("attachment").search(link.url) or _FILE_NAME.search(text):
        return "attachment"
    if text and rx("skip_text").search(text):
        return None
    if text and is_report_title(text) and (_YEAR.search(text) or len(text) > 16):
        return "report"
    if text and rx("section_text").search(text):
        return "section"
    if rx("section_url").search(link.url) and not rx("page_url").search(link.url):
        return "section"
    if text and rx("hub_text").search(text):
        return "hub"
    if rx("hub_url").search(link.url) and len(text) <= 12:
        return "hub"
    return None


def is_list_item(link: Link) -> bool:
    """Inside a 年报 column, a link worth fetching: a report title, or a title-like text that
    names a year (department columns list "XX局2023年度报告"); never a skipped document."""
    text = simplified(link.text).strip()
    if not text or rx("skip_text").search(text):
        return False
    if is_report_title(text):
        return True
    if text.endswith(("...", "…", "..")) and len(text) >= 10 and ("年" in text or "公开" in text):
        return True  # a title cut by the list's template: the page tells what it is
    return bool(_YEAR.search(text)) and ("报告" in text or "年报" in text)


def is_unit(link: Link) -> bool:
    """On a 部门信息公开 / 乡镇信息公开 page, a link to one unit's own open-government pages (its
    text a body's name: 县教育局, 市政务服务和大数据管理局, 灵城街道, 新宁镇人民政府), where its 年报
    column is."""
    text = simplified(link.text).strip()
    return 2 < len(text) <= 24 and not _YEAR.search(text) and bool(_unitrx().search(text))


@cache
def _unitrx() -> re.Pattern[str]:
    from parsers.meta import agency_suffix

    return agency_suffix()


def is_year_column(link: Link) -> bool:
    """A column per year inside a 年报 column ("2023年", "2022年度")."""
    return bool(re.fullmatch(r"(?:19|20)\d{2}\s*年?度?", squash(link.text)))


# --- a detail page's own words ------------------------------------------------------------------------------
_PROSE = etree.XPath("//text()[not(ancestor::script or ancestor::style or ancestor::a or ancestor::option"
                     " or ancestor::textarea or ancestor::noscript)]", smart_strings=False)


def prose_length(root: lxml_html.HtmlElement, enough: int | None = None) -> int:
    """Characters of the page outside links, scripts and styles: a full report has thousands, a
    cover page for attachments (title, date, 附件：…) and its navigation far fewer. With
    ``enough``, counting stops once it is reached (the caller only asks "at least this much?")."""
    total = 0
    for piece in _PROSE(root):
        total += len(piece.strip())
        if enough is not None and total >= enough:
            break
    return total


# a page that may link a file or frame its report: what every attachment link of the vocabulary
# (discovery.yaml ``attachment``) and every frame has in its HTML; a page without it has none
_FILE_HINT = re.compile(r"(?i)\.(?:pdf|docx?|wps|xlsx?|et|ofd)\b|down(?:load|file)|filedown|attachment|<i?frame\b")


def may_link_files(text: str) -> bool:
    """Whether a page's HTML may hold an attachment link or a frame (a cheap test made before
    parsing it: most report pages have neither)."""
    return _FILE_HINT.search(text) is not None


def page_title(root: lxml_html.HtmlElement) -> str | None:
    """The page's report title: an <h1>–<h3> or meta ArticleTitle that reads like one, else <title>."""
    for text in (*root.xpath("//meta[@name='ArticleTitle']/@content"),
                 *[squash(h.text_content()) for h in root.iter("h1", "h2", "h3")]):
        if text and is_report_title(text):
            return squash(text)
    title = root.findtext(".//title")
    return squash(title) if title else None


def page_date(root: lxml_html.HtmlElement) -> str | None:
    """The page's publish date: meta PubDate, else the first date printed on it."""
    values = [*root.xpath("//meta[@name='PubDate' or @name='pubdate' or @name='publishdate']/@content"),
              root.text_content()]
    for value in values:
        found = DATE.search(value)
        if found:
            y, m, d = found.groups()
            return f"{y}-{int(m):02d}-{int(d):02d}"
    return None


# --- WAF challenges ------------------------------------------------------------------------------------------
def challenge(status: int, body: bytes) -> str | None:
    """Why this response is a WAF's JavaScript challenge rather than the page, or None."""
    head = body[:65536]
    if status not in (412, 521) and (len(body) >= 200_000 or _PARAGRAPH.search(head)):
        return None  # a page with paragraphs of its own is the page (checked first: it is cheap)
    found = rx("waf_marker").search(head.decode("latin-1"))
    if status in (412, 521):
        return f"WAF challenge (HTTP {status}{', ' + found.group(0)[:20] if found else ''})"
    if found:
        return f"WAF challenge (HTTP {status}, {found.group(0)[:20]})"
    return None


_PARAGRAPH = re.compile(rb"<[pP]")
