"""Generated portal sites for the farm: a portal.yaml ``site:`` block becomes the routes of a whole portal
(home, channel pages, paged lists in its CMS's style, report and other detail pages, attachments) and its
ground truth (expect.yaml). Skins and texts are data in ``crawler/demo/_skins/``; the format is documented
in ``tests/farm/README.md``.

    python -m crawler.farm_gen expect crawler/demo tests/farm   # rewrite every expect.yaml from its site
    python -m crawler.farm_gen bench /tmp/bench --portals 300    # write a benchmark farm
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

SKINS = Path(__file__).parent / "demo" / "_skins"


def load_yaml(text: str) -> object:
    """YAML through libyaml when it is there: the farm reads a few hundred files at start-up."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


_FILL = re.compile(r"\{\{([a-z0-9_]+)\}\}")
_GBK = ("gbk", "gb2312", "gb18030")


def fill(template: str, values: dict) -> str:
    """``{{name}}`` → values[name]; ``{{origin}}`` and ``{{origin:label}}`` are left for the server."""

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name in values:
            return str(values[name])
        if name == "origin":
            return match.group(0)
        raise KeyError(f"template needs {{{{{name}}}}}")

    return _FILL.sub(one, template)


@cache
def skin(name: str) -> dict:
    """A skin's templates over the common ones (common.yaml)."""
    common = load_yaml((SKINS / "common.yaml").read_text(encoding="utf-8"))
    own = load_yaml((SKINS / f"{name}.yaml").read_text(encoding="utf-8"))
    return {**common, **own}


@cache
def texts(name: str) -> dict:
    return load_yaml((SKINS / f"{name}.yaml").read_text(encoding="utf-8"))


def number(*parts: object) -> int:
    """A stable number from its parts: ids in URLs must not change between runs."""
    return int.from_bytes(hashlib.sha1("|".join(map(str, parts)).encode()).digest()[:8], "big")


@dataclass(slots=True)
class Entry:
    """One thing a list links to: a report (kind report), a mirror copy, or any other page (kind other)."""

    kind: str
    title: str
    date: str  # YYYY-MM-DD
    path: str  # where the page is served
    link: str  # what lists link to: the path, or a path that redirects to it
    section: str
    raw: dict
    year: int | None = None
    agency: str | None = None
    attachment: str | None = None  # the attachment's path, served by host `host`
    host: str = ""

    @property
    def values(self) -> dict:
        d = dt.date.fromisoformat(self.date)
        n = number(self.section, self.title, self.date)
        return {"y": d.year, "m": d.month, "d": d.day, "yyyymm": f"{d:%Y%m}", "yyyymmdd": f"{d:%Y%m%d}",
                "mmdd": f"{d:%m%d}", "id4": 1000 + n % 9000, "id5": 10000 + n % 90000, "id6": 100000 + n % 900000,
                "id7": 1000000 + n % 9000000, "id12": f"{n % 10 ** 12:012d}", "hex32": f"{n:016x}" * 2,
                "hex8": f"{n:016x}"[:8], "section": self.section}


class Site:
    """A portal's ``site:`` block, resolved: names, the section entries, and the page tree."""

    def __init__(self, directory: Path, meta: dict) -> None:
        from parsers.regions import registry

        self.dir = directory
        self.meta = meta
        self.spec = meta["site"]
        self.skin = skin(self.spec.get("skin", "trs"))
        self.charset = self.spec.get("charset", "utf-8")
        code = str(meta.get("region_code") or self.spec.get("region_code") or "")
        region = registry().region(code) if code else None
        self.place = self.spec.get("place") or (region.name if region else meta["name"])
        self.channels: dict[str, dict] = self.spec.get("channels") or {}
        self.sections: dict[str, dict] = self.spec.get("sections") or {}
        self.parents = self._parents()
        self.values = {
            "site_name": self.spec.get("site_name", meta["name"]), "place": self.place, "charset": self.charset,
            "domain": self.spec.get("domain", f"www.{meta['id']}.gov.cn"), "region_code": code or "000000",
            "site_code": self.spec.get("site_code", f"{code or '000000'}0001"), "webid": self.spec.get("webid", 1),
            "icp": self.spec.get("icp", "ICP备05000000号"), "gongan": self.spec.get("gongan", ""),
        }
        self.entries: list[Entry] = []
        self.by_section: dict[str, list[Entry]] = {}
        for section, spec in self.sections.items():
            self.by_section[section] = [self._entry(section, raw) for raw in spec.get("items") or []]

    # -- entries ------------------------------------------------------------------------------------------
    def _entry(self, section: str, raw: dict) -> Entry:
        """An item of a list, its defaults filled: agency, title, date, paths."""
        if raw.get("same_as"):  # a second listing of a page listed elsewhere: one page, one report
            same = next(e for e in self.entries if e.path == raw["same_as"])
            return Entry("link", same.title, same.date, same.path, same.link, section, raw)
        year = raw.get("year")
        fixture = self._fixture_expect(raw.get("file"))
        title = raw.get("title") or fixture.get("title")
        if year is None and raw.get("kind") in (None, "report", "mirror") and "title" not in raw:
            year = fixture.get("year")
        kind = "mirror" if raw.get("mirror_of") else ("report" if year is not None and
                                                        raw.get("kind", "report") == "report" else "other")
        agency = raw.get("agency") or self.spec.get("agency") or f"{self.place}人民政府办公室"
        if kind == "mirror":
            official = self.official(raw["mirror_of"])
            title, agency, year = official.title, official.agency, official.year
            raw = {**raw, "date": raw.get("date") or official.date, "place": official.raw["place"],
                   "region_code": official.raw["region_code"]}
        if title is None:
            title = f"{agency}{year}年政府信息公开工作年度报告"
        date = str(raw.get("date") or self._default_date(year, title))
        entry = Entry(kind, title, date, "", "", section, raw, year, agency if kind != "other" else None)
        template = (self.sections.get(section) or {}).get("detail_path") or self.skin["detail_path"]
        code = raw.get("region_code", self.values["region_code"])  # a mirror files a copy under its region
        entry.path = raw.get("path") or fill(template, {**entry.values, **self._section_values(section),
                                                        "region_code": code})
        entry.link = raw.get("via") or entry.path
        if raw.get("attachment"):
            ext = raw.get("ext") or Path(str(raw["attachment"])).suffix.lstrip(".") or str(raw["attachment"])
            entry.attachment = raw.get("attachment_path") or fill(self.skin["attachment_path"],
                                                                  {**entry.values, "ext": ext})
            entry.host = raw.get("host", "")
        self.entries.append(entry)
        return entry

    def _fixture_expect(self, file: str | None) -> dict:
        """Title and year of a reused fixture page, from its .expect.yaml beside it (when there is one)."""
        if not file:
            return {}
        path = (self.dir / file).resolve()
        expect = path.with_name(path.name.split(".")[0] + ".expect.yaml")
        if not expect.is_file():
            return {}
        return load_yaml(expect.read_text(encoding="utf-8")).get("record") or {}

    @staticmethod
    def _default_date(year: int | None, title: str) -> str:
        """Reports come out in January–March of the next year (by 31 January since the 2019 rules)."""
        n = number(title)
        if year is None:
            return f"{2024 - n % 3}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        month = 1 if year >= 2018 else 1 + n % 3
        return f"{year + 1}-{month:02d}-{10 + n % 19:02d}"

    def _section_values(self, section: str) -> dict:
        spec = self.sections.get(section) or {}
        return {"column": spec.get("column", 1000 + number(section) % 9000)}

    def official(self, ref: dict) -> Entry:
        """The entry a mirror copies: another portal's report with this year (and agency)."""
        other = self.dir.parent / ref["portal"]
        site = Site(other, load_yaml((other / "portal.yaml").read_text(encoding="utf-8")))
        for entry in site.entries:
            if entry.kind == "report" and entry.year == ref["year"] and ref.get("agency", entry.agency) == \
                    entry.agency and not entry.raw.get("file"):
                entry.raw = {**entry.raw, "portal": ref["portal"], "place": site.place,
                             "region_code": site.values["region_code"]}
                return entry
        raise KeyError(f"no generated {ref['year']} report of {ref.get('agency', '')} in {ref['portal']}")

    def render(self, template: str, values: dict) -> str:
        """One of the skin's templates, filled with the site's names and ``values``."""
        return fill(self.skin[template], {**self.values, **values})

    def robots(self) -> str:
        return self.spec.get("robots", self.skin["robots"])

    def encode(self, html: str) -> dict:
        """A page's route: its bytes in the site's encoding (GBK pages are written as gb18030, so 镕 survives)."""
        codec = "gb18030" if self.charset.lower() in _GBK else self.charset
        spec: dict = {"body": html.encode(codec)}
        if self.spec.get("http_charset"):
            spec["charset"] = self.spec["http_charset"]
        return spec

    def page(self, main: str, title: str, crumbs: str, column: str = "", metas: str = "") -> dict:
        nav = "".join(self.render("nav_item", {"url": u, "title": t}) for t, u in self.spec.get("nav") or [])
        return self.encode(self.render("layout", {"main": main, "page_title": title, "nav": nav,
                                                      "crumbs": crumbs, "column": column, "column_name": column,
                                                      "metas": metas}))

    def links(self, targets: list, entries: bool = False) -> str:
        """Link items for channel/section paths (titled by their own title) or [title, url] pairs."""
        out = []
        for target in targets:
            title, url = (self.title_of(target), target) if isinstance(target, str) else target
            out.append(self.render("link", {"url": url, "title": title, "date": ""}))
        return "".join(out)

    def _parents(self) -> dict[str, str]:
        """Each channel or section's parent: the first channel listing it, else the home page."""
        parents: dict[str, str] = {}
        for path, spec in self.channels.items():
            for link in spec.get("links") or []:
                target = link if isinstance(link, str) else link[1]
                parents.setdefault(target, path)
        return parents

    def title_of(self, path: str) -> str:
        spec = self.channels.get(path) or self.sections.get(path)
        return spec["title"] if spec else path

    def crumbs(self, path: str | None, last: str | None = None) -> str:
        chain = []
        while path and path != "/":
            chain.append((path, self.title_of(path)))
            path = self.parents.get(path)
        chain.append(("/", "首页"))
        links = [self.render("crumb", {"url": u, "title": t}) for u, t in reversed(chain)]
        return self.skin["crumb_sep"].join(links + ([last] if last else []))



# -- pages ----------------------------------------------------------------------------------------------------

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
    from crawler.farm import content_type

    kind = content_type("x." + entry.attachment.rsplit(".", 1)[-1].lower())
    if source in ("pdf", "docx"):
        def make() -> bytes:  # made on first request: start-up stays fast with hundreds of portals
            blocks = _report_blocks_of(site, entry)
            return pdf_bytes(entry.title, blocks) if source == "pdf" else docx_bytes(entry.title, blocks)

        return {"body": make, "content_type": kind}
    return {"file": source, "content_type": kind}


# -- report text ----------------------------------------------------------------------------------------------

Cell = tuple[str, int, int]  # text, rowspan, colspan


def report_blocks(agency: str, place: str, year: int, signed: dt.date) -> list[tuple]:
    """A plausible 年报 (annual report) as blocks ("p"|"h"|"sign", text) and ("table", rows of cells).

    Seeded by agency and year only, so a mirror regenerating the same report gets the same text."""
    rng = random.Random(f"{agency}|{year}")
    data = texts("report")
    county_level = agency.startswith(place) and agency.endswith(("人民政府", "人民政府办公室"))
    scale = 1.0 if county_level else 0.08
    numbers = {k: max(0, int(rng.randint(lo, hi) * (scale if big else 1))) for k, (lo, hi, big) in {
        "active": (3000, 30000, True), "web": (2000, 20000, True), "other": (200, 4000, True),
        "org": (50, 400, True), "policy": (20, 300, True), "plan": (5, 60, True), "biz": (500, 9000, True),
        "visits": (50, 3000, True), "paper": (100, 2000, True), "staff": (1, 5, False),
        "meetings": (2, 8, False), "trainings": (1, 6, False), "trainees": (40, 300, False),
        "readings": (5, 90, True), "carried": (0, 3, False), "cleaned": (3, 60, True), "columns": (20, 40, False),
        "checks": (2, 12, False), "issues": (3, 80, False), "review": (0, 3, False), "suits": (0, 2, False)}.items()}
    apps = [rng.randint(0, int(40 * scale) + 2)] + [rng.randint(0, int(6 * scale) + 1) for _ in range(5)]
    numbers.update(apps=sum(apps), apps_face=apps[0] // 2, apps_net=sum(apps) - apps[0] // 2 - apps[0] // 4,
                   apps_mail=apps[0] // 4, granted=sum(apps) - sum(apps) // 3, partly=sum(apps) // 6,
                   absent=sum(apps) // 3 - sum(apps) // 6)
    unit = place if county_level else agency
    values = {"agency": agency, "place": place, "unit": unit, "year": year, "next_year": year + 1, **numbers}

    def pick(alternatives: list[str]) -> str:
        return fill(rng.choice(alternatives), values)

    blocks: list[tuple] = []
    if year < 2019:
        old = data["old"]
        blocks.append(("p", pick(old["opening"])))
        for part in old["parts"]:
            blocks += [("h", part["h"]), ("p", pick(part["p"]))] + ([("p", pick(part["p2"]))] if "p2" in part else [])
    else:
        new = data["new"]
        blocks.append(("p", pick(new["opening"])))
        blocks += [("h", b["h"]) if "h" in b else ("p", pick(b["p"])) for b in new["overview"]]
        blocks += [("h", new["active_heading"]), ("table", _active_table(new, rng, scale)),
                   ("h", new["apply_heading"]), ("table", _apply_table(new, apps, numbers["carried"], rng)),
                   ("h", new["review_heading"]), ("table", _review_table(new, numbers))]
        blocks += [("h", b["h"]) if "h" in b else ("p", pick(b["p"])) for b in new["closing"]]
    return [*blocks, ("sign", agency), ("sign", f"{signed.year}年{signed.month}月{signed.day}日")]


def _active_table(new: dict, rng: random.Random, scale: float) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[(new["title_20"], 1, 4)]]
    for group in new["active_rows"]:
        head = group["header"]
        rows.append([(h, 1, 1) for h in head] if head[2] else [(head[0], 1, 1), (head[1], 1, 3)])
        for label in group["rows"]:
            if head[2]:
                rows.append([(label, 1, 1)] + [(str(int(rng.randint(0, 30) * max(scale, 0.2))), 1, 1)
                                               for _ in range(3)])
            else:
                rows.append([(label, 1, 1), (str(int(rng.randint(0, 900) * scale)), 1, 3)])
    return rows


def _apply_table(new: dict, apps: list[int], carried: int, rng: random.Random) -> list[list[Cell]]:
    head = new["apply_head"]
    rows: list[list[Cell]] = [[(head[0], 3, 3), (head[1], 1, 7)],
                              [(head[2][0], 2, 1), (head[2][1], 1, 5), (head[2][2], 2, 1)],
                              [(h, 1, 1) for h in head[3]]]
    labels = new["apply_rows"]
    results = [i for i, lab in enumerate(labels) if len(lab) > 1 and lab[-1] != labels[-2][-1]]
    counts = {i: [0] * 6 for i in range(len(labels))}
    counts[0] = list(apps)
    counts[1][0] = carried  # 上年结转: carried over from last year, all from natural persons
    for column, n in enumerate(apps):
        n += counts[1][column]
        for _ in range(n):
            counts[rng.choice(results[:1] * 4 + results)][column] += 1
    counts[len(labels) - 2] = [sum(counts[i][c] for i in results) for c in range(6)]  # （七）总计
    for i, label in enumerate(labels):
        cells: list[Cell] = []
        if len(label) == 1:
            cells.append((label[0], 1, 3))
        else:
            if i == 0 or labels[i - 1][0] != label[0]:
                cells.append((label[0], sum(1 for x in labels if x[0] == label[0] and len(x) > 1), 1))
            if len(label) == 2:
                cells.append((label[1], 1, 2))
            else:
                if labels[i - 1][:2] != label[:2]:
                    cells.append((label[1], sum(1 for x in labels if x[:2] == label[:2]), 1))
                cells.append((label[2], 1, 1))
        values = counts[i]
        rows.append(cells + [(str(v), 1, 1) for v in [*values, sum(values)]])
    return rows


def _review_table(new: dict, numbers: dict) -> list[list[Cell]]:
    head = new["review_head"]
    review, suits = numbers["review"], numbers["suits"]
    rows: list[list[Cell]] = [[(head[0][0], 1, 5), (head[0][1], 1, 10)],
                              [(h, 2, 1) for h in head[2]] + [(head[1][0], 1, 5), (head[1][1], 1, 5)],
                              [(h, 1, 1) for h in head[2]] * 2]
    values = [review, 0, 0, 0, review, suits, 0, 0, 0, suits, 0, 0, 0, 0, 0]
    rows.append([(str(v), 1, 1) for v in values])
    return rows


def blocks_html(blocks: list[tuple]) -> str:
    out = []
    for kind, value in blocks:
        if kind == "table":
            rows = "\n".join("<tr>" + "".join(_td(*cell) for cell in row) + "</tr>" for row in value)
            out.append('<table border="1" cellspacing="0" cellpadding="0" width="100%" '
                       f'style="border-collapse:collapse">\n<tbody>\n{rows}\n</tbody>\n</table>')
        elif kind == "h":
            out.append(f'<p style="text-indent:2em"><strong>{value}</strong></p>')
        elif kind == "sign":
            out.append(f'<p style="text-align:right">{value}</p>')
        else:
            out.append(f'<p style="text-indent:2em">{value}</p>')
    return "\n".join(out)


def _td(text: str, rowspan: int, colspan: int) -> str:
    spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{spans}><p>{text}</p></td>"


def redact(blocks: list[tuple], rng: random.Random) -> list[tuple]:
    """A mirror's damage: one paragraph's last sentence becomes （略）, some digits become "*"."""
    mark = texts("report")["redacted"]
    out = list(blocks)
    paragraphs = [i for i, (k, v) in enumerate(out) if k == "p" and v.count("。") >= 2]
    if paragraphs:
        i = paragraphs[-1]
        sentences = out[i][1].rstrip("。").split("。")
        out[i] = ("p", "。".join(sentences[:-1]) + "。" + mark)
    for i, (kind, value) in enumerate(out):
        if kind == "p" and re.search(r"\d{3,}", value):
            out[i] = ("p", re.sub(r"(\d)\d(\d)", r"\1*\2", value, count=1))
            break
    tables = [i for i, (k, _) in enumerate(out) if k == "table"]
    if tables:
        i = rng.choice(tables)
        rows = [list(r) for r in out[i][1]]
        numeric = [(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if cell[0].isdigit()]
        for r, c in rng.sample(numeric, min(2, len(numeric))):
            text, rs, cs = rows[r][c]
            rows[r][c] = ("*" * len(text), rs, cs)
        out[i] = ("table", rows)
    return out


def _spans(rows: list[list[Cell]]) -> list[tuple[int, int, int, int]]:
    """Where each cell sits: (row, column, rowspan, colspan), skipping slots that spans above cover."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c = 0
        for _text, rs, cs in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, rs, cs))
            taken.update((r + dr, c + dc) for dr in range(rs) for dc in range(cs))
            c += cs
    return out


def grid(rows: list[list[Cell]]) -> list[list[str]]:
    """Rows with spans laid out as a full grid, a merged cell's text in every slot it covers."""
    placed: dict[tuple[int, int], str] = {}
    cells = [cell for row in rows for cell in row]
    for (r, c, rs, cs), (text, _, _) in zip(_spans(rows), cells, strict=True):
        placed.update({(r + dr, c + dc): text for dr in range(rs) for dc in range(cs)})
    width = max(c for _, c in placed) + 1
    return [[placed.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def docx_bytes(title: str, blocks: list[tuple]) -> bytes:
    """The report as a Word file (python-docx): paragraphs, and tables as full grids (a merged cell's text in
    each slot; the fixture DOCX files cover real merged cells, and merging here costs seconds per file)."""
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(title)
    for kind, value in blocks:
        if kind != "table":
            document.add_paragraph(value)
            continue
        full = grid(value)
        table = document.add_table(rows=len(full), cols=len(full[0]))
        table.style = "Table Grid"
        cells = table._cells  # one pass; table.cell(r, c) walks the whole table each time
        for r, row in enumerate(full):
            for c, text in enumerate(row):
                cells[r * len(row) + c].text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(title: str, blocks: list[tuple]) -> bytes:
    """The report as a PDF with a Chinese text layer, written by hand: the STSong-Light CID font with the
    UniGB-UCS2-H encoding (not embedded, as reportlab writes it), table rows as lines of cells."""
    lines: list[tuple[int, str]] = [(16, title)]
    for kind, value in blocks:
        texts_ = ["  ".join(cell for cell in row) for row in grid(value)] if kind == "table" else [value]
        for text in texts_:
            lines += [(11, text[i:i + 42]) for i in range(0, len(text), 42)] or [(11, "")]
    pages = [lines[i:i + 46] for i in range(0, len(lines), 46)]
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "",
               "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
               "/DescendantFonts [4 0 R] >>",
               "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
               "/Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 >>",
               "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
               "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"]
    kids = []
    for page in pages:
        y, ops = 800, []
        for size, text in page:
            ops.append(f"BT /F1 {size} Tf 1 0 0 1 56 {y} Tm <{text.encode('utf-16-be').hex()}> Tj ET")
            y -= size + 5
        stream = "\n".join(ops)
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >>"
                       f" >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


# -- ground truth ---------------------------------------------------------------------------------------------

EXPECT_HEADER = """\
# Ground truth of this portal, written by `python -m crawler.farm_gen expect` from portal.yaml's site block
# (format: tests/farm/README.md). reports: what a correct crawl stores, each exactly once; mirror_of: copies
# that must merge into the official report; not_reports: pages that must never become reports (status: when
# not 200); never_fetched: robots.txt-disallowed paths; blocked: every path answers a WAF challenge, and
# behind_waf lists what it hides (each path answers the challenge's status).
"""


def expectations(directory: Path, meta: dict) -> dict:
    """What a correct crawl of a generated site stores, merges, skips and never fetches."""
    site = Site(directory, meta)
    disallowed = [line.split(":", 1)[1].strip() for line in site.robots().splitlines()
                  if line.lower().startswith("disallow:") and line.split(":", 1)[1].strip()]
    reports, mirrors, others, never, hidden = [], [], [], [], []
    for entry in site.entries:
        if entry.kind == "link":
            continue
        paths = [p for p in (entry.link, entry.path) if p] + ([entry.attachment] if entry.attachment and
                                                              not entry.host else [])
        if any(p.startswith(d) for p in paths for d in disallowed):
            never += [p for p in dict.fromkeys(paths) if any(p.startswith(d) for d in disallowed)]
            continue
        if meta.get("waf"):  # reports or not, nothing behind the challenge can be read
            hidden.append({"path": entry.link, "title": entry.title, "status": meta["waf"]})
            continue
        status = entry.raw.get("expect_status")
        if entry.kind == "other" or status:
            item = {"path": entry.link, "title": entry.title}
            if status:
                item["status"] = status
            others.append(item)
            continue
        item = {"path": entry.attachment or entry.path, "title_contains": entry.title, "year": entry.year}
        if entry.attachment:
            item["page"] = entry.path
            if entry.host:
                item["host"] = entry.host
        if entry.link != entry.path:
            item["via"] = entry.link
        if entry.raw.get("fail_first"):
            item["fails_first"] = entry.raw["fail_first"]  # answers 500 that many times: a crawler must retry
        if entry.kind == "mirror":
            official = site.official(entry.raw["mirror_of"])
            item["of"] = {"portal": entry.raw["mirror_of"]["portal"], "path": official.attachment or official.path}
            mirrors.append(item)
        else:
            reports.append(item)
    truth: dict = {"portal": meta["id"]}
    if meta.get("waf"):
        truth["blocked"] = True
    truth.update(reports=reports, mirror_of=mirrors, not_reports=others, never_fetched=never)
    if hidden:
        truth["behind_waf"] = hidden
    return truth


def write_expectations(roots: list[str]) -> list[Path]:
    """Rewrite expect.yaml of every portal that has a site block."""
    written = []
    for root in roots:
        for directory in sorted(p for p in Path(root).iterdir() if (p / "portal.yaml").is_file()):
            meta = load_yaml((directory / "portal.yaml").read_text(encoding="utf-8"))
            if not meta.get("site"):
                continue
            text = yaml.safe_dump(expectations(directory, meta), allow_unicode=True, sort_keys=False, width=200)
            (directory / "expect.yaml").write_text(EXPECT_HEADER + text, encoding="utf-8")
            written.append(directory / "expect.yaml")
    return written


# -- benchmark farms ------------------------------------------------------------------------------------------

_BENCH_SECTIONS = {  # skin → (年报 section path, its options); every site: home → 政务公开 → 政府信息公开 → section
    "trs": ("/zwgk/zfxxgknb/", {}), "jyh": ("/xxgk/zfxxgknb/", {}), "vue": ("/zfxxgk/zfxxgknb/", {"channel": 12}),
    "hanweb": ("/col/col4021/index.html", {"column": 4021}), "asp": ("/Article/List.asp?ClassID=13", {}),
}
_BENCH_DEPARTMENTS = ("教育局", "卫生健康局", "财政局", "民政局", "自然资源局", "交通运输局")


def bench_portal(index: int, code: str, place: str, rng: random.Random, years: int = 17) -> dict:
    """portal.yaml of one benchmark portal: a real county, a random CMS, a 年报 column of ``years`` years
    (2008 onwards), two department reports and two pages that are not reports."""
    skin_name = rng.choice(sorted(_BENCH_SECTIONS))
    section, options = _BENCH_SECTIONS[skin_name]
    items: list[dict] = [{"year": y, "title": f"{place}{y}年政府信息公开工作年度报告", "agency": f"{place}人民政府"}
                         for y in range(2008 + years - 1, 2007, -1)]
    for department in rng.sample(_BENCH_DEPARTMENTS, 2):
        items.insert(rng.randrange(len(items)), {"year": 2008 + years - 1 - rng.randrange(3),
                                                 "agency": place + department})
    items.insert(rng.randrange(len(items)), {"title": f"{place}2023年政务公开工作要点", "kind": "plan",
                                             "date": "2023-04-10", "about": 2023})
    items.insert(rng.randrange(len(items)), {"title": f"{place}2022年度县级部门决算公开", "kind": "budget",
                                             "date": "2023-08-22", "about": 2022})
    hub, catalogue = ("/Article/List.asp?ClassID=3", "/Article/List.asp?ClassID=11") if skin_name == "asp" else (
        "/zwgk/", "/zwgk/xxgk/")
    return {"id": f"p{index:04d}", "name": f"{place}人民政府", "region_code": code, "kind": "portal",
            "cms": f"generated ({skin_name})",
            "site": {"skin": skin_name, "charset": "gb2312" if skin_name in ("trs", "jyh") and rng.random() < 0.5
                     else "utf-8", "nav": [["首页", "/"], ["政务公开", hub]],
                     "home": [{"title": "政务公开", "more": hub, "links": [hub]}],
                     "channels": {hub: {"title": "政务公开", "links": [catalogue]},
                                  catalogue: {"title": "政府信息公开", "links": [section]}},
                     "sections": {section: {"title": "政府信息公开年报", "per_page": 10, **options, "items": items}}}}


def write_bench(out: Path, portals: int, rng: random.Random, years: int = 17) -> int:
    """Write a farm of ``portals`` generated portals (distinct real counties) under ``out``; returns the
    number of reports a correct crawl stores."""
    from parsers.regions import registry

    counties = sorted((rows[-1].code, rows[-1].name) for rows in registry().by_code.values()
                      if rows[-1].level == "county" and rows[-1].valid_to is None and rows[-1].name.endswith("县"))
    rng.shuffle(counties)
    reports = 0
    for index, (code, place) in enumerate(counties[:portals]):
        directory = out / f"p{index:04d}"
        directory.mkdir(parents=True, exist_ok=True)
        meta = bench_portal(index, code, place, rng, years)
        (directory / "portal.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
        truth = expectations(directory, meta)
        (directory / "expect.yaml").write_text(EXPECT_HEADER + yaml.safe_dump(truth, allow_unicode=True,
                                                                              sort_keys=False), encoding="utf-8")
        reports += len(truth["reports"])
    return reports


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
        for path in write_expectations(args.roots):
            print(path)
    else:
        reports = write_bench(Path(args.out), args.portals, random.Random(args.seed), args.years)
        print(f"{args.portals} portals, {reports} reports in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
