"""The portal farm: fake government portals served over real HTTP on loopback, for crawl tests, the demo and
the crawl benchmark.

Each portal directory (``<root>/<id>/portal.yaml``, format in ``tests/farm/README.md``) is served on its own
127.x address and one common port, because Scrapy throttles per hostname: one address per portal makes the
farm behave like many sites. One Twisted reactor serves them all; ``Farm`` runs it in a subprocess.

    python -m crawler.farm crawler/demo tests/farm --latency 0.05 --registry-out /tmp/farm.yaml
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import selectors
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Self
from urllib.parse import parse_qsl, urlencode

import yaml

from crawler.farm_gen import load_yaml
from parsers.errors import NianbaoError

if TYPE_CHECKING:
    from collections.abc import Callable

    from twisted.web.server import Request

FIRST_ADDRESS = "127.0.1.1"
LOG_PATH = "/__farm__/log"
_ORIGIN = re.compile(rb"\{\{origin(?::([a-z0-9_-]+))?\}\}")
_SESSION = re.compile(r";jsessionid=[^/?#]*", re.I)
_INDEXES = ("index.html", "index.htm", "index.shtml", "index.jsp")


class FarmError(NianbaoError):
    """A portal directory is malformed, or the farm could not start."""


@dataclass(slots=True)
class Host:
    """One address of a portal: its routes, its files and its access log (requests per path)."""

    label: str  # "" for the portal's main host, else e.g. "files" (a file server of the same portal)
    files: Path
    routes: dict[str, Route]
    address: str | None = None
    log: Counter = field(default_factory=Counter)

    def find(self, key: str) -> Route | None:
        """The route for a request key: exact; else the route of the same path whose parameters are the most
        of the request's (``?ClassID=13&page=99`` or ``&sid=…`` still finds ``?ClassID=13``, as a dynamic
        page ignores what it does not know); else the bare path; else a folder's index page."""
        if key in self.routes:
            return self.routes[key]
        path, _, query = key.partition("?")
        asked = set(parse_qsl(query, keep_blank_values=True))
        best, best_size = None, 0
        for candidate, route in self.routes.items():
            head, _, params = candidate.partition("?")
            if head == path and params:
                wanted = set(parse_qsl(params, keep_blank_values=True))
                if wanted <= asked and len(wanted) > best_size:
                    best, best_size = route, len(wanted)
        if best is not None or path in self.routes:
            return best or self.routes[path]
        if path.endswith("/"):
            return next((self.routes[path + i] for i in _INDEXES if path + i in self.routes), None)
        return None


@dataclass(slots=True)
class Portal:
    id: str
    name: str
    dir: Path
    kind: str = "portal"
    region_code: str | None = None
    waf: int | None = None  # 412 (瑞数-style) or 521 (加速乐-style): every path answers a JS challenge
    hosts: dict[str, Host] = field(default_factory=dict)


def load_portal(directory: Path) -> Portal:
    """Read one portal directory; a ``site:`` block is rendered into routes by :mod:`crawler.farm_gen`."""
    where = str(directory / "portal.yaml")
    try:
        meta = load_yaml((directory / "portal.yaml").read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FarmError("malformed YAML", where, str(error).replace("\n", " ")) from None
    if not isinstance(meta, dict) or not meta.get("id") or not meta.get("name"):
        raise FarmError("portal.yaml needs at least id and name", where)
    if meta["id"] != directory.name:
        raise FarmError(f"id {meta['id']!r} differs from the directory name", where, "rename one of them")
    portal = Portal(meta["id"], meta["name"], directory, meta.get("kind", "portal"),
                    meta.get("region_code"), meta.get("waf"))
    specs: dict[str, dict] = {"": dict(meta.get("routes") or {})}
    extra = meta.get("hosts") or {}
    for label, spec in extra.items():
        specs[label] = dict((spec or {}).get("routes") or {})
    if meta.get("site"):
        from crawler import farm_gen

        try:
            generated = farm_gen.site_routes(directory, meta)
        except (KeyError, ValueError, TypeError, OSError, yaml.YAMLError) as error:
            raise FarmError(f"bad site block ({type(error).__name__}: {error})", where,
                            "see tests/farm/README.md") from None
        for label, routes in generated.items():
            specs.setdefault(label, {})
            specs[label] = {**routes, **specs[label]}  # routes written by hand win over generated ones
    for label, routes in specs.items():
        files = directory / "files" if not label else directory / "hosts" / label
        compiled = {}
        for path, spec in routes.items():
            try:
                compiled[route_key(path)] = compile_route(path, spec, directory)
            except (KeyError, TypeError, ValueError, OSError) as error:
                raise FarmError(f"bad route {path!r} ({error})", where, "see tests/farm/README.md") from None
        address = meta.get("address") if not label else (extra.get(label) or {}).get("address")
        portal.hosts[label] = Host(label, files, compiled, address)
    return portal


def load_roots(roots: list[str | Path]) -> list[Portal]:
    """Every portal directory (one holding portal.yaml) directly under each root, sorted by id."""
    portals: dict[str, Portal] = {}
    for root in roots:
        root = Path(root)
        if not root.is_dir():
            raise FarmError("not a directory", str(root), "pass folders holding portal directories")
        for directory in sorted(p for p in root.iterdir() if (p / "portal.yaml").is_file()):
            portal = load_portal(directory)
            if portal.id in portals:
                raise FarmError(f"portal id {portal.id!r} appears twice", str(directory))
            portals[portal.id] = portal
    if not portals:
        raise FarmError("no portal directories found", ", ".join(map(str, roots)), "each needs a portal.yaml")
    return [portals[k] for k in sorted(portals)]


def assign_addresses(portals: list[Portal]) -> None:
    """Main hosts get 127.0.1.1, .2 … in id order, then second hosts; a fixed ``address:`` is kept."""
    taken = {h.address for p in portals for h in p.hosts.values() if h.address}
    for address in taken:
        if not str(address).startswith("127."):
            raise FarmError(f"address {address} is not a loopback address", "portal.yaml", "use 127.x.y.z")
    pool = _address_pool(taken)
    for host in [p.hosts[""] for p in portals] + [h for p in portals for k, h in sorted(p.hosts.items()) if k]:
        if not host.address:
            host.address = next(pool)


def _address_pool(taken: set[str]):
    current = ipaddress.IPv4Address(FIRST_ADDRESS)
    while True:
        if current.packed[3] not in (0, 255) and str(current) not in taken:
            yield str(current)
        current += 1


def route_key(target: str) -> str:
    """A route's lookup key: the path, ``;jsessionid`` dropped, and its query parameters sorted."""
    path, _, query = target.partition("?")
    path = _SESSION.sub("", path) or "/"
    if not query:
        return path
    return path + "?" + urlencode(sorted(parse_qsl(query, keep_blank_values=True)))


@dataclass(slots=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    templated: bool = False  # the body (and Location) may hold {{origin}} placeholders to fill in


@dataclass(slots=True)
class Context:
    """What a route may look at: the raw URI, the method and the query or form parameters."""

    uri: str
    method: str
    params: dict[str, str]


_TYPES = {**dict.fromkeys((".html", ".htm", ".shtml", ".jsp", ".asp", ".aspx", ".php", ".do"), "text/html"),
          ".xml": "text/xml", ".json": "application/json", ".txt": "text/plain", ".js": "application/javascript",
          ".css": "text/css", ".pdf": "application/pdf",
          ".doc": "application/msword", ".wps": "application/msword", ".zip": "application/zip",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          ".png": "image/png", ".jpg": "image/jpeg", ".gif": "image/gif", ".ico": "image/x-icon"}
_TEXT = ("text/", "application/json", "application/javascript")
_NOT_FOUND = (b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
              b"<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
_SERVER_ERROR = (b"<!doctype html><html lang=\"en\"><head><title>HTTP Status 500 - Internal Server Error</title>"
                 b"</head><body><h1>HTTP Status 500 - Internal Server Error</h1><hr class=\"line\" />"
                 b"<p><b>Type</b> Exception Report</p><p><b>Message</b> java.lang.NullPointerException</p>"
                 b"<hr class=\"line\" />"
                 b"<h3>Apache Tomcat/8.5.51</h3></body></html>")


def content_type(path: str) -> str:
    suffix = Path(path.split("?")[0]).suffix.lower()
    return _TYPES.get(suffix, "text/html" if not suffix or path.endswith("/") else "application/octet-stream")


def not_found() -> Reply:
    return Reply(404, {"Content-Type": "text/html"}, _NOT_FOUND)


def server_error() -> Reply:
    return Reply(500, {"Content-Type": "text/html;charset=utf-8"}, _SERVER_ERROR)


@dataclass(slots=True)
class StaticRoute:
    """A file or an inline body, with optional status, headers (a lying charset …) and first failures."""

    headers: dict[str, str]
    body: bytes | None = None
    file: Path | None = None
    status: int = 200
    fail_first: int = 0  # answer 500 to this many requests first: a crawler must retry
    served: int = 0
    make: Callable[[], bytes] | None = None

    def reply(self, context: Context) -> Reply:
        self.served += 1
        if self.served <= self.fail_first:
            return server_error()
        if self.make is not None:  # a generated attachment, made once on first request
            self.body, self.make = self.make(), None
        body = self.body if self.file is None else self.file.read_bytes()
        return Reply(self.status, dict(self.headers), body, self.headers["Content-Type"].startswith(_TEXT))


@dataclass(slots=True)
class RedirectRoute:
    location: str
    status: int = 302

    def reply(self, context: Context) -> Reply:
        body = f'<html><body><a href="{self.location}">moved</a></body></html>'.encode()
        return Reply(self.status, {"Location": self.location, "Content-Type": "text/html"}, body, True)


@dataclass(slots=True)
class DataproxyRoute:
    """Hanweb/JPaaS ``/module/web/jpage/dataproxy.jsp``: records startrecord..endrecord of a column, as
    ``<datastore>`` XML with each record's ``<li>`` in CDATA, the way the list shell's jpage.js asks for them."""

    columns: dict[str, list[dict]]
    record: str = '<li><a href="{url}" title="{title}" target="_blank">{title}</a><span>{date}</span></li>'

    def reply(self, context: Context) -> Reply:
        p = context.params
        records = self.columns.get(p.get("columnid", ""), [])
        per_page = _int(p.get("perpage"), 15)
        start = max(_int(p.get("startrecord"), 1), 1)
        end = max(_int(p.get("endrecord"), start + 3 * per_page - 1), start)
        chosen = records[start - 1:end]
        total_pages = -(-len(records) // per_page) if records else 0
        query = {k: p[k] for k in ("webid", "columnid", "unitid") if k in p}
        nxt = urlencode({**query, "startrecord": end + 1, "endrecord": 2 * end - start + 1, "perpage": per_page})
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<datastore>",
                 f'<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?{nxt}"></a>]]></nextgroup>',
                 "<recordset>"]
        lines += [f"<record><![CDATA[\n{self.record.format(**r)}\n]]></record>" for r in chosen]
        lines += ["</recordset>", f"<totalrecord>{len(records)}</totalrecord>",
                  f"<totalpage>{total_pages}</totalpage>", "</datastore>"]
        return Reply(200, {"Content-Type": "text/xml;charset=UTF-8"}, "\n".join(lines).encode("utf-8"))


@dataclass(slots=True)
class JsonListRoute:
    """A JSON list API: ``?channelId=12&page=2&size=10`` → ``{"total","pageCount","data":[…]}``."""

    channels: dict[str, list[dict]]

    def reply(self, context: Context) -> Reply:
        p = context.params
        records = self.channels.get(p.get("channelId", ""))
        if records is None:
            body = {"code": 404, "msg": "channel not found", "total": 0, "pageCount": 0, "data": []}
        else:
            size = min(max(_int(p.get("size"), 10), 1), 100)
            page = max(_int(p.get("page"), 1), 1)
            data = [{"title": r["title"], "url": r["url"], "publishDate": r["date"]}
                    for r in records[(page - 1) * size:page * size]]
            body = {"code": 200, "msg": "success", "total": len(records), "page": page, "size": size,
                    "pageCount": -(-len(records) // size), "data": data}
        return Reply(200, {"Content-Type": "application/json;charset=UTF-8"},
                     json.dumps(body, ensure_ascii=False).encode("utf-8"))


@dataclass(slots=True)
class GeneratedRoute:
    """Bodies made per request: a huge page, a binary as text/html, a calendar trap, session-id links."""

    what: str
    spec: dict
    headers: dict[str, str]

    def reply(self, context: Context) -> Reply:
        make = getattr(self, "_" + self.what)
        return Reply(int(self.spec.get("status", 200)), dict(self.headers), make(context), True)

    def _big_html(self, context: Context) -> bytes:
        page, row, size = self.spec["page"], self.spec["row"], int(self.spec.get("size", 5 * 1024 * 1024))
        rows, total, n = [], len(page.format(rows="").encode("utf-8")), 0
        while total < size:
            n += 1
            rows.append(row.format(n=n))
            total += len(rows[-1].encode("utf-8")) + 1
        return page.format(rows="\n".join(rows)).encode("utf-8")

    def _binary(self, context: Context) -> bytes:
        return binary_body(self.spec.get("format", "png"), int(self.spec.get("size", 200_000)))

    def _calendar(self, context: Context) -> bytes:
        month = _int(context.params.get("month"), 202401)
        year, mon = divmod(month, 100)
        if not 1 <= mon <= 12:
            year, mon = 2024, 1
        nxt = year * 100 + mon + 1 if mon < 12 else (year + 1) * 100 + 1
        prev = year * 100 + mon - 1 if mon > 1 else (year - 1) * 100 + 12
        return self.spec["page"].format(year=year, month=mon, next=nxt, prev=prev).encode("utf-8")

    def _session_links(self, context: Context) -> bytes:
        """Every response carries fresh session ids, as ``;jsessionid=`` in the path or ``?sid=``."""
        style = self.spec.get("style", "jsessionid")

        def with_session(url: str) -> str:
            token = os.urandom(16).hex().upper()
            if style == "jsessionid":
                path, _, query = url.partition("?")
                return f"{path};jsessionid={token}" + (f"?{query}" if query else "")
            return url + ("&" if "?" in url else "?") + f"sid={token}"

        links = "\n".join(self.spec["link"].format(url=with_session(x["url"]), title=x["title"], date=x.get("date", ""))
                          for x in self.spec["links"])
        return self.spec["page"].format(links=links, self=with_session(context.uri.split(";")[0].split("?")[0]))\
            .encode("utf-8")


def binary_body(kind: str, size: int) -> bytes:
    """A real PNG or ZIP of about ``size`` bytes (random, so it does not compress)."""
    import io
    import struct
    import zipfile
    import zlib

    noise = os.urandom(size)
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("report.bin", noise)
        return buffer.getvalue()
    width = 256
    rows = b"".join(b"\x00" + noise[i:i + width * 3].ljust(width * 3, b"\x00") for i in range(0, size, width * 3))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, len(rows) // (width * 3 + 1), 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 0)) + chunk(b"IEND", b"")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


Route = StaticRoute | RedirectRoute | DataproxyRoute | JsonListRoute | GeneratedRoute


def compile_route(path: str, spec: dict, directory: Path) -> Route:
    """One ``routes:`` entry of portal.yaml (or of a generated site) as a route object."""
    if isinstance(spec, str):
        spec = {"file": spec}
    if "redirect" in spec:
        return RedirectRoute(spec["redirect"], int(spec.get("status", 302)))
    if "dataproxy" in spec:
        columns = _records(spec["dataproxy"])
        return DataproxyRoute(columns, spec["record"]) if "record" in spec else DataproxyRoute(columns)
    if "json_list" in spec:
        return JsonListRoute(_records(spec["json_list"]))
    served = path if Path(path.split("?")[0]).suffix.lower() in _TYPES else spec.get("file") or path
    kind = spec.get("content_type") or content_type(served)  # by the URL's extension, as servers do
    if spec.get("charset"):
        kind += f"; charset={spec['charset']}"
    headers = {"Content-Type": kind, **(spec.get("headers") or {})}
    if "generate" in spec:
        if spec["generate"] not in ("big_html", "binary", "calendar", "session_links"):
            raise ValueError(f"unknown generator {spec['generate']!r}")
        return GeneratedRoute(spec["generate"], spec, headers)
    route = StaticRoute(headers, status=int(spec.get("status", 200)), fail_first=int(spec.get("fail_first", 0)))
    if "file" in spec:
        route.file = (directory / spec["file"]).resolve()
        if not route.file.is_file():
            raise FileNotFoundError(str(route.file))
    else:
        body = spec.get("body", b"")
        if callable(body):
            route.make = body
        else:
            route.body = body if isinstance(body, bytes) else str(body).encode(spec.get("charset") or "utf-8")
    return route


def _records(lists: dict) -> dict[str, list[dict]]:
    """Column or channel id → its records (title, url, date), every value a string (YAML reads dates)."""
    return {str(k): [{f: str(v) for f, v in r.items()} for r in v] for k, v in lists.items()}


def serve_file(files: Path, path: str) -> Reply:
    """A file under the host's folder by path (query ignored), an index for a folder, 404 otherwise."""
    from urllib.parse import unquote

    relative = unquote(path).lstrip("/")
    target = (files / relative).resolve()
    if not target.is_relative_to(files.resolve()):
        return not_found()
    if target.is_dir():
        if not path.endswith("/"):  # as Apache does: /zwgk → /zwgk/
            return Reply(301, {"Location": path + "/", "Content-Type": "text/html"}, b"")
        target = next((target / i for i in _INDEXES if (target / i).is_file()), target)
    if not target.is_file():
        return not_found()
    return Reply(200, {"Content-Type": content_type(target.name)}, target.read_bytes())


def waf_challenge(status: int, uri: str) -> Reply:
    """412 as 瑞数 (Botgate) answers, 521 as 加速乐 does: a script that sets a cookie and reloads."""
    token = os.urandom(12).hex()
    if status == 521:
        chars = "+".join(f"('{c}')" for c in f"__jsl_clearance={int(time.time())}.{token[:6]}|0|{token}")
        body = (f"<script>document.cookie={chars}+';Expires=Tue, 19-Jan-38 03:14:07 GMT;Path=/;';"
                "location.href=location.pathname+location.search</script>")
        headers = {"Content-Type": "text/html", "Set-Cookie": f"__jsluid_h={token}; max-age=31536000; path=/",
                   "Server": "jsl"}
    else:
        body = ('<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
                f'<meta id="{token[:10]}" content="{os.urandom(96).hex()}" r="m">'
                "<script type=\"text/javascript\" r='m'>var _$ts=window['$_ts'];if(!_$ts)_$ts={};_$ts.nsd=48532;"
                f"_$ts.cd=\"{os.urandom(64).hex()}\";if(_$ts.lcd)_$ts.lcd();</script>"
                f"<script type=\"text/javascript\" charset=\"utf-8\" src=\"/{token[:8]}/{token[8:]}.js\" r='m'>"
                "</script></head><body></body></html>")
        headers = {"Content-Type": "text/html", "Set-Cookie": f"FSSBBIl1UgzbN7N80S={token}; Path=/; HttpOnly"}
    return Reply(status, headers, body.encode())



def origin(address: str, port: int) -> str:
    return f"http://{address}:{port}"


class FarmResource:
    """The one Twisted resource: finds the host by the local address the request came in on."""

    isLeaf = True  # Twisted's name: no child lookup, render() answers every path

    def __init__(self, portals: list[Portal], latency: float) -> None:
        self.portals = portals
        self.latency = latency
        self.by_address = {h.address: (p, h) for p in portals for h in p.hosts.values()}
        self.origins: dict[int, dict[str, bytes]] = {}

    def set_port(self, port: int) -> None:
        """Known once listening: each host's {{origin}} placeholders, its own and its portal's other hosts."""
        for p in self.portals:
            mapping = {k: origin(x.address, port).encode() for k, x in p.hosts.items()}
            for host in p.hosts.values():
                self.origins[id(host)] = mapping

    def getChildWithDefault(self, name: bytes, request: Request) -> Self:
        return self

    def render(self, request: Request) -> int | bytes:
        from twisted.internet import reactor
        from twisted.internet.task import deferLater
        from twisted.web.server import NOT_DONE_YET

        portal, host = self.by_address[request.getHost().host]
        uri = request.uri.decode("latin-1")
        if uri.split("?")[0] == LOG_PATH:
            reply = Reply(200, {"Content-Type": "application/json"},
                                      json.dumps({"portal": portal.id, "host": host.label,
                                                  "requests": dict(host.log)}, ensure_ascii=False).encode())
        else:
            host.log[uri] += 1
            reply = self.answer(portal, host, request, uri)
        if reply.templated:
            origins = self.origins[id(host)]

            def fill(match: re.Match) -> bytes:
                return origins.get((match.group(1) or b"").decode(), match.group(0))

            reply.body = _ORIGIN.sub(fill, reply.body)
            if "Location" in reply.headers:
                reply.headers["Location"] = _ORIGIN.sub(fill, reply.headers["Location"].encode()).decode()
        if not self.latency:
            return self._write(request, reply)
        deferLater(reactor, self.latency, self._finish, request, reply)
        return NOT_DONE_YET

    def answer(self, portal: Portal, host: Host, request: Request, uri: str) -> Reply:
        if portal.waf:
            return waf_challenge(portal.waf, uri)
        key = route_key(uri)
        path = key.split("?")[0]
        route = host.find(key)
        if route is not None:
            return route.reply(Context(uri, request.method.decode(), _params(request)))
        return serve_file(host.files, path)

    def _finish(self, request: Request, reply: Reply) -> None:
        if not request._disconnected:  # the client may have given up while we waited
            body = self._write(request, reply)
            request.write(body)
            request.finish()

    @staticmethod
    def _write(request: Request, reply: Reply) -> bytes:
        request.setResponseCode(reply.status)
        request.responseHeaders.removeHeader(b"content-type")
        for name, value in reply.headers.items():
            request.setHeader(name.encode(), value.encode("latin-1"))
        request.setHeader(b"content-length", str(len(reply.body)).encode())
        return b"" if request.method == b"HEAD" else reply.body


def _params(request: Request) -> dict[str, str]:
    """Query and form parameters together: Hanweb's dataproxy.jsp is called by GET and by POST."""
    params = {k.decode(): v[-1].decode("utf-8", "replace") for k, v in request.args.items() if v}
    return params


def serve(portals: list[Portal], port: int | None, latency: float) -> int:
    """Listen on every host's address (one common port) and return the port; the caller runs the reactor."""
    from twisted.internet import reactor
    from twisted.internet.error import CannotListenError
    from twisted.web.server import Site

    addresses = [h.address for p in portals for h in p.hosts.values()]
    resource = FarmResource(portals, latency)
    site = Site(resource)  # type: ignore[arg-type]
    site.noisy = False
    site.log = lambda request: None  # the farm keeps its own per-path log; stdout stays quiet
    for _attempt in range(20):
        listening = []
        try:
            first = reactor.listenTCP(port or 0, site, interface=addresses[0])
            chosen = first.getHost().port
            listening.append(first)
            for address in addresses[1:]:
                listening.append(reactor.listenTCP(chosen, site, interface=address))
        except CannotListenError as error:
            for listener in listening:
                listener.stopListening()
            if port:
                raise FarmError(f"cannot listen on port {port}", str(error), "choose another --port") from None
            continue
        resource.set_port(chosen)
        return chosen
    raise FarmError("no port free on every farm address", addresses[0], "pass --port")


def registry_entries(portals: list[Portal], port: int) -> list[dict]:
    out = []
    for p in portals:
        entry = {"id": p.id, "name": p.name, "home_url": origin(p.hosts[""].address, port) + "/",
                 "region_code": p.region_code, "kind": p.kind}
        out.append(entry)
    return out


def write_registry(entries: list[dict], path: str | Path) -> None:
    """PRODUCT.md's registry: no section_urls, the spider must find the 年报 (annual report) section itself."""
    portals = [{k: v for k, v in e.items() if k in ("id", "name", "region_code", "home_url", "kind") and v}
               for e in entries]
    Path(path).write_text(yaml.safe_dump({"portals": portals}, allow_unicode=True, sort_keys=False),
                          encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.farm", description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="+", help="folders holding portal directories")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    parser.add_argument("--port", type=int, default=None, help="common port (default: a free one)")
    parser.add_argument("--registry-out", help="write a registry YAML (PRODUCT.md format) here")
    args = parser.parse_args(argv)
    try:
        portals = load_roots(args.roots)
        assign_addresses(portals)
        port = serve(portals, args.port, args.latency)
    except FarmError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    entries = registry_entries(portals, port)
    if args.registry_out:
        write_registry(entries, args.registry_out)
    for entry, portal in zip(entries, portals, strict=True):
        hosts = {k: origin(h.address, port) for k, h in portal.hosts.items() if k}
        print(json.dumps({**entry, "dir": str(portal.dir), "hosts": hosts}, ensure_ascii=False))
    print("ready", flush=True)
    from twisted.internet import reactor

    reactor.run()  # SIGTERM and SIGINT stop it cleanly
    return 0


class Farm:
    """The farm in a subprocess, for tests and ``nianbao demo``::

        with Farm([root]) as farm:
            farm.portals, farm.registry, farm.url("tongxin", "/"), farm.log("tongxin")
    """

    def __init__(self, roots: list[str | Path], latency: float = 0.0, timeout: float = 15.0) -> None:
        self.roots = [str(Path(r).resolve()) for r in roots]
        self.latency = latency
        self.timeout = timeout
        self.portals: list[dict] = []
        self.registry: Path | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._child: subprocess.Popen | None = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="nianbao-farm-")
        self.registry = Path(self._tmp.name) / "registry.yaml"
        stderr = open(Path(self._tmp.name) / "stderr.txt", "w+b")  # noqa: SIM115 (read back on failure)
        command = [sys.executable, "-m", "crawler.farm", *self.roots, "--latency", str(self.latency),
                   "--registry-out", str(self.registry)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH")]))}
        self._child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env)
        self._stderr = stderr
        lines = self._read_until_ready()
        self.portals = [json.loads(line) for line in lines]

    def _read_until_ready(self) -> list[str]:
        assert self._child and self._child.stdout
        deadline = time.monotonic() + self.timeout
        selector = selectors.DefaultSelector()
        selector.register(self._child.stdout, selectors.EVENT_READ)
        buffer, lines = b"", []
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                self._fail(f"not ready after {self.timeout:g} s")
            chunk = os.read(self._child.stdout.fileno(), 65536)
            if not chunk:
                self._fail(f"exited with status {self._child.wait()}")
            buffer += chunk
            *done, buffer = buffer.split(b"\n")
            for line in done:
                if line.strip() == b"ready":
                    selector.close()
                    return lines
                lines.append(line.decode("utf-8"))

    def _fail(self, what: str) -> None:
        self.stop(keep_tmp=True)
        self._stderr.seek(0)
        detail = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        self.stop()
        raise FarmError(f"the portal farm {what}", " ".join(self.roots),
                        detail[-1] if detail else "no output on stderr")

    def stop(self, keep_tmp: bool = False) -> None:
        if self._child and self._child.poll() is None:
            self._child.terminate()
            try:
                self._child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._child.kill()
                self._child.wait()
        if self._child and self._child.stdout:
            self._child.stdout.close()
        if self._tmp and not keep_tmp:
            self._stderr.close()
            self._tmp.cleanup()
            self._tmp = None

    @property
    def returncode(self) -> int | None:
        return self._child.poll() if self._child else None

    def portal(self, portal_id: str) -> dict:
        for portal in self.portals:
            if portal["id"] == portal_id:
                return portal
        raise FarmError("no such portal", portal_id, "see farm.portals")

    def url(self, portal_id: str, path: str = "/", host: str = "") -> str:
        """Absolute URL of ``path`` on a portal (``host``: a second host's label, e.g. "files")."""
        portal = self.portal(portal_id)
        base = portal["hosts"][host] if host else portal["home_url"].rstrip("/")
        return base + path

    def log(self, portal_id: str, host: str = "") -> dict[str, int]:
        """Requests per path (with query) that this host has answered so far."""
        with urllib.request.urlopen(self.url(portal_id, LOG_PATH, host), timeout=10) as response:
            return json.loads(response.read())["requests"]

    def expect(self, portal_id: str) -> dict:
        """The portal's ground truth (expect.yaml), or {} when it has none."""
        path = Path(self.portal(portal_id)["dir"]) / "expect.yaml"
        return load_yaml(path.read_text(encoding="utf-8")) if path.is_file() else {}


if __name__ == "__main__":
    sys.exit(main())
