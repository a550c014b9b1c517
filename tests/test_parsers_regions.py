"""Region codes and names, valid for the year a report covers; ambiguous names never guessed."""

from __future__ import annotations

from parsers.clean import clean
from parsers.place import find_region
from parsers.regions import registry


def test_code_resolves_to_all_three_levels() -> None:
    region = registry().region("640324")
    assert (region.province, region.city, region.county) == ("宁夏回族自治区", "吴忠市", "同心县")


def test_site_code_prefix_is_a_region_code() -> None:
    assert registry().region("6403240007").code == "640324"


def test_renamed_county_resolves_to_the_code_valid_for_the_year() -> None:
    reg = registry()
    assert [d.code for d in reg.resolve("揭东县", 2010)] == ["445221"]
    assert [d.code for d in reg.resolve("揭东区", 2018)] == ["445203"]
    assert reg.region("445221", 2010).county == "揭东县"
    laiwu = reg.region("371202", 2015)
    assert (laiwu.city, laiwu.county) == ("莱芜市", "莱城区")


def test_site_code_of_today_gives_the_county_of_the_report_year() -> None:
    # 揭东区's portal shows 4452030001; its 2011 report was 揭东县's (445221) report
    assert registry().region("4452030001", 2011).code == "445221"
    assert registry().region("4452030001", 2011).county == "揭东县"
    assert registry().region("4452030001", 2018).code == "445203"


def test_old_county_name_in_an_old_report() -> None:
    region = find_region(None, None, ["揭东县2010年政府信息公开工作年度报告"], [], 2010)
    assert region.code == "445221" and region.city == "揭阳市"


def test_ambiguous_name_is_settled_by_the_other_names_on_the_page() -> None:
    named = ["朝阳区2020年政府信息公开工作年度报告"]
    assert find_region(None, None, named, ["长春市朝阳区人民政府办公室"], 2020).code == "220104"
    assert find_region(None, None, named, ["北京市朝阳区人民政府"], 2020).code == "110105"
    assert find_region(None, None, named, ["本区全年受理申请16件"], 2020) is None


def test_site_code_wins_over_names_elsewhere() -> None:
    assert find_region("4507210001", None, ["某单位年报"], ["同心县 同心县 同心县"], 2017).code == "450721"


def test_city_bureau_gets_the_city_and_no_county() -> None:
    region = find_region(None, None, ["遂宁市政务服务和大数据管理局2019年政府信息公开工作年度报告"], [], 2019)
    assert (region.code, region.city, region.county) == ("510900", "遂宁市", None)


def test_hint_is_used_when_the_page_gives_nothing() -> None:
    page = "<html><body><div id=zoom><p>本单位2021年政府信息公开工作年度报告。</p></div></body></html>"
    from parsers.clean import CleanOptions

    report = clean(page.encode("utf-8"), CleanOptions(region_hint="150302"))
    assert (report.region_code, report.county) == ("150302", "海勃湾区")


def test_names_are_found_longest_first() -> None:
    found = registry().find_names("内蒙古自治区乌海市海勃湾区发展和改革委员会")
    assert found[:3] == ["内蒙古自治区", "乌海市", "海勃湾区"]
