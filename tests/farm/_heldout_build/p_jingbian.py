from common import Portal, rep, other, num

NAME = "靖边县人民政府"


def layout(title, main, crumbs="", extra_head=""):
    return f'''<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title>{title}</title>
<meta name="SiteName" content="{NAME}" /><meta name="SiteIDCode" content="6108240001" />
<link href="/css/main.css" rel="stylesheet" type="text/css" />{extra_head}
</head>
<body>
<form name="form1" method="post" action="" id="form1">
<div><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1MmRkZkQ2lPv0hQhW5nL7mPc3cpQOPd8=" /></div>
<div><input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="/wEWAgKJ7YvbDQLs0bLrBlLf1FxH6kfD6Ck0Mt0tZB2b9H7Q" /></div>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" class="top">
<tr><td><img src="/images/banner.jpg" width="1000" height="150" alt="{NAME}" /></td></tr>
<tr><td class="menu"><a href="/">首页</a> | <a href="/jbgk/Default.aspx">靖边概况</a> | <a href="/xwzx/InfoList.aspx?cid=11">新闻中心</a> | <a href="/zwgk/Default.aspx">政务公开</a> | <a href="/bsfw/Default.aspx">办事服务</a> | <a href="/hdjl/Default.aspx">互动交流</a></td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td class="weizhi">当前位置：{crumbs}</td></tr></table>
{main}
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" class="bottom">
<tr><td align="center">主办：靖边县人民政府办公室　地址：陕西省靖边县张家畔街道　电话：0912-4621234<br />
<a href="https://beian.miit.gov.cn/" target="_blank">陕ICP备05012827号</a>　网站标识码：6108240001　陕公网安备 61082402000103号</td></tr>
</table>
</form>
</body>
</html>'''


TREE = [("政府信息公开指南", "/zwgk/ShowInfo.aspx?id=1021"), ("政府信息公开制度", "/zwgk/InfoList.aspx?cid=81"),
        ("法定主动公开内容", "/zwgk/InfoList.aspx?cid=82"), ("政府信息公开年度报告", "/zwgk/ShowClass.aspx?cid=87"),
        ("政府信息公开工作报告", "/zwgk/InfoList.aspx?cid=88"), ("依申请公开", "/zwgk/ShowInfo.aspx?id=1022")]
DEPTS = [("/bm/jyj/Default.aspx", "县教育局", "jyj", 301), ("/bm/wjj/Default.aspx", "县卫生健康局", "wjj", 302),
         ("/bm/czj/Default.aspx", "县财政局", "czj", 303)]


def tree_html():
    lis = "".join(f'<tr><td class="tree_item"><img src="/images/tree_dot.gif" /> <a href="{u}">{t}</a></td></tr>' for t, u in TREE)
    opts = "".join(f'<option value="{u}">{t}</option>' for u, t, _, _ in DEPTS)
    return (f'<table width="220" border="0" cellspacing="0" cellpadding="0" class="tree"><tr><td class="tree_tit">政务公开</td></tr>{lis}'
            f'<tr><td class="tree_tit">部门信息公开</td></tr><tr><td><select name="ddlBm" id="ddlBm" '
            "onchange=\"javascript:if(this.value!='')window.open(this.value,'_blank');\">"
            f'<option value="">--请选择县直部门--</option>{opts}</select></td></tr></table>')


def two_col(right):
    return (f'<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td width="230" valign="top">{tree_html()}</td>'
            f'<td width="770" valign="top">{right}</td></tr></table>')


def list_table(entries):
    rows = "".join(f'<tr><td class="list_dot">·</td><td class="list_title"><a href="ShowInfo.aspx?id={e["path"].split("=")[-1]}" target="_blank" '
                   f'title="{e["title"]}">{e["title"]}</a></td><td class="list_date" width="90">{e["date"]}</td></tr>' for e in entries)
    return f'<table width="100%" border="0" cellspacing="0" cellpadding="0" class="list">{rows}</table>'


def show(i):
    return f"/zwgk/ShowInfo.aspx?id={i}"


def build() -> Portal:
    p = Portal("jingbian", NAME, "610824", "ASP.NET WebForms article system (table layout, __VIEWSTATE, iframe list, image pager)",
               """靖边县 (Shaanxi): an old ASP.NET WebForms site. 政务公开 (/zwgk/Default.aspx) has a left tree: its
政府信息公开年度报告 column (ShowClass.aspx?cid=87) is a frame page whose list is an <iframe> (InfoList.aspx?cid=87&ps=6)
paged by image-only 首页/上一页/下一页/尾页 links (?page=N); a second column named 政府信息公开工作报告
(InfoList.aspx?cid=88) holds the 2008–2013 reports, titled “…年政府信息公开工作报告” (no 年度), paged by numbers only.
A <select> of departments (window.open on change) leads to each department's page and its 政府信息公开年报, paged
two to a page by image-only buttons (&page=N), by AspNetPager's default &lt;&lt; &lt; 1 2 3 &gt; &gt;&gt; (&curPage=N) and
by bracketed numbers only ([1] [2] [3], &pageIndex=N).
The 法治政府建设年度报告 sits in the 年报 list and is not a 年报.""")
    main = [
        rep(2023, "靖边县2023年政府信息公开工作年度报告", "2024-01-24", show(30871), "靖边县人民政府办公室"),
        rep(2022, "靖边县2022年政府信息公开工作年度报告", "2023-01-19", show(27745), "靖边县人民政府办公室"),
        other("靖边县2022年法治政府建设年度报告", "lawreport", "2023-02-28", show(28102), about=2022),
        rep(2021, "靖边县2021年政府信息公开工作年度报告", "2022-01-25", show(24316), "靖边县人民政府办公室"),
        rep(2020, "靖边县2020年政府信息公开工作年度报告", "2021-01-28", show(21093), "靖边县人民政府办公室"),
        rep(2019, "靖边县2019年政府信息公开工作年度报告", "2020-01-17", show(18264), "靖边县人民政府办公室"),
        rep(2018, "靖边县2018年政府信息公开工作年度报告", "2019-03-20", show(15530), "靖边县人民政府办公室"),
        rep(2017, "靖边县2017年政府信息公开工作年度报告", "2018-03-23", show(13117), "靖边县人民政府办公室"),
        rep(2016, "靖边县2016年政府信息公开工作年度报告", "2017-03-29", show(10872), "靖边县人民政府办公室"),
        rep(2015, "靖边县2015年政府信息公开工作年度报告", "2016-03-24", show(8841), "靖边县人民政府办公室"),
        rep(2014, "靖边县2014年政府信息公开工作年度报告", "2015-03-27", show(6920), "靖边县人民政府办公室"),
    ]
    old = [rep(y, f"靖边县{y}年政府信息公开工作报告", f"{y + 1}-03-{20 + y % 8}", show(5000 - (2013 - y) * 371), "靖边县人民政府办公室")
           for y in range(2013, 2007, -1)]
    depts = {}
    for _, name, code, cid in DEPTS:
        agency = "靖边县" + name[1:]
        depts[code] = [rep(y, f"{agency}{y}年政府信息公开工作年度报告", f"{y + 1}-01-{20 + y % 7}", f"/bm/{code}/ShowInfo.aspx?id={cid}{2024 - y:02d}", agency)
                       for y in range(2023, 2018, -1)]
    sections = {"/zwgk/InfoList.aspx?cid=87": {"title": "政府信息公开年度报告", "items": main},
                "/zwgk/InfoList.aspx?cid=88": {"title": "政府信息公开工作报告", "items": old}}
    for _, name, code, cid in DEPTS:
        sections[f"/bm/{code}/InfoList.aspx?cid={cid}"] = {"title": "政府信息公开年报", "items": depts[code]}
    for s in sections.values():
        s.update(per_page=1000, pager="trs_script")
    p.site = {"skin": "asp", "charset": "utf-8", "domain": "www.jingbian.gov.cn", "site_code": "6108240001",
              "icp": "陕ICP备05012827号", "gongan": "陕公网安备 61082402000103号",
              "nav": [["首页", "/"], ["政务公开", "/zwgk/Default.aspx"]], "sections": sections}

    # home
    home = ('<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr>'
            '<td width="500" valign="top"><table width="100%" class="box"><tr><td class="box_tit">靖边要闻</td></tr>'
            '<tr><td><ul><li><a href="/xwzx/ShowInfo.aspx?id=31201">县委常委会召开会议传达学习全国两会精神</a></li>'
            '<li><a href="/xwzx/ShowInfo.aspx?id=31188">我县召开2024年政务公开工作会议</a></li></ul></td></tr></table></td>'
            '<td width="500" valign="top"><table width="100%" class="box"><tr><td class="box_tit">政务公开</td></tr>'
            '<tr><td><a href="/zwgk/Default.aspx"><img src="/images/zwgk_rk.jpg" alt="政务公开" border="0" /></a> '
            '<a href="/bsfw/Default.aspx"><img src="/images/bsfw_rk.jpg" alt="办事服务" border="0" /></a></td></tr></table></td></tr></table>')
    p.route_page(["/", "/Default.aspx", "/index.aspx"], "home.html", layout(NAME, home, '<a href="/">首页</a>'))
    hub = two_col('<table width="100%" class="box"><tr><td class="box_tit">政务公开</td></tr><tr><td>'
                  '<p>根据《中华人民共和国政府信息公开条例》，靖边县人民政府及其工作部门依法主动公开政府信息。请通过左侧栏目浏览。</p>'
                  '</td></tr></table>')
    p.route_page("/zwgk/Default.aspx", "zwgk.html", layout(f"政务公开-{NAME}", hub, '<a href="/">首页</a> &gt; 政务公开'))
    frame = two_col('<table width="100%" class="box"><tr><td class="box_tit">政府信息公开年度报告</td></tr><tr><td>'
                    '<iframe id="listFrame" name="listFrame" src="InfoList.aspx?cid=87&amp;ps=6" width="100%" height="760" '
                    'frameborder="0" scrolling="no" marginheight="0" marginwidth="0"></iframe></td></tr></table>')
    p.route_page("/zwgk/ShowClass.aspx?cid=87", "showclass87.html",
                 layout(f"政府信息公开年度报告-{NAME}", frame, '<a href="/">首页</a> &gt; <a href="Default.aspx">政务公开</a> &gt; 政府信息公开年度报告'))

    # the iframe list: image pager, ?page=N
    per, chunks = 6, [main[i:i + 6] for i in range(0, len(main), 6)]
    for i, chunk in enumerate(chunks, 1):
        n = len(chunks)
        def u(k):
            return f"InfoList.aspx?cid=87&amp;ps=6&amp;page={k}"
        pager = (f'<table width="100%" class="pager"><tr><td align="right">共{len(main)}条记录 第{i}/{n}页 '
                 f'<a href="{u(1)}"><img src="/images/page_first.gif" border="0" alt="首页" /></a> '
                 f'<a href="{u(max(i - 1, 1))}"><img src="/images/page_prev.gif" border="0" alt="上一页" /></a> '
                 f'<a href="{u(min(i + 1, n))}"><img src="/images/page_next.gif" border="0" alt="下一页" /></a> '
                 f'<a href="{u(n)}"><img src="/images/page_last.gif" border="0" alt="尾页" /></a></td></tr></table>')
        html = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
                '<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
                '<title>InfoList</title><link href="/css/list.css" rel="stylesheet" type="text/css" /><base target="_blank" /></head><body>'
                '<form name="form1" method="post" action="InfoList.aspx?cid=87&amp;ps=6" id="form1">'
                '<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwULLTE2MTY2ODcyMjlkZA==" />'
                + list_table(chunk) + pager + '</form></body></html>')
        paths = [f"/zwgk/InfoList.aspx?cid=87&ps=6&page={i}"] + (["/zwgk/InfoList.aspx?cid=87&ps=6", "/zwgk/InfoList.aspx?cid=87"] if i == 1 else [])
        p.route_page(paths, f"infolist87_{i}.html", html)

    # the old column: numbers only
    chunks = [old[i:i + 4] for i in range(0, len(old), 4)]
    for i, chunk in enumerate(chunks, 1):
        nums = " ".join(f"<b>{k}</b>" if k == i else f'<a href="InfoList.aspx?cid=88&amp;page={k}">{k}</a>' for k in range(1, len(chunks) + 1))
        right = ('<table width="100%" class="box"><tr><td class="box_tit">政府信息公开工作报告</td></tr><tr><td>'
                 + list_table(chunk) + f'<div class="pager">页次：{i}/{len(chunks)} {nums}</div></td></tr></table>')
        paths = [f"/zwgk/InfoList.aspx?cid=88&page={i}"] + (["/zwgk/InfoList.aspx?cid=88"] if i == 1 else [])
        p.route_page(paths, f"infolist88_{i}.html",
                     layout(f"政府信息公开工作报告-{NAME}", two_col(right), '<a href="/">首页</a> &gt; <a href="Default.aspx">政务公开</a> &gt; 政府信息公开工作报告'))

    for u, t in [("/zwgk/InfoList.aspx?cid=81", "政府信息公开制度"), ("/zwgk/InfoList.aspx?cid=82", "法定主动公开内容"),
                 ("/xwzx/InfoList.aspx?cid=11", "新闻中心")]:
        right = (f'<table width="100%" class="box"><tr><td class="box_tit">{t}</td></tr><tr><td>'
                 f'<table class="list"><tr><td>·</td><td><a href="/zwgk/ShowInfo.aspx?id=31002" target="_blank">靖边县人民政府关于印发2024年重点工作任务分解方案的通知</a></td><td>2024-02-20</td></tr></table></td></tr></table>')
        p.route_page(u, "col_" + u.split("=")[-1] + ".html", layout(f"{t}-{NAME}", two_col(right), f'<a href="/">首页</a> &gt; {t}'))
    # departments
    for url, name, code, cid in DEPTS:
        agency = "靖边县" + name[1:]
        dept = (f'<table width="1000" align="center" class="box"><tr><td class="box_tit">{agency}</td></tr><tr><td>'
                f'<table class="bm_menu"><tr><td><a href="/bm/{code}/InfoList.aspx?cid={cid}0">机构职能</a></td>'
                f'<td><a href="/bm/{code}/InfoList.aspx?cid={cid}1">工作动态</a></td>'
                f'<td><a href="/bm/{code}/InfoList.aspx?cid={cid}">政府信息公开年报</a></td>'
                f'<td><a href="/bm/{code}/InfoList.aspx?cid={cid}2">财政资金</a></td></tr></table></td></tr></table>')
        p.route_page(url, f"bm_{code}.html", layout(f"{agency}-{NAME}", dept, f'<a href="/">首页</a> &gt; 部门信息公开 &gt; {agency}'))
        per = 2
        chunks = [depts[code][i:i + per] for i in range(0, len(depts[code]), per)]
        key = {"jyj": "page", "wjj": "curPage", "czj": "pageIndex"}[code]
        for n, chunk in enumerate(chunks, 1):
            k = len(chunks)
            def u(j):
                return f"InfoList.aspx?cid={cid}&amp;{key}={j}"
            if code == "jyj":  # image-only buttons
                pager = (f'共{len(depts[code])}条 第{n}/{k}页 <a href="{u(1)}"><img src="/images/page_first.gif" border="0" alt="首页" /></a> '
                         f'<a href="{u(max(n - 1, 1))}"><img src="/images/page_prev.gif" border="0" alt="上一页" /></a> '
                         f'<a href="{u(min(n + 1, k))}"><img src="/images/page_next.gif" border="0" alt="下一页" /></a> '
                         f'<a href="{u(k)}"><img src="/images/page_last.gif" border="0" alt="尾页" /></a>')
            elif code == "wjj":  # AspNetPager's default texts
                pager = ('<div id="AspNetPager1">' + (f'<a href="{u(1)}" style="margin-right:5px;">&lt;&lt;</a><a href="{u(n - 1)}" style="margin-right:5px;">&lt;</a>' if n > 1 else
                                                      '<a disabled="disabled" style="margin-right:5px;">&lt;&lt;</a><a disabled="disabled" style="margin-right:5px;">&lt;</a>')
                         + "".join(f'<span class="cpb" style="margin-right:5px;">{j}</span>' if j == n else f'<a href="{u(j)}" style="margin-right:5px;">{j}</a>' for j in range(1, k + 1))
                         + (f'<a href="{u(n + 1)}" style="margin-right:5px;">&gt;</a><a href="{u(k)}" style="margin-right:5px;">&gt;&gt;</a>' if n < k else
                            '<a disabled="disabled" style="margin-right:5px;">&gt;</a><a disabled="disabled" style="margin-right:5px;">&gt;&gt;</a>') + '</div>')
            else:  # numbers only
                pager = "页码：" + " ".join(f"<b>[{j}]</b>" if j == n else f'<a href="{u(j)}">[{j}]</a>' for j in range(1, k + 1))
            rows = "".join(f'<tr><td>·</td><td><a href="ShowInfo.aspx?id={e["path"].split("=")[-1]}" target="_blank">{e["title"]}</a></td><td>{e["date"]}</td></tr>'
                           for e in chunk)
            lst = (f'<table width="1000" align="center" class="box"><tr><td class="box_tit">政府信息公开年报</td></tr><tr><td><table class="list">{rows}</table>'
                   f'<div class="pager">{pager}</div></td></tr></table>')
            paths = [f"/bm/{code}/InfoList.aspx?cid={cid}&{key}={n}"] + ([f"/bm/{code}/InfoList.aspx?cid={cid}"] if n == 1 else [])
            p.route_page(paths, f"bm_{code}_nb_{n}.html", layout(f"政府信息公开年报-{agency}", lst, f'<a href="/">首页</a> &gt; {agency} &gt; 政府信息公开年报'))
    return p
