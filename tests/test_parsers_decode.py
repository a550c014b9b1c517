"""Decoding: every encoding portals use, declared or not, without mojibake or silent truncation."""

from __future__ import annotations

import pytest

from parsers.clean import CleanOptions, clean
from parsers.decode import decode
from parsers.errors import DecodeFailed, EmptyInput

BODY = "同心县人民政府办公室2023年政府信息公开工作年度报告。联系人:朱镕基、张喆,电话0953-8637408。"


def page(charset: str | None, text: str = BODY, title: str = "年报") -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    return f"<html><head>{meta}<title>{title}</title></head><body><div><p>{text}</p></div></body></html>"


def test_gb2312_declaration_decodes_gbk_only_characters() -> None:
    raw = page("gb2312").encode("gbk")
    with pytest.raises(UnicodeEncodeError):
        "镕".encode("gb2312")  # the trap: 镕 is GBK, not GB2312
    decoded = decode(raw)
    assert decoded.encoding == "gb18030" and decoded.replaced == 0
    assert "朱镕基、张喆" in decoded.text


def test_gb2312_page_keeps_every_character_in_the_record() -> None:
    # lxml given these bytes with charset=gb2312 stops at 镕; we must not
    report = clean(page("gb2312").encode("gbk"))
    assert "联系人:朱镕基、张喆,电话0953-8637408。" in report.text


def test_utf8_page_declaring_gb2312_is_read_as_utf8() -> None:
    decoded = decode(page("gb2312").encode("utf-8"))
    assert decoded.encoding == "utf-8" and BODY in decoded.text


def test_big5_declared_is_decoded_with_hkscs() -> None:
    text = "臺灣地區政府資訊公開年度報告"
    decoded = decode(page("big5", text, "年報").encode("big5"))
    assert decoded.encoding == "big5hkscs" and text in decoded.text


def test_gbk_without_any_declaration_is_detected() -> None:
    decoded = decode(page(None, BODY * 5).encode("gbk"))
    assert BODY in decoded.text and decoded.replaced == 0


def test_big5_without_any_declaration_is_not_read_as_gbk() -> None:
    text = "本縣政府資訊公開工作年度報告,依申請公開案件共計十六件,均依法答覆。" * 4
    decoded = decode(page(None, text, "年報").encode("big5"))
    assert text in decoded.text


def test_http_header_charset_is_used_when_the_page_says_nothing() -> None:
    decoded = decode(page(None).encode("gbk"), content_type="text/html; charset=GBK")
    assert decoded.encoding == "gb18030" and BODY in decoded.text


def test_wrong_header_is_overruled_by_the_bytes() -> None:
    # header says UTF-8, the page says gb2312 and is GBK: the bytes are not UTF-8, the meta wins
    decoded = decode(page("gb2312").encode("gbk"), content_type="text/html; charset=utf-8")
    assert BODY in decoded.text


def test_utf8_bom_and_utf16_bom() -> None:
    assert BODY in decode(b"\xef\xbb\xbf" + page(None).encode("utf-8")).text
    assert BODY in decode(page(None).encode("utf-16")).text


def test_unknown_declared_charset_falls_back_to_detection() -> None:
    decoded = decode(page("x-no-such-charset").encode("gbk"))
    assert BODY in decoded.text


def test_latin1_declaration_on_a_chinese_page_is_not_trusted() -> None:
    decoded = decode(page("iso-8859-1", BODY * 3).encode("gbk"))
    assert BODY in decoded.text


def test_page_cut_mid_character_keeps_everything_before_the_cut() -> None:
    raw = page("gbk").encode("gbk")
    cut = raw[: raw.index("电话".encode("gbk")) + 1]  # half of 电
    decoded = decode(cut)
    assert "联系人:朱镕基、张喆," in decoded.text and decoded.replaced == 1
    assert "decode_errors" in clean(cut).flags


def test_empty_page_is_a_clear_error() -> None:
    with pytest.raises(EmptyInput, match="empty page"):
        decode(b"  \n ", where="x.html")


def test_undecodable_bytes_are_refused_not_guessed() -> None:
    junk = bytes(range(0x80, 0x100)) * 40
    with pytest.raises(DecodeFailed):
        decode(b"<p>" + junk.replace(b"\x00", b""), where="junk.html")


def test_encoding_is_reported_in_the_record() -> None:
    report = clean(page("gb2312").encode("gbk"), CleanOptions(where="p.html"))
    assert report.encoding == "gb18030"


def test_utf16_without_bom_is_read() -> None:
    decoded = decode(page("utf-16").encode("utf-16-le"))
    assert BODY in decoded.text and decoded.encoding == "utf-16-le"
    assert BODY in clean(page(None).encode("utf-16-be")).text


def test_single_byte_declaration_on_a_gbk_page_is_not_trusted() -> None:
    for charset in ("windows-1251", "koi8-r", "iso-8859-5"):
        assert BODY in decode(page(charset, BODY * 3).encode("gbk")).text, charset


def test_control_characters_and_stray_nuls_do_not_reach_the_text() -> None:
    raw = page("utf-8", "第一段\x1b[0m文字\x07。\x00").encode("utf-8")
    report = clean(raw)
    assert "第一段[0m文字。" in report.text
