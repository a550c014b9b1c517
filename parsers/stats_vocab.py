"""The statistics vocabulary (parsers/data/stats.yaml) compiled once, and the two normalisers every
reader shares: a table label to its comparable form, a table cell to its number.

Rules are data; this module only checks their shape (through :mod:`parsers.vocab` where an entry
has a pattern) and answers lookups, so a label read from a page, a flattened seed or a PDF goes
through exactly one definition of "the same row".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from parsers import vocab
from parsers.errors import VocabularyError
from parsers.text import simplified

NAME = "stats"
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?:[^0-9]|$))")
_SPACED_DIGITS = re.compile(r"[0-9\uff10-\uff19*]\s+[-+]?[0-9\uff10-\uff19*]")


@dataclass(frozen=True, slots=True)
class Rule:
    """One pattern entry of stats.yaml with the fields its section adds (section, row, column …)."""

    id: str
    pattern: re.Pattern[str]
    fields: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)


@dataclass(frozen=True, slots=True)
class Number:
    """A table cell read as a value: ``value`` None for a masked, redacted or blank cell; ``unit``
    "万元" when the cell carried a money unit (the value is then in 万元)."""

    value: int | float | None
    unit: str | None = None


BLANK = Number(None)


def _rules(section: str) -> tuple[Rule, ...]:
    raw = {item["id"]: item for item in vocab.load(NAME)[section]}
    return tuple(Rule(e.id, re.compile(e.pattern), raw[e.id]) for e in vocab.entries(NAME, section))


@cache
def sections() -> tuple[Rule, ...]:
    return _rules("sections")


@cache
def row_aliases() -> tuple[Rule, ...]:
    return _rules("rows")


@cache
def headers() -> tuple[Rule, ...]:
    return _rules("headers")


@cache
def narrative() -> tuple[Rule, ...]:
    return _rules("narrative")


@cache
def _label_rules() -> dict[str, re.Pattern[str]]:
    return {rule.id: rule.pattern for rule in _rules("labels")}


@cache
def _value_rules() -> tuple[tuple[Rule, ...], tuple[Rule, ...], tuple[Rule, ...]]:
    return _rules("values"), _rules("signs"), _rules("units")


@cache
def keys() -> dict[str, dict[str, tuple[str, ...]]]:
    """Section → {"rows": …, "columns": …}: the canonical key list (stats.md)."""
    out = {}
    for section, lists in vocab.load(NAME)["keys"].items():
        out[section] = {name: tuple(values) for name, values in lists.items()}
    return out


def _checked(section: str, required: tuple[str, ...]) -> list[dict[str, Any]]:
    """A section without patterns (layouts, checks), its entries' shape checked as vocab does."""
    items = vocab.load(NAME).get(section) or []
    if not items:
        raise VocabularyError(f"vocabulary {NAME}.yaml has no entries in '{section}'")
    seen: set[str] = set()
    for item in items:
        where = f"{NAME}.yaml {section} entry {item.get('id', '?')}"
        for key in ("id", "reason", "example", *required):
            if item.get(key) in (None, "", []):
                raise VocabularyError(f"missing '{key}'", where)
        if item["id"] in seen:
            raise VocabularyError("duplicate id", where)
        seen.add(item["id"])
    return items


@cache
def layouts() -> tuple[dict[str, Any], ...]:
    items = _checked("layouts", ("section", "columns"))
    for item in items:
        rows = item.get("rows")
        if rows is not None and len(rows) != len(item["columns"]):
            raise VocabularyError("rows and columns differ in length", f"{NAME}.yaml layout {item['id']}")
        for column in item["columns"]:
            if item["section"] != "主动公开" and column not in keys()[item["section"]]["columns"]:
                raise VocabularyError(f"unknown column {column!r}", f"{NAME}.yaml layout {item['id']}")
    return tuple(items)


@cache
def layout_names() -> frozenset[str]:
    """Every column name of the forms' layouts, normalised (a PDF's header line is split on them)."""
    return frozenset(money_column(c)[0] for layout in layouts() for c in layout["columns"])


@cache
def checks() -> tuple[dict[str, Any], ...]:
    return tuple(_checked("checks", ("section", "kind")))


@lru_cache(maxsize=1 << 16)  # a report repeats its labels and cells; the rules ask of them many times
def normalise(text: str, keep_space: bool = False) -> str:
    """A label in comparable form: simplified characters, ASCII forms, no whitespace.

    NFKC folds （一） to (一), １． to 1. and ： to :, so one pattern reads Word-pasted, full-width and
    traditional-character copies of the same form alike.
    """
    text = unicodedata.normalize("NFKC", simplified(text))
    return _SPACE.sub(" ", text).strip() if keep_space else _SPACE.sub("", text)


def bare_label(label: str) -> str:
    """A normalised row label without its numbering ("三、", "(一)", "1.") and trailing note."""
    numbering, note = _label_rules()["numbering"], _label_rules()["note"]
    previous = None
    while previous != label:
        previous, label = label, numbering.sub("", label, count=1)
    return note.sub("", label) or label


def row_key(section: str, label: str) -> str | None:
    """The canonical row of a table label in ``section``; for 主动公开 an unknown item keeps its
    printed label, for the other sections an unknown label is None (its numbers are not guessed)."""
    text = normalise(label)
    bare = bare_label(text)
    if bare in keys()[section]["rows"]:
        return bare
    for rule in row_aliases():
        if rule.get("section") == section and (rule.pattern.search(text) or rule.pattern.search(bare)):
            return rule.get("row")
    if section != "主动公开":
        # a PDF's label cell may hold its group's words before the row's own numbered label
        # ("度办(四)无法2.没有现成信息需要另行制作"): a key right after a number ends the label
        tail = _label_rules()["numbered_tail"]
        for row in sorted(keys()[section]["rows"], key=len, reverse=True):
            if text.endswith(row) and tail.search(text[:-len(row)]):
                return row
    if section == "主动公开" and bare and not is_damaged(bare) and value_of(bare) is None:
        return bare
    return None


def header_rule(section: str, cell: str) -> Rule | None:
    """The header entry a column header cell is, in ``section``."""
    text = normalise(cell)
    for rule in headers():
        if rule.get("section") == section and rule.pattern.search(text):
            return rule
    return None


def is_damaged(text: str) -> bool:
    """A label a mirror redacted or masked: it names nothing reliably."""
    return any(rule.pattern.search(text) for rule in _value_rules()[0]) or "(略)" in text or "*" in text


def money_column(header: str) -> tuple[str, float]:
    """A printed 主动公开 header normalised, its unit written as "(万元)"; the factor turns the
    column's values into 万元 (1 when the header names no money unit)."""
    text = normalise(header)
    for rule in _value_rules()[2]:
        unit = rule.get("unit")
        m = rule.pattern.search(text)
        if unit and m:
            return f"{text[:m.start()]}({unit})", float(rule.get("factor"))
    return text, 1.0


@lru_cache(maxsize=1 << 16)  # cells repeat ("0" most of all); a Number is frozen, so one may be shared
def value_of(cell: str) -> Number | None:
    """A table cell as a number, or None when the cell is a label.

    Masked ("1*"), redacted ((略)), dashed and blank cells are values without a number: null, never 0.
    """
    if _SPACED_DIGITS.search(cell):
        return None  # "0 0 1" is a row of values (a PDF's text), never the number 1
    text = _THOUSANDS.sub("", normalise(cell))
    if not text:
        return BLANK
    nulls, signs, units = _value_rules()
    if any(rule.pattern.search(text) for rule in nulls):
        return BLANK
    sign, unit, factor = 1, None, 1.0
    for rule in signs:
        m = rule.pattern.search(text)
        if m:
            sign, text = int(rule.get("sign")), text[m.end():]
            break
    for rule in units:
        m = rule.pattern.search(text)
        if m and m.start() > 0:
            unit, factor, text = rule.get("unit"), float(rule.get("factor")), text[:m.start()]
            break
    if not _NUMBER.fullmatch(text):
        return None
    return Number(scaled(float(text) if "." in text else int(text), factor, sign), unit)


def scaled(value: int | float, factor: float = 1.0, sign: int = 1) -> int | float:
    """``value × factor × sign``, an int when whole (0 万元 stays 0; 1591249 元 is 159.1249 万元)."""
    out = value * sign if factor == 1 else round(value * factor * sign, 6)
    if isinstance(out, float) and out.is_integer() and factor != 1:
        return int(out)
    return out
