"""Near-duplicates: a mirror's damaged copy merges into the official report, which stays canonical;
the same agency's next year and another agency's report of the same county and year stay apart."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from archive import dedup
from archive.store import Archive
from parsers.clean import CleanOptions, clean
from parsers.record import Fetch, Report
from tests.conftest import fixture_bytes

OFFICIAL = "http://www.tongxin.gov.cn/xxgk/zfxxgkml/zfxxgkndbg/art/2024/1/22/art_1234_5678.html"
MIRROR = "http://www.bid-mirror.example.com/news/88231.html"


def _official() -> Report:
    return clean(fixture_bytes("hanweb_tongxin_2023.html"), CleanOptions(url=OFFICIAL))


def _mirror_of(report: Report) -> Report:
    """The aggregator's copy: (略) redactions, "*" for some digits, chrome around, no region."""
    text = re.sub(r"(公开工作)", "(略) ", report.text, count=6)
    text = re.sub(r"(?<=\t)1(?=\t)", "*", text)
    text = "发送至邮箱\n" + text + "\n查看详情》"
    fields = {**report.to_dict(), "url": MIRROR, "text": text, "region_code": None, "county": None,
              "flags": ["redacted", "digits_masked"]}
    return Report(**fields)


def _store(archive: Archive, report: Report, portal: str | None) -> str:
    fetch = archive.store_fetch(Fetch(portal, report.url or "", 200, {}, report.text.encode(),
                                      datetime(2024, 2, 1, tzinfo=UTC)))
    return archive.store_report(report, fetch, portal).status


def _archive(tmp_path: Path) -> Archive:
    archive = Archive(tmp_path / "a.db")
    archive.store_portal("tongxin", "同心县人民政府", "http://www.tongxin.gov.cn/", "640324", "portal")
    archive.store_portal("bidmirror", "招投标信息网", "http://www.bid-mirror.example.com/", None, "mirror")
    return archive


def test_a_mirror_copy_merges_into_the_official_report_which_stays_canonical(tmp_path: Path) -> None:
    official = _official()
    with _archive(tmp_path) as archive:
        assert _store(archive, official, "tongxin") == "new"
        assert _store(archive, _mirror_of(official), "bidmirror") == "near_duplicate"
        assert archive.db["reports"].count == 1
        assert {r["url"] for r in archive.db["report_sources"].rows} == {OFFICIAL, MIRROR}
        assert archive.db["reports"].get(1)["url"] == OFFICIAL


def test_the_official_copy_arriving_later_becomes_canonical(tmp_path: Path) -> None:
    official = _official()
    with _archive(tmp_path) as archive:
        assert _store(archive, _mirror_of(official), "bidmirror") == "new"
        assert _store(archive, official, "tongxin") == "canonical"
        row = archive.db["reports"].get(1)
        assert row["url"] == OFFICIAL and row["version"] == 2 and row["canonical_reason"]
        assert "(略)" not in row["text"] and archive.db["report_versions"].count == 2


def test_merging_survives_reopening_the_archive(tmp_path: Path) -> None:
    official = _official()
    with _archive(tmp_path) as archive:
        _store(archive, official, "tongxin")
    with Archive(tmp_path / "a.db") as archive:
        assert _store(archive, _mirror_of(official), "bidmirror") == "near_duplicate"


def test_next_year_and_template_sibling_stay_apart(tmp_path: Path) -> None:
    official = _official()
    next_year = Report(**{**official.to_dict(), "year": 2024, "url": OFFICIAL.replace("2024/1/22", "2025/1/20"),
                          "title": official.title.replace("2023", "2024"),
                          "text": official.text.replace("2023", "2024").replace("\t15\t", "\t21\t")})
    sibling = Report(**{**official.to_dict(), "agency": "同心县卫生健康局", "url": "http://www.tongxin.gov.cn/wjj/1.html",
                        "title": official.title.replace("人民政府办公室", "卫生健康局"),
                        "text": official.text.replace("同心县人民政府办公室", "同心县卫生健康局")})
    with _archive(tmp_path) as archive:
        assert [_store(archive, r, "tongxin") for r in (official, next_year, sibling)] == ["new"] * 3
        assert archive.db["reports"].count == 3


def test_guards_read_numbers_from_sentences_and_ignore_masked_ones() -> None:
    a = dedup.key(2017, None, None, "全年主动公开政府信息39387条,受理申请16件,答复16件,收费0元,复议1件")
    masked = dedup.key(2017, None, None, "全年主动公开政府信息3*387条,受理申请16件,答复16件,收费0元,复议1件")
    other = dedup.key(2017, None, None, "全年主动公开政府信息12000条,受理申请3件,答复2件,收费5元,复议4件")
    assert dedup.compatible(a, masked) and not dedup.compatible(a, other)


def test_reprocessing_a_mirror_never_overwrites_the_official_copy(tmp_path: Path) -> None:
    official = _official()
    mirror = _mirror_of(official)
    with _archive(tmp_path) as archive:
        _store(archive, official, "tongxin")
        _store(archive, mirror, "bidmirror")
        changed = Report(**{**mirror.to_dict(), "text": mirror.text + "\n招投标大数据"})
        assert _store(archive, changed, "bidmirror") == "near_duplicate"
        row = archive.db["reports"].get(1)
        assert row["url"] == OFFICIAL and row["version"] == 1 and archive.db["reports"].count == 1
