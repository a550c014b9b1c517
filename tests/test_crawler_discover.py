"""Discovery and pagination on real-shaped portal markup (TRS, Hanweb/JPaaS, JSON APIs, plain
pagers), and one test per vocabulary entry of crawler/data/discovery.yaml."""

from __future__ import annotations

import json

import pytest

from crawler import discover, pagers
from crawler.discover import Link
from crawler.pagers import ListCall

SECTION_OF = {"section_text": "section", "section_url": "section", "hub_text": "hub", "hub_url": "hub",
              "attachment": "attachment"}


def _link(section: str, example: str) -> Link:
    if section.endswith("_url") or section == "attachment":
        return Link(example, "更多")
    return Link("http://www.example.gov.cn/a/", example)


@pytest.mark.parametrize(("section", "entry"), [(s, e) for s in SECTION_OF for e in discover.entries(s)],
                         ids=lambda v: v if isinstance(v, str) else v.id)
def test_link_entries_classify_their_example_and_not_their_keep_out(section: str, entry) -> None:
    assert discover.classify(_link(section, entry.example)) == SECTION_OF[section]
    for keep in entry.keep:
        assert discover.classify(_link(section, keep)) != SECTION_OF[section]


@pytest.mark.parametrize("entry", discover.entries("attachment"), ids=lambda e: e.id)
def test_every_attachment_link_passes_the_cheap_file_test(entry) -> None:
    """The spider skips parsing a detail page for attachments when ``may_link_files`` says no:
    the test must let every attachment link of the vocabulary through, however it is written."""
    for markup in (f'<a href="{entry.example}">附件</a>', f"<tr onclick=\"window.open('{entry.example}')\">",
                   f"<a href=\"javascript:void(0)\" onclick=\"location.href='{entry.example.upper()}'\">"):
        assert discover.may_link_files(f"<html><body><p>正文</p>{markup}</body></html>")


def test_the_cheap_file_test_sees_frames_and_file_named_links_and_passes_plain_pages() -> None:
    assert discover.may_link_files('<iframe src="/art/2024/1/1/art_1_2.html"></iframe>')
    assert discover.may_link_files('<FRAME src="content.html">')
    assert discover.may_link_files('<a href="/f?id=9">2023年度报告.PDF</a>')
    assert discover.may_link_files('<a href="/web/viewer.html?file=/u/2023.pdf">查看</a>')
    assert not discover.may_link_files('<html><p>一、总体情况</p><a href="/index.html">首页</a>'
                                       '<img src="/images/logo.png"></html>')


def test_prose_length_counts_text_outside_links_and_scripts_and_can_stop_early() -> None:
    root = discover.parse("<html><head><style>p{color:red}</style><script>var a = 1;</script></head><body>"
                          "<div>一、总体情况 <a href='/x'>首页导航</a> 本年度</div><!-- 注释 -->尾"
                          "<noscript>请启用脚本</noscript><p>二、主动公开</p></body></html>")
    assert discover.prose_length(root) == len("一、总体情况") + len("本年度") + len("尾") + len("二、主动公开")
    assert discover.prose_length(root, enough=3) < discover.prose_length(root)
    assert discover.prose_length(root, enough=3) >= 3


@pytest.mark.parametrize("entry", discover.entries("skip_text"), ids=lambda e: e.id)
def test_skipped_documents_are_never_list_items(entry) -> None:
    assert not discover.is_list_item(Link("http://x.gov.cn/1.html", entry.example))
    assert discover.is_list_item(Link("http://x.gov.cn/1.html", entry.keep[0]))


@pytest.mark.parametrize("entry", discover.entries("next_text"), ids=lambda e: e.id)
def test_pager_texts_lead_to_the_next_page(entry) -> None:
    url = "http://www.x.gov.cn/ndbg/list.jsp?columnId=3&page=1"
    page = f'<div class="page"><a href="list.jsp?columnId=3&page=2">{entry.example}</a>' \
           f'<a href="/zwgk/other.jsp?columnId=4">{entry.keep[0]}</a></div>'
    root = discover.parse(page)
    found = pagers.next_pages(root, page, url, discover.links(root, url))
    assert found == ["http://www.x.gov.cn/ndbg/list.jsp?columnId=3&page=2"]


@pytest.mark.parametrize("entry", discover.entries("page_url"), ids=lambda e: e.id)
def test_page_url_entries(entry) -> None:
    import re

    assert re.search(entry.pattern, entry.example) and not re.search(entry.pattern, entry.keep[0])


@pytest.mark.parametrize("entry", discover.entries("session_param"), ids=lambda e: e.id)
def test_session_parameters_do_not_make_a_new_page(entry) -> None:
    base = "http://www.x.gov.cn/ndbg/index.jsp?columnId=3"
    assert discover.canonical(f"{base}&{entry.example}=ABC123") == discover.canonical(base)
    assert discover.canonical(f"{base}&{entry.keep[0]}=7") != discover.canonical(base)


@pytest.mark.parametrize("entry", discover.entries("waf_marker"), ids=lambda e: e.id)
def test_waf_markers(entry) -> None:
    assert discover.challenge(200, f"<html><script>{entry.example}</script></html>".encode())
    assert discover.challenge(200, f"<html><p>{entry.keep[0]}</p></html>".encode()) is None


def test_challenges_by_status_and_the_jsl_page() -> None:
    jsl = b'<script>document.cookie=("__jsl_clearance_s=1|0|x");location.href=location.pathname</script>'
    assert "521" in discover.challenge(521, jsl)
    assert "412" in discover.challenge(412, b"<html></html>")
    assert discover.challenge(404, b"<html>not found</html>") is None


def test_canonical_drops_jsessionid_path_parameters_and_fragments() -> None:
    assert discover.canonical("http://WWW.x.gov.cn/art/1.html;jsessionid=0A1B2C#top") == \
        "http://www.x.gov.cn/art/1.html"
    assert discover.canonical("http://x.gov.cn/l?b=2&a=1") == discover.canonical("http://x.gov.cn/l?a=1&b=2")


HOME = """<html><head><meta charset="utf-8"><title>同心县人民政府</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/xwzx/">新闻中心</a><a href="/zwgk/">政务公开</a>
<a href="/hdjl/">互动交流</a><a href="javascript:void(0)" onclick="window.open('/zwfw/index.html')">政务服务</a></div>
<div class="news"><ul><li><a href="/xwzx/202401/t20240122_1.html" title="同心县召开2024年政务公开工作推进会">
同心县召开2024年政务公开...</a><span>2024-01-22</span></li>
<li><a href="/zwgk/ndbg/202401/t20240120_2.html">同心县2023年政府信息公开工作年度报告</a>
<span>2024-01-20</span></li></ul></div>
<div class="foot">网站标识码：6403240001 宁ICP备05001234号</div></body></html>"""


def test_a_home_page_leads_to_its_hub_and_straight_to_a_report() -> None:
    url = "http://www.tongxin.gov.cn/"
    found = {link.url: (discover.classify(link), link) for link in discover.links(discover.parse(HOME), url)}
    assert found["http://www.tongxin.gov.cn/zwgk/"][0] == "hub"
    report = found["http://www.tongxin.gov.cn/zwgk/ndbg/202401/t20240120_2.html"]
    assert report[0] == "report" and report[1].date == "2024-01-20"
    news = found["http://www.tongxin.gov.cn/xwzx/202401/t20240122_1.html"]
    assert news[0] is None and news[1].text == "同心县召开2024年政务公开工作推进会"  # the title attribute, not "..."
    assert found["http://www.tongxin.gov.cn/zwfw/index.html"][0] is None  # onclick URL read, not followed


TRS_LIST = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>
<div class="list"><ul>
<li><a href="./202401/t20240122_123456.html" target="_blank">灵山县2023年政府信息公开工作年度报告</a>
<span>2024-01-22</span></li>
<li><a href="./202301/t20230130_111111.html">灵山县2022年政府信息公开工作年度报告</a><span>2023-01-30</span></li>
<li><a href="./202303/t20230301_222222.html">灵山县2023年部门预算公开</a><span>2023-03-01</span></li>
</ul></div>
<div class="page"><script>
var currentPage = 0;//所在页从0开始
var prevPage = currentPage-1//上一页
var countPage = 4//共多少页
createPageHTML(countPage, currentPage, "index", "html");
</script></div></body></html>"""


def test_trs_create_page_html_lists_pages_that_are_never_linked() -> None:
    url = "http://www.lingshan.gov.cn/zwgk/zfxxgknb/index.html"
    root = discover.parse(TRS_LIST)
    pages = pagers.next_pages(root, TRS_LIST, url, discover.links(root, url))
    assert pages == [f"http://www.lingshan.gov.cn/zwgk/zfxxgknb/{p}" for p in
                     ("index_1.html", "index_2.html", "index_3.html")]  # index.html is this page
    items = [link for link in discover.links(root, url) if discover.is_list_item(link)]
    assert [i.url.rsplit("/", 1)[1] for i in items] == ["t20240122_123456.html", "t20230130_111111.html"]


def test_trs_literal_arguments_and_a_leading_element_id() -> None:
    text = '<script>createPageHTML("page_div", 3, 1, "index", "shtml");</script>'
    url = "http://www.x.gov.cn/ndbg/index_1.shtml"
    assert pagers.next_pages(discover.parse(text), text, url, []) == [
        "http://www.x.gov.cn/ndbg/index.shtml", "http://www.x.gov.cn/ndbg/index_1.shtml",
        "http://www.x.gov.cn/ndbg/index_2.shtml"]


NEXTGROUP = ("/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=12&path=/&columnid=4486&unitid=17541"
             "&webname=%E5%90%8C%E5%BF%83%E5%8E%BF&permissiontype=0")
HANWEB_SHELL = f"""<html><body><div id="4486">
<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="{NEXTGROUP}"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href="/art/2024/1/22/art_4486_5678.html"
title="同心县2023年政府信息公开工作年度报告">同心县2023年政府信息公开工作年度报告</a><span>2024-01-22</span></li>]]></record>
</recordset></datastore></script>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>var perpage = 15; var totalRecord = 47;</script></div></body></html>"""


def test_hanweb_dataproxy_calls_and_records() -> None:
    url = "http://www.tongxin.gov.cn/col/col4486/index.html"
    assert [link.url for link in pagers.embedded_records(HANWEB_SHELL, url)] == [
        "http://www.tongxin.gov.cn/art/2024/1/22/art_4486_5678.html"]
    (call,) = pagers.list_calls(HANWEB_SHELL, url)
    assert call.kind == "dataproxy" and call.url.startswith("http://www.tongxin.gov.cn/module/web/jpage/dataproxy.jsp?")
    assert "columnid=4486" in call.url and "unitid=17541" in call.url and "webid=12" in call.url
    assert call.form == {"startrecord": "1", "endrecord": "45", "perpage": "15"}
    response = ("<?xml version='1.0' encoding='UTF-8'?><datastore><nextgroup><![CDATA[]]></nextgroup><recordset>"
                + "".join(f'<record><![CDATA[<li><a href="/art/2024/1/{n}/art_4486_{n}.html" title="同心县{2000 + n}'
                          f'年政府信息公开工作年度报告">…</a></li>]]></record>' for n in range(1, 16))
                + "</recordset><totalrecord>100</totalrecord><totalpage>7</totalpage></datastore>")
    found, calls = pagers.read_list_response(call, response, url)
    assert len(found) == 15 and found[0].text == "同心县2001年政府信息公开工作年度报告"
    assert [(c.form["startrecord"], c.form["endrecord"]) for c in calls] == [("46", "90"), ("91", "100")]
    assert pagers.read_list_response(calls[0], response, url)[1] == []  # later groups add no calls


JSON_SHELL = """<html><body><div id="app"></div><script>
function load(page){ $.ajax({url: "/api/list", type: "get", data: {channelId: 12, page: page, size: 10},
  success: function(res){ render(res.data.list) } }) } load(1);</script></body></html>"""


def test_json_list_api_paged_to_its_end() -> None:
    url = "http://127.0.1.9:8080/xxgk/ndbg/"
    (call,) = pagers.list_calls(JSON_SHELL, url)
    assert call.kind == "json" and "channelId=12" in call.url and "page=1" in call.url and "size=10" in call.url

    def response(page: int, pages: int | None = 3) -> str:
        rows = [{"title": f"某县{2010 + page * 10 + i}年政府信息公开工作年度报告",
                 "url": f"/xxgk/detail/{page}{i}.html", "publishDate": "2024-01-22 10:00:00"} for i in range(10)]
        return json.dumps({"code": 0, "data": {"list": rows, "pageCount": pages}})

    found, (following,) = pagers.read_list_response(call, response(1), url)
    assert len(found) == 10 and found[0].url == "http://127.0.1.9:8080/xxgk/detail/10.html"
    assert found[0].date == "2024-01-22" and "page=2" in following.url
    last = ListCall(following.url, "json", None, 3, following.meta)
    assert pagers.read_list_response(last, response(3), url)[1] == []
    # no page count: an empty page ends it, and so does a page that repeats the last one
    assert pagers.read_list_response(following, json.dumps({"data": {"list": []}}), url) == ([], [])
    _, (third,) = pagers.read_list_response(following, response(2, None), url)
    assert pagers.read_list_response(third, response(2, None), url)[1] == []


def test_plain_pager_with_index_n_and_a_next_link_to_itself_on_the_last_page() -> None:
    url = "http://www.x.gov.cn/xxgk/ndbg/index_3.html"
    page = ('<div class="pages"><a href="index.html">首页</a><a href="index_2.html">上一页</a>'
            '<a href="index_3.html">下一页</a><a href="index_3.html">尾页</a></div>')
    root = discover.parse(page)
    # the page's own URL (下一页 and 尾页 on the last page) is not a next page; earlier pages are
    # reached again only through the crawl's seen set
    assert pagers.next_pages(root, page, url, discover.links(root, url)) == [
        "http://www.x.gov.cn/xxgk/ndbg/index_2.html"]
