"""Route kinds of the portal farm and the replies they make: files and inline bodies, redirects, Hanweb's
dataproxy.jsp, JSON list APIs, generated bodies (a huge page, a binary, a calendar trap, session-id links), the
nginx 404, the Tomcat 500 and WAF challenges. Pure functions of a request, no Twisted: :mod:`crawler.farm`
serves them. The route format is documented in ``tests/farm/README.md``.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

if TYPE_CHECKING:
    from collections.abc import Callable

_SESSION = re.compile(r";jsessionid=[^/?#]*", re.I)
INDEXES = ("index.html", "index.htm", "index.shtml", "index.jsp")  # a folder's page, in the order servers try


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
        target = next((target / i for i in INDEXES if (target / i).is_file()), target)
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
