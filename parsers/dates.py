"""Dates as portals write them, to ``YYYY-MM-DD``: regexes first, dateparser as the last resort.

dateparser (languages=['zh']) returns None for "发表日期:2024-01-22" (labels), for Chinese
numerals "二〇二〇年一月二十日", for "2020年1月20号" and "20200120", and fills a missing day
with today's; its first call costs ~100 ms. So labels are stripped by the caller, the common
shapes are read here by regex, a date without a day is not completed, and dateparser only sees
what is left.
"""

from __future__ import annotations

import re
from datetime import date

_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇零○Ｏ一二三四五六七八九十"
_NUMERIC = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_CHINESE = re.compile(rf"([{_CN}]{{4}})\s*年\s*([{_CN}]{{1,3}})\s*月\s*([{_CN}]{{1,3}})\s*[日号]")
# URL shapes: TRS t20240122_123.html, Hanweb /art/2024/1/22/art_…, /2024-01/22/, /20240122/
_URL_DATES = (
    re.compile(r"[/_]t((?:19|20)\d{2})(\d{2})(\d{2})_"),
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),
)
_MIN_YEAR = 1990


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        value = date(y, m, d)
    except ValueError:
        return None
    if value.year < _MIN_YEAR or value > date.today().replace(year=date.today().year + 1):
        return None
    return value.isoformat()


def cn_number(text: str) -> int | None:
    """Chinese numerals to an int: 二〇二三 → 2023 (digit by digit), 二十一 → 21, 十二 → 12."""
    if not text:
        return None
    if "十" not in text:
        value = 0
        for ch in text:
            if ch not in _DIGIT:
                return None
            value = value * 10 + _DIGIT[ch]
        return value
    tens, _, ones = text.partition("十")
    t = _DIGIT.get(tens) if tens else 1
    o = _DIGIT.get(ones) if ones else 0
    if t is None or o is None:
        return None
    return t * 10 + o


def parse_date(text: str) -> str | None:
    """The first full date (year, month and day) in a short text, or None."""
    m = _NUMERIC.search(text)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _CHINESE.search(text)
    if m:
        y, mo, d = (cn_number(g) for g in m.groups())
        if y and mo and d:
            return _valid(y, mo, d)
        return None
    m = _COMPACT.search(text)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def parse_date_loose(text: str) -> str | None:
    """:func:`parse_date`, then dateparser for anything else with a day (slow: use sparingly)."""
    found = parse_date(text)
    if found or not re.search(r"\d", text):
        return found
    import dateparser  # imported here: it costs ~0.3 s and most pages never need it

    parsed = dateparser.parse(
        text, languages=["zh", "en"],
        settings={"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    return _valid(parsed.year, parsed.month, parsed.day) if parsed else None


def date_from_url(url: str | None) -> str | None:
    """The publish date a CMS wrote into the article's URL."""
    if not url:
        return None
    for rx in _URL_DATES:
        m = rx.search(url)
        if m:
            found = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if found:
                return found
    return None
