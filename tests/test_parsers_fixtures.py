"""Every fixture page, cleaned from its bytes, against its expectation file (tests/fixtures/*.expect.yaml).

Each page must keep every listed body phrase and table row, lose every listed spam and chrome
string, and give the expected metadata and flags.
"""

from __future__ import annotations

import pytest

from crawler.registry import load, portal_for_url
from parsers.clean import CleanOptions, clean
from tests.conftest import expectations, fixture_bytes

CASES = expectations()
IDS = [name for name, _ in CASES]


def _clean(name: str, expect: dict):
    """As ``nianbao clean PAGE --url URL`` does it: the registry gives the region of a known host."""
    url = expect.get("url")
    portal = portal_for_url(url, load()) if url else None
    hint = portal.region_code if portal else None
    return clean(fixture_bytes(name), CleanOptions(url=url, region_hint=hint, where=name))


@pytest.mark.parametrize(("name", "expect"), CASES, ids=IDS)
def test_fixture_keeps_every_listed_phrase(name: str, expect: dict) -> None:
    text = _clean(name, expect).text
    missing = [p for p in expect.get("must_keep") or [] if p not in text]
    assert not missing, f"lost from {name}: {missing}"


@pytest.mark.parametrize(("name", "expect"), CASES, ids=IDS)
def test_fixture_keeps_every_table_row_as_a_tab_separated_line(name: str, expect: dict) -> None:
    lines = set(_clean(name, expect).text.split("\n"))
    missing = [row for row in expect.get("must_keep_lines") or [] if row not in lines]
    assert not missing, f"rows lost from {name}: {missing}"


@pytest.mark.parametrize(("name", "expect"), CASES, ids=IDS)
def test_fixture_drops_spam_and_chrome(name: str, expect: dict) -> None:
    report = _clean(name, expect)
    present = [p for p in expect.get("must_drop") or [] if p in report.text]
    assert not present, f"left in {name}: {present}"
    assert len(report.spam_removed) >= expect.get("spam_min", 0)
    for item in report.spam_removed:
        assert set(item) == {"text", "reason"} and item["text"] and item["reason"]


@pytest.mark.parametrize(("name", "expect"), CASES, ids=IDS)
def test_fixture_metadata(name: str, expect: dict) -> None:
    record = _clean(name, expect).to_dict()
    wrong = {key: (record.get(key), want) for key, want in (expect.get("record") or {}).items()
             if record.get(key) != want}
    assert not wrong, f"{name}: got/expected {wrong}"


@pytest.mark.parametrize(("name", "expect"), CASES, ids=IDS)
def test_fixture_flags(name: str, expect: dict) -> None:
    flags = _clean(name, expect).flags
    assert set(expect.get("flags_include") or []) <= set(flags), flags
    assert not set(expect.get("flags_exclude") or []) & set(flags), flags
