"""Spreadsheet attachments (.xlsx from its XML, .xls through LibreOffice or xls2csv): rows as
tab-separated lines, merged cells repeated; a sheet is a report only when its listing says so."""

from __future__ import annotations

import shutil

import pytest

from parsers.clean import CleanOptions, clean
from tests.conftest import fixture_bytes

ROWS = ["申请人情况\t申请人情况\t申请人情况\t申请人情况\t申请人情况", "\t自然人\t商业企业\t其他\t总计",
        "一、本年新收政府信息公开申请数量\t15\t1\t0\t16", "二、上年结转政府信息公开申请数量\t0\t0\t0\t0"]
LISTING = {"title": "同心县2023年政府信息公开工作年度报告", "published": "2024-01-22"}


@pytest.mark.parametrize("name", ["sheet_tongxin_2023_stats.xlsx", "sheet_tongxin_2023_stats.xls"])
def test_rows_and_merged_cells(name: str) -> None:
    if name.endswith(".xls") and shutil.which("soffice") is None:
        pytest.skip("needs LibreOffice (.ci/run installs libreoffice-calc-nogui)")
    report = clean(fixture_bytes(name), CleanOptions(where=name))
    lines = report.text.split("\n")
    assert all(row in lines for row in ROWS), report.text
    assert "attachment" in report.flags and "not_a_report" in report.flags  # a bare table names no report
    listed = clean(fixture_bytes(name), CleanOptions(where=name, listing=LISTING))
    assert listed.title == LISTING["title"] and listed.year == 2023 and "not_a_report" not in listed.flags


@pytest.mark.skipif(shutil.which("xls2csv") is None, reason="needs Debian's catdoc")
def test_without_libreoffice_xls2csv_reads_it_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda tool: None if tool in ("soffice", "libreoffice") else real(tool))
    report = clean(fixture_bytes("sheet_tongxin_2023_stats.xls"), CleanOptions(where="x.xls"))
    assert "converted_by_xls2csv" in report.flags and "16" in report.text
