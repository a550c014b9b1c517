"""Spam runs removed as spans, legitimate words kept, hijacked names restored where the page allows."""

from __future__ import annotations

from parsers.clean import clean
from parsers.names import Places, strip_spam
from parsers.spam import matcher


def test_injected_run_is_removed_without_eating_the_sentence() -> None:
    text = "政府信息公开查阅点和88明升|88明升备用【明陞】灵山县人民政府门户网站等渠道全文公开"
    result = strip_spam(text, matcher(), Places())
    assert result.text == "政府信息公开查阅点和灵山县人民政府门户网站等渠道全文公开"
    assert result.removed == [{"text": "88明升|88明升备用【明陞】", "reason": "spam_phrase:mingsheng"}]


def test_hijacked_name_is_restored_from_the_known_region() -> None:
    places = Places("揭东区", "揭阳市")
    result = strip_spam("皇冠体育,皇冠体育平台区2018年政府信息公开工作年度报告", matcher(), places)
    assert result.text == "揭东区2018年政府信息公开工作年度报告"
    assert result.hijacked == result.restored == 1


def test_city_document_number_restores_the_city_not_the_district() -> None:
    text = "《皇冠体育,皇冠体育平台人民政府办公室印发2018年政务公开工作要点分工方案的通知》(揭府办函〔2018〕40号)"
    result = strip_spam(text, matcher(), Places("揭东区", "揭阳市"))
    assert result.text.startswith("《揭阳市人民政府办公室印发")


def test_hijacked_name_without_giveaway_is_removed_and_counted() -> None:
    result = strip_spam("皇冠体育,皇冠体育平台区人民政府门户网站", matcher(), Places())
    assert result.text == "区人民政府门户网站" and result.hijacked == 1 and result.restored == 0


def test_sports_lottery_and_culture_words_survive_a_whole_page() -> None:
    paragraphs = ["县体育局全年组织全民健身活动56场,新建体育场馆2处,篮球、足球场地12片。",
                  "福利彩票发行中心规范彩票销售网点管理,开展即开型彩票和体育彩票销售检查。",
                  "文化市场综合执法大队检查娱乐场所120家次,互联网上网服务营业场所45家次。",
                  "开户银行:农业银行同心支行。副县长李明升同志任组长。金沙县、太阳城小区改造工程。"]
    page = "<html><body><div id=zoom>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></body></html>"
    report = clean(page.encode("utf-8"))
    assert report.text == "\n".join(paragraphs)
    assert report.spam_removed == []


def test_offsite_link_with_a_weak_word_is_spam_but_a_government_link_is_not() -> None:
    page = ("<html><body><div id=zoom><p>正文第一段,全民健身。<a href='http://www.ty-bet-example.com/'>体育在线</a></p>"
            "<p>相关单位:<a href='http://www.sport.gov.cn/'>国家体育总局</a></p></div></body></html>")
    report = clean(page.encode("utf-8"), )
    assert "体育在线" not in report.text and "国家体育总局" in report.text
    assert report.spam_removed == [{"text": "体育在线", "reason": "spam_link:weak_gambling"}]


def test_spam_title_prefix_is_removed() -> None:
    page = ("<html><head><title>皇冠体育官网-同心县2023年政府信息公开工作年度报告</title></head>"
            "<body><div id=zoom><p>本报告统计数据从2023年1月1日至12月31日。</p></div></body></html>")
    report = clean(page.encode("utf-8"))
    assert report.title == "同心县2023年政府信息公开工作年度报告"


def test_first_chars_bounds_what_a_pattern_can_start_with() -> None:
    from parsers.spam import first_chars

    assert first_chars("(?:a|b)?c") == {"a", "b", "c"}
    assert first_chars(r"(?:\d{2,}|[mM])明") == set("0123456789０１２３４５６７８９mM")
    assert first_chars("(?i:bet)") == {"b", "B"}
    assert first_chars(".x") is None and first_chars("a?") is None and first_chars("[^a]b") is None


def test_guarded_run_regex_finds_what_the_plain_one_finds() -> None:
    import re

    from parsers import vocab

    m = matcher()
    guard_end = m._runs.pattern.index("])") + 2
    plain = re.compile(m._runs.pattern[guard_end:])
    texts = [e.example for e in vocab.entries("spam", kind_key="strength")]
    texts.append("…门户网站88明升|88明升备用【明陞】灵山县，ｍ88明升，bet365体育，皇冠体育,皇冠体育平台区")
    for text in texts:
        spans = [x.span() for x in plain.finditer(text)]
        assert spans == [x.span() for x in m._runs.finditer(text)], text
