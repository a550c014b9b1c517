"""Helpers for building the held-out farm: realistic chrome, deterministic ids, report items, writing files."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import yaml

ROOT = Path("/tmp/heldout-farm")
FIXTURES = Path("/work/main/tests/fixtures")


def num(*parts, digits=7) -> int:
    n = int.from_bytes(hashlib.sha1("|".join(map(str, parts)).encode()).digest()[:8], "big")
    return 10 ** (digits - 1) + n % (9 * 10 ** (digits - 1))


def rep(year, title, date, path, agency=None, **kw):
    item = {"year": year, "title": title, "date": date, "path": path}
    if agency:
        item["agency"] = agency
    item.update(kw)
    return item


def other(title, kind, date, path, **kw):
    item = {"title": title, "kind": kind, "date": date, "path": path}
    item.update(kw)
    return item


class Portal:
    def __init__(self, pid: str, name: str, region: str | None, cms: str, comment: str, kind: str = "portal"):
        self.id, self.name, self.region, self.cms, self.comment, self.kind = pid, name, region, cms, comment, kind
        self.dir = ROOT / pid
        self.routes: dict = {}
        self.site: dict | None = None
        self.pages: dict[str, bytes] = {}
        self.extra: dict = {}
        self.expect_patch = None  # function(expect dict) -> None

    def page(self, name: str, html: str, encoding: str = "utf-8") -> str:
        """Store pages/<name> and return the route spec's file path."""
        codec = "gb18030" if encoding.lower() in ("gbk", "gb2312", "gb18030") else encoding
        self.pages[name] = html.encode(codec)
        return f"pages/{name}"

    def route_page(self, paths, name, html, encoding="utf-8", **options):
        file = self.page(name, html, encoding)
        for p in ([paths] if isinstance(paths, str) else paths):
            self.routes[p] = {"file": file, **options}

    def json_route(self, path, name, data, **options):
        file = self.page(name, json.dumps(data, ensure_ascii=False))
        self.routes[path] = {"file": file, "content_type": "application/json;charset=UTF-8", **options}

    def write(self):
        if self.dir.exists():
            shutil.rmtree(self.dir)
        (self.dir / "pages").mkdir(parents=True)
        for name, body in self.pages.items():
            (self.dir / "pages" / name).write_bytes(body)
        meta = {"id": self.id, "name": self.name}
        if self.region:
            meta["region_code"] = self.region
        meta["kind"] = self.kind
        meta["cms"] = self.cms
        meta.update(self.extra)
        if self.routes:
            meta["routes"] = self.routes
        if self.site:
            meta["site"] = self.site
        text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=160)
        comment = "".join(f"# {line}\n" for line in self.comment.strip().splitlines())
        (self.dir / "portal.yaml").write_text(comment + text, encoding="utf-8")


def pdf_file(title: str, paragraphs: list[str]) -> bytes:
    from crawler.farm_text import pdf_bytes
    return pdf_bytes(title, [("p", p) for p in paragraphs])
