"""The portal farm: fake government portals served over real HTTP on loopback, for crawl tests, the demo and
the crawl benchmark.

Each portal directory (``<root>/<id>/portal.yaml``, format in ``tests/farm/README.md``) is served on its own
127.x address and one common port, because Scrapy throttles per hostname: one address per portal makes the
farm behave like many sites. One Twisted reactor serves them all; ``Farm`` runs it in a subprocess.
Portal directories are read by :mod:`crawler.farm_portals`, and the routes that answer live in
:mod:`crawler.farm_routes`; this module is the server, its command line and the ``Farm`` client.

    python -m crawler.farm crawler/demo tests/farm --latency 0.05 --registry-out /tmp/farm.yaml
"""

from __future__ import annotations

import argparse
import json
import os
import re
import selectors
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Self

import yaml

from crawler.farm_portals import FIRST_ADDRESS, FarmError, Host, Portal, assign_addresses, load_portal, load_roots
from crawler.farm_routes import (
    Context,
    DataproxyRoute,
    GeneratedRoute,
    JsonListRoute,
    RedirectRoute,
    Reply,
    Route,
    StaticRoute,
    binary_body,
    compile_route,
    content_type,
    not_found,
    route_key,
    serve_file,
    server_error,
    waf_challenge,
)
from crawler.farm_site import load_yaml

if TYPE_CHECKING:
    from twisted.web.server import Request

__all__ = [  # the farm's public names, wherever they are defined
    "FIRST_ADDRESS", "LOG_PATH", "Context", "DataproxyRoute", "Farm", "FarmError", "FarmResource", "GeneratedRoute",
    "Host", "JsonListRoute", "Portal", "RedirectRoute", "Reply", "Route", "StaticRoute", "assign_addresses",
    "binary_body", "compile_route", "content_type", "load_portal", "load_roots", "main", "not_found", "origin",
    "registry_entries", "route_key", "serve", "serve_file", "server_error", "waf_challenge", "write_registry",
]

LOG_PATH = "/__farm__/log"
_ORIGIN = re.compile(rb"\{\{origin(?::([a-z0-9_-]+))?\}\}")


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
                                      json.dumps({"portal": portal.id, "host": host.label, "requests": dict(host.log),
                                                  "bytes": host.sent}, ensure_ascii=False).encode())
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
        if portal.validators and reply.status == 200 and request.method in (b"GET", b"HEAD") and \
                uri.split("?")[0] != LOG_PATH:
            reply = conditional(reply, portal.modified, request.getHeader("if-none-match"),
                                request.getHeader("if-modified-since"))
        if uri.split("?")[0] != LOG_PATH:
            host.sent += len(reply.body) + sum(len(k) + len(v) + 4 for k, v in reply.headers.items()) + 60
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


def conditional(reply: Reply, modified: float, if_none_match: str | None, if_modified_since: str | None) -> Reply:
    """A page with its validators (a strong ETag of its bytes; Last-Modified when its portal last
    changed), or a bodiless 304 when the request's conditions say the client has it: If-None-Match
    decides when it is sent, else If-Modified-Since (RFC 9110, 13.2.2)."""
    import hashlib
    from email.utils import formatdate, parsedate_to_datetime

    etag = '"' + hashlib.sha1(reply.body).hexdigest()[:20] + '"'
    last_modified = formatdate(int(modified), usegmt=True)
    headers = {**reply.headers, "ETag": etag, "Last-Modified": last_modified}
    if if_none_match is not None:
        fresh = etag in [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")] or if_none_match == "*"
    elif if_modified_since is not None:
        try:
            fresh = int(modified) <= parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            fresh = False
    else:
        fresh = False
    if fresh:
        return Reply(304, {"ETag": etag, "Last-Modified": last_modified}, b"")
    return Reply(reply.status, headers, reply.body, reply.templated)


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

    def __init__(self, roots: list[str | Path], latency: float = 0.0, timeout: float = 15.0,
                 port: int | None = None) -> None:
        """``port``: serve on this port (a farm restarted with changed portals keeps its URLs)."""
        self.roots = [str(Path(r).resolve()) for r in roots]
        self.latency = latency
        self.port = port
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
                   "--registry-out", str(self.registry), *(["--port", str(self.port)] if self.port else [])]
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

    def bytes_sent(self) -> int:
        """Bytes every host of every portal has answered so far (headers included, the log's own excluded)."""
        total = 0
        for portal in self.portals:
            for host in ["", *portal["hosts"]]:
                with urllib.request.urlopen(self.url(portal["id"], LOG_PATH, host), timeout=10) as response:
                    total += json.loads(response.read())["bytes"]
        return total

    def expect(self, portal_id: str) -> dict:
        """The portal's ground truth (expect.yaml), or {} when it has none."""
        path = Path(self.portal(portal_id)["dir"]) / "expect.yaml"
        return load_yaml(path.read_text(encoding="utf-8")) if path.is_file() else {}


if __name__ == "__main__":
    sys.exit(main())
