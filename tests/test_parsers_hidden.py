"""Hidden-element detection, one test per trick hacked portals use."""

from __future__ import annotations

import pytest
from lxml import html

from parsers.clean import clean
from parsers.hidden import hidden_reason, hidden_selectors

SPAM = "皇冠体育官网 真人百家乐"


@pytest.mark.parametrize(("markup", "reason"), [
    ('<div style="display:none">x</div>', "display_none"),
    ('<div style="DISPLAY: none !important">x</div>', "display_none"),
    ('<div style="visibility:hidden">x</div>', "visibility_hidden"),
    ('<span style="font-size:0px">x</span>', "font_size_zero"),
    ('<span style="font-size: 0">x</span>', "font_size_zero"),
    ('<div style="position:absolute;left:-9999px">x</div>', "off_screen"),
    ('<div style="position:fixed;top:-2000px">x</div>', "off_screen"),
    ('<div style="text-indent:-99999px">x</div>', "off_screen"),
    ('<div style="width:0;height:0;overflow:hidden">x</div>', "zero_size"),
    ('<div style="opacity:0">x</div>', "opacity_zero"),
    ('<p style="font-size:1px;color:#333">x</p>', "font_size_tiny"),
    ('<p style="color:#fff;font-size:1px">x</p>', "white_text"),
    ('<font color="#FFFFFF">x</font>', "white_text"),
    ('<div style="width:1px;height:1px;overflow:hidden">x</div>', "zero_size"),
    ('<div hidden>x</div>', "hidden_attribute"),
    ('<marquee width="1" height="1">x</marquee>', "marquee"),
    ('<marquee scrollamount="9999">x</marquee>', "marquee"),
], ids=lambda v: v if isinstance(v, str) and not v.startswith("<") else None)
def test_inline_hiding_tricks(markup: str, reason: str) -> None:
    el = html.fragment_fromstring(markup)
    assert hidden_reason(el, {}) == reason


@pytest.mark.parametrize("markup", [
    '<div style="font-size:10px">x</div>', '<div style="margin-left:-10px">x</div>',
    '<div style="width:0">x</div>', '<marquee>通知公告</marquee>', '<div style="display:block">x</div>',
    '<span style="font-size:12px">x</span>', '<div style="width:1px">x</div>', '<p style="font-size:14pt">x</p>',
])
def test_visible_elements_are_not_hidden(markup: str) -> None:
    assert hidden_reason(html.fragment_fromstring(markup), {}) is None


def test_classes_and_ids_hidden_by_the_page_style_block() -> None:
    root = html.document_fromstring(
        "<html><head><style>.lsgg{display:none} #ad, div.x2 { visibility : hidden } .show{color:red}</style></head>"
        "<body><div class='a lsgg'>s</div><p id=ad>t</p><div class=x2>u</div><div class=show>v</div></body></html>")
    selectors = hidden_selectors(root)
    found = [hidden_reason(el, selectors) for el in root.find("body")]
    assert found == ["css_display_none", "css_visibility_hidden", "css_visibility_hidden", None]


def test_hidden_spam_is_removed_and_recorded_and_hidden_chrome_is_not_called_spam() -> None:
    page = (f"<html><body><div id=zoom><p>一、总体情况<span style='font-size:0'>{SPAM}</span>良好。</p>"
            "<div style='display:none'>Produced By 大汉网络</div><p>二、主动公开政府信息情况</p></div></body></html>")
    report = clean(page.encode("utf-8"))
    assert report.text == "一、总体情况良好。\n二、主动公开政府信息情况"
    assert report.spam_removed == [{"text": SPAM, "reason": "hidden_font_size_zero:huangguan"}]
    assert report.chrome_removed[0] == {"text": "Produced By 大汉网络", "reason": "hidden_display_none"}
