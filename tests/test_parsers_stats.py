"""The statistics of a report (parsers/stats.py): every vocabulary entry on its example, the hand-checked
cells of tests/fixtures/stats_truth.yaml, and the behaviours the issue asks for (nulls, checks, flags).

Pages and seeds are read as bytes and cleaned as ``nianbao clean`` does; the statistics are read from
the record's text, so tables from HTML, flattened text, PDF and DOCX go through the same path.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from parsers import stats_vocab as sv
from parsers import vocab
from parsers.clean import CleanOptions, clean
from parsers.record import Report
from parsers.stats import cells_of, check, extract
from parsers.stats_narrative import read_sentences
from parsers.stats_tables import read_tables, section_rule
from tests.conftest import FIXTURES, fixture_bytes

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
TRUTH = yaml.safe_load((FIXTURES / "stats_truth.yaml").read_text(encoding="utf-8"))["documents"]


def _source(doc: dict) -> bytes:
    if doc["where"] == "seeds":
        path = SEEDS / doc["name"]
        if not path.exists():
            pytest.skip("../shared/seeds is not beside the repository")
        return path.read_bytes()
    if doc.get("needs") == "libreoffice" and not (shutil.which("soffice") or shutil.which("catdoc")):
        pytest.skip("no converter for .doc installed")
    return fixture_bytes(doc["name"])


def _report(doc: dict) -> Report:
    return clean(_source(doc), CleanOptions(where=doc["name"]))


def _doc(name: str) -> dict:
    return next(doc for doc in TRUTH if doc["name"] == name)


def _cells(report: Report) -> dict[tuple[str, str, str], object]:
    return {(c["section"], c["row"], c["column"]): c["value"] for c in report.stats}


# --- the vocabulary, one entry at a time ------------------------------------------------------------

def _entries() -> list[tuple[str, dict]]:
    data = vocab.load("stats")
    names = ("sections", "rows", "labels", "headers", "units", "values", "signs", "layouts", "checks", "narrative")
    return [(name, item) for name in names for item in data[name]]


@pytest.mark.parametrize(("kind", "entry"), _entries(), ids=lambda v: v["id"] if isinstance(v, dict) else v)
def test_stats_vocabulary_entry_reads_its_example(kind: str, entry: dict) -> None:
    keeps = entry.get("keep") or []
    keeps = [keeps] if isinstance(keeps, str) else keeps
    if kind == "checks":
        flag = f"stats_check_failed:{entry['section']}:{entry['id']}"
        assert flag in check(cells_of(entry["example"], entry["section"]))
        assert flag not in check(cells_of(entry["keep"], entry["section"]))
        return
    if kind == "layouts":
        columns = _layout_of(entry)
        assert columns == [sv.money_column(c)[0] for c in entry["columns"]]
        return
    rx = re.compile(entry["pattern"])
    text = sv.normalise(entry["example"], keep_space=kind == "narrative")
    assert rx.search(text) or rx.search(sv.bare_label(text)), f"{entry['id']} misses its own example {text!r}"
    if kind == "sections":
        assert section_rule(entry["example"]).id == entry["id"]
        assert all(section_rule(k) is None or section_rule(k).id != entry["id"] for k in keeps)
    elif kind == "rows":
        assert sv.row_key(entry["section"], entry["example"]) == entry["row"]
        assert all(sv.row_key(entry["section"], k) != entry["row"] for k in keeps)
    elif kind == "headers":
        assert sv.header_rule(entry["section"], entry["example"]).id == entry["id"]
        assert all((r := sv.header_rule(entry["section"], k)) is None or r.id != entry["id"] for k in keeps)
    elif kind in ("values", "signs", "units"):
        _value_entry(kind, entry, keeps)
    elif kind == "narrative":
        cells = read_sentences(entry["example"], set())
        got = {(c["section"], c["row"], c["column"]): c["value"] for c in cells}
        for cell, value in zip(entry["cells"], entry["expect"], strict=True):
            assert got[tuple(cell[:3])] == value
        assert all(c["evidence"] for c in cells)
    for keep in keeps if kind in ("labels", "values", "units", "narrative") else []:
        assert not rx.search(sv.normalise(keep, keep_space=kind == "narrative")), f"{entry['id']} reads {keep!r}"


def _layout_of(entry: dict) -> list[str]:
    """The columns a flattened table (the layout's example header, one cell per line, then one row of
    values) is read under, through the reader itself."""
    section, count = entry["section"], len(entry["columns"])
    opening = {"主动公开": f"第二十条第({entry.get('item')})项", "依申请公开": "三、收到和处理政府信息公开申请情况",
               "复议诉讼": "四、政府信息公开行政复议、行政诉讼情况"}[section]
    label = {"主动公开": ["规章"], "依申请公开": ["一、本年新收政府信息公开申请数量"], "复议诉讼": []}[section]
    lines = [opening, *entry["example"].split("\t"), *label, *[str(n) for n in range(count)]]
    found = read_tables("\n".join(lines), int(entry.get("form", 2021)))
    cells = sorted(found.cells, key=lambda c: c["value"])
    if entry.get("rows"):
        assert [c["row"] for c in cells] == entry["rows"]
    return [c["column"] for c in cells]


def _value_entry(kind: str, entry: dict, keeps: list[str]) -> None:
    if kind == "units" and entry.get("unit"):
        name, factor = sv.money_column(entry["example"])
        number = sv.value_of(entry["example"])
        assert name.endswith(f"({entry['unit']})") or (number is not None and number.unit == entry["unit"])
        assert factor in (1.0, float(entry["factor"]))
        return
    number = sv.value_of(entry["example"])
    assert number is not None, f"{entry['example']!r} is not read as a cell value"
    if kind == "values":
        assert number.value is None  # masked, redacted, dashed: null, never 0
        assert all(sv.value_of(k) is None or sv.value_of(k).value is not None for k in keeps)
    elif kind == "signs":
        assert number.value is not None and (number.value < 0) == (entry["sign"] < 0)
    else:
        assert number.value is not None


def test_every_canonical_key_is_documented() -> None:
    doc = (Path(sv.__file__).parent / "data" / "stats.md").read_text(encoding="utf-8")
    for section, lists in sv.keys().items():
        assert f"`{section}`" in doc
        for key in (*lists.get("rows", ()), *lists.get("columns", ())):
            assert f"`{key}`" in doc, f"{section} key {key} is not in stats.md"
    for rule in sv.checks():
        assert f"stats_check_failed:{rule['section']}:{rule['id']}" in doc


# --- hand-checked cells ------------------------------------------------------------------------------

@pytest.mark.parametrize("doc", TRUTH, ids=[doc["name"] for doc in TRUTH])
def test_hand_checked_cells_are_read_exactly(doc: dict) -> None:
    got = _cells(_report(doc))
    wrong = {}
    for cell in doc["cells"]:
        key = (cell["section"], cell["row"], cell["column"])
        if key not in got or got[key] != cell["value"] or type(got[key]) is not type(cell["value"]):
            wrong[key] = (got.get(key, "missing"), cell["value"])
    assert not wrong, f"{doc['name']}: got/expected {wrong}"


@pytest.mark.parametrize("doc", [d for d in TRUTH if d["tables"]], ids=lambda d: d["name"])
def test_tables_are_found_where_a_report_has_them(doc: dict) -> None:
    report = _report(doc)
    assert any("evidence" not in c for c in report.stats)
    assert "stats_not_found" not in report.flags


def test_seed_001_reads_the_2021_form_flattened_one_cell_per_line() -> None:
    report = _report(_doc("001_7d78940555e26d72.txt"))
    got = _cells(report)
    new = "本年新收政府信息公开申请数量"
    assert (got[("依申请公开", new, "自然人")], got[("依申请公开", new, "商业企业")],
            got[("依申请公开", new, "总计")]) == (15, 1, 16)
    assert "plain_text" in report.flags and not [f for f in report.flags if f.startswith("stats_")]
    # the whole 2021 form: 26 rows × 7 columns, 15 复议诉讼 numbers, 10 主动公开 cells
    sections = [c["section"] for c in report.stats]
    assert (sections.count("依申请公开"), sections.count("复议诉讼"), sections.count("主动公开")) == (175, 15, 10)


def test_masked_and_redacted_cells_are_null_never_zero() -> None:
    got = _cells(clean(fixture_bytes("mirror_pingyao_2021_traditional_masked.html")))
    assert got[("依申请公开", "本年新收政府信息公开申请数量", "自然人")] is None  # "**"
    assert got[("依申请公开", "本机关不掌握相关政府信息", "总计")] is None  # "（略）"
    assert got[("依申请公开", "本年新收政府信息公开申请数量", "商业企业")] == 0
    seed = _cells(_report(_doc("000_614c626c9c3528b1.txt")))
    assert seed[("主动公开", "行政许可", "上一年项目数量")] is None  # "*" on its own line
    assert seed[("主动公开", "行政许可", "本年增/减")] == -1  # "减1"


def test_spam_emptied_cells_are_null() -> None:
    got = _cells(clean(fixture_bytes("nanwei_nanjing_2020_cells_replaced.html")))
    assert got[("主动公开", "行政规范性文件", "本年废止件数")] is None
    assert got[("依申请公开", "其他法律行政法规禁止公开", "自然人")] is None


def test_a_report_failing_a_check_keeps_its_numbers_and_is_flagged() -> None:
    # seed 001's page with one number changed: (七)总计 自然人 15 → 14, as a typo in a real report would be
    page = fixture_bytes("hanweb_tongxin_2023.html")
    row = "(七)总计".encode()
    start = page.index(row)
    cut = page.index(b">15<", start)
    report = clean(page[:cut] + b">14<" + page[cut + 4:], CleanOptions(where="typo"))
    got = _cells(report)
    assert got[("依申请公开", "总计", "自然人")] == 14  # kept as printed, not corrected
    assert got[("依申请公开", "本年新收政府信息公开申请数量", "自然人")] == 15
    for name in ("一+二≠三+四", "(七)总计", "总计列"):
        assert f"stats_check_failed:依申请公开:{name}" in report.flags
    assert "stats_check_failed:复议诉讼:总计" not in report.flags


def test_reports_that_add_up_pass_every_check() -> None:
    for doc in TRUTH:
        if doc["where"] == "fixtures" and doc["tables"] and doc.get("needs") is None:
            flags = _report(doc).flags
            assert not [f for f in flags if f.startswith("stats_check_failed")], (doc["name"], flags)


def test_narrative_figures_carry_their_sentence() -> None:
    report = _report(_doc("003_20c293b9e1dc9265.txt"))
    assert "stats_from_text" in report.flags
    cell = next(c for c in report.stats if c["row"] == "本年新收政府信息公开申请数量")
    assert cell["value"] == 0 and cell["evidence"] == "2017年度我县未接到依申请公开政府信息的申请"
    assert all(c.get("evidence") for c in report.stats)


def test_sentences_do_not_repeat_what_a_table_gave() -> None:
    # seed 001's prose says 全年共受理依申请公开事项16件; its table says so already
    report = _report(_doc("001_7d78940555e26d72.txt"))
    assert not [c for c in report.stats if "evidence" in c]


def test_a_masked_number_in_a_sentence_is_null() -> None:
    got = _cells(clean(fixture_bytes("mirror_etuokeqianqi_2020_masked.html")))
    assert got[("依申请公开", "本年新收政府信息公开申请数量", "总计")] is None  # "申请*件"


def test_a_table_era_report_without_tables_is_flagged() -> None:
    summary = clean(fixture_bytes("trs_anhua_2021_object_pdf_summary.html"))
    assert "stats_not_found" in summary.flags and "stats_from_text" in summary.flags
    old = clean(fixture_bytes("trs_lingshan_2017_gbk_spam.html"))
    assert "stats_not_found" not in old.flags


def test_pages_that_are_not_reports_get_no_statistics() -> None:
    report = clean(fixture_bytes("trs_news_not_report.html"))
    assert "not_a_report" in report.flags and report.stats == []
    assert not [f for f in report.flags if f.startswith("stats_")]


def test_a_label_merged_over_two_value_rows_keeps_the_first_and_says_so() -> None:
    report = _report(_doc("attachment_suining_2019.docx"))
    assert _cells(report)[("依申请公开", "本年新收政府信息公开申请数量", "总计")] == 4
    assert "stats_row_repeated:依申请公开" in report.flags


def test_a_table_after_the_review_table_is_not_read_into_it() -> None:
    # docx_linze has a 收费 table (收费项目 | 金额（元） / 按件计收 | 0) after its 复议诉讼 table
    report = _report(_doc("docx_linze_jtj_2022_nested.docx"))
    reviews = [c for c in report.stats if c["section"] == "复议诉讼"]
    assert len(reviews) == 15 and {c["row"] for c in reviews} == {
        "行政复议", "行政诉讼-未经复议直接起诉", "行政诉讼-复议后起诉"}


def test_every_cell_of_every_fixture_has_a_canonical_key_and_a_number_or_null() -> None:
    keys = sv.keys()
    for path in sorted(FIXTURES.iterdir()):
        if path.suffix in (".yaml", ".py", ".md") or path.name == "doc_linze_jtj_2022_word97.doc":
            continue
        try:
            report = clean(path.read_bytes(), CleanOptions(where=path.name))
        except Exception:  # unreadable fixtures are other tests' business
            continue
        for cell in report.stats:
            assert set(cell) <= {"section", "row", "column", "value", "evidence"}
            value = cell["value"]
            assert value is None or (isinstance(value, int | float) and not isinstance(value, bool)), cell
            if cell["section"] != "主动公开":
                assert cell["row"] in keys[cell["section"]]["rows"], (path.name, cell)
                assert cell["column"] in keys[cell["section"]]["columns"], (path.name, cell)
                assert value is None or isinstance(value, int), (path.name, cell)


def test_a_row_whose_values_do_not_fit_the_header_is_skipped_not_guessed() -> None:
    # one cell per line: a blank cell of a flattened table vanishes, so six values under seven columns
    text = "\n".join(["申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织",
                      "法律服务机构", "其他", "一、本年新收政府信息公开申请数量", "15", "1", "0", "0", "0", "16",
                      "二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0"])
    found = read_tables(text, 2023)
    rows = {c["row"] for c in found.cells}
    assert rows == {"上年结转政府信息公开申请数量"} and "stats_row_skipped:依申请公开" in found.flags


def test_a_label_wrapped_over_two_lines_is_joined() -> None:
    text = "\n".join(["三、收到和处理政府信息公开申请情况", "自然人", "法人或其他组织", "总计",
                      "一、本年新收政府信息公开申请数量", "2", "0", "2",
                      "1.申请人无正当理由逾期不补正、行政机关不再处理其", "政府信息公开申请", "1", "0", "1"])
    got = {(c["row"], c["column"]): c["value"] for c in read_tables(text, 2022).cells}
    assert got[("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "总计")] == 1


def test_a_review_table_with_the_kinds_as_rows_reads_into_the_same_keys() -> None:
    text = "\n".join(["四、政府信息公开行政复议、行政诉讼情况", "项目\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
                      "行政复议\t1\t0\t0\t0\t1", "未经复议直接起诉\t0\t1\t0\t0\t1", "复议后起诉\t0\t0\t0\t1\t1",
                      "五、存在的主要问题及改进情况"])
    cells, flags = extract(text, 2022)
    got = {(c["row"], c["column"]): c["value"] for c in cells}
    assert len(cells) == 15 and flags == []
    assert got[("行政诉讼-未经复议直接起诉", "结果纠正")] == 1 and got[("行政诉讼-复议后起诉", "尚未审结")] == 1


# pdf_meitan_2023_spans.pdf as a PDF without ruled cells gives it: text lines, cells by spaces, header
# cells and long labels wrapped into fragments (pdfplumber's extract_text of that fixture, abridged)
PDF_TEXT = """三、收到和处理政府信息公开申请情况
申请人情况
法人或其他组织
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第
四项之和） 自然
社会 法律 总计
人 商业 科研
公益 服务 其他
企业 机构
组织 机构
一、本年新收政府信息公开申请数量 18 2 0 0 1 0 21
二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1
（一）予以公开 9 1 0 0 1 0 11
（二）部分公开（区分处理的，只计这一情形，不计其
2 0 0 0 0 0 2
他情形）
三、 1.本机关不掌握相关政府信息 5 1 0 0 0 0 6
本年
度办 （四）无法 2.没有现成信息需要另行制作 0 0 0 0 0 0 0
1.申请人无正当理由逾期不补正、行政机
1 0 0 0 0 0 1
关不再处理其政府信息公开申请
（六）其他
2.申请人逾期未按收费通知要求缴纳费用、
处理 0 0 0 0 0 0 0
行政机关不再处理其政府信息公开申请
（七）总计 19 2 0 0 1 0 22
四、政府信息公开行政复议、行政诉讼情况
行政复议 行政诉讼
未经复议直接起诉 复议后起诉
结果 结果 其他 尚未
维持 纠正 结果 审结 结果 结果 其他 尚未 结果 结果 其他 尚未
0 0 0 0 0 1 0 0 0 1 0 0 0 0 0
五、存在的主要问题及改进情况"""


def test_a_pdf_table_read_as_text_lines_is_read_by_the_form() -> None:
    cells, flags = extract(PDF_TEXT, 2023)
    got = {(c["row"], c["column"]): c["value"] for c in cells}
    assert got[("本年新收政府信息公开申请数量", "自然人")] == 18 and got[("本年新收政府信息公开申请数量", "总计")] == 21
    assert got[("部分公开", "总计")] == 2 and got[("本机关不掌握相关政府信息", "商业企业")] == 1
    assert got[("没有现成信息需要另行制作", "总计")] == 0
    assert got[("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "自然人")] == 1
    assert got[("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "总计")] == 0
    assert got[("总计", "总计")] == 22 and got[("行政诉讼-未经复议直接起诉", "结果维持")] == 1
    assert not [f for f in flags if "skipped" in f or "failed" in f]


def test_a_row_of_numbers_separated_by_spaces_is_never_one_number() -> None:
    assert sv.value_of("0 0 1") is None and sv.value_of("１ ０") is None
    assert sv.value_of("1,234").value == 1234 and sv.value_of("２８").value == 28


def test_extract_returns_cells_and_flags_for_plain_text() -> None:
    cells, flags = extract("2015年，全县共受理政府信息公开申请3件，已全部按时答复，其中同意公开2件。", 2015)
    assert [(c["row"], c["value"]) for c in cells] == [("本年新收政府信息公开申请数量", 3), ("予以公开", 2)]
    assert flags == ["stats_from_text"]


def test_a_failure_in_reading_the_tables_keeps_the_report_and_says_so(monkeypatch) -> None:
    from parsers import clean as clean_module
    from parsers.clean import CleanOptions, clean
    from tests.conftest import fixture_bytes

    def broken(text: str, year: int | None) -> None:
        raise IndexError("a bug")

    monkeypatch.setattr(clean_module.stats, "extract", broken)
    report = clean(fixture_bytes("hanweb_tongxin_2023.html"), CleanOptions(url="http://www.tongxin.gov.cn/a.html"))
    assert report.text and report.stats == [] and "stats_failed:IndexError" in report.flags


PIPE_PAGE = """<html><head><meta charset="utf-8">
<title>某县教育局2022年政府信息公开工作年度报告</title></head><body>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 年度报告</div>
<h1>某县教育局2022年政府信息公开工作年度报告</h1>
<p>一、总体情况</p><p>2022年，我局认真贯彻落实《条例》。</p>
<p>三、收到和处理政府信息公开申请情况</p>
<p>| 本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和 | 自然人 | 商业企业 | 科研机构 |\
 社会公益组织 | 法律服务机构 | 其他 | 总计 |</p>
<p>| --- | --- | --- | --- | --- | --- | --- | --- |</p>
<p>| 一、本年新收政府信息公开申请数量 | 25 | 1 | 0 | 0 | 0 | 0 | 26 |</p>
<p>| 二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |</p>
<p>| 三、本年度办理结果（一）予以公开 | 20 | 1 | 0 | 0 | 0 | 0 | 21 |</p>
<p>四、行政复议、行政诉讼情况</p>
<p>| 行政复议 ||||| 行政诉讼 |</p>
<p>主办单位：某县人民政府办公室</p></body></html>"""


def test_a_table_typed_as_bars_in_a_page_is_read_as_rows() -> None:
    """Held-out finding: ``| a | b |`` lines in <p> (with or without outer bars, a Markdown rule
    under the header) were not read at all; now they are rows like any other table's."""
    report = clean(PIPE_PAGE.encode("utf-8"), CleanOptions(url="http://www.example.gov.cn/art/2023/1/9/art_1_1.html"))
    got = {(c["row"], c["column"]): c["value"] for c in report.stats if c["section"] == "依申请公开"}
    assert got[("本年新收政府信息公开申请数量", "自然人")] == 25 and got[("本年新收政府信息公开申请数量", "总计")] == 26
    assert got[("上年结转政府信息公开申请数量", "总计")] == 1 and got[("予以公开", "商业企业")] == 1
    assert not any("|" in str(c["row"]) + str(c["column"]) for c in report.stats)
    assert "stats_not_found" not in report.flags
