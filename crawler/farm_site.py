"""A generated portal's ``site:`` block (portal.yaml), resolved: its names, its skin (the CMS's templates
from ``crawler/demo/_skins/``), the items of its lists as entries with their paths, and the page tree. The
pages themselves are rendered by :mod:`crawler.farm_gen`; the format is documented in ``tests/farm/README.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
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
