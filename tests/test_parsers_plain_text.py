"""A report saved as plain text (the seeds, as a naive scraper left them) is cleaned line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.clean import clean

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def _seed(prefix: str) -> bytes:
    found = sorted(SEEDS.glob(prefix + "_*.txt"))
    if not found:
        pytest.skip("../shared/seeds is not beside the repository")
    return found[0].read_bytes()


def test_seed_001_gives_its_metadata_and_keeps_its_lines() -> None:
    report = clean(_seed("001"))
    assert "plain_text" in report.flags
    assert (report.title, report.year, report.published) == (
        "同心县人民政府办公室2023年政府信息公开工作年度报告", 2023, "2024-01-22")
    assert (report.agency, report.region_code, report.site_code) == ("同心县人民政府办公室", "640324", "6403240007")
    assert "一、总体情况" in report.text.split("\n")
    assert "网站地图" not in report.text and "宁ICP备" not in report.text


def test_seed_002_title_over_two_lines_and_its_bar_tables() -> None:
    report = clean(_seed("002"))
    assert report.title == "遂宁市政务服务和大数据管理局2019年政府信息公开工作年度报告"
    assert report.published == "2020-01-20" and report.city == "遂宁市"
    lines = report.text.split("\n")
    assert "政府集中采购" in lines and "1591249元" in lines and not any(line.endswith("|") for line in lines)


def test_seed_003_spam_mid_sentence_and_breadcrumb() -> None:
    report = clean(_seed("003"))
    assert report.title == "灵山县2017年政府信息公开工作年度报告" and report.region_code == "450721"
    assert "查阅点和灵山县人民政府门户网站" in report.text
    assert "明升" not in report.text and "当前位置" not in report.text and "皇冠体育" not in report.text


def test_seed_000_mirror_body_twice() -> None:
    report = clean(_seed("000"))
    assert {"repeated_body_collapsed", "redacted", "digits_masked"} <= set(report.flags)
    assert report.text.count("一、总体情况") == 1 and report.region_code == "150302"


def test_seed_004_hijacked_name_without_giveaway() -> None:
    report = clean(_seed("004"))
    assert "name_hijacked" in report.flags and "皇冠" not in report.text and report.year == 2018
    assert report.city == "揭阳市"  # from 揭府办函 beside a hijacked name
