"""Portal directories of the farm read into portals: ``<root>/<id>/portal.yaml`` (format in
``tests/farm/README.md``) becomes a :class:`Portal` with one :class:`Host` per address, its routes compiled,
and each host given a loopback address.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

import yaml

from crawler.farm_routes import INDEXES, Route, compile_route, route_key
from crawler.farm_site import load_yaml
from parsers.errors import NianbaoError

FIRST_ADDRESS = "127.0.1.1"


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
    sent: int = 0  # bytes answered (status line, headers and bodies), for the incremental-crawl measure

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
            return next((self.routes[path + i] for i in INDEXES if path + i in self.routes), None)
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
    # ETag and Last-Modified on every page, and 304 to a conditional request, as a static server
    # (nginx in front of TRS) does; false: a dynamic CMS that sends neither
    validators: bool = True
    modified: float = 0.0  # Last-Modified: when portal.yaml last changed


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
                    meta.get("region_code"), meta.get("waf"), validators=bool(meta.get("validators", True)),
                    modified=(directory / "portal.yaml").stat().st_mtime)
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
