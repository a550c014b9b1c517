"""The portal registry (settings/portals.yaml): loaded, checked, and looked up by URL host.

Checked on load, so a bad entry is an error naming the entry, not a crawl that silently skips it.
No Scrapy import here: ``nianbao clean --url`` uses the registry to tell a page's region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from parsers.errors import NianbaoError
from parsers.text import url_host

_ID = re.compile(r"^[a-z0-9_-]+$")
_CODE = re.compile(r"^\d{6}$")


class RegistryError(NianbaoError):
    """The registry file or one of its entries is malformed."""


@dataclass(frozen=True, slots=True)
class Portal:
    id: str
    name: str
    home_url: str
    region_code: str | None = None
    section_urls: tuple[str, ...] = field(default_factory=tuple)
    kind: str = "portal"  # portal | mirror

    @property
    def host(self) -> str:
        return url_host(self.home_url)


def default_path() -> Path:
    return Path(str(resources.files("settings") / "portals.yaml"))


def load(path: str | Path | None = None) -> list[Portal]:
    """Every portal of the registry, checked; raises :class:`RegistryError` naming a bad entry."""
    path = Path(path) if path else default_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise RegistryError("the registry is not UTF-8", str(path), "save it as UTF-8") from None
    except yaml.YAMLError as error:
        raise RegistryError("malformed YAML", str(path), str(error).replace("\n", " ")) from None
    if not isinstance(data, dict) or not isinstance(data.get("portals"), list):
        raise RegistryError("no 'portals' list", str(path), "see PRODUCT.md for the format")
    portals, seen = [], set()
    for index, raw in enumerate(data["portals"]):
        where = f"{path} entry {index + 1} ({raw.get('id', '?') if isinstance(raw, dict) else '?'})"
        if not isinstance(raw, dict):
            raise RegistryError("entry is not a mapping", where)
        for key in ("id", "name", "home_url"):
            if not raw.get(key):
                raise RegistryError(f"missing '{key}'", where)
        if not _ID.match(str(raw["id"])):
            raise RegistryError("id must match [a-z0-9_-]+", where)
        if raw["id"] in seen:
            raise RegistryError("duplicate id", where)
        seen.add(raw["id"])
        code = raw.get("region_code")
        if code is not None and not (isinstance(code, str) and _CODE.match(code)):
            # unquoted, YAML reads 0640324 as an octal number: insist on a string
            raise RegistryError("region_code must be 6 digits, quoted", where)
        sections = raw.get("section_urls") or []
        if not isinstance(sections, list) or not all(isinstance(u, str) for u in sections):
            raise RegistryError("section_urls must be a list of URLs", where)
        kind = raw.get("kind", "portal")
        if kind not in ("portal", "mirror"):
            raise RegistryError("kind must be portal or mirror", where)
        if not str(raw["home_url"]).startswith(("http://", "https://")):
            raise RegistryError("home_url must be an http(s) URL", where)
        portals.append(Portal(str(raw["id"]), str(raw["name"]), str(raw["home_url"]),
                              code or None, tuple(sections), kind))
    return portals


def portal_for_url(url: str, portals: list[Portal]) -> Portal | None:
    """The registry portal serving this URL (same host, or a subdomain of its host)."""
    host = url_host(url)
    bare = host.removeprefix("www.")
    for portal in portals:
        own = portal.host.removeprefix("www.")
        if own and (bare == own or bare.endswith("." + own)):
            return portal
    return None
