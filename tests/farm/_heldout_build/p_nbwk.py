from common import Portal


def build() -> Portal:
    p = Portal("nbwk", "政务公开年报网", None, "年报汇编站 (aggregator mirror; wenku skin; ?p=N pages)",
               """政务公开年报网: an aggregator (kind: mirror) that republishes county reports with its own damage (a sentence
as （略）, digits as "*"). Its copies of luotian 2022, lingwu 2022, wuyuan 2022 and tonglu 2023 (all on the
portals' first list pages) must merge into the official reports; the 海勃湾区发展和改革委员会 2021 report (the mirror fixture)
exists only here. Lists page with `?p=N` (首页/上一页/下一页/尾页).""", kind="mirror")
    p.site = {"skin": "wenku", "charset": "utf-8", "site_name": "政务公开年报网", "domain": "www.zwgknb-example.cn",
              "icp": "京ICP备19004321号-1", "nav": [["首页", "/"], ["年报汇编", "/nianbao/"], ["政府工作报告", "/gzbg/"]],
              "home": [{"title": "最新年报", "more": "/nianbao/", "from": "/nianbao/", "count": 3}],
              "sections": {"/nianbao/": {"title": "政府信息公开年报汇编", "per_page": 3, "pager": "query", "page_param": "p", "items": [
                  {"mirror_of": {"portal": "luotian", "year": 2022}, "date": "2023-02-11"},
                  {"mirror_of": {"portal": "lingwu", "year": 2022}, "date": "2023-02-20"},
                  {"file": "pages/mirror_haibowan_2021_redacted.html", "path": "/doc/2022/0305/150302-30117.html",
                   "year": 2021, "title": "海勃湾区发展和改革委员会2021年度政府信息公开年度报告", "date": "2022-03-05"},
                  {"mirror_of": {"portal": "wuyuan", "year": 2022, "agency": "婺源县人民政府办公室"}, "date": "2023-02-24"},
                  {"mirror_of": {"portal": "tonglu", "year": 2023, "agency": "桐庐县人民政府办公室"}, "date": "2023-03-02"},
                  {"title": "2023年邹平市政府工作报告", "kind": "govwork", "date": "2023-02-06", "about": 2022,
                   "agency": "邹平市人民政府"}]}}}
    p.page("mirror_haibowan_2021_redacted.html",
           open("/work/main/tests/fixtures/mirror_haibowan_2021_redacted.html", encoding="utf-8", errors="strict").read())
    return p
