from common import Portal, rep, other, num

NAME = "罗田县人民政府"
FOOT = ('<div class="footer"><p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a></p>'
        '<p>主办：罗田县人民政府办公室　承办：罗田县政务服务和大数据管理局</p>'
        '<p><a href="https://beian.miit.gov.cn/" target="_blank">鄂ICP备05003280号</a>　网站标识码：4211230001　'
        '<img src="/images/ga.png" alt="">鄂公网安备 42112302000101号</p>'
        '<p><script id="_jiucuo_" sitecode="4211230001" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script></p></div>')
NAV = [("首页", "/"), ("走进罗田", "/zjlt/"), ("新闻中心", "/xwzx/"), ("政务公开", "/zwgk/"), ("政务服务", "/zwfw/"), ("互动交流", "/hdjl/")]


def layout(title, crumbs, main, column=""):
    nav = "".join(f'<li><a href="{u}">{t}</a></li>' for t, u in NAV)
    return f'''<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<meta http-equiv="X-UA-Compatible" content="IE=EmulateIE7" />
<title>{title}</title>
<meta name="SiteName" content="{NAME}" />
<meta name="SiteDomain" content="www.luotian.gov.cn" />
<meta name="SiteIDCode" content="4211230001" />
<meta name="ColumnName" content="{column}" />
<link href="/images/lt_style.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/images/jquery-1.7.2.min.js"></script>
</head>
<body>
<div class="top"><div class="w1000"><span class="date"><script>var d=new Date();document.write(d.getFullYear()+"年"+(d.getMonth()+1)+"月"+d.getDate()+"日");</script></span>
<a href="javascript:void(0)" onclick="SetHome(this,window.location)">设为首页</a> | <a href="javascript:void(0)" onclick="AddFavorite(window.location,document.title)">加入收藏</a> | <a href="/wza/">无障碍</a></div></div>
<div class="head"><div class="w1000"><img src="/images/logo.png" alt="{NAME}" />
<form action="/search/search.jsp" method="get" target="_blank"><input type="text" name="searchword" value="" /><input type="submit" value="搜索" /></form></div></div>
<div class="nav"><ul class="w1000">{nav}</ul></div>
<div class="position w1000">您当前所在位置：{crumbs}</div>
<div class="main w1000">
{main}
</div>
{FOOT}
</body>
</html>'''


def left_menu(current):
    items = [("政府信息公开指南", "/zwgk/zfxxgkzn/"), ("政府信息公开制度", "/zwgk/zfxxgkzd/"), ("法定主动公开内容", "/zwgk/fdzdgknr/"),
             ("政府信息公开年度报告", "/zwgk/zfxxgkndbg/"), ("县直部门政府信息公开年度报告", "/zwgk/bmndbg/"), ("乡镇年报", "/zwgk/xzndbg/"),
             ("依申请公开", "/zwgk/ysqgk/")]
    on = ' class="on"'
    lis = "".join(f'<li{on if u == current else ""}><a href="{u}">{t}</a></li>' for t, u in items)
    return f'<div class="left fl"><div class="left-tit">政务公开</div><ul class="left-nav">{lis}</ul></div>'


COUNTPAGE_PAGER = '''<div class="page">
<script language="JavaScript">
var currentPage = %(current)d;//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = %(count)d//共多少页
document.write("共"+countPage+"页&nbsp;&nbsp;");
//设置上一页代码
if(countPage>1&&currentPage!=0&&currentPage!=1)
	document.write("<a href=\\"index"+"_" + prevPage + "."+"html\\">上一页</a>&nbsp;");
else if(countPage>1&&currentPage!=0&&currentPage==1)
	document.write("<a href=\\"index.html\\">上一页</a>&nbsp;");
else
	document.write("上一页&nbsp;");
//循环
var num = 5;
for(var i=0+(currentPage-1-(currentPage-1)%%num) ; i<=(num+(currentPage-1-(currentPage-1)%%num))&&(i<countPage) ; i++){
	if(countPage >1){
	if(currentPage==i)
		document.write("<span style=\\"color:#FF0000;\\">"+(i+1)+"</span>&nbsp;");
	else if(i==0)
		document.write("<a href=\\"index.html\\">"+(i+1)+"</a>&nbsp;");
	else
		document.write("<a href=\\"index"+"_" + i + "."+"html\\">"+(i+1)+"</a>&nbsp;");
	}
}
//设置下一页代码
if(countPage>1&&currentPage!=(countPage-1))
	document.write("<a href=\\"index"+"_" + nextPage + "."+"html\\" >下一页</a>&nbsp;");
else
	document.write("下一页&nbsp;");
//设置尾页代码
if(countPage>1&&currentPage!=(countPage-1))
	document.write("<a href=\\"index"+"_" + (countPage-1) + "."+"html\\" >尾页</a>");
</script>
</div>'''

CREATEPAGE_PAGER = '''<div class="page"><script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
	if(_nPageCount == null || _nPageCount<=1){ return; }
	var nCurrIndex = _nCurrIndex || 0;
	if(nCurrIndex == 0) document.write("<span>首页</span>&nbsp;<span>上一页</span>&nbsp;");
	else document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;<a href=\\""+_sPageName+(nCurrIndex-1==0?"":"_"+(nCurrIndex-1))+"."+_sPageExt+"\\">上一页</a>&nbsp;");
	if(nCurrIndex + 1 < _nPageCount) document.write("<a href=\\""+_sPageName+"_"+(nCurrIndex+1)+"."+_sPageExt+"\\">下一页</a>&nbsp;<a href=\\""+_sPageName+"_"+(_nPageCount-1)+"."+_sPageExt+"\\">尾页</a>");
	else document.write("<span>下一页</span>&nbsp;<span>尾页</span>");
}
var countPage = %(count)d;
var currentPage = %(current)d;
createPageHTML(countPage, currentPage, "index", "html");
</script></div>'''


def path(section, date, *key):
    y, m, d = date.split("-")
    return f"{section}{y}{m}/t{y}{m}{d}_{num(section, date, *key)}.html"


def build() -> Portal:
    p = Portal("luotian", NAME, "421123", "TRS WCM 6 (GBK), the classic countPage/currentPage pager script",
               """罗田县 (Hubei): TRS WCM, GBK. The 年报 column /zwgk/zfxxgkndbg/ pages with the classic TRS page script
that writes its links from `var countPage`/`var currentPage` with document.write (no createPageHTML call):
index_1.html and index_2.html are linked nowhere in the HTML. The department column pages with
createPageHTML(countPage, currentPage, ...) through vars; the township column (乡镇年报) shows titles cut by
TRS's NUM= at 24 characters with "..." and no title attribute. Elsewhere: a news item about the 2023 report
on the home page, and the 政府网站工作年度报表 (the website's annual statistics form) in the 年报 column.""")
    S = "/zwgk/zfxxgkndbg/"
    main = [
        rep(2023, "罗田县2023年政府信息公开工作年度报告", "2024-01-19", path(S, "2024-01-19"), "罗田县人民政府办公室"),
        other("罗田县人民政府门户网站2023年工作年度报表", "news", "2024-01-15", path(S, "2024-01-15", "bb"),
              route={"file": "pages/ndbb2023.html"}),
        rep(2022, "罗田县2022年政府信息公开工作年度报告", "2023-01-17", path(S, "2023-01-17"), "罗田县人民政府办公室"),
        other("罗田县2023年政务公开工作要点", "plan", "2023-04-12", path(S, "2023-04-12"), about=2023),
        rep(2021, "罗田县2021年政府信息公开工作年度报告", "2022-01-20", path(S, "2022-01-20"), "罗田县人民政府办公室"),
        rep(2020, "罗田县2020年政府信息公开工作年度报告", "2021-01-26", path(S, "2021-01-26"), "罗田县人民政府办公室"),
        rep(2019, "罗田县2019年政府信息公开工作年度报告", "2020-01-21", path(S, "2020-01-21"), "罗田县人民政府办公室"),
        rep(2018, "罗田县2018年政府信息公开工作年度报告", "2019-03-18", path(S, "2019-03-18"), "罗田县人民政府办公室"),
        rep(2017, "罗田县2017年政府信息公开工作年度报告", "2018-03-27", path(S, "2018-03-27"), "罗田县人民政府办公室"),
        rep(2016, "罗田县2016年政府信息公开工作年度报告", "2017-03-22", path(S, "2017-03-22"), "罗田县人民政府办公室"),
        rep(2015, "罗田县2015年政府信息公开工作年度报告", "2016-03-25", path(S, "2016-03-25"), "罗田县人民政府办公室"),
        rep(2014, "罗田县2014年政府信息公开工作年度报告", "2015-03-19", path(S, "2015-03-19"), "罗田县人民政府办公室"),
        rep(2013, "罗田县2013年政府信息公开工作年度报告", "2014-03-20", path(S, "2014-03-20"), "罗田县人民政府办公室"),
        rep(2012, "罗田县2012年政府信息公开工作年度报告", "2013-03-26", path(S, "2013-03-26"), "罗田县人民政府办公室"),
    ]
    B = "/zwgk/bmndbg/"
    depts = [
        rep(2023, "罗田县教育局2023年政府信息公开工作年度报告", "2024-01-22", path(B, "2024-01-22", 1), "罗田县教育局"),
        rep(2023, "罗田县卫生健康局2023年政府信息公开工作年度报告", "2024-01-23", path(B, "2024-01-23", 2), "罗田县卫生健康局"),
        rep(2023, "罗田县财政局2023年政府信息公开工作年度报告", "2024-01-24", path(B, "2024-01-24", 3), "罗田县财政局"),
        rep(2023, "罗田县民政局2023年政府信息公开工作年度报告", "2024-01-25", path(B, "2024-01-25", 4), "罗田县民政局"),
        rep(2022, "罗田县教育局2022年政府信息公开工作年度报告", "2023-01-18", path(B, "2023-01-18", 5), "罗田县教育局"),
        rep(2022, "罗田县卫生健康局2022年政府信息公开工作年度报告", "2023-01-19", path(B, "2023-01-19", 6), "罗田县卫生健康局"),
        rep(2022, "罗田县自然资源和规划局2022年政府信息公开工作年度报告", "2023-01-20", path(B, "2023-01-20", 7),
            "罗田县自然资源和规划局"),
    ]
    X = "/zwgk/xzndbg/"
    towns = [
        rep(2023, "罗田县凤山镇人民政府2023年政府信息公开工作年度报告", "2024-01-26", path(X, "2024-01-26", 1), "罗田县凤山镇人民政府"),
        rep(2023, "罗田县骆驼坳镇人民政府2023年政府信息公开工作年度报告", "2024-01-26", path(X, "2024-01-26", 2), "罗田县骆驼坳镇人民政府"),
        rep(2023, "罗田县九资河镇人民政府2023年政府信息公开工作年度报告", "2024-01-29", path(X, "2024-01-29", 3), "罗田县九资河镇人民政府"),
        rep(2022, "罗田县凤山镇人民政府2022年政府信息公开工作年度报告", "2023-01-30", path(X, "2023-01-30", 4), "罗田县凤山镇人民政府"),
    ]
    news = [other("我县发布2023年政府信息公开工作年度报告", "news", "2024-01-20", path("/xwzx/ltyw/", "2024-01-20", "n1"),
                  route={"file": "pages/news_nb.html"}),
            other("罗田县召开2024年政务公开工作推进会", "news", "2024-03-14", path("/xwzx/ltyw/", "2024-03-14")),
            other("县政府召开第36次常务会议", "news", "2024-02-27", path("/xwzx/ltyw/", "2024-02-27"))]
    p.site = {"skin": "trs", "charset": "gb2312", "domain": "www.luotian.gov.cn", "site_code": "4211230001",
              "icp": "鄂ICP备05003280号", "gongan": "鄂公网安备 42112302000101号",
              "nav": [list(x) for x in NAV],
              "sections": {S: {"title": "政府信息公开年度报告", "per_page": 1000, "pager": "trs_script", "items": main},
                           B: {"title": "县直部门政府信息公开年度报告", "per_page": 1000, "pager": "trs_script", "items": depts},
                           X: {"title": "乡镇年报", "per_page": 1000, "pager": "trs_script", "items": towns},
                           "/xwzx/ltyw/": {"title": "罗田要闻", "per_page": 1000, "pager": "trs_script", "items": news}}}

    def item(e, cut=None, title_attr=True):
        rel = "./" + e["path"][len(e["path"].rsplit("/", 2)[0]) + 1:]
        text = e["title"] if not cut or len(e["title"]) <= cut else e["title"][:cut] + "..."
        t = f' title="{e["title"]}"' if title_attr else ""
        return f'<li><span class="date">{e["date"]}</span><a href="{rel}" target="_blank"{t}>{text}</a></li>'

    def list_pages(section, title, entries, per, pager, cut=None, title_attr=True):
        chunks = [entries[i:i + per] for i in range(0, len(entries), per)]
        for i, chunk in enumerate(chunks):
            body = (left_menu(section) + f'<div class="right fr"><div class="right-tit"><span>{title}</span></div>'
                    f'<ul class="list">{"".join(item(e, cut, title_attr) for e in chunk)}</ul>'
                    + pager % {"count": len(chunks), "current": i} + '</div>')
            crumbs = '<a href="../../">首页</a>&nbsp;&gt;&nbsp;<a href="../">政务公开</a>&nbsp;&gt;&nbsp;<span>' + title + '</span>'
            html = layout(f"{title}_{NAME}", crumbs, body, title)
            name = "index.html" if i == 0 else f"index_{i}.html"
            paths = [section + name] + ([section] if i == 0 else [])
            p.route_page(paths, f"{section.strip('/').replace('/', '_')}_{name}", html, "gbk")

    list_pages(S, "政府信息公开年度报告", main, 5, COUNTPAGE_PAGER)
    list_pages(B, "县直部门政府信息公开年度报告", depts, 3, CREATEPAGE_PAGER)
    list_pages(X, "乡镇年报", towns, 10, "", cut=24, title_attr=False)

    # home
    blocks = (
        '<div class="news fl"><div class="tit"><span>罗田要闻</span><a href="/xwzx/ltyw/" class="more">更多&gt;&gt;</a></div><ul>'
        + "".join(f'<li><a href="{e["path"]}" target="_blank" title="{e["title"]}">{e["title"]}</a><span>{e["date"][5:]}</span></li>' for e in news)
        + '</ul></div>'
        '<div class="zwgk fr"><div class="tit"><span>政务公开</span><a href="/zwgk/" class="more">更多&gt;&gt;</a></div><ul class="icons">'
        '<li><a href="/zwgk/zfxxgkzn/">信息公开指南</a></li><li><a href="/zwgk/fdzdgknr/">法定主动公开</a></li>'
        '<li><a href="/zwgk/ysqgk/">依申请公开</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>')
    p.route_page("/", "home.html", layout(NAME, '<a href="/">首页</a>', blocks, "首页"), "gbk")
    p.route_page("/index.html", "home.html", layout(NAME, '<a href="/">首页</a>', blocks, "首页"), "gbk")
    hub = (left_menu("/zwgk/") + '<div class="right fr"><div class="right-tit"><span>政务公开</span></div>'
           '<div class="xxgk-box"><h3>最新公开</h3><ul>'
           + "".join(f'<li><span class="date">{e["date"]}</span><a href="{e["path"]}" target="_blank" title="{e["title"]}">{e["title"]}</a></li>'
                     for e in main[:3]) + '</ul></div></div>')
    p.route_page(["/zwgk/", "/zwgk/index.html"], "zwgk.html",
                 layout(f"政务公开_{NAME}", '<a href="../">首页</a>&nbsp;&gt;&nbsp;<span>政务公开</span>', hub, "政务公开"), "gbk")
    fd = (left_menu("/zwgk/fdzdgknr/") + '<div class="right fr"><div class="right-tit"><span>法定主动公开内容</span></div><ul class="ml">'
          + "".join(f'<li><a href="/zwgk/fdzdgknr/{u}/">{t}</a></li>' for t, u in
                    [("机构职能", "jgzn"), ("政策文件", "zcwj"), ("规划计划", "ghjh"), ("财政资金", "czzj"), ("人事信息", "rsxx")])
          + '</ul></div>')
    p.route_page(["/zwgk/fdzdgknr/", "/zwgk/fdzdgknr/index.html"], "fdzdgknr.html",
                 layout(f"法定主动公开内容_{NAME}", '<a href="../../">首页</a>&nbsp;&gt;&nbsp;<a href="../">政务公开</a>&nbsp;&gt;&nbsp;<span>法定主动公开内容</span>', fd), "gbk")

    for t, u in [("政府信息公开指南", "/zwgk/zfxxgkzn/"), ("政府信息公开制度", "/zwgk/zfxxgkzd/"), ("依申请公开", "/zwgk/ysqgk/")]:
        body = left_menu(u) + f'<div class="right fr"><div class="right-tit"><span>{t}</span></div><ul class="list"></ul><p>暂无信息</p></div>'
        p.route_page([u, u + "index.html"], u.strip("/").replace("/", "_") + ".html",
                     layout(f"{t}_{NAME}", f'<a href="../../">首页</a>&nbsp;&gt;&nbsp;<a href="../">政务公开</a>&nbsp;&gt;&nbsp;<span>{t}</span>', body, t), "gbk")
    # the website's annual statistics form (政府网站工作年度报表) and the news about the report
    rows = [("网站名称", "罗田县人民政府"), ("首页网址", "http://www.luotian.gov.cn"), ("主办单位", "罗田县人民政府办公室"),
            ("网站类型", "政府门户网站"), ("政府网站标识码", "4211230001"), ("ICP备案号", "鄂ICP备05003280号"),
            ("独立用户访问总量（单位：个）", "386215"), ("网站总访问量（单位：次）", "1352760"),
            ("信息发布（单位：条）总数", "6138"), ("概况类信息更新量", "42"), ("政务动态信息更新量", "2317"),
            ("信息公开目录信息更新量", "3779"), ("专栏专题维护数量（单位：个）", "6"), ("政策解读（单位：篇）总数", "58"),
            ("回应关切 回应公众关注热点或重大舆情数量（单位：次）", "12"), ("办事服务 是否发布服务事项目录", "是"),
            ("互动交流 留言办理 收到留言数量（单位：条）", "418"), ("办结留言数量（单位：条）", "418"),
            ("平均办理时间（单位：天）", "3.6"), ("安全防护 安全检测评估次数（单位：次）", "4"),
            ("发现问题数量（单位：个）", "7"), ("问题整改数量（单位：个）", "7"), ("是否建立安全监测预警机制", "是"),
            ("移动新媒体 是否有移动新媒体", "是"), ("微信 名称", "罗田发布"), ("创新发展", "搜索即服务 多语言版本 无障碍浏览 千人千网")]
    table = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
    detail = (f'<div class="article"><h1>罗田县人民政府门户网站2023年工作年度报表</h1><div class="info">发布时间：2024-01-15　来源：罗田县人民政府办公室</div>'
              f'<div class="TRS_Editor"><p style="text-align:center">政府网站工作年度报表</p><p>（2023年度）</p>'
              f'<p>填报单位：罗田县人民政府办公室</p><table border="1" cellspacing="0" width="100%">{table}</table>'
              f'<p>单位负责人：方志强　审核人：李敏　填报人：王涛　联系电话：0713-5062516　填报日期：2024-01-12</p></div></div>')
    p.page("ndbb2023.html", layout(f"罗田县人民政府门户网站2023年工作年度报表_{NAME}", "正文", detail), "gbk")
    news_body = ('<div class="article"><h1>我县发布2023年政府信息公开工作年度报告</h1><div class="info">发布时间：2024-01-20　来源：罗田县政务服务和大数据管理局</div>'
                 '<div class="TRS_Editor"><p>日前，《罗田县2023年政府信息公开工作年度报告》在县政府门户网站正式发布。</p>'
                 '<p>报告显示，2023年全县主动公开政府信息6138条，其中政策文件112件；全年共收到政府信息公开申请37件，均在法定期限内答复；'
                 '全年未发生因政府信息公开引起的行政复议和行政诉讼案件。报告还从总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、'
                 '政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项等六个方面进行了全面总结。</p>'
                 '<p>县政务公开办负责人表示，下一步将持续深化基层政务公开标准化规范化建设，加强政策解读和回应关切，不断提升政务公开质效。</p>'
                 '<p>（记者 程龙）</p></div></div>')
    p.page("news_nb.html", layout(f"我县发布2023年政府信息公开工作年度报告_{NAME}", "正文", news_body), "gbk")
    return p
