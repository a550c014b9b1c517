"""Finding the report on the page: nothing of it may be left outside the container unrecorded."""

from __future__ import annotations

from parsers.clean import clean

P1 = "<p>一、总体情况。本机关认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开信息1211条。</p>"
P2 = "<p>二、主动公开政府信息情况。全年制发规范性文件7件，现行有效规范性文件20件，均已公开。</p>"
TABLE = "<table>" + "".join(f"<tr><td>第{i}项</td><td>{i}</td></tr>" for i in range(8)) + "</table>"


def _page(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body><div class=nav><a href='/'>首页</a></div>{body}</body></html>".encode()


def test_two_editor_blocks_are_both_kept() -> None:
    text = clean(_page(f"<div class=art><div class=TRS_Editor>{P1 * 3}</div><div class=TRS_Editor>{P2 * 3}</div>"
                       "</div>")).text
    assert "一、总体情况" in text and "二、主动公开政府信息情况" in text


def test_tables_in_a_wrapper_beside_the_prose_are_kept() -> None:
    text = clean(_page(f"<div class=art><div id=zoom>{P1 * 4}</div><div class=tablewrap>{TABLE}</div></div>")).text
    assert "第7项\t7" in text and "一、总体情况" in text


def test_inline_container_keeps_its_last_line() -> None:
    body = f"<div><font>{P1 * 3}灵山县人民政府办公室<br>2018年1月20日</font><div>友情链接</div></div>"
    report = clean(_page(body))
    assert report.text.endswith("2018年1月20日") and report.published == "2018-01-20"


def test_centring_wrapper_and_hidden_body_are_not_hidden() -> None:
    wrapped = f"<div style='position:absolute;left:50%;margin-left:-500px;width:1000px'><div id=zoom>{P1}</div></div>"
    assert "一、总体情况" in clean(_page(wrapped)).text
    hidden_body = f"<html><body style='visibility:hidden'><div id=zoom>{P1}</div></body></html>".encode()
    assert "一、总体情况" in clean(hidden_body).text


def test_media_query_rules_do_not_hide_the_report() -> None:
    head = "<style>@media (max-width:640px){.pc{display:none}} @media print{#zoom{display:none}} .x{color:red}</style>"
    assert "一、总体情况" in clean(_page(f"<div class=pc><div id=zoom>{P1}</div></div>", head)).text


def test_many_related_link_markers_do_not_crash() -> None:
    report = clean(_page(f"<div id=zoom>{P1}" + "<p>相关链接</p>" * 1500 + "</div>"))
    assert report.text.startswith("一、总体情况") and "相关链接" not in report.text


def test_malformed_urls_in_links_and_metas_are_ignored() -> None:
    head = "<link rel=canonical href='http://[::1'><meta name=url content='http://a.gov.cn:99999/'>"
    body = f"<div id=zoom>{P1}<a href='http://[::1'>链接</a><a href='javascript:void(0)'>打印</a></div>"
    report = clean(_page(body, head))
    assert "一、总体情况" in report.text and report.url is None
