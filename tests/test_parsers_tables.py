"""Tables rebuilt as grids: spans resolved and repeated, layout tables told apart, big tables whole."""

from __future__ import annotations

from lxml import html

from parsers import tables
from parsers.clean import clean


def _table(markup: str):
    return html.fragment_fromstring(markup)


def _text(cell) -> str:
    return cell.text_content().strip()


def test_rowspan_and_colspan_are_repeated_in_every_cell_they_cover() -> None:
    t = _table("""<table>
      <tr><td rowspan="2">申请人情况</td><td colspan="2">法人或其他组织</td><td rowspan="2">总计</td></tr>
      <tr><td>商业企业</td><td>科研机构</td></tr>
      <tr><td>一、本年新收</td><td>1</td><td>0</td><td>16</td></tr></table>""")
    assert tables.row_lines(tables.grid(t, _text)) == [
        "申请人情况\t法人或其他组织\t法人或其他组织\t总计",
        "申请人情况\t商业企业\t科研机构\t总计",
        "一、本年新收\t1\t0\t16",
    ]


def test_rowspan_past_a_short_row_still_fills_its_column() -> None:
    t = _table("""<table><tr><td>a</td><td>b</td><td rowspan="3">c</td></tr>
      <tr><td>d</td></tr><tr><td>e</td><td>f</td></tr></table>""")
    assert tables.grid(t, _text) == [["a", "b", "c"], ["d", "", "c"], ["e", "f", "c"]]


def test_malformed_spans_are_read_as_one() -> None:
    t = _table('<table><tr><td colspan="x">a</td><td rowspan="0">b</td><td colspan="2;">c</td></tr></table>')
    assert tables.grid(t, _text) == [["a", "b", "c", "c"]]


def test_layout_table_is_not_a_data_table() -> None:
    prose = "本机关认真贯彻落实政府信息公开条例," * 10
    assert tables.is_layout(_table(f"<table><tr><td>{prose}</td></tr></table>"))
    assert tables.is_layout(_table("<table><tr><td><table><tr><td>1</td><td>2</td></tr></table></td></tr></table>"))
    assert not tables.is_layout(_table("<table><tr><td>规章</td><td>0</td></tr></table>"))


def test_prose_in_a_layout_table_keeps_its_paragraphs_apart() -> None:
    page = ("<html><body><table><tr><td class='nav'><a href='/'>首页</a></td></tr><tr><td>"
            "<p>一、总体情况</p><p>2020年,我县认真贯彻落实《中华人民共和国政府信息公开条例》,扎实推进政务公开。</p>"
            "<p>二、主动公开政府信息情况</p><table><tr><td>规章</td><td>0</td></tr></table>"
            "</td></tr></table></body></html>")
    lines = clean(page.encode("utf-8")).text.split("\n")
    assert lines[:4] == ["一、总体情况", "2020年,我县认真贯彻落实《中华人民共和国政府信息公开条例》,扎实推进政务公开。",
                         "二、主动公开政府信息情况", "规章\t0"]


def test_word_pasted_cells_join_their_paragraphs_and_spans() -> None:
    page = ("<html><body><div id=zoom><table><tr><td><p><span>商业</span></p><p><span>企业</span></p></td>"
            "<td><p class=MsoNormal><span lang=EN-US>15<o:p></o:p></span></p></td></tr></table></div></body></html>")
    assert clean(page.encode("utf-8")).text == "商业企业\t15"


def test_a_table_of_a_thousand_cells_comes_through_whole() -> None:
    rows = "".join("<tr>" + "".join(f"<td>{r * 25 + c}</td>" for c in range(25)) + "</tr>" for r in range(48))
    page = f"<html><body><div id=zoom><p>附表</p><table>{rows}</table></div></body></html>"
    lines = clean(page.encode("utf-8")).text.split("\n")
    assert len(lines) == 49 and lines[-1].split("\t")[-1] == str(48 * 25 - 1)
    assert sum(len(line.split("\t")) for line in lines[1:]) == 1200


def test_caption_and_stray_text_in_a_table_are_kept() -> None:
    page = ("<html><body><div id=zoom><table><caption>2021年度政府信息公开统计表</caption>"
            "<tr><td>规章</td><td>0</td>注：单位为件</tr><tr><td>规范性文件</td><td>3</td></tr></table></div></body></html>")
    assert clean(page.encode("utf-8")).text.split("\n") == ["2021年度政府信息公开统计表", "规章\t0", "规范性文件\t3",
                                                            "注：单位为件"]


def test_hostile_spans_are_clamped_to_the_table() -> None:
    rows = '<tr><td rowspan="5000" colspan="200">x</td><td>1</td></tr>' * 400
    page = f"<html><body><div id=zoom><table>{rows}</table></div></body></html>"
    text = clean(page.encode("utf-8")).text
    assert len(text) < 100_000
