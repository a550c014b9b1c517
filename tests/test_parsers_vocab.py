"""Every vocabulary entry, one test each: its example is caught, its keep example survives.

As in trafilatura's token tests, an entry that starts eating real report text fails here by name.
"""

from __future__ import annotations

import re

import pytest
from lxml import html

from parsers import chrome, vocab
from parsers.names import Places, strip_spam
from parsers.spam import matcher

SPAM = vocab.entries("spam", kind_key="strength")
CHROME = vocab.entries("chrome")
CONTAINERS = vocab.entries("containers", pattern_key="xpath")
LABEL_SECTIONS = ("source", "published", "agency", "site_code", "year", "report_title", "not_report_title")
LABELS = [(section, e) for section in LABEL_SECTIONS for e in vocab.entries("labels", section)]


@pytest.mark.parametrize("entry", [e for e in SPAM if e.kind == "strong"], ids=lambda e: e.id)
def test_strong_spam_entry_removes_its_example(entry: vocab.Entry) -> None:
    assert re.search(entry.pattern, entry.example), "the entry's own pattern misses its example"
    runs = matcher().runs(entry.example)
    assert any(entry.id in run.entry_ids for run in runs), f"{entry.id}: no run in {entry.example!r}"
    assert strip_spam(entry.example, matcher(), Places()).removed


@pytest.mark.parametrize("entry", [e for e in SPAM if e.kind == "weak"], ids=lambda e: e.id)
def test_weak_spam_entry_fires_only_in_spam_context(entry: vocab.Entry) -> None:
    assert matcher().any_entry(entry.example) is not None
    assert matcher().runs(entry.example) == [], "weak words must never start a run in plain text"


@pytest.mark.parametrize("entry", [e for e in SPAM if e.keep], ids=lambda e: e.id)
def test_spam_entry_keeps_ordinary_text(entry: vocab.Entry) -> None:
    for keep in entry.keep:
        result = strip_spam(keep, matcher(), Places())
        assert result.text == keep and not result.removed


@pytest.mark.parametrize("entry", CHROME, ids=lambda e: e.id)
def test_chrome_entry_removes_its_example(entry: vocab.Entry) -> None:
    assert re.search(entry.pattern, entry.example), "the entry's own pattern misses its example"
    kept, _, removed = chrome.strip_chrome([entry.example], [entry.kind == "row"])
    assert removed and all(item["reason"].startswith("chrome:") for item in removed)
    if entry.kind == "span":
        assert entry.example not in " ".join(kept)
    else:
        assert kept == []


@pytest.mark.parametrize("entry", [e for e in CHROME if e.kind == "row"], ids=lambda e: e.id)
def test_chrome_row_entry_removes_its_example_row(entry: vocab.Entry) -> None:
    kept, _, removed = chrome.strip_chrome([entry.example], [True])
    assert kept == [] and removed[0]["reason"] == f"chrome:{entry.id}"


@pytest.mark.parametrize("entry", [e for e in CHROME if e.keep], ids=lambda e: e.id)
def test_chrome_entry_keeps_report_text(entry: vocab.Entry) -> None:
    for keep in entry.keep:
        kept, _, removed = chrome.strip_chrome([keep], [entry.kind == "row"])
        assert kept == [keep] and removed == []


@pytest.mark.parametrize("entry", CONTAINERS, ids=lambda e: e.id)
def test_container_xpath_selects_its_example(entry: vocab.Entry) -> None:
    root = html.document_fromstring(f"<html><body>{entry.example}</body></html>")
    assert root.xpath(entry.pattern)


@pytest.mark.parametrize(("section", "entry"), LABELS, ids=lambda v: v.id if isinstance(v, vocab.Entry) else v)
def test_label_entry_reads_its_example(section: str, entry: vocab.Entry) -> None:
    m = re.search(entry.pattern, entry.example)
    assert m
    if entry.expect:
        assert m.group("v").startswith(entry.expect)
    for keep in entry.keep:
        assert not re.search(entry.pattern, keep)


@pytest.mark.parametrize("entry", vocab.entries("labels", "not_report_title"), ids=lambda e: e.id)
def test_notices_about_annual_reports_are_not_reports(entry: vocab.Entry) -> None:
    from parsers.meta import is_report_title

    assert not is_report_title(entry.example)
    assert all(is_report_title(keep) for keep in entry.keep)


def test_vocabulary_refuses_an_entry_without_example(tmp_path, monkeypatch) -> None:
    data = {"entries": [{"id": "x", "pattern": "a", "reason": "r"}]}
    monkeypatch.setattr(vocab, "load", lambda name: data)
    vocab._entries.cache_clear()
    try:
        with pytest.raises(vocab.VocabularyError, match="missing 'example'"):
            vocab.entries("whatever")
    finally:
        vocab._entries.cache_clear()


GRAMMAR = vocab.entries("grammar")


@pytest.mark.parametrize("entry", GRAMMAR, ids=lambda e: e.id)
def test_grammar_entry_reads_its_example(entry: vocab.Entry) -> None:
    rx = vocab.pattern("grammar", entry.id)
    assert rx.search(entry.example)
    for keep in entry.keep:
        assert not rx.search(keep)


def test_grammar_lists_are_present() -> None:
    data = vocab.load("grammar")
    assert "县" in data["level_suffixes"] and "城区" in data["generic_names"]
    assert data["government_suffix"] == "人民政府"
