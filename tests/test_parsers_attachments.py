"""Reports published as PDF or DOCX attachments come out as the same record as a page."""

from __future__ import annotations

from parsers.attachments import unwrap
from parsers.clean import clean
from tests.conftest import fixture_bytes


def test_pdf_with_text_layer_gives_text_table_rows_and_metadata() -> None:
    report = clean(fixture_bytes("attachment_tongxin_2023.pdf"))
    assert "attachment" in report.flags and "no_text_layer" not in report.flags
    assert "本报告统计数据从2023年1月1日至12月31日。" in report.text  # wrapped line joined again
    assert "一、本年新收政府信息公开申请数量\t15\t1\t16" in report.text.split("\n")
    assert report.title == "同心县人民政府办公室2023年政府信息公开工作年度报告"
    assert (report.year, report.published, report.region_code) == (2023, "2024-01-22", "640324")
    assert report.agency == "同心县人民政府办公室"


def test_pdf_without_text_layer_is_flagged_not_an_empty_success() -> None:
    report = clean(fixture_bytes("attachment_scan_no_text.pdf"))
    assert report.text == ""
    assert "no_text_layer" in report.flags and "attachment" in report.flags


def test_docx_paragraphs_and_merged_table_cells() -> None:
    report = clean(fixture_bytes("attachment_suining_2019.docx"))
    lines = report.text.split("\n")
    assert "申请人情况\t申请人情况\t申请人情况\t申请人情况" in lines  # horizontal merge repeated
    assert "一、本年新收政府信息公开申请数量\t2\t0\t2" in lines  # vertical merge repeated
    assert report.title == "遂宁市政务服务和大数据管理局2019年政府信息公开工作年度报告"
    assert (report.year, report.published, report.region_code) == (2019, "2020-01-20", "510900")
    assert report.city == "遂宁市" and report.county is None


def test_unwrap_joins_broken_lines_but_not_new_items() -> None:
    lines = [("第一行很长很长很长很长很长很长很长很长很长", False), ("续写完毕。", False),
             ("二、主动公开情况", False), ("一\t二", True)]
    assert unwrap(lines) == [("第一行很长很长很长很长很长很长很长很长很长续写完毕。", False),
                             ("二、主动公开情况", False), ("一\t二", True)]


def test_docx_nested_tables_and_content_controls_are_kept() -> None:
    import io

    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("某县2022年政府信息公开工作年度报告")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(1, 0).text = "外层A", "外层B", "外层C"
    inner = table.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "内层A", "内层D"
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document.element.body.append(parse_xml(
        f'<w:sdt {ns}><w:sdtContent><w:p><w:r><w:t>控件中的段落。</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    buffer = io.BytesIO()
    document.save(buffer)
    lines = clean(buffer.getvalue()).text.split("\n")
    assert lines == ["某县2022年政府信息公开工作年度报告", "外层A\t外层B", "外层C", "内层A\t内层D", "控件中的段落。"]
