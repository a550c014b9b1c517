"""``clean``: one saved page or attachment (bytes) to one :class:`Report`.

decode → parse once → find the content → one walk (text, tables, hidden and link spam) →
metadata from every line → spam runs and hijacked names → chrome → repeats → title, year,
agency, region → flags. Each step is a module of its own; this one only wires them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from parsers import attachments, meta, sheets, sniff, stats, vocab
from parsers.blocks import Line, Walker
from parsers.chrome import line_rule, strip_chrome
from parsers.content import expand_textareas, locate
from parsers.decode import decode
from parsers.errors import EmptyInput, NianbaoError, UnsupportedInput
from parsers.hidden import hidden_reason, hidden_selectors
from parsers.names import Places, doc_initials, strip_spam
from parsers.place import find_region
from parsers.record import Report
from parsers.regions import Region, registry
from parsers.repeats import collapse
from parsers.spam import SpamMatcher, matcher
from parsers.text import simplified, squash, visible_len

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_SHOWN_MIN = 500  # characters: a hidden element this large, and …
_SHOWN_SHARE = 0.5  # … holding this share of the page's text, is the page, hidden only until a script runs
_NAV_LINK_SHARE = 0.6  # a line this much link text, on a page without a content container, is a menu
_SHELL_TEXT = 200  # characters: less than this beside an <iframe> means the report is in the frame
# a page has tags; a scraper's saved text does not ("<中华人民共和国…格式>" is not a tag)
_HTML_TAG = re.compile(r"<(?:!doctype|html|head|body|div|p|br|table|span|a|meta|title|font|td|li)\b", re.I)
_SNIFF_CHARS = 20_000
_INLINE_TAGS = re.compile(r"</?(?:font|span|b|i|u|em|strong|small|big|sup|sub|a)\b[^>]*>", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_REDACTED = re.compile(r"[(（]\s*略\s*[)）]")
# "*" standing for digits: "* 年", "2*2*年", a table cell that is only "*"
_MASKED = re.compile(
    r"(?:^|[\s\t])\*+\s*(?=[年月日件条个项次%])|\d\*+\d|\d\*+(?=[年月日件条])|(?:^|\t)\*+(?:\t|$)", re.M)


@dataclass(slots=True)
class CleanOptions:
    """What the caller knows about a page besides its bytes."""

    url: str | None = None
    content_type: str | None = None  # the HTTP Content-Type header, if any
    region_hint: str | None = None  # the registry's region code for the portal the page came from
    where: str | None = None  # a path or URL naming the page in error messages
    # what the crawl knew of the page from where it was linked: ``title`` and ``published`` of its
    # list entry or detail page (an attachment takes them), ``cover`` (the page linked attachments
    # holding the report, so its own few lines are not the report)
    listing: dict | None = None


def clean_file(path: str | Path, options: CleanOptions | None = None) -> Report:
    """Clean a saved page from disk (``-`` is not handled here: the CLI reads stdin itself)."""
    options = options or CleanOptions()
    if options.where is None:
        options.where = str(path)
    return clean(Path(path).read_bytes(), options)


def clean(body: bytes, options: CleanOptions | None = None) -> Report:
    """Clean one page or attachment; raises a :class:`NianbaoError` subclass for unreadable input."""
    options = options or CleanOptions()
    if not body or not body.strip():
        raise EmptyInput("empty page", options.where, "the file has no content")
    kind = sniff.sniff(body)
    report = Report(url=options.url)  # pages replace it by their canonical URL
    if kind in (sniff.HTML, sniff.PDF, sniff.DOCX):
        try:
            if kind == sniff.HTML:
                _clean_html(body, options, report)
            else:
                _clean_attachment(body, kind, options, report)
        except NianbaoError:
            raise
        except (RecursionError, MemoryError, ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
            # a bug of ours on an input nobody foresaw: one line for the user, the cause kept for us
            raise NianbaoError(f"internal error while cleaning ({type(error).__name__}: {error})",
                               options.where, "please report this page") from error
    elif kind == sniff.OLE and attachments.is_word_binary(body):
        _clean_attachment(body, "doc", options, report)
    elif kind == sniff.OLE and sheets.is_excel_binary(body):
        _clean_attachment(body, "xls", options, report)
    elif kind == sniff.OLE:
        raise UnsupportedInput("legacy Office file (.ppt or other)", options.where,
                               "convert it to DOCX or PDF first (e.g. libreoffice --headless --convert-to docx)")
    elif kind == sniff.XLSX:
        _clean_attachment(body, "xlsx", options, report)
    else:
        raise UnsupportedInput(kind.removeprefix("binary:") + ", not a page", options.where,
                               "pass an HTML page, a PDF or a DOCX")
    if options.listing:
        _apply_listing(report, kind != sniff.HTML, options.listing)
    _add_stats(report)
    return report


def _add_stats(report: Report) -> None:
    """The report's tables as numbers (parsers/stats.py), read last: the year and the not-a-report
    verdict may come from the listing, and a page that is not a report has no statistics."""
    if not report.text or "not_a_report" in report.flags:
        return
    try:
        report.stats, flags = stats.extract(report.text, report.year)
    except (RecursionError, ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        # a bug in reading the tables must not cost the report its text: kept, without numbers,
        # and the flag says why (the page can be re-read by `nianbao reprocess` once fixed)
        report.stats, flags = [], [f"stats_failed:{type(error).__name__}"]
    for name in flags:
        report.flag(name)


_COVER_TEXT = 1000  # a cover page's clean text (metadata, title, 附件 line) is shorter than any report


def _apply_listing(report: Report, attachment: bool, listing: dict) -> None:
    """An attachment's record takes its detail page's title and date (a PDF's first line is
    rarely its title, and its file has no date); a cover page is not the report its attachments are."""
    if attachment:
        title = listing.get("title")
        if title and meta.is_report_title(title):
            report.title = title
            if "not_a_report" in report.flags:
                report.flags.remove("not_a_report")
            report.year = meta.year_in(title) or report.year
        if listing.get("published"):
            report.published = listing["published"]
        report.flag("attachment")
    elif listing.get("cover") and len(report.text) < _COVER_TEXT:
        report.flag("attachment_cover")
        report.flag("not_a_report")
    elif (listing.get("detail") and listing.get("title") and meta.is_report_title(listing["title"])
          and not (report.title and meta.is_report_title(report.title)) and len(report.text) >= _COVER_TEXT):
        # a page shown in a report page's <iframe>: the report, titled by the page that frames it
        report.title = listing["title"]
        report.year = meta.year_in(listing["title"]) or report.year
        report.published = report.published or listing.get("published")
        if "not_a_report" in report.flags:
            report.flags.remove("not_a_report")


def _clean_html(body: bytes, options: CleanOptions, report: Report) -> None:
    decoded = decode(body, options.content_type, options.where)
    report.encoding = decoded.encoding
    if decoded.replaced:
        report.flag("decode_errors")
    if not _HTML_TAG.search(decoded.text[:_SNIFF_CHARS]):
        _clean_plain_text(decoded.text, options, report)
        return
    root = _parse(_XML_DECLARATION.sub("", decoded.text, count=1), options, report)
    selectors = hidden_selectors(root)
    cache: dict[object, str | None] = {}
    page_text = visible_len(root.text_content())

    def is_hidden(el: object) -> str | None:
        if el not in cache:
            reason = hidden_reason(el, selectors)  # type: ignore[arg-type]
            if reason and visible_len(el.text_content()) > max(_SHOWN_MIN, _SHOWN_SHARE * page_text):  # type: ignore[attr-defined]
                # most of the page hidden until a script shows it (WeChat's #js_content is
                # visibility:hidden): injected spam is never the bulk of a page
                report.flag("hidden_body_shown")
                reason = None
            cache[el] = reason
        return cache[el]

    if expand_textareas(root):
        report.flag("textarea_expanded")
    container, _found_by = locate(root, is_hidden)
    spam = matcher()
    lines, removed = Walker(root, container, options.url, is_hidden, spam).run()
    for item in removed:
        target = report.spam_removed if item.spam else report.chrome_removed
        if item.spam or item.in_body:
            target.append({"text": item.text, "reason": item.reason})
    metas = meta.meta_tags(root)
    alts = [Line(squash(img.get("alt") or ""), False) for img in root.iter("img") if img.get("alt")]
    report.site_code = meta.site_code(lines + alts, metas)
    report.source = meta.source(lines, metas)
    report.url = meta.canonical_url(root, metas, options.url)
    report.published = meta.published(lines, metas, report.url)
    titles = meta.title_candidates(root, metas)
    body_lines = [line for line in lines if line.in_body] or lines
    if container.tag == "body":
        # no element holds the report (an iframe shell, a page of menus): link lines are navigation
        body_lines = _drop_navigation(body_lines, report)
        if root.find(".//iframe[@src]") is not None and sum(len(line.text) for line in body_lines) < _SHELL_TEXT:
            report.flag("content_in_iframe")
    _finish(report, body_lines, titles, lines, options, spam)
    if (container.find(".//img") is not None and "content_in_iframe" not in report.flags
            and _own_text(report) < _IMAGES_ONLY_TEXT):
        # the report published as scanned images: no words to archive (as a PDF without a text layer)
        report.flag("images_only")
        report.flag("not_a_report")


_IMAGES_ONLY_TEXT = 60  # characters a page has besides its title when its body is scanned images


def _own_text(report: Report) -> int:
    """Characters of the text outside its title and metadata lines (索引号, 发布日期 …)."""
    title = report.title or ""
    return sum(len(line) for line in report.text.split("\n")
               if line and line not in title and not line_rule(line) and "：" not in line[:8] and ":" not in line[:8])


def _drop_navigation(lines: list[Line], report: Report) -> list[Line]:
    kept = []
    for line in lines:
        if line.kind != "row" and line.link_chars >= _NAV_LINK_SHARE * len(line.text):
            report.chrome_removed.append({"text": line.text, "reason": "chrome:navigation"})
        else:
            kept.append(line)
    return kept


def _clean_plain_text(text: str, options: CleanOptions, report: Report) -> None:
    """A report saved as plain text (a scraper's output, seeds 000–004): each line a paragraph,
    "a | b |" lines read as table rows, labels and footers read as on a page."""
    lines = []
    for raw in text.splitlines():
        line = squash(raw)
        if not line or not line.strip("|"):
            continue  # the empty cells of a flattened table ("||||")
        if "|" in line.rstrip("|"):
            cells = [squash(c) for c in line.rstrip("|").split("|")]
            lines.append(Line("\t".join(cells).rstrip("\t"), True, "row"))
        elif line.endswith("|"):  # one cell of a table flattened one cell per line ("规章 |")
            lines.append(Line(squash(line.rstrip("|")), True, "row"))
        else:
            lines.append(Line(line, True))
    report.flag("plain_text")
    metas: dict[str, str] = {}
    report.site_code = meta.site_code(lines, metas)
    report.source = meta.source(lines, metas)
    report.published = meta.published(lines, metas, report.url)
    head = [line.text for line in lines[:8] if line.kind != "row" and not line_rule(line.text)][:6]
    joined = "".join(head[:2])  # seed 002 splits the agency and the title over two lines
    titles = [*head, joined] if head and meta.is_report_title(head[0]) else [joined, *head]
    _finish(report, lines, titles, lines, options, matcher())


def _parse(text: str, options: CleanOptions, report: Report) -> HtmlElement:
    """Parse once; a page nested deeper than libxml2's limit (2,048) would lose everything below
    it without an exception, so such a page is re-parsed with its inline formatting tags removed."""
    from lxml import html as lxml_html

    for attempt in (text, None):
        if attempt is None:
            attempt = _INLINE_TAGS.sub("", text)
            report.flag("markup_repaired")
        parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
        try:
            root = lxml_html.document_fromstring(attempt, parser=parser)
        except Exception as error:  # lxml raises ParserError / ValueError for documents with no element
            raise UnsupportedInput("no HTML content", options.where, str(error)) from None
        if not any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
            return root
    raise UnsupportedInput("markup nested too deep to read", options.where, "the page cannot be parsed")


def _clean_attachment(body: bytes, kind: str, options: CleanOptions, report: Report) -> None:
    extract = {sniff.PDF: attachments.pdf_lines, sniff.DOCX: attachments.docx_lines, "doc": attachments.doc_lines,
               "xlsx": sheets.xlsx_lines, "xls": sheets.xls_lines}[kind]
    pairs = extract(body, options.where)
    if pairs and pairs[0][0] in ("\x00catdoc", "\x00xls2csv"):
        report.flag("converted_by_" + pairs[0][0][1:])
        pairs = pairs[1:]
    report.encoding = kind
    report.flag("attachment")
    lines = [Line(text, True, "row" if is_row else "p") for text, is_row in pairs]
    if not lines:
        report.flag("no_text_layer" if kind == sniff.PDF else "no_content")
        return
    report.published = meta.signature_date(lines)
    titles = [lines[0].text] + ([lines[0].text + lines[1].text] if len(lines) > 1 else [])
    _finish(report, lines, titles, lines, options, matcher())


def _finish(report: Report, body_lines: list[Line], titles: list[str], all_lines: list[Line],
            options: CleanOptions, spam: SpamMatcher) -> None:
    """The steps shared by pages and attachments, from spam runs to flags."""
    # footer lines that name the site's owner (主办/版权所有/ICP): not friend-link lists of other counties
    footer = [line.text for line in all_lines if not line.in_body and line_rule(line.text) in ("sponsor", "icp")]
    region, places = _first_region(report, body_lines, titles, footer, options, spam)
    names = _Names()
    texts, rows = _strip_spam_lines(report, body_lines, places, spam, names)
    texts, rows, chrome_removed = strip_chrome(texts, rows)
    report.chrome_removed.extend(chrome_removed)
    texts, rows, repeats_removed, collapsed = collapse(texts, rows)
    report.chrome_removed.extend(repeats_removed)
    if collapsed:
        report.flag("repeated_body_collapsed")
    report.text = "\n".join(texts)
    report.title = _title(report, titles, places, spam, names)
    report.year = meta.year(report.title, [Line(t, True) for t in texts])
    clean_lines = [Line(t, True, "row" if r else "p") for t, r in zip(texts, rows, strict=True)]
    report.agency = _agency(report.title, clean_lines, report.source, meta.agency_label(all_lines))
    if region is None or report.year != region.year:
        named = [t for t in (report.title, report.agency) if t]
        found = find_region(report.site_code, options.region_hint, named + footer[-12:], texts, report.year)
        region = _Guess(found, report.year) if found else region
    if region and region.region:
        found = region.region
        report.region_code, report.province, report.city, report.county = (
            found.code, found.province, found.city, found.county)
    _flags(report, texts, rows, body_lines, names)


@dataclass(slots=True)
class _Names:
    """Name slots a spam run filled, and how many of them got the real name back."""

    hijacked: int = 0
    restored: int = 0


@dataclass(slots=True)
class _Guess:
    """A region found, and the year it was found for (a renamed county depends on it)."""

    region: Region | None
    year: int | None


def _first_region(report: Report, body_lines: list[Line], titles: list[str], footer: list[str],
                  options: CleanOptions, spam: SpamMatcher) -> tuple[_Guess | None, Places]:
    """A first region guess, from evidence spam cannot have touched (site code, hint) and from
    titles with spam runs cut out (a hijacked name leaves the rest of the title readable)."""
    plain_titles = [strip_spam(t, spam, Places()).text for t in titles]
    rough_year = meta.year(meta.choose_title(plain_titles), body_lines)
    region = find_region(report.site_code, options.region_hint, plain_titles[:3] + footer[-12:],
                         [line.text for line in body_lines], rough_year)
    if region is None:
        return None, _places_from_documents(body_lines, spam)
    return _Guess(region, rough_year), Places(region.county, region.city)


def _strip_spam_lines(report: Report, body_lines: list[Line], places: Places, spam: SpamMatcher,
                      names: _Names) -> tuple[list[str], list[bool]]:
    """Spam runs out of every body line (found in one pass), names restored where known."""
    texts, rows = [], []
    found = spam.runs_by_line([line.text for line in body_lines])
    for index, line in enumerate(body_lines):
        result = strip_spam(line.text, spam, places, found.get(index, []))
        report.spam_removed.extend(result.removed)
        names.hijacked += result.hijacked
        names.restored += result.restored
        if result.text:
            texts.append(result.text)
            rows.append(line.kind == "row")
    return texts, rows


def _title(report: Report, titles: list[str], places: Places, spam: SpamMatcher, names: _Names) -> str | None:
    """The chosen title with its spam removed and its name restored (its removals recorded)."""
    results = [strip_spam(t, spam, places) for t in titles]
    title = meta.choose_title([r.text for r in results if r.text])
    for result in results:
        if result.text == title:
            report.spam_removed.extend(result.removed)
            names.hijacked += result.hijacked
            names.restored += result.restored
            break
    return title


def _flags(report: Report, texts: list[str], rows: list[bool], body_lines: list[Line], names: _Names) -> None:
    if names.hijacked:
        report.flag("name_hijacked")
        if names.restored == names.hijacked:
            report.flag("name_restored")
    if _REDACTED.search(report.text):
        report.flag("redacted")
    if _MASKED.search(report.text):
        report.flag("digits_masked")
    opening = [t for t, r in zip(texts, rows, strict=True) if not r][:3]
    if not any(meta.is_report_title(t) for t in [report.title or "", *opening]) or _is_list_page(body_lines):
        report.flag("not_a_report")
    if not report.text:
        report.flag("no_content")


def _is_list_page(lines: list[Line]) -> bool:
    """A 年报 column's list page: several linked report titles and little prose of its own."""
    linked = [line for line in lines
              if line.kind != "row" and line.link_chars >= 0.6 * len(line.text) and meta.is_report_title(line.text)]
    # table rows count too: ASP.NET lists lay their entries out as a table (title cell, date cell);
    # a report's own tables never have a report's title in a cell
    linked += [line for line in lines if line.kind == "row"
               and any(meta.is_report_title(cell) and len(cell) <= 60 for cell in line.text.split("\t"))]
    prose = sum(len(line.text) - line.link_chars for line in lines if line.kind != "row")
    return len(linked) >= 3 and prose < 40 * len(linked)


def _agency(title: str | None, lines: list[Line], source: str | None, labelled: str | None) -> str | None:
    """The issuing body: the title's prefix when it names one, else the 发布机构 label, else the signature, else the
    来源 when it is a body of the titled region (灵山县政府信息公开领导小组办公室 compiled 灵山县's
    report), else the region's government."""
    prefix = meta.title_prefix(title)
    plain = simplified(prefix) if prefix else None
    is_place = bool(plain and (plain in registry().by_name or vocab.pattern("grammar", "region_only").search(plain)))
    if prefix and plain and not is_place and meta.agency_suffix().search(plain):
        return prefix
    if labelled:  # the 发布机构 of a 政府信息公开平台 metadata table
        return labelled
    signature = meta.signature_agency(lines)
    if signature and not vocab.pattern("grammar", "headless_agency").match(signature):
        return signature
    if prefix and is_place:
        if source and source.startswith(prefix) and len(source) > len(prefix) \
                and meta.agency_suffix().search(simplified(source)):
            return source
        grammar = vocab.load("grammar")
        subdistrict = plain and vocab.pattern("grammar", "region_only").search(plain).group() == "街道"
        return prefix + grammar["subdistrict_suffix" if subdistrict else "government_suffix"]
    return None


def _places_from_documents(lines: list[Line], spam: SpamMatcher) -> Places:
    """With no region known, a city-level document number next to a hijacked name (揭府办函 → 揭阳市)."""
    for line in lines:
        if not spam.runs(line.text):
            continue
        for initial in doc_initials(line.text):
            if len(initial) != 1:
                continue
            cities = registry().cities_by_initial(initial)
            if len(cities) == 1:
                return Places(None, cities[0].name)
    return Places()
