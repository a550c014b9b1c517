"""Loads the vocabularies under parsers/data/ once per process and checks their shape.

Rules are data (spam.yaml, chrome.yaml, labels.yaml, containers.yaml); the modules that apply
them only consume what this loader returns. A malformed file raises :class:`VocabularyError`
naming the file and the entry, instead of a rule that silently matches nothing or everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from parsers.errors import VocabularyError


def _as_tuple(value: object) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


@dataclass(frozen=True, slots=True)
class Entry:
    """One vocabulary entry: what it matches, why, and the examples it is tested on."""

    id: str
    pattern: str
    reason: str
    example: str
    keep: tuple[str, ...] = ()  # texts that must survive (one or a list in the YAML)
    kind: str | None = None  # chrome: line | span | tail; spam: strong | weak
    max_len: int = 80
    expect: str | None = None


def load(name: str) -> dict[str, Any]:
    """The parsed YAML file ``parsers/data/<name>.yaml`` (``"crawler:discovery"``: another
    package's ``data/discovery.yaml``)."""
    return _load(name)


@cache
def _load(name: str) -> dict[str, Any]:
    package, _, stem = name.rpartition(":")
    path = resources.files(package or "parsers") / "data" / f"{stem}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise VocabularyError(f"malformed vocabulary {name}.yaml", str(path), str(error)) from None
    if not isinstance(data, dict):
        raise VocabularyError(f"vocabulary {name}.yaml is not a mapping", str(path))
    return data


def pattern(name: str, entry_id: str) -> re.Pattern[str]:
    """One entry of a vocabulary compiled, e.g. ``pattern("grammar", "document_number")``."""
    return _pattern(name, entry_id)


@cache
def _pattern(name: str, entry_id: str) -> re.Pattern[str]:
    for entry in _entries(name, "entries", "kind", "pattern"):
        if entry.id == entry_id:
            return re.compile(entry.pattern)
    raise VocabularyError(f"no entry {entry_id!r}", f"{name}.yaml", "the code names an entry the file lacks")


def entries(name: str, section: str = "entries", kind_key: str = "kind", pattern_key: str = "pattern") -> list[Entry]:
    """The checked entries of one section of a vocabulary file.

    ``pattern_key`` names the field holding the pattern: a regex, or an XPath for containers.yaml.
    """
    return list(_entries(name, section, kind_key, pattern_key))


@cache
def _entries(name: str, section: str, kind_key: str, pattern_key: str) -> tuple[Entry, ...]:
    raw = load(name).get(section)
    if not raw:
        # an empty group would compile to a regex that matches everything (see trafilatura's _alt)
        raise VocabularyError(f"vocabulary {name}.yaml has no entries in '{section}'")
    out = []
    seen: set[str] = set()
    for item in raw:
        where = f"{name}.yaml entry {item.get('id', '?')}"
        for key in ("id", pattern_key, "reason", "example"):
            if not item.get(key):
                hint = f"every entry needs id, {pattern_key}, reason, example"
                raise VocabularyError(f"missing '{key}'", where, hint)
        if item["id"] in seen:
            raise VocabularyError("duplicate id", where)
        seen.add(item["id"])
        if pattern_key == "pattern":
            try:
                rx = re.compile(item["pattern"])
            except re.error as error:
                raise VocabularyError(f"bad pattern: {error}", where) from None
            if rx.search("") and not item.get("empty_ok"):
                # joined into one alternation, such a pattern would match everywhere
                raise VocabularyError("pattern matches the empty string", where, "or mark it empty_ok: true")
        out.append(Entry(
            id=item["id"], pattern=item[pattern_key], reason=item["reason"], example=item["example"],
            keep=_as_tuple(item.get("keep") or item.get("keep_out")), kind=item.get(kind_key),
            max_len=int(item.get("max_len", 80)), expect=item.get("expect"),
        ))
    return tuple(out)
