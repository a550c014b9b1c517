"""Bad input gets a clear error or a clear record, never a traceback, and nothing is lost."""

from __future__ import annotations

import io
import zipfile

import pytest

from parsers.clean import CleanOptions, clean
from parsers.errors import EmptyInput, NianbaoError, UnsupportedInput

PARAGRAPH = "<p>本年度共受理政府信息公开申请16件,均已按时答复。</p>"


def test_empty_file_is_an_empty_input_error_naming_the_page() -> None:
    with pytest.raises(EmptyInput, match=r"empty page \(a\.html\)"):
        clean(b"", CleanOptions(where="a.html"))


@pytest.mark.parametrize(("body", "what"), [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG image"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "JPEG image"),
    (b"Rar!\x1a\x07\x00" + b"\x00" * 50, "RAR archive"),
    (b"\x1f\x8b\x08\x00" + b"\x01" * 50, "gzip data"),
    (bytes(range(256)) * 10, "binary data"),
], ids=["png", "jpeg", "rar", "gzip", "random"])
def test_binary_served_as_html_is_refused_with_its_kind(body: bytes, what: str) -> None:
    with pytest.raises(UnsupportedInput, match=what):
        clean(body, CleanOptions(where="x.html"))


def test_legacy_doc_says_how_to_convert() -> None:
    with pytest.raises(UnsupportedInput, match="convert it to DOCX or PDF"):
        clean(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_zip_that_is_not_office_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(UnsupportedInput, match="ZIP archive"):
        clean(buffer.getvalue())


def test_damaged_pdf_is_a_clear_error() -> None:
    with pytest.raises(NianbaoError, match="damaged PDF"):
        clean(b"%PDF-1.4\n%garbage that is not a pdf\n" * 3)


def test_truncated_html_keeps_what_arrived() -> None:
    page = ("<html><head><meta charset=utf-8><title>某县2022年政府信息公开工作年度报告</title></head>"
            "<body><div class=TRS_Editor>" + PARAGRAPH * 3 + "<p>二、主动公开政府信息情况</p><table><tr><td>规章<td>0")
    report = clean(page.encode("utf-8"))
    assert "本年度共受理政府信息公开申请16件,均已按时答复。" in report.text
    assert "二、主动公开政府信息情况" in report.text


def test_text_without_markup_is_cleaned_as_a_page() -> None:
    report = clean("某县2022年政府信息公开工作年度报告\n本年度共受理申请16件。".encode("gbk"))
    assert "本年度共受理申请16件。" in report.text


def test_five_megabyte_page_is_cleaned_whole() -> None:
    rows = "".join(f"<tr><td>第{i}行</td><td>{i}</td><td>{i * 2}</td></tr>" for i in range(20000))
    filler = PARAGRAPH * 75000
    page = (f"<html><head><meta charset=gbk><title>某县2022年政府信息公开工作年度报告</title></head><body>"
            f"<div id=zoom>{filler}<table>{rows}</table><p>报告结束。</p></div></body></html>")
    body = page.encode("gbk")
    assert len(body) > 5_000_000
    report = clean(body)
    assert "第19999行\t19999\t39998" in report.text and report.text.endswith("报告结束。")


def test_deeply_nested_markup_does_not_overflow_the_stack() -> None:
    page = "<html><body><div>" + "<font>" * 5000 + "深层文字" + "</font>" * 5000 + "</div></body></html>"
    report = clean(page.encode("utf-8"))
    assert "深层文字" in report.text and "markup_repaired" in report.flags


def test_news_page_is_cleaned_and_flagged_not_a_report() -> None:
    page = ("<html><head><meta charset=utf-8><title>灵山县召开2018年政务公开工作推进会_灵山县人民政府</title></head>"
            "<body><div class=TRS_Editor><p>3月5日,灵山县召开2018年政务公开工作推进会,部署全年工作。</p></div>"
            "</body></html>")
    report = clean(page.encode("utf-8"))
    assert "not_a_report" in report.flags
    assert "部署全年工作" in report.text


def test_url_is_canonical_and_falls_back_to_the_page_own() -> None:
    page = ('<html><head><link rel="canonical" href="http://WWW.X.gov.cn:80/art/2024/1/22/art_1_2.html#top">'
            "</head><body><p>正文</p></body></html>").encode()
    assert clean(page).url == "http://www.x.gov.cn/art/2024/1/22/art_1_2.html"
    assert clean(page).published == "2024-01-22"
    given = clean(page, CleanOptions(url="HTTP://www.y.gov.cn/a.html#x")).url
    assert given == "http://www.y.gov.cn/a.html"


def test_info_spans_on_separate_source_lines_stay_apart() -> None:
    page = ("<html><body><div class=info><span>来源：县政府办</span>\n<span>字号：大 中 小</span></div>"
            "<div id=zoom><p>根据《条例》规定，\n现发布本报告。</p></div></body></html>")
    report = clean(page.encode("utf-8"))
    assert report.source == "县政府办"
    assert report.text == "根据《条例》规定，现发布本报告。"  # a wrap inside one text node is source formatting


def test_two_units_with_the_same_sentence_and_table_are_not_a_repeated_body() -> None:
    table = "<table>" + "".join(f"<tr><td>第{i}项</td><td>0</td><td>0</td></tr>" for i in range(30)) + "</table>"
    unit = "<p>本单位本年度未收到政府信息公开申请，相关数据如下表。</p>" + table
    page = f"<html><body><div id=zoom><p>一、局机关</p>{unit}<p>二、下属事业单位</p>{unit}</div></body></html>"
    report = clean(page.encode("utf-8"))
    assert "repeated_body_collapsed" not in report.flags
    assert report.text.count("第29项\t0\t0") == 2
