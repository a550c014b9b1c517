import json
from common import Portal, rep, other, num

NAME = "江门市新会区人民政府"
SID = "755030"


def post(i):
    return f"/gkmlpt/content/2/{i // 1000}/post_{i}.html"


def page(title, body, head=""):
    return f'''<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>
<meta name="SiteName" content="{NAME}"><meta name="SiteDomain" content="www.xinhui.gov.cn"><meta name="SiteIDCode" content="4407050001">
<link rel="stylesheet" href="/images/xh2021/css/common.css">{head}</head>
<body>
<div class="header"><div class="w1200"><a href="/" class="logo"><img src="/images/xh2021/logo.png" alt="{NAME}"></a>
<div class="search"><form action="/search/" target="_blank"><input name="keywords" placeholder="请输入关键词"><button>搜索</button></form></div></div>
<div class="nav"><ul class="w1200"><li><a href="/">首页</a></li><li><a href="/zjxh/">走进新会</a></li><li><a href="/xwzx/">新闻资讯</a></li>
<li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div></div>
{body}
<div class="footer"><div class="w1200"><p>主办单位：江门市新会区人民政府办公室　承办单位：江门市新会区政务服务数据管理局</p>
<p><a href="https://beian.miit.gov.cn/" target="_blank">粤ICP备05047823号</a>　网站标识码：4407050001　<img src="/images/ga.png" alt="">粤公网安备 44070502000123号</p>
<p><script id="_jiucuo_" sitecode="4407050001" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script></p></div></div>
</body></html>'''


GK_TABS = [("首页", "/gkmlpt/index"), ("政府信息公开指南", "/gkmlpt/guide"), ("政府信息公开制度", "/gkmlpt/policy"),
           ("法定主动公开内容", "/gkmlpt/index#2680"), ("政府信息公开年报", "/gkmlpt/annualreport"), ("依申请公开", "/gkmlpt/apply")]


def gk_shell(title, config, entry_js):
    tabs = "".join(f'<li><a href="{u}">{t}</a></li>' for t, u in GK_TABS)
    return f'''<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="renderer" content="webkit"><title>{title}</title>
<meta name="SiteName" content="{NAME}"><meta name="SiteIDCode" content="4407050001">
<link href="/gkmlpt/gkml/pc/css/chunk-common.9b3e1f0a.css" rel="stylesheet"><link href="/gkmlpt/gkml/pc/css/{entry_js}.css" rel="stylesheet">
</head><body>
<div class="gkml-header"><div class="gkml-w"><a href="/" class="gkml-logo"><img src="/gkmlpt/gkml/pc/img/logo_{SID}.png" alt="{NAME}"></a>
<h1>政府信息公开</h1></div><ul class="gkml-tabs gkml-w">{tabs}</ul></div>
<div id="app"><noscript><strong>本页面需要启用JavaScript才能正常浏览，请开启浏览器的JavaScript功能。</strong></noscript></div>
<script>window._CONFIG = {json.dumps(config, ensure_ascii=False)};</script>
<script src="/gkmlpt/gkml/pc/js/chunk-vendors.8a2b1c3d.js"></script>
<script src="/gkmlpt/gkml/pc/js/chunk-common.c1553651.js"></script>
<script src="/gkmlpt/gkml/pc/js/{entry_js}.js"></script>
<div class="gkml-footer"><p>主办单位：{NAME}办公室　网站标识码：4407050001　<a href="https://beian.miit.gov.cn/">粤ICP备05047823号</a></p></div>
</body></html>'''


def build() -> Portal:
    p = Portal("xinhui", NAME, "440705", "广东省政府信息公开目录管理平台 (gkmlpt, Vue SPA over /gkmlpt/api/all/{id}?page=N&sid=SID)",
               """新会区 (Guangdong): every Guangdong county and district publishes its 年报 through the province's
政府信息公开目录管理平台 (gkmlpt). 政务公开 links 政府信息公开 (/gkmlpt/index) and 政府信息公开年报
(/gkmlpt/annualreport); both are Vue shells whose tree and site id sit in `window._CONFIG` (SID, TREE) and whose
list comes from /gkmlpt/api/all/{category}?page=N&sid=SID, called from the external chunk-common.js, answering
{"total", "articles": [{"id", "title", "url", "created_at"}], "classify": {…}}. The API needs sid: without it,
an error. Detail pages /gkmlpt/content/2/2145/post_2145678.html are server-rendered.""")
    county = [rep(y, f"江门市新会区{y}年政府信息公开工作年度报告", d, post(i), "江门市新会区人民政府办公室")
              for y, d, i in [(2023, "2024-01-23", 2145678), (2022, "2023-01-20", 1987354), (2021, "2022-01-21", 1812240),
                              (2020, "2021-01-22", 1634108), (2019, "2020-01-20", 1429931), (2018, "2019-03-21", 1238800),
                              (2017, "2018-03-22", 1047215)]]
    units = [rep(2023, "江门市新会区教育局2023年政府信息公开工作年度报告", "2024-01-25", post(2146611), "江门市新会区教育局"),
             rep(2023, "江门市新会区卫生健康局2023年政府信息公开工作年度报告", "2024-01-25", post(2146702), "江门市新会区卫生健康局"),
             rep(2023, "江门市新会区会城街道办事处2023年政府信息公开工作年度报告", "2024-01-29", post(2149013), "江门市新会区会城街道办事处"),
             other("江门市新会区人民政府门户网站2023年工作年度报表", "news", "2024-01-12", post(2139554))]
    p.site = {"skin": "vue", "charset": "utf-8", "domain": "www.xinhui.gov.cn", "site_code": "4407050001",
              "icp": "粤ICP备05047823号", "gongan": "粤公网安备 44070502000123号",
              "nav": [["首页", "/"], ["政务公开", "/zwgk/"]],
              "sections": {"/gkmlpt/annualreport#2681": {"title": "本级年报", "per_page": 1000, "pager": "trs_script", "items": county},
                           "/gkmlpt/annualreport#2682": {"title": "部门及镇（街）年报", "per_page": 1000, "pager": "trs_script", "items": units}}}

    home = ('<div class="w1200 home"><div class="focus"><h2>新会要闻</h2><ul><li><a href="/xwzx/xhyw/content/post_3120011.html">区政府召开第四十一次常务会议</a></li>'
            '<li><a href="/xwzx/xhyw/content/post_3119876.html">新会区召开2024年政务公开工作推进会</a></li></ul></div>'
            '<div class="zwgk-box"><h2><a href="/zwgk/">政务公开</a></h2><ul><li><a href="/gkmlpt/index">政府信息公开</a></li>'
            '<li><a href="/zwgk/zcjd/">政策解读</a></li><li><a href="/zwgk/czzj/">财政资金</a></li></ul></div></div>')
    p.route_page(["/", "/index.html"], "home.html", page(NAME, home))
    zwgk = ('<div class="w1200"><div class="crumb">当前位置：<a href="/">首页</a> &gt; 政务公开</div><div class="zwgk-grid">'
            '<a class="card" href="/gkmlpt/index">政府信息公开</a><a class="card" href="/gkmlpt/guide">政府信息公开指南</a>'
            '<a class="card" href="/gkmlpt/annualreport">政府信息公开年报</a><a class="card" href="/zwgk/zcjd/">政策解读</a>'
            '<a class="card" href="/zwgk/jytabl/">建议提案办理</a><a class="card" href="/zwgk/czzj/">财政资金</a></div></div>')
    p.route_page(["/zwgk/", "/zwgk/index.html"], "zwgk.html", page(f"政务公开 - {NAME}", zwgk))
    tree = [{"id": 2680, "name": "法定主动公开内容", "parent": 0, "children": [
        {"id": 2690, "name": "机构职能", "parent": 2680}, {"id": 2691, "name": "政策文件", "parent": 2680},
        {"id": 2692, "name": "规划信息", "parent": 2680}, {"id": 2693, "name": "财政资金", "parent": 2680}]},
        {"id": 2681, "name": "政府信息公开年报", "parent": 0, "children": [{"id": 2682, "name": "部门及镇（街）年报", "parent": 2681}]}]
    config = {"SID": SID, "SITE_NAME": NAME, "SITE_URL": "http://www.xinhui.gov.cn", "TREE": tree, "TYPE": "index"}
    p.route_page("/gkmlpt/index", "gkmlpt_index.html", gk_shell(f"政府信息公开 - {NAME}", config, "index.4f2d9a1e"))
    config = {**config, "TYPE": "annualreport", "CATS": [2681, 2682]}
    p.route_page("/gkmlpt/annualreport", "gkmlpt_annualreport.html", gk_shell(f"政府信息公开年报 - {NAME}", config, "annualreport.7c1e2b9f"))
    for u, t, js in [("/gkmlpt/guide", "政府信息公开指南", "guide.1b2c3d4e"), ("/gkmlpt/policy", "政府信息公开制度", "policy.5e6f7a8b"),
                     ("/gkmlpt/apply", "依申请公开", "apply.9c0d1e2f")]:
        p.route_page(u, "gkmlpt_" + u.rsplit("/", 1)[-1] + ".html", gk_shell(f"{t} - {NAME}", {**config, "TYPE": u.rsplit("/", 1)[-1]}, js))
    p.route_page(["/zjxh/", "/zjxh/index.html"], "zjxh.html", page(f"走进新会 - {NAME}", '<div class="w1200"><h2>走进新会</h2><p>新会区位于广东省中南部、珠江三角洲西南部。</p></div>'))
    p.routes["/gkmlpt/gkml/pc/js/chunk-common.c1553651.js"] = {"body": (
        '(window["webpackJsonp"]=window["webpackJsonp"]||[]).push([["chunk-common"],{"0a1b":function(t,e,n){"use strict";'
        'n.d(e,"b",(function(){return r}));n.d(e,"a",(function(){return o}));var a=n("b775");'
        'function r(t){return Object(a["a"])({url:"/gkmlpt/api/all/"+t.id,method:"get",params:{page:t.page||1,sid:window._CONFIG.SID}})}'
        'function o(t){return Object(a["a"])({url:"/gkmlpt/api/content/"+t,method:"get",params:{sid:window._CONFIG.SID}})}}}]);'),
        "content_type": "application/javascript"}

    def articles(entries):
        return [{"id": int(e["path"].split("_")[-1].split(".")[0]), "title": e["title"],
                 "url": "{{origin}}" + e["path"], "created_at": e["date"] + " 10:12:31",
                 "create_time": 1700000000 + num(e["path"], digits=6), "publisher": e.get("agency") or "江门市新会区人民政府办公室",
                 "identifier": f"11440705007017123X/{e['date'][:4]}-{num(e['title'], digits=5)}"} for e in entries]

    for cat, name, entries in [(2681, "政府信息公开年报", county), (2682, "部门及镇（街）年报", units)]:
        data = {"total": len(entries), "articles": articles(entries),
                "classify": {"id": cat, "name": name, "post_count": len(entries), "parent": 2681 if cat == 2682 else 0}}
        p.json_route(f"/gkmlpt/api/all/{cat}?page=1&sid={SID}", f"api_{cat}_1.json", data)
        p.json_route(f"/gkmlpt/api/all/{cat}?page=2&sid={SID}", f"api_{cat}_2.json",
                     {"total": len(entries), "articles": [], "classify": data["classify"]})
        p.json_route(f"/gkmlpt/api/all/{cat}", f"api_{cat}_nosid.json", {"code": 400, "msg": "sid参数不能为空"}, status=400)
    return p
