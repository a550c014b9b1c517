import math
from common import Portal, rep, other, num

NAME = "灵武市人民政府"


def page(title, crumbs, body, script=""):
    return f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1"><title>{title}</title>
<meta name="SiteName" content="{NAME}"><meta name="SiteDomain" content="www.lingwu.gov.cn"><meta name="SiteIDCode" content="6401810001">
<link rel="stylesheet" href="/igs/front/static/css/nxjyh.css"><script src="/igs/front/static/js/jquery-1.11.3.min.js"></script></head>
<body>
<div class="top-bar"><div class="container"><span>欢迎访问{NAME}门户网站</span><a href="/wza/">无障碍</a> <a href="/m/">移动版</a></div></div>
<div class="header"><div class="container"><img src="/igs/front/static/img/logo.png" alt="{NAME}"></div></div>
<div class="nav"><ul class="container"><li><a href="/">首页</a></li><li><a href="/zjlw/">走进灵武</a></li><li><a href="/xwzx/">新闻中心</a></li>
<li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="container crumbs">当前位置：{crumbs}</div>
<div class="container main">{body}</div>
<div class="footer"><div class="container"><p>主办：灵武市人民政府办公室　承办：灵武市信息化服务中心</p>
<p><a href="https://beian.miit.gov.cn/">宁ICP备05001752号</a>　宁公网安备 64018102000104号　网站标识码：6401810001</p></div></div>
{script}
</body></html>'''


def shell_script(channel, size):
    return f'''<script type="text/javascript">
var pageNo = 1, pageSize = {size}, channelId = "{channel}";
function loadList(p) {{
  $.ajax({{
    url: "/igs/front/list.jhtml",
    type: "get",
    dataType: "json",
    data: {{channelId: channelId, pageNo: p, pageSize: pageSize}},
    success: function (res) {{
      var html = "";
      $.each(res.rows, function (i, d) {{
        html += '<li><a href="' + d.docUrl + '" target="_blank" title="' + d.docTitle + '">' + d.docTitle + '</a><span>' + d.docPubTime.substring(0, 10) + '</span></li>';
      }});
      $("#docList").html(html);
      renderPager(res.pageNo, res.totalPage);
    }}
  }});
}}
function renderPager(cur, total) {{
  var s = "";
  for (var i = 1; i <= total; i++) s += (i == cur ? '<span class="cur">' + i + '</span>' : '<a href="javascript:loadList(' + i + ')">' + i + '</a>');
  $("#pager").html(s);
}}
$(function () {{ loadList(pageNo); }});
</script>'''


def build() -> Portal:
    p = Portal("lingwu", NAME, "640181", "宁夏政府网站集约化平台 (jQuery shell over a JSON list API: rows/docTitle/docUrl/totalPage)",
               """灵武市 (Ningxia): the provincial 集约化 platform. 政务公开 → 政府信息公开 → 信息公开年报 (/xxgk/xxgknb/) and
部门年报 (/xxgk/bmnb/) are jQuery shells: $.ajax GET /igs/front/list.jhtml with {channelId, pageNo, pageSize}
(channelId and pageSize from `var`s), answering {"totalPage", "pageNo", "total", "rows": [{"docId", "docTitle",
"docUrl", "docPubTime"}]}; past the last page an empty rows list. One record's docUrl is the 2016 report's PDF
itself; older titles vary (“…工作年度报告（2013年度）”, “2009年政府信息公开工作报告”). In the list: 法治政府建设年度报告, a 绩效自评报告, a 统计公报 and a notice asking for the reports.""")
    S = "/xxgk/xxgknb/"

    def tp(d, *k):
        return f"{S}{d[:4]}{d[5:7]}/t{d.replace('-', '')}_{num(S, d, *k)}.html"
    items = [rep(2023, "灵武市2023年政府信息公开工作年度报告", "2024-01-18", tp("2024-01-18"), "灵武市人民政府办公室"),
             other("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知", "notice", "2023-12-20", tp("2023-12-20")),
             other("灵武市2023年法治政府建设年度报告", "lawreport", "2024-02-26", tp("2024-02-26"), about=2023),
             rep(2022, "灵武市2022年政府信息公开工作年度报告", "2023-01-16", tp("2023-01-16"), "灵武市人民政府办公室"),
             other("灵武市2022年度部门整体支出绩效自评报告", "performance", "2023-04-20", tp("2023-04-20"), about=2022),
             rep(2021, "灵武市2021年政府信息公开工作年度报告", "2022-01-19", tp("2022-01-19"), "灵武市人民政府办公室"),
             other("灵武市2022年国民经济和社会发展统计公报", "news", "2023-03-30", tp("2023-03-30")),
             rep(2020, "灵武市2020年政府信息公开工作年度报告", "2021-01-22", tp("2021-01-22"), "灵武市人民政府办公室"),
             rep(2019, "灵武市2019年政府信息公开工作年度报告", "2020-01-20", tp("2020-01-20"), "灵武市人民政府办公室"),
             rep(2018, "灵武市2018年政府信息公开工作年度报告", "2019-03-12", tp("2019-03-12"), "灵武市人民政府办公室"),
             rep(2017, "灵武市2017年政府信息公开工作年度报告", "2018-03-15", tp("2018-03-15"), "灵武市人民政府办公室"),
             rep(2016, "灵武市2016年政府信息公开工作年度报告", "2017-03-15", tp("2017-03-15"), "灵武市人民政府办公室",
                 attachment="pdf", attachment_path="/xxgk/xxgknb/201703/P020170315398211047256.pdf"),
             rep(2015, "灵武市2015年政府信息公开工作年度报告", "2016-03-21", tp("2016-03-21"), "灵武市人民政府办公室"),
             rep(2014, "灵武市2014年政府信息公开工作年度报告", "2015-03-24", tp("2015-03-24"), "灵武市人民政府办公室"),
             rep(2013, "灵武市政府信息公开工作年度报告（2013年度）", "2014-03-18", tp("2014-03-18"), "灵武市人民政府办公室"),
             rep(2012, "灵武市2012年政府信息公开工作年度报告", "2013-03-19", tp("2013-03-19"), "灵武市人民政府办公室"),
             rep(2011, "灵武市2011年政府信息公开工作年度报告", "2012-03-26", tp("2012-03-26"), "灵武市人民政府办公室"),
             rep(2010, "灵武市2010年政府信息公开工作年度报告", "2011-03-22", tp("2011-03-22"), "灵武市人民政府办公室"),
             rep(2009, "灵武市2009年政府信息公开工作报告", "2010-03-25", tp("2010-03-25"), "灵武市人民政府办公室"),
             rep(2008, "灵武市2008年政府信息公开工作年度报告", "2009-03-27", tp("2009-03-27"), "灵武市人民政府办公室")]
    B = "/xxgk/bmnb/"

    def bp(d, *k):
        return f"{B}{d[:4]}{d[5:7]}/t{d.replace('-', '')}_{num(B, d, *k)}.html"
    depts = [rep(2023, f"灵武市{a}2023年政府信息公开工作年度报告", d, bp(d, a), f"灵武市{a}")
             for a, d in [("教育局", "2024-01-22"), ("卫生健康局", "2024-01-22"), ("民政局", "2024-01-23"),
                          ("自然资源局", "2024-01-24"), ("城区街道办事处", "2024-01-25"), ("宁东镇人民政府", "2024-01-26")]]
    p.site = {"skin": "jyh", "charset": "utf-8", "domain": "www.lingwu.gov.cn", "site_code": "6401810001",
              "icp": "宁ICP备05001752号", "gongan": "宁公网安备 64018102000104号", "nav": [["首页", "/"], ["政务公开", "/zwgk/"]],
              "sections": {S: {"title": "信息公开年报", "per_page": 1000, "pager": "trs_script", "items": items},
                           B: {"title": "部门年报", "per_page": 1000, "pager": "trs_script", "items": depts}}}

    home = ('<div class="home-zwgk"><h3>政务公开</h3><ul><li><a href="/zwgk/">政务公开</a></li><li><a href="/xxgk/">政府信息公开</a></li>'
            '<li><a href="/zwgk/zcjd/">政策解读</a></li></ul></div><div class="home-news"><h3>灵武要闻</h3><ul>'
            '<li><a href="/xwzx/lwyw/202403/t20240311_4471020.html">灵武市召开2024年政务公开工作会议</a></li></ul></div>')
    p.route_page(["/", "/index.html"], "home.html", page(NAME, '<a href="/">首页</a>', home))
    zwgk = ('<div class="side"><h2>政务公开</h2><ul><li><a href="/xxgk/">政府信息公开</a></li><li><a href="/zwgk/zcjd/">政策解读</a></li>'
            '<li><a href="/zwgk/hygq/">回应关切</a></li><li><a href="/zwgk/jcgk/">基层政务公开标准化规范化</a></li></ul></div>'
            '<div class="content"><p>欢迎访问灵武市政务公开专栏。</p></div>')
    p.route_page(["/zwgk/", "/zwgk/index.html"], "zwgk.html", page(f"政务公开_{NAME}", '<a href="/">首页</a> &gt; 政务公开', zwgk))
    side = ('<div class="side"><h2>政府信息公开</h2><ul><li><a href="/xxgk/xxgkzn/">政府信息公开指南</a></li>'
            '<li><a href="/xxgk/xxgkzd/">政府信息公开制度</a></li><li><a href="/xxgk/fdzdgknr/">法定主动公开内容</a></li>'
            '<li><a href="/xxgk/xxgknb/">信息公开年报</a></li><li><a href="/xxgk/bmnb/">部门年报</a></li>'
            '<li><a href="/xxgk/ysqgk/">依申请公开</a></li></ul></div>')
    p.route_page(["/xxgk/", "/xxgk/index.html"], "xxgk.html",
                 page(f"政府信息公开_{NAME}", '<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开',
                      side + '<div class="content"><p>请选择左侧栏目。</p></div>'))
    for u, t in [("/xxgk/fdzdgknr/", "法定主动公开内容"), ("/xxgk/xxgkzd/", "政府信息公开制度"), ("/xxgk/xxgkzn/", "政府信息公开指南"),
                 ("/xxgk/ysqgk/", "依申请公开"), ("/xwzx/", "新闻中心")]:
        p.route_page([u, u + "index.html"], u.strip("/").replace("/", "_") + ".html",
                     page(f"{t}_{NAME}", f'<a href="/">首页</a> &gt; {t}', side + f'<div class="content"><div class="col-title">{t}</div><p>暂无信息</p></div>'))
    for sec, title, channel, size, entries in [(S, "信息公开年报", "2181", 8, items), (B, "部门年报", "2182", 10, depts)]:
        body = side + f'<div class="content"><div class="col-title">{title}</div><ul class="doc-list" id="docList"></ul><div class="pager" id="pager"></div></div>'
        p.route_page([sec, sec + "index.html"], f"list_{channel}.html",
                     page(f"{title}_{NAME}", f'<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; {title}', body,
                          shell_script(channel, size)))
        total = math.ceil(len(entries) / size)
        for n in range(1, total + 2):
            chunk = entries[(n - 1) * size:n * size]
            rows = [{"docId": num(e["path"], digits=7), "docTitle": e["title"],
                     "docUrl": e.get("attachment_path") or e["path"], "docPubTime": e["date"] + " 09:30:00",
                     "docSource": e.get("agency") or "灵武市人民政府办公室", "channelId": int(channel)} for e in chunk]
            data = {"success": True, "total": len(entries), "totalPage": total, "pageNo": n, "pageSize": size, "rows": rows}
            p.json_route(f"/igs/front/list.jhtml?channelId={channel}&pageNo={n}", f"api_{channel}_{n}.json", data)
        p.json_route(f"/igs/front/list.jhtml?channelId={channel}", f"api_{channel}_default.json",
                     {"success": True, "total": len(entries), "totalPage": total, "pageNo": 1, "pageSize": size,
                      "rows": [{"docId": num(e["path"], digits=7), "docTitle": e["title"], "docUrl": e.get("attachment_path") or e["path"],
                                "docPubTime": e["date"] + " 09:30:00"} for e in entries[:size]]})
    p.json_route("/igs/front/list.jhtml", "api_error.json", {"success": False, "msg": "栏目不存在", "rows": []})
    return p
