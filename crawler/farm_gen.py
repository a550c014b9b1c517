"""Generated portal sites for the farm: a portal.yaml ``site:`` block becomes the routes of a whole portal
(home, channel pages, paged lists in its CMS's style, report and other detail pages, attachments).

The site model is :mod:`crawler.farm_site`, report texts and files :mod:`crawler.farm_text`, ground truth
:mod:`crawler.farm_expect` and benchmark farms :mod:`crawler.farm_bench`; this module is also their command
line. Skins and texts are data in ``crawler/demo/_skins/``; the format is documented in ``tests/farm/README.md``.

    python -m crawler.farm_gen expect crawler/demo tests/farm   # rewrite every expect.yaml from its site
    python -m crawler.farm_gen bench /tmp/bench --portals 300    # write a benchmark farm
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

from crawler.farm_routes import content_type
from crawler.farm_site import Entry, Site, fill, number, texts
from crawler.farm_text import blocks_html, docx_bytes, pdf_bytes, redact, report_blocks


def site_routes(directory: Path, meta: dict) -> dict[str, dict[str, dict]]:
    """Host label ("" the main one) → path → route spec, for a portal.yaml with a ``site:`` block."""
    site = Site(directory, meta)
    routes: dict[str, dict[str, dict]] = {"": {}}
    main = routes[""]
    main["/"] = site.page(site.render("home", {"blocks": _home_blocks(site)}), site.values["site_name"], "")
    for path, spec in site.channels.items():
        links = site.links(spec.get("links") or [])
        body = site.render("channel", {"title": spec["title"], "links": links, "items": links})
        main[path] = site.page(body, spec["title"], site.crumbs(path), spec["title"])
    for path, spec in site.sections.items():
        _render_section(site, path, spec, routes)
    for entry in site.entries:
        _render_entry(site, entry, routes)
    main["/robots.txt"] = {"body": site.robots(), "content_type": "text/plain"}
    for title, url in _menu_links(site):  # a menu entry nobody described is an empty column, not a 404
        if url.startswith("/") and url not in main and "?" not in url:
            body = site.render("channel", {"title": title, "links": "", "items": ""})
            main[url] = site.page(body, title, site.crumbs(None, title), title)
    return routes


def _menu_links(site: Site) -> list[tuple[str, str]]:
    """[title, url] pairs of the navigation, the home blocks and the channels."""
    pairs = [tuple(p) for p in site.spec.get("nav") or []]
    for spec in [*(site.spec.get("home") or []), *site.channels.values()]:
        pairs += [tuple(link) for link in spec.get("links") or [] if not isinstance(link, str)]
    return pairs


def _home_blocks(site: Site) -> str:
    blocks = []
    for block in site.spec.get("home") or []:
        if "from" in block:
            entries = [e for e in site.by_section[block["from"]] if e.kind != "link"][:block.get("count", 6)]
            links = "".join(site.render("link", {"url": e.link, "title": e.title, "date": e.date})
                            for e in entries)
        else:
            links = site.links(block.get("links") or [])
        more = block.get("more") or block.get("from") or "/"
        blocks.append(site.render("home_block", {"title": block["title"], "url": more, "links": links}))
    return "\n".join(blocks)


def _render_section(site: Site, path: str, spec: dict, routes: dict) -> None:
    """A section's list pages in its CMS's paging style (see common.yaml's pagers)."""
    entries = site.by_section[path]
    pager = spec.get("pager") or site.skin["list_pager"]
    per_page = int(spec.get("per_page", 15))
    parent = site.parents.get(path, "/")
    siblings = site.links((site.channels.get(parent) or {}).get("links") or [])
    records = [{"title": e.title, "url": e.link, "date": e.date} for e in entries]

    def list_page(items: str, pager_html: str) -> dict:
        body = site.render("list", {"title": spec["title"], "items": items, "pager": pager_html,
                                        "parent": site.title_of(parent) if parent != "/" else "首页",
                                        "siblings": siblings})
        return site.page(body, spec["title"], site.crumbs(path), spec["title"])

    def items(chunk: list[Entry]) -> str:
        template = site.skin.get("item", site.skin["link"])
        out = []
        for e in chunk:
            url = "./" + e.link[len(path):] if site.skin.get("relative_links") and e.link.startswith(path) else e.link
            out.append(fill(template, {"url": url, "title": e.title, "date": e.date}))
        return "\n".join(out)

    chunks = [entries[i:i + per_page] for i in range(0, len(entries), per_page)] or [[]]
    main = routes[""]
    if pager in ("trs_script", "index_links"):
        ext = spec.get("ext") or site.skin.get("list_ext", "html")
        stem = site.skin.get("list_index", "index")
        names = [f"{stem}.{ext}" if i == 0 else f"{stem}_{i}.{ext}" for i in range(len(chunks))]
        for i, chunk in enumerate(chunks):
            if pager == "trs_script":
                paging = site.render("pager_trs_script", {"count": len(chunks), "current": i, "ext": ext})
            else:
                paging = _links_pager(site, names, i, len(entries))
            main[path + names[i]] = list_page(items(chunk), paging)
        main[path] = main[path + names[0]]
    elif pager == "query":  # ?page=N (or &pageNum=N) on a dynamic list
        param = spec.get("page_param", "page")
        sep = "&" if "?" in path else "?"
        urls = [path] + [f"{path}{sep}{param}={i + 1}" for i in range(1, len(chunks))]
        for i, chunk in enumerate(chunks):
            main[urls[i]] = list_page(items(chunk), _links_pager(site, urls, i, len(entries)))
        main[f"{path}{sep}{param}=1"] = main[path]
    elif pager == "dataproxy":  # Hanweb: first page inline, all records from dataproxy.jsp
        column, unit = str(spec["column"]), str(spec.get("unit", 4000 + number(path) % 5000))
        inline = "\n".join(fill(site.skin["hanweb_record"], r) for r in records[:per_page])
        shell = site.render("hanweb_list", {"column": column, "unit": unit, "records": inline,
                                               "per_page": per_page, "total": len(records)})
        main[path] = list_page("", shell)
        if path.endswith("/index.html"):
            main[path.removesuffix("index.html")] = main[path]
        proxy = main.setdefault("/module/web/jpage/dataproxy.jsp", {"dataproxy": {}})
        proxy["dataproxy"][column] = records
    elif pager == "json":  # a Vue shell calling /api/list?channelId=…
        channel = str(spec["channel"])
        main[path] = list_page("", site.render("json_list", {"channel": channel, "per_page": per_page}))
        api = main.setdefault("/api/list", {"json_list": {}})
        api["json_list"][channel] = records
    else:
        raise ValueError(f"unknown pager {pager!r} in section {path}")


def _links_pager(site: Site, urls: list[str], current: int, total: int) -> str:
    """首页 上一页 1 2 3 下一页 尾页 as plain links; on the last page 下一页 is the page itself."""
    last = len(urls) - 1
    numbers = " ".join(fill(site.skin["pager_current" if i == current else "pager_number"],
                            {"url": urls[i].rsplit("/", 1)[-1] if "?" not in urls[i] else urls[i], "n": i + 1})
                       for i in range(len(urls)))

    def short(i: int) -> str:
        return urls[i] if "?" in urls[i] else urls[i].rsplit("/", 1)[-1]

    return site.render("pager_links", {"total": total, "current1": current + 1, "count": len(urls),
                                           "first": short(0), "prev": short(max(current - 1, 0)),
                                           "next": short(min(current + 1, last)), "last": short(last),
                                           "numbers": numbers})


def _render_entry(site: Site, entry: Entry, routes: dict) -> None:
    """A detail page (generated, or a fixture file), its attachment and its redirect."""
    raw = entry.raw
    if entry.kind == "link" or raw.get("missing"):
        return
    main = routes[""]
    options = {k: raw[k] for k in ("status", "fail_first", "headers", "charset") if k in raw}
    if "route" in raw:
        main[entry.path] = {**raw["route"], **options}
    elif raw.get("file") and not raw.get("attachment"):
        main[entry.path] = {"file": raw["file"], **options}
    else:  # rendered on first request: a benchmark farm has thousands of pages, most read once
        main[entry.path] = {**site.encode(""), "body": lambda: _detail_page(site, entry)["body"], **options}
    if entry.attachment:
        routes.setdefault(entry.host, {})[entry.attachment] = _attachment(site, entry)
    if entry.link != entry.path:
        main[entry.link] = {"redirect": entry.path, "status": raw.get("via_status", 302)}


def _detail_page(site: Site, entry: Entry) -> dict:
    raw = entry.raw
    if entry.attachment:
        url = (f"{{{{origin:{entry.host}}}}}" if entry.host else "") + entry.attachment
        body = site.render("attachment_body", {"title": entry.title, "url": url,
                                                   "file_name": entry.title + "." + entry.attachment.rsplit(".")[-1]})
    elif entry.kind == "other":
        body = _other_body(site, entry)
    else:
        blocks = _report_blocks_of(site, entry)
        if entry.kind == "mirror":
            blocks = redact(blocks, random.Random(number("mirror", site.meta["id"], entry.title)))
        body = blocks_html(blocks)
    if raw.get("spam"):
        head, _, rest = body.partition("</p>")
        body = head + "</p>" + site.skin["spam_hidden"] + rest + site.skin["spam_footer"]
    related = [e for e in site.by_section.get(entry.section, []) if e is not entry and e.kind != "link"][:3]
    values = {**site.values, **entry.values, "title": entry.title, "date": entry.date, "body": body,
              "time": f"{9 + number(entry.title) % 8}:{number(entry.date) % 60:02d}",
              "source": entry.agency or raw.get("source") or site.values["site_name"],
              "index_no": f"{site.values['region_code']}-{entry.values['id6']}/{entry.date[:4]}-{entry.values['id4']}",
              "id": entry.values["id5"], "hits": 10 + number(entry.path) % 500,
              "related": "".join(site.render("link", {"url": e.link, "title": e.title, "date": e.date})
                                 for e in related)}
    metas = "\n".join(f'<meta name="{k}" content="{v}" />' for k, v in (
        ("ArticleTitle", entry.title), ("PubDate", f"{entry.date} {values['time']}"),
        ("ContentSource", values["source"])))
    crumbs = site.crumbs(entry.section if entry.section != "/" else None, "正文")
    column = site.title_of(entry.section)
    return site.page(fill(site.skin["detail"], values), entry.title, crumbs, column, metas)


def _other_body(site: Site, entry: Entry) -> str:
    kind = entry.raw.get("kind", "news")
    alternatives = texts("other")[kind]
    d = dt.date.fromisoformat(entry.date)
    text = fill(alternatives[number(entry.title) % len(alternatives)], {
        "title": entry.title, "agency": entry.raw.get("agency") or f"{site.place}人民政府办公室",
        "place": site.place, "year": entry.raw.get("about", d.year), "date": entry.date,
        "date_cn": f"{d.year}年{d.month}月{d.day}日"})
    return "\n".join(f"<p>{part}</p>" for part in text.split("\n") if part)


def _report_blocks_of(site: Site, entry: Entry) -> list[tuple]:
    place = entry.raw.get("place") or site.place
    d = dt.date.fromisoformat(entry.date)
    return report_blocks(entry.agency or "", place, int(entry.year or d.year - 1), d)


def _attachment(site: Site, entry: Entry) -> dict:
    source = str(entry.raw["attachment"])
    kind = content_type("x." + entry.attachment.rsplit(".", 1)[-1].lower())
    if source in ("pdf", "docx"):
        def make() -> bytes:  # made on first request: start-up stays fast with hundreds of portals
            blocks = _report_blocks_of(site, entry)
            return pdf_bytes(entry.title, blocks) if source == "pdf" else docx_bytes(entry.title, blocks)

        return {"body": make, "content_type": kind}
    return {"file": source, "content_type": kind}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.farm_gen", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    expect = sub.add_parser("expect", help="rewrite expect.yaml of every generated portal")
    expect.add_argument("roots", nargs="+")
    bench = sub.add_parser("bench", help="write a farm of many generated portals")
    bench.add_argument("out")
    bench.add_argument("--portals", type=int, default=300)
    bench.add_argument("--years", type=int, default=17)
    bench.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "expect":
        from crawler.farm_expect import write_expectations

        for path in write_expectations(args.roots):
            print(path)
    else:
        from crawler.farm_bench import write_bench

        reports = write_bench(Path(args.out), args.portals, random.Random(args.seed), args.years)
        print(f"{args.portals} portals, {reports} reports in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
