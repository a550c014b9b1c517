import json
from common import Portal, rep, other, num

NAME = "桐庐县人民政府"
MAINCOL = "1229171360"
API = "/api-gateway/jpaas-publish-server/front/page/build/unit"


def page(title, crumbs, body, column="", script=""):
    return f'''<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title>{title}</title>
<meta name="SiteName" content="{NAME}" /><meta name="SiteDomain" content="www.tonglu.gov.cn" /><meta name="SiteIDCode" content="3301220001" />
<meta name="ColumnName" content="{column}" /><meta name="ColumnType" content="政府信息公开" />
<link rel="stylesheet" href="/images/3178/css/tl_common.css" /><script src="/module/jslib/jquery/jquery.js"></script>
</head><body>
<div class="tl-top"><div class="w1200"><a href="/">{NAME}</a> <a href="javascript:void(0)" id="cniil_wza">无障碍</a> <a href="/col/col1229171199/index.html">English</a></div></div>
<div class="tl-head w1200"><img src="/images/3178/logo.png" alt="{NAME}" /><form action="/jsearchfront/search.do" target="_blank"><input name="q" /><input type="submit" value="搜索" /></form></div>
<div class="tl-nav"><ul class="w1200"><li><a href="/">首页</a></li><li><a href="/col/col1229171200/index.html">走进桐庐</a></li>
<li><a href="/col/col1229171220/index.html">新闻中心</a></li><li><a href="/col/col1229171341/index.html">政府信息公开</a></li>
<li><a href="https://www.zjzwfw.gov.cn/">政务服务</a></li><li><a href="/col/col1229171300/index.html">互动交流</a></li></ul></div>
<div class="w1200 position">当前位置：{crumbs}</div>
<div class="w1200 tl-main">{body}</div>
<div class="tl-foot"><div class="w1200"><p>主办：桐庐县人民政府办公室　承办：桐庐县大数据发展管理中心</p>
<p><a href="https://beian.miit.gov.cn/">浙ICP备05063325号</a>　浙公网安备 33012202000218号　网站标识码：3301220001</p></div></div>
<a href="http://www.hanweb.com" style="display:none">Produced By 大汉网络 大汉版通发布系统</a>
{script}
</body></html>'''


TREE = [("政府信息公开指南", "1229171342"), ("政府信息公开制度", "1229171343"), ("法定主动公开内容", "1229171344"),
        ("政府信息公开年报", MAINCOL), ("部门信息公开", "1229171370"), ("依申请公开", "1229171345")]
UNITS = [("县发展和改革局", "1229171401", "1229171411", "发展和改革局"), ("县教育局", "1229171402", "1229171412", "教育局"),
         ("县卫生健康局", "1229171403", "1229171413", "卫生健康局")]


def tree(current):
    lis = "".join(f'<li{" class=on" if c == current else ""}><a href="/col/col{c}/index.html">{t}</a></li>' for t, c in TREE)
    return f'<div class="xxgk-left fl"><div class="xxgk-left-hd">政府信息公开</div><ul class="xxgk-tree">{lis}</ul></div>'


def art(col, d, *k):
    y, m, dd = d.split("-")
    return f"/art/{y}/{int(m)}/{int(dd)}/art_{col}_{num(col, d, *k, digits=8)}.html"


def li(e):
    return (f'<li><a href="{e["path"]}" target="_blank" title="{e["title"]}">{e["title"]}</a>'
            f'<span class="bt-data-time">{e["date"]}</span></li>')


def build() -> Portal:
    p = Portal("tonglu", NAME, "330122", "大汉 JPaaS (Zhejiang 集约化): build/unit paging API; classic jpage dataproxy in unit columns",
               """桐庐县 (Zhejiang): Hanweb JPaaS on the Zhejiang 集约化 platform. 政府信息公开 (/col/col1229171341/) shows a
left tree only; its 政府信息公开年报 column (col1229171360, 38 records from the county, its departments and
townships) renders its first 15 records in the HTML and pages through the JPaaS publish API:
GET /api-gateway/jpaas-publish-server/front/page/build/unit?parseType=bulidstatic&webId=…&tplSetId=…&pageType=column
&tagId=当前栏目list&editType=null&pageId=1229171360&paramJson={"pageNo":2,"pageSize":"15"}, answering
{"success":true,"data":{"html":"<ul>…</ul>"}} (the page number inside a JSON-valued parameter, the records as HTML
inside JSON). 部门信息公开 (col1229171370) has a <select> of departments; each department's 政府信息公开年报 column is a
classic jpage shell with no inline records: columnid/unitid/webid only in the jpage ajaxParam object, records
from /module/web/jpage/dataproxy.jsp with a single-quoted <li> template.""")
    C = MAINCOL
    c23 = [rep(2023, "2023年度桐庐县政府信息公开工作年度报告", "2024-01-19", art(C, "2024-01-19", 0), "桐庐县人民政府办公室")]
    d23 = [rep(2023, f"桐庐县{a}2023年政府信息公开工作年度报告", f"2024-01-{22 + i // 4:02d}", art(C, f"2024-01-{22 + i // 4:02d}", a), f"桐庐县{a}")
           for i, a in enumerate(["发展和改革局", "经济和信息化局", "教育局", "科学技术局", "公安局", "民政局", "司法局", "财政局",
                                  "人力资源和社会保障局", "住房和城乡建设局", "交通运输局", "卫生健康局"])]
    t23 = [rep(2023, f"桐庐县{a}2023年政府信息公开工作年度报告", f"2024-01-{26 + i // 3:02d}", art(C, f"2024-01-{26 + i // 3:02d}", a), f"桐庐县{a}")
           for i, a in enumerate(["桐君街道办事处", "旧县街道办事处", "城南街道办事处", "凤川街道办事处", "富春江镇人民政府",
                                  "分水镇人民政府", "横村镇人民政府", "江南镇人民政府"])]
    misc = [other("桐庐县2023年法治政府建设年度报告", "lawreport", "2024-01-30", art(C, "2024-01-30", "fz"), about=2023),
            other("关于报送2023年度政府信息公开工作年度报告的通知", "notice", "2023-12-18", art(C, "2023-12-18", "tz"))]
    c22 = [rep(2022, "桐庐县人民政府2022年政府信息公开工作年度报告", "2023-01-17", art(C, "2023-01-17", 0), "桐庐县人民政府办公室")]
    d22 = [rep(2022, f"桐庐县{a}2022年政府信息公开工作年度报告", "2023-01-20", art(C, "2023-01-20", a), f"桐庐县{a}")
           for a in ["发展和改革局", "教育局", "民政局", "财政局", "交通运输局", "卫生健康局"]]
    old = [rep(y, f"桐庐县人民政府{y}年政府信息公开工作年度报告", d, art(C, d, 0), "桐庐县人民政府办公室")
           for y, d in [(2021, "2022-01-21"), (2020, "2021-01-25"), (2019, "2020-01-20"), (2018, "2019-03-15"),
                        (2017, "2018-03-22"), (2016, "2017-03-21"), (2015, "2016-03-18"), (2014, "2015-03-20")]]
    main = c23 + d23 + t23 + misc + c22 + d22 + old
    units = {}
    for name, hub, col, a in UNITS:
        units[col] = [rep(2021, f"桐庐县{a}2021年政府信息公开工作年度报告", "2022-01-20", art(col, "2022-01-20"), f"桐庐县{a}"),
                      rep(2020, f"桐庐县{a}2020年政府信息公开工作年度报告", "2021-01-22", art(col, "2021-01-22"), f"桐庐县{a}"),
                      rep(2019, f"桐庐县{a}2019年政府信息公开工作年度报告", "2020-01-17", art(col, "2020-01-17"), f"桐庐县{a}")]
    # (the county column carries the units' 2023 and 2022 reports; their own columns hold the older years, so that no
    # document is published twice: identical copies would rightly merge into one report)
    sections = {f"/col/col{C}/index.html": {"title": "政府信息公开年报", "items": main}}
    for name, hub, col, a in UNITS:
        sections[f"/col/col{col}/index.html"] = {"title": "政府信息公开年报", "items": units[col]}
    for s in sections.values():
        s.update(per_page=1000, pager="trs_script")
    p.site = {"skin": "hanweb", "charset": "utf-8", "domain": "www.tonglu.gov.cn", "site_code": "3301220001", "webid": 3178,
              "icp": "浙ICP备05063325号", "gongan": "浙公网安备 33012202000218号",
              "nav": [["首页", "/"], ["政府信息公开", "/col/col1229171341/index.html"]], "sections": sections}

    home = ('<div class="home-news fl"><div class="hd">桐庐新闻</div><ul><li><a href="/art/2024/3/12/art_1229171220_59321001.html">县政府召开第二十九次常务会议</a></li>'
            '<li><a href="/art/2024/3/8/art_1229171220_59320876.html">桐庐县召开政务公开工作推进会</a></li></ul></div>'
            '<div class="home-gk fr"><div class="hd"><a href="/col/col1229171341/index.html">政府信息公开</a></div><ul>'
            '<li><a href="/col/col1229171342/index.html">信息公开指南</a></li><li><a href="/col/col1229171344/index.html">法定主动公开内容</a></li></ul></div>')
    p.route_page(["/", "/index.html"], "home.html", page(NAME, '<a href="/">首页</a>', home))
    hub = tree("") + '<div class="xxgk-right fr"><div class="hd">最新信息</div><ul class="list">' + "".join(li(e) for e in main[:5]) + '</ul></div>'
    p.route_page(["/col/col1229171341/index.html", "/col/col1229171341/"], "xxgk.html",
                 page(f"政府信息公开 {NAME}", '<a href="/">首页</a> &gt; 政府信息公开', hub, "政府信息公开"))

    for t, c in TREE + [("新闻中心", "1229171220"), ("走进桐庐", "1229171200"), ("互动交流", "1229171300")]:
        if c in (C, "1229171370"):
            continue
        p.route_page([f"/col/col{c}/index.html", f"/col/col{c}/"], f"col_{c}.html",
                     page(f"{t} {NAME}", f'<a href="/">首页</a> &gt; {t}', tree(c) + f'<div class="xxgk-right fr"><div class="hd">{t}</div><p>暂无信息</p></div>', t))
    # main column: first page static, later pages through build/unit
    first = main[:15]
    script = f'''<script type="text/javascript">
var pageCount = 3, pageSize = 15, totalRecord = {len(main)};
function getPage(pageNo) {{
  $.ajax({{
    type: "GET",
    url: "{API}",
    data: {{
      parseType: "bulidstatic",
      webId: "b52c2a4f1a1a4a3c9e1fdd0b7c1f4d3c",
      tplSetId: "8a8fc1e3c0f14a4c8f3f0d3a2c1b5e6d",
      pageType: "column",
      tagId: "当前栏目list",
      editType: "null",
      pageId: "{C}",
      paramJson: '{{"pageNo":' + pageNo + ',"pageSize":"15"}}'
    }},
    dataType: "json",
    success: function (res) {{
      if (res.success) {{ $("#div{C} .default_pgContainer").html(res.data.html); renderPager(pageNo); }}
    }}
  }});
}}
function renderPager(cur) {{
  var s = "<span>共" + totalRecord + "条</span>";
  for (var i = 1; i <= pageCount; i++) s += (i == cur ? "<span class='on'>" + i + "</span>" : "<a href='javascript:getPage(" + i + ")'>" + i + "</a>");
  if (cur < pageCount) s += "<a href='javascript:getPage(" + (cur + 1) + ")'>下一页</a>";
  $("#page{C}").html(s);
}}
$(function () {{ renderPager(1); }});
</script>'''
    body = (tree(C) + f'<div class="xxgk-right fr"><div class="hd">政府信息公开年报</div><div id="div{C}">'
            f'<div class="default_pgContainer"><ul class="list">{"".join(li(e) for e in first)}</ul></div>'
            f'<div class="default_pgPanel" id="page{C}"></div></div></div>')
    p.route_page([f"/col/col{C}/index.html", f"/col/col{C}/"], "col_main.html",
                 page(f"政府信息公开年报 {NAME}", '<a href="/">首页</a> &gt; <a href="/col/col1229171341/index.html">政府信息公开</a> &gt; 政府信息公开年报',
                      body, "政府信息公开年报", script))
    for n in (2, 3):
        chunk = main[(n - 1) * 15:n * 15]
        html = '<ul class="list">' + "".join(li(e) for e in chunk) + '</ul>'
        data = {"success": True, "code": "0", "message": "操作成功", "data": {"html": html}}
        p.json_route(f'{API}?pageId={C}&paramJson={{"pageNo":{n},"pageSize":"15"}}', f"unit_{n}.json", data)
    p.json_route(f'{API}?pageId={C}&paramJson={{"pageNo":1,"pageSize":"15"}}', "unit_1.json",
                 {"success": True, "code": "0", "message": "操作成功", "data": {"html": '<ul class="list">' + "".join(li(e) for e in first) + '</ul>'}})
    p.json_route(f'{API}?pageId={C}&paramJson={{"pageNo":4,"pageSize":"15"}}', "unit_4.json",
                 {"success": True, "code": "0", "message": "操作成功", "data": {"html": '<ul class="list"></ul>'}})
    p.json_route(API, "unit_error.json", {"success": False, "code": "500", "message": "参数paramJson格式错误", "data": None})

    # 部门信息公开: a select of units
    opts = "".join(f'<option value="/col/col{h}/index.html">{n}</option>' for n, h, c, a in UNITS)
    body = (tree("1229171370") + '<div class="xxgk-right fr"><div class="hd">部门信息公开</div><div class="bm-select">请选择部门：'
            '<select id="bmSelect" onchange="if(this.value){window.open(this.options[this.selectedIndex].value);}">'
            f'<option value="">--县级部门--</option>{opts}</select></div><p>各部门政府信息公开内容请通过上方下拉框选择。</p></div>')
    p.route_page(["/col/col1229171370/index.html", "/col/col1229171370/"], "bmxxgk.html",
                 page(f"部门信息公开 {NAME}", '<a href="/">首页</a> &gt; <a href="/col/col1229171341/index.html">政府信息公开</a> &gt; 部门信息公开',
                      body, "部门信息公开"))
    records = {}
    for name, hub, col, a in UNITS:
        menu = (f'<div class="xxgk-left fl"><div class="xxgk-left-hd">桐庐县{a}</div><ul class="xxgk-tree">'
                f'<li><a href="/col/col{hub}1/index.html">机构概况</a></li><li><a href="/col/col{col}/index.html">政府信息公开年报</a></li>'
                f'<li><a href="/col/col{hub}2/index.html">部门文件</a></li></ul></div>')
        p.route_page([f"/col/col{hub}/index.html", f"/col/col{hub}/"], f"unit_{hub}.html",
                     page(f"桐庐县{a} {NAME}", f'<a href="/">首页</a> &gt; 部门信息公开 &gt; 桐庐县{a}',
                          menu + f'<div class="xxgk-right fr"><div class="hd">桐庐县{a}</div><p>部门信息公开</p></div>', f"桐庐县{a}"))
        shell = f'''<div id="div{col}"></div>
<script type="text/javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
$(function () {{
  $("#div{col}").jpage({{
    dataStore: null, perPage: 15, totalRecord: {len(units[col])}, groupSize: 3, barPosition: "bottom", showMode: "full",
    proxyUrl: "/module/web/jpage/dataproxy.jsp",
    ajaxParam: {{ col: 1, appid: 1, webid: 3178, path: "/", columnid: {col}, sourceContentType: 1, unitid: 7754{col[-3:]}, webname: "桐庐县人民政府", permissiontype: 0 }},
    dataBefore: "<ul class='list'>", dataAfter: "</ul>"
  }});
}});
</script>'''
        p.route_page([f"/col/col{col}/index.html", f"/col/col{col}/"], f"unitnb_{col}.html",
                     page(f"政府信息公开年报 桐庐县{a}", f'<a href="/">首页</a> &gt; 桐庐县{a} &gt; 政府信息公开年报',
                          menu + f'<div class="xxgk-right fr"><div class="hd">政府信息公开年报</div>{shell}</div>', "政府信息公开年报"))
        records[col] = [{"title": e["title"], "url": e["path"], "date": e["date"]} for e in units[col]]
    p.routes["/module/web/jpage/dataproxy.jsp"] = {
        "dataproxy": records,
        "record": "<li><a href='{url}' target='_blank' title='{title}'>{title}</a><span class='bt-data-time'>{date}</span></li>"}
    return p
