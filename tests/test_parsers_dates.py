"""Dates as portals write them; never a day invented for a date without one."""

from __future__ import annotations

import pytest

from parsers.dates import cn_number, date_from_url, parse_date, parse_date_loose


@pytest.mark.parametrize(("text", "want"), [
    ("2024-01-22", "2024-01-22"), ("2019-03-06 11:43", "2019-03-06"), ("2020/1/20", "2020-01-20"),
    ("2020.01.20", "2020-01-20"), ("2020年1月20日", "2020-01-20"), ("2020年1月20号", "2020-01-20"),
    ("20200120", "2020-01-20"), ("二〇二〇年一月二十日", "2020-01-20"), ("二〇二三年十二月三十一日", "2023-12-31"),
    ("2017年12月", None), ("2020-02-30", None), ("1899-01-01", None),
])
def test_parse_date(text: str, want: str | None) -> None:
    assert parse_date(text) == want


def test_dateparser_is_the_last_resort_and_needs_a_day() -> None:
    assert parse_date_loose("Jan 5, 2020") == "2020-01-05"
    assert parse_date_loose("2017年12月") is None


@pytest.mark.parametrize(("url", "want"), [
    ("http://www.lingshan.gov.cn/zwgk/201802/t20180213_1234567.html", "2018-02-13"),
    ("http://www.tongxin.gov.cn/art/2024/1/22/art_1234_5678.html", "2024-01-22"),
    ("http://www.x.gov.cn/c1/2023-01/30/content_8a7f.shtml", "2023-01-30"),
    ("http://www.x.gov.cn/zwgk/index.html", None),
])
def test_date_from_url(url: str, want: str | None) -> None:
    assert date_from_url(url) == want


def test_chinese_numerals() -> None:
    assert [cn_number(t) for t in ("二〇二三", "十", "十二", "二十", "三十一", "甲")] == [2023, 10, 12, 20, 31, None]
