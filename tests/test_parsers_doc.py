"""Word 97–2003 attachments (.doc, .wps): LibreOffice headless, catdoc without it, a clear error
without either."""

from __future__ import annotations

import shutil

import pytest

from parsers.clean import CleanOptions, clean
from parsers.errors import UnsupportedInput
from tests.conftest import fixture_bytes

DOC = "doc_linze_jtj_2022_word97.doc"


def _only(monkeypatch: pytest.MonkeyPatch, *tools: str) -> None:
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: real(name) if name in tools else None)


@pytest.mark.skipif(shutil.which("catdoc") is None, reason="needs Debian's catdoc (.ci/run installs it)")
def test_without_libreoffice_catdoc_reads_it_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    _only(monkeypatch, "catdoc")
    report = clean(fixture_bytes(DOC), CleanOptions(where=DOC))
    assert "converted_by_catdoc" in report.flags and "attachment" in report.flags
    assert report.title == "临泽县交通运输局2022年政府信息公开工作年度报告" and report.year == 2022
    assert "全年收到政府信息公开申请2件，均已按时答复。" in report.text


def test_without_either_tool_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _only(monkeypatch)
    with pytest.raises(UnsupportedInput, match="legacy Word file") as caught:
        clean(fixture_bytes(DOC), CleanOptions(where=DOC))
    assert "libreoffice-writer-nogui" in str(caught.value)
