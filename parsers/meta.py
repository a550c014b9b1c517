"""Metadata from a page: title, year, publish date, source, site code, agency.

Everything is read from lines the walk produced (footer and info lines included, before chrome is
removed) and from ``<meta>`` tags, with the label vocabulary of labels.yaml. Visible labels win
over ``<meta>`` tags, which win over the URL, which wins over the signature date at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlunsplit

from parsers import vocab
from parsers.blocks import Line
from parsers.dates import cn_number, date_from_url, parse_date, parse_date_loose
from parsers.text import join_cjk, simplified, split_url, squash

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_TITLE_MAX_SOURCE = 400  # characters (markup whitespace included) an element holding a title may have



@cache
def _rx(section: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(e.pattern) for e in vocab.entries("labels", section))


@cache
def _meta_names() -> dict[str, tuple[str, ...]]:
    names = vocab.load("labels")["meta_names"]
    return {key: tuple(n.lower() for n in value) for key, value in names.items()}


@cache
def agency_suffix() -> re.Pattern[str]:
    return re.compile(vocab.load("labels")["agency_suffixes"] + "$")


def meta_tags(root: HtmlElement) -> dict[str, str]:
    """``<meta name|property=… content=…>`` as a dict with lower-cased names (first one wins),
    plus ``datePublished``/``headline`` of JSON-LD blocks (as ``datepublished``, ``headline``)."""
    found: dict[str, str] = {}
    head = root.find("head")
    for meta in (head if head is not None else root).iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = squash(meta.get("content") or "")
        if name and content and name not in found:
            found[name] = content
    for script in root.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            for key, value in _json_ld(script.text).items():
                found.setdefault(key, value)
    return found


def _json_ld(text: str) -> dict[str, str]:
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return {}
    items = data if isinstance(data, list) else [data]
    out: dict[str, str] = {}
    for item in items:
        if isinstance(item, dict):
            for key in ("datePublished", "headline"):
                if isinstance(item.get(key), str):
                    out.setdefault(key.lower(), squash(item[key]))
    return out


def _from_meta(metas: dict[str, str], key: str) -> str | None:
    for name in _meta_names()[key]:
        if metas.get(name):
            return metas[name]
    return None


def _labelled(section: str, lines: Iterable[Line]) -> str | None:
    """The value of the first entry of ``section`` found on any line (entries in priority order).

    Table rows count too, read as "label:value": the 政府信息公开平台 pages put 发布日期, 发布机构
    and 索引号 in a metadata table above the body.
    """
    texts = ["：".join(cell.rstrip(":：") for cell in line.text.split("\t")) if line.kind == "row" else line.text
             for line in lines if len(line.text) <= 200]
    plain = [simplified(t) for t in texts]
    for rx in _rx(section):
        for text, copy in zip(texts, plain, strict=True):
            m = rx.search(copy)
            if m:
                return text[m.start("v"):m.end("v")]
    return None


def agency_label(lines: list[Line]) -> str | None:
    """The 发布机构 (publishing body) of a 政府信息公开平台 page's metadata table."""
    value = _labelled("agency", lines)
    return value if value and agency_suffix().search(simplified(value)) else None


def site_code(lines: list[Line], metas: dict[str, str]) -> str | None:
    """The portal's 网站标识码 from the footer, or its SiteIDCode meta tag."""
    found = _labelled("site_code", reversed(lines))
    if not found:
        value = _from_meta(metas, "site_code")
        found = value if value and re.fullmatch(r"[0-9A-Za-z]{10}", value) else None
    return found


def source(lines: list[Line], metas: dict[str, str]) -> str | None:
    """The 来源 (source) value of the info line, or the ContentSource meta tag."""
    return _labelled("source", lines) or _from_meta(metas, "source")


def published(lines: list[Line], metas: dict[str, str], url: str | None) -> str | None:
    """The publish date: a labelled date line, the PubDate meta, the URL, or the signature date."""
    value = _labelled("published", lines)
    if value:
        found = parse_date(value)
        if found:
            return found
    meta = _from_meta(metas, "published")
    if meta:
        found = parse_date_loose(meta)
        if found:
            return found
    return date_from_url(url) or signature_date(lines)


def signature_date(lines: list[Line]) -> str | None:
    """The date under the signature at the end of a report ("2020年1月20日")."""
    body = [line for line in lines if line.in_body and line.kind != "row"]
    for line in reversed(body[-6:]):
        m = vocab.pattern("grammar", "signature_date").match(line.text)
        if m:
            return parse_date(m.group("v"))
    return None


def canonical_url(root: HtmlElement, metas: dict[str, str], url: str | None) -> str | None:
    """The page's URL in a canonical form: the caller's, else the page's own canonical link or
    ``<meta name="url">`` (TRS and Hanweb write one); scheme and host lower-cased, default port
    and fragment dropped."""
    if not url:
        for link in root.iter("link"):
            if (link.get("rel") or "").lower() == "canonical" and link.get("href", "").startswith("http"):
                url = link.get("href")
                break
        else:
            candidate = metas.get("url", "")
            url = candidate if candidate.startswith("http") else None
    if not url:
        return None
    parts = split_url(url)
    if parts is None or not parts.scheme:
        return None
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port and parts.port not in (80, 443) else None
    netloc = host + (f":{port}" if port else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def title_candidates(root: HtmlElement, metas: dict[str, str]) -> list[str]:
    """Possible titles, most trusted first: ArticleTitle meta, headings, <title> pieces."""
    out: list[str] = []
    value = _from_meta(metas, "title")
    if value:
        out.append(value)
    for xpath in ("//h1", "//h2", "//*[contains(@class, 'title') or contains(@id, 'title')]", "//h3"):
        for el in root.xpath(xpath):
            if len(el.text_content()) > _TITLE_MAX_SOURCE:
                continue  # a wrapper whose class says "title" around a whole article
            text = _element_title(el)
            if 4 <= len(text) <= 120:
                out.append(text)
    title = root.find(".//title")
    if title is not None and title.text:
        whole = squash(title.text)
        out.extend(p for p in vocab.pattern("grammar", "title_split").split(whole) if p)
        out.append(whole)
    return out


def _element_title(el: HtmlElement) -> str:
    """A heading's text, its <br>-separated pieces joined (seed 002 splits agency and title)."""
    pieces = [squash(t) for t in el.itertext()]
    return join_cjk([p for p in pieces if p])


def is_report_title(text: str) -> bool:
    plain = simplified(text)
    return (any(rx.search(plain) for rx in _rx("report_title"))
            and not any(rx.search(plain) for rx in _rx("not_report_title")))


def choose_title(candidates: list[str]) -> str | None:
    """The first candidate that reads like a 年报 title and names its year, else the first that
    reads like a 年报 title (a column header "信息公开年报" has no year), else the first."""
    fitting = [t for t in candidates if is_report_title(t) and len(t) <= 100]
    for text in fitting:
        if year_in(text):
            return text
    if fitting:
        return fitting[0]
    return candidates[0] if candidates else None


def year(title: str | None, lines: list[Line]) -> int | None:
    """The year the report covers: from its title, else the statistics period of its opening."""
    if title:
        value = year_in(title)
        if value:
            return value
    patterns = _rx("year")
    opening = [line.text for line in lines if line.in_body and line.kind != "row"][:8]
    for text in opening:
        m = patterns[1].search(simplified(text))
        if m:
            return int(m.group("v"))
    return None


def year_in(text: str) -> int | None:
    m = _rx("year")[0].search(simplified(text))
    if not m:
        return None
    value = m.group("v")
    number = int(value) if value.isdigit() else cn_number(value)
    return number if number and 1990 <= number <= 2100 else None


def title_prefix(title: str | None) -> str | None:
    """What stands before the year in a title: the issuing body or the region's name."""
    if not title:
        return None
    m = vocab.pattern("grammar", "title_issuer").match(title) or vocab.pattern(
        "grammar", "title_issuer_no_year").match(title)
    return m.group("v").strip(" 《》\"“”") if m else None


def signature_agency(lines: list[Line]) -> str | None:
    """The issuing body signed at the end ("遂宁市政务服务和大数据管理局" above the date)."""
    body = [line.text for line in lines if line.in_body and line.kind != "row"]
    suffix = agency_suffix()
    for text in reversed(body[-5:]):
        candidate = text.strip()
        if (4 <= len(candidate) <= 40 and suffix.search(simplified(candidate))
                and not re.search(r"[,，。;；:：、]", candidate)):
            return candidate
    return None
