from common import Portal, rep, other, num, pdf_file

NAME = "仁寿县人民政府"
NODE = "GKrsx"


def IL(cat, page=None):
    return f"/info/iList.jsp?node_id={NODE}&cat_id={cat}" + (f"&cur_page={page}" if page else "")


def II(cat, i):
    return f"/info/iInfo.jsp?node_id={NODE}&cat_id={cat}&info_id={i}"


def page(title, crumbs, body, script=""):
    return f'''<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{title}</title><meta name="SiteName" content="{NAME}"><meta name="SiteDomain" content="www.rs.gov.cn"><meta name="SiteIDCode" content="5114210001">
<link rel="stylesheet" href="/info/css/ewb.css"><script src="/info/js/jquery-1.8.3.min.js"></script></head>
<body>
<div class="ewb-header"><div class="container"><a href="/"><img src="/info/images/logo.png" alt="{NAME}"></a><span class="ewb-sub">政府信息公开</span></div></div>
<div class="ewb-nav"><div class="container"><a href="/">网站首页</a><a href="/info/iIndex.jsp?node_id={NODE}">信息公开首页</a>
<a href="{IL(15971)}">法定主动公开内容</a><a href="/info/iGuide.jsp?node_id={NODE}">政府信息公开指南</a></div></div>
<div class="container"><div class="ewb-location">当前位置：{crumbs}</div>{body}</div>
<div class="ewb-footer"><div class="container"><p>主办单位：仁寿县人民政府办公室　承办单位：仁寿县大数据中心</p>
<p><a href="https://beian.miit.gov.cn/">蜀ICP备05020419号</a>　川公网安备 51142102000115号　网站标识码：5114210001</p></div></div>
{script}
</body></html>'''


TREE = [("政府信息公开指南", "/info/iGuide.jsp?node_id=GKrsx"), ("政府信息公开制度", IL(15970)), ("法定主动公开内容", IL(15971)),
        ("政府信息公开年报", IL(15975)), ("部门年报", IL(15976)), ("乡镇年报", IL(15977)), ("依申请公开", "/info/iApply.jsp?node_id=GKrsx")]


def tree(current):
    lis = "".join(f'<li{" class=active" if u == current else ""}><a href="{u}">{t}</a></li>' for t, u in TREE)
    return f'<div class="ewb-left"><div class="ewb-left-hd">政府信息公开</div><ul class="ewb-tree">{lis}</ul></div>'


def cover(title, date, source, inner):
    return page(f"{title}-{NAME}", "正文",
                f'<div class="ewb-article"><table class="ewb-info-table"><tr><th>索引号</th><td>11511421008900578X/{date[:4]}-{num(title, digits=5)}</td>'
                f'<th>发布机构</th><td>{source}</td></tr><tr><th>发布日期</th><td>{date}</td><th>主题分类</th><td>政府信息公开年报</td></tr></table>'
                f'<h2 class="ewb-article-tt">{title}</h2><div class="ewb-article-info">发布时间：{date}　来源：{source}</div>'
                f'<div class="ewb-article-content">{inner}</div></div>')


def build() -> Portal:
    p = Portal("renshou", NAME, "511421", "四川政府信息公开系统 (info/iList.jsp?node_id=…&cat_id=…&cur_page=N; reports as attachments)",
               """仁寿县 (Sichuan): the provincial 政府信息公开 system (/info/iIndex.jsp, iList.jsp?node_id=GKrsx&cat_id=N&cur_page=N,
iInfo.jsp?…&info_id=N). Reports in every attachment form: a cover page linking a PDF; a cover that shows its PDF in
an <iframe> of pdf.js (/static/pdfjs/web/viewer.html?file=…pdf) and nothing else; a cover whose DOCX is behind a
download handler without extension (/cms/attachment/download.do?fileId=…); a list entry linking a PDF straight.
Not reports: an infographic page (图解…年度报告: one image) and the 法治政府建设年度报告 cover with its own PDF.
Pagers: 政府信息公开年报 has numbers and 下一页 (cur_page=N); 部门年报 has page numbers only (cur_page=N, a parameter
name no list knows); 乡镇年报 pages through javascript:goPage(N), its URL pattern only in the goPage function.""")
    C = 15975
    f22 = "/uploadfiles/202301/20230118101530861.pdf"
    f23 = "/uploadfiles/202401/20240122153012447.pdf"
    f20 = "/uploadfiles/202101/20210120093004312.pdf"
    f21 = "/cms/attachment/download.do?fileId=8a8a8b7d7c1e2f3a017c2d4e5f6a0021"
    fz = "/uploadfiles/202402/20240220160022118.pdf"
    main = [
        rep(2023, "仁寿县2023年政府信息公开工作年度报告", "2024-01-22", II(C, 89341), "仁寿县人民政府办公室",
            attachment="pdf", attachment_path=f23, route={"file": "pages/cover2023.html"}),
        other("图解：仁寿县2023年政府信息公开工作年度报告", "news", "2024-01-23", II(C, 89377), route={"file": "pages/tujie2023.html"}),
        other("仁寿县2023年法治政府建设年度报告", "lawreport", "2024-02-20", II(C, 90112), route={"file": "pages/fzzf2023.html"}),
        rep(2022, "仁寿县2022年政府信息公开工作年度报告", "2023-01-18", II(C, 80156), "仁寿县人民政府办公室",
            attachment="pdf", attachment_path=f22, route={"file": "pages/cover2022.html"}),
        rep(2021, "仁寿县2021年政府信息公开工作年度报告", "2022-01-20", II(C, 71490), "仁寿县人民政府办公室",
            attachment="docx", attachment_path=f21, route={"file": "pages/cover2021.html"}),
        rep(2020, "仁寿县2020年政府信息公开工作年度报告", "2021-01-20", II(C, 63022), "仁寿县人民政府办公室",
            attachment="pdf", attachment_path=f20),
        other("仁寿县2022年度部门整体支出绩效自评报告", "performance", "2023-05-10", II(C, 81533), about=2022),
    ] + [rep(y, f"仁寿县{y}年政府信息公开工作年度报告", d, II(C, i), "仁寿县人民政府办公室")
         for y, d, i in [(2019, "2020-01-17", 55218), (2018, "2019-03-20", 47805), (2017, "2018-03-23", 40117),
                         (2016, "2017-03-24", 33290), (2015, "2016-03-22", 27613), (2014, "2015-03-26", 21904)]]
    depts = [rep(y, f"仁寿县{a}{y}年政府信息公开工作年度报告", d, II(15976, i), f"仁寿县{a}")
             for a, y, d, i in [("教育和体育局", 2023, "2024-01-24", 89402), ("卫生健康局", 2023, "2024-01-24", 89405),
                                ("民政局", 2023, "2024-01-25", 89420), ("财政局", 2023, "2024-01-25", 89431),
                                ("自然资源和规划局", 2023, "2024-01-26", 89460), ("交通运输局", 2023, "2024-01-26", 89466),
                                ("教育和体育局", 2022, "2023-01-19", 80201), ("卫生健康局", 2022, "2023-01-19", 80207),
                                ("民政局", 2022, "2023-01-20", 80230), ("财政局", 2022, "2023-01-20", 80238)]]
    towns = [rep(2023, f"仁寿县{a}2023年政府信息公开工作年度报告", "2024-01-29", II(15977, 89500 + k), f"仁寿县{a}")
             for k, a in enumerate(["文林街道办事处", "怀仁街道办事处", "普宁街道办事处", "视高街道办事处", "富加镇人民政府",
                                    "汪洋镇人民政府", "钟祥镇人民政府"])]
    cols = {C: ("政府信息公开年报", main, 8, "next"), 15976: ("部门年报", depts, 4, "numbers"), 15977: ("乡镇年报", towns, 4, "gopage")}
    p.site = {"skin": "jyh", "charset": "utf-8", "domain": "www.rs.gov.cn", "site_code": "5114210001",
              "icp": "蜀ICP备05020419号", "gongan": "川公网安备 51142102000115号", "nav": [["首页", "/"], ["政府信息公开", "/info/iIndex.jsp?node_id=GKrsx"]],
              "sections": {IL(c): {"title": t, "per_page": 1000, "pager": "trs_script", "items": items} for c, (t, items, _, _) in cols.items()}}

    p.route_page(["/", "/index.html"], "home.html",
                 page(NAME, '<a href="/">首页</a>', '<div class="home-box"><h3>仁寿要闻</h3><ul><li><a href="/rsxw/2024-03/12/content_4d2f.shtml">县政府召开第45次常务会议</a></li></ul>'
                      '<h3>政务公开</h3><ul><li><a href="/info/iIndex.jsp?node_id=GKrsx">政府信息公开</a></li><li><a href="/zcjd/">政策解读</a></li></ul></div>'))
    p.route_page("/info/iIndex.jsp?node_id=GKrsx", "iindex.html",
                 page(f"政府信息公开-{NAME}", "政府信息公开", tree("") + '<div class="ewb-right"><div class="ewb-right-hd">最新公开</div><ul class="ewb-list">'
                      + "".join(f'<li><a href="{e["path"]}" title="{e["title"]}">{e["title"]}</a><span>{e["date"]}</span></li>' for e in main[:4]) + '</ul></div>'))
    for c, (t, items, per, style) in cols.items():
        chunks = [items[i:i + per] for i in range(0, len(items), per)]
        for n, chunk in enumerate(chunks, 1):
            lis = "".join(f'<li><a href="{e.get("attachment_path") if e.get("attachment_path") and not e.get("route") else e["path"]}" title="{e["title"]}" target="_blank">{e["title"]}</a>'
                          f'<span class="ewb-date">{e["date"]}</span></li>' for e in chunk)
            k = len(chunks)
            script = ""
            if style == "next":
                pager = (f'<div class="ewb-page">共{len(items)}条 第{n}/{k}页 ' + (f'<a href="{IL(c, n - 1)}">上一页</a> ' if n > 1 else "")
                         + " ".join(f'<span class="current">{j}</span>' if j == n else f'<a href="{IL(c, j)}">{j}</a>' for j in range(1, k + 1))
                         + (f' <a href="{IL(c, n + 1)}">下一页</a>' if n < k else "") + '</div>')
            elif style == "numbers":
                pager = '<div class="ewb-page">' + " ".join(f'<span class="current">{j}</span>' if j == n else f'<a href="{IL(c, j)}">{j}</a>'
                                                            for j in range(1, k + 1)) + '</div>'
            else:
                pager = (f'<div class="ewb-page">共{len(items)}条 ' + (f'<a href="javascript:goPage({n - 1})">上一页</a> ' if n > 1 else "")
                         + " ".join(f'<span class="current">{j}</span>' if j == n else f'<a href="javascript:goPage({j})">{j}</a>' for j in range(1, k + 1))
                         + (f' <a href="javascript:goPage({n + 1})">下一页</a>' if n < k else "") + '</div>')
                script = ('<script type="text/javascript">\nfunction goPage(p) {\n  window.location.href = "iList.jsp?node_id=' + NODE
                          + f'&cat_id={c}&cur_page=" + p;\n}}\n</script>')
            body = tree(IL(c)) + f'<div class="ewb-right"><div class="ewb-right-hd">{t}</div><ul class="ewb-list">{lis}</ul>{pager}</div>'
            paths = [IL(c, n)] + ([IL(c)] if n == 1 else [])
            p.route_page(paths, f"list_{c}_{n}.html", page(f"{t}-{NAME}", f'<a href="/info/iIndex.jsp?node_id={NODE}">政府信息公开</a> &gt; {t}', body, script))

    for c, t in [(15970, "政府信息公开制度"), (15971, "法定主动公开内容")]:
        p.route_page([IL(c), IL(c, 1)], f"list_{c}.html", page(f"{t}-{NAME}", f'<a href="/info/iIndex.jsp?node_id={NODE}">政府信息公开</a> &gt; {t}',
                     tree(IL(c)) + f'<div class="ewb-right"><div class="ewb-right-hd">{t}</div><ul class="ewb-list">'
                     f'<li><a href="{II(c, 91020)}">仁寿县人民政府关于印发《仁寿县2024年重点工作任务》的通知</a><span class="ewb-date">2024-02-28</span></li></ul></div>'))
    p.page("cover2023.html", cover("仁寿县2023年政府信息公开工作年度报告", "2024-01-22", "仁寿县人民政府办公室",
                                   f'<p>附件：<a href="{f23}" target="_blank">仁寿县2023年政府信息公开工作年度报告.pdf</a></p>'))
    p.page("cover2022.html", cover("仁寿县2022年政府信息公开工作年度报告", "2023-01-18", "仁寿县人民政府办公室",
                                   f'<iframe src="/static/pdfjs/web/viewer.html?file={f22}" width="100%" height="900" frameborder="0"></iframe>'))
    p.page("cover2021.html", cover("仁寿县2021年政府信息公开工作年度报告", "2022-01-20", "仁寿县人民政府办公室",
                                   f'<p>附件下载：</p><p><img src="/info/images/icon_docx.gif" alt=""> <a href="{f21}" target="_blank">'
                                   '仁寿县2021年政府信息公开工作年度报告.docx</a></p>'))
    p.page("tujie2023.html", cover("图解：仁寿县2023年政府信息公开工作年度报告", "2024-01-23", "仁寿县人民政府办公室",
                                   '<p style="text-align:center"><img src="/uploadfiles/202401/20240123094411203.jpg" '
                                   'alt="图解：仁寿县2023年政府信息公开工作年度报告" width="750"></p>'))
    p.page("fzzf2023.html", cover("仁寿县2023年法治政府建设年度报告", "2024-02-20", "仁寿县司法局",
                                  f'<p>附件：<a href="{fz}" target="_blank">仁寿县2023年法治政府建设年度报告.pdf</a></p>'))
    p.pages["fzzf2023.pdf"] = pdf_file("仁寿县2023年法治政府建设年度报告", [
        "2023年，仁寿县深入学习贯彻习近平法治思想，全面落实法治政府建设实施纲要，现将2023年度法治政府建设情况报告如下：",
        "一、主要举措和成效。依法全面履行政府职能，深化“放管服”改革，全年取消和调整行政许可事项12项；健全依法决策机制，"
        "重大行政决策全部经过合法性审查；严格规范公正文明执法，全县行政执法机关办理行政处罚案件1862件；全年办理行政复议案件27件。",
        "二、存在的不足和原因。行政执法人员专业素质有待进一步提升，基层法治力量相对薄弱。",
        "三、党政主要负责人履行推进法治建设第一责任人职责情况。县政府主要负责人全年主持召开常务会议专题学法4次。",
        "四、2024年推进法治政府建设的主要安排。持续深化行政执法体制改革，加强行政复议规范化建设。",
        "仁寿县人民政府", "2024年2月18日"])
    p.routes[fz] = {"file": "pages/fzzf2023.pdf", "content_type": "application/pdf"}
    p.route_page("/static/pdfjs/web/viewer.html", "viewer.html", '''<!DOCTYPE html>
<html dir="ltr" mozdisallowselectionprint><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">
<meta name="google" content="notranslate"><title>PDF.js viewer</title>
<link rel="stylesheet" href="viewer.css"><link rel="resource" type="application/l10n" href="locale/locale.properties">
<script src="../build/pdf.js"></script><script src="viewer.js"></script></head>
<body tabindex="1" class="loadingInProgress"><div id="outerContainer"><div id="sidebarContainer"><div id="toolbarSidebar"></div></div>
<div id="mainContainer"><div class="toolbar"><div id="toolbarContainer"><div id="toolbarViewer"><div id="toolbarViewerLeft">
<button id="sidebarToggle" class="toolbarButton" title="Toggle Sidebar" tabindex="11"><span>Toggle Sidebar</span></button>
<input type="number" id="pageNumber" class="toolbarField pageNumber" title="Page" value="1" size="4" min="1" tabindex="15"><span id="numPages" class="toolbarLabel"></span>
</div><div id="toolbarViewerRight"><button id="print" class="toolbarButton print" title="Print" tabindex="33"><span>Print</span></button>
<button id="download" class="toolbarButton download" title="Download" tabindex="34"><span>Download</span></button></div></div>
<div id="loadingBar"><div class="progress"><div class="glimmer"></div></div></div></div></div>
<div id="viewerContainer" tabindex="0"><div id="viewer" class="pdfViewer"></div></div>
<div id="errorWrapper" hidden='true'><div id="errorMessageLeft"><span id="errorMessage"></span></div></div></div></div>
</body></html>''')

    import datetime as dt
    from urllib.parse import quote
    from crawler.farm_text import docx_bytes, report_blocks
    p.pages["rs2021.docx"] = docx_bytes("仁寿县2021年政府信息公开工作年度报告",
                                        report_blocks("仁寿县人民政府办公室", "仁寿县", 2021, dt.date(2022, 1, 20)))
    p.routes[f21] = {"file": "pages/rs2021.docx", "headers": {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": "attachment;filename*=UTF-8''" + quote("仁寿县2021年政府信息公开工作年度报告.docx")}}

    def patch(truth):
        truth["not_reports"].append({"path": fz, "title": "仁寿县2023年法治政府建设年度报告（PDF附件）"})
    p.expect_patch = patch
    return p
