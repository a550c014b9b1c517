from common import Portal, rep, other, num

NAME = "婺源县人民政府"


def page(title, crumbs, body):
    return f'''<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" /><title>{title}</title>
<meta name="keywords" content="婺源,婺源县人民政府" /><meta name="description" content="婺源县人民政府门户网站" />
<link href="/templets/wy2016/style/dedecms.css" rel="stylesheet" media="screen" type="text/css" />
<script language="javascript" type="text/javascript" src="/include/dedeajax2.js"></script>
</head><body>
<div class="header"><div class="top w960"><div class="title"><h1><a href="/"><img src="/templets/wy2016/images/logo.gif" alt="{NAME}" /></a></h1></div></div>
<div class="module blue mT10 wrapper w963"><div id="navMenu"><ul>
<li><a href="/"><span>首页</span></a></li><li><a href="/a/wygk/"><span>婺源概况</span></a></li><li><a href="/a/xwzx/"><span>新闻中心</span></a></li>
<li><a href="/a/zwgk/"><span>政务公开</span></a></li><li><a href="/a/bsfw/"><span>办事服务</span></a></li><li><a href="/a/lywy/"><span>旅游婺源</span></a></li>
</ul></div></div></div>
<div class="w960 clear center mt1"><div class="place"><strong>当前位置:</strong> {crumbs}</div>
{body}
</div>
<div class="footer w960 center mt1 clear"><div class="footer_body"><p class="powered">主办：婺源县人民政府办公室　承办：婺源县信息中心<br />
<a href="https://beian.miit.gov.cn/" target="_blank">赣ICP备05005261号</a>　网站标识码：3611300001　赣公网安备 36113002000121号</p></div></div>
</body></html>'''


def listbox(title, entries):
    lis = "".join(f'<li><a href="{e.get("attachment_path") or e["path"]}" class="title">{e["title"]}</a><span class="info"><small>日期：</small>{e["date"]}</span></li>'
                  for e in entries)
    return f'<div class="listbox"><ul class="e2">{lis}</ul></div>'


def dede_pager(tid, page, total_pages, count):
    if total_pages <= 1:
        return f'<div class="dede_pages"><ul class="pagelist"><li><span class="pageinfo">共 <strong>1</strong>页<strong>{count}</strong>条记录</span></li></ul></div>'
    parts = []
    if page == 1:
        parts.append("<li><a>首页</a></li>")
    else:
        parts.append(f"<li><a href='list_{tid}_1.html'>首页</a></li><li><a href='list_{tid}_{page - 1}.html'>上一页</a></li>")
    for k in range(1, total_pages + 1):
        parts.append(f'<li class="thisclass">{k}</li>' if k == page else f"<li><a href='list_{tid}_{k}.html'>{k}</a></li>")
    if page < total_pages:
        parts.append(f"<li><a href='list_{tid}_{page + 1}.html'>下一页</a></li><li><a href='list_{tid}_{total_pages}.html'>末页</a></li>")
    else:
        parts.append("<li><a>末页</a></li>")
    parts.append(f'<li><span class="pageinfo">共 <strong>{total_pages}</strong>页<strong>{count}</strong>条记录</span></li>')
    return '<div class="dede_pages"><ul class="pagelist">' + "".join(parts) + "</ul></div>"


def build() -> Portal:
    p = Portal("wuyuan", NAME, "361130", "DedeCMS 5.7 (GBK; list_TID_N.html; 年度报告 in year sub-columns)",
               """婺源县 (Jiangxi): DedeCMS 5.7, GBK. 政务公开 (/a/zwgk/) → 年度报告 (/a/zwgk/ndbg/), a channel page listing
its sub-columns 2023年度, 2022年度, 2021年度 and 历年年报 (2013–2020; linked by that text only, /a/zwgk/ndbg/lnnb/).
The 2023年度 column (county, departments and townships) pages with Dede's pager (list_31_2.html, 下一页, 末页;
page 1 is also list_31_1.html). In the lists: a 解读 of the 2023 report, a notice about writing the reports
(关于做好…的通知), the 统计公报, a department report published straight as a PDF and one as a DOCX.""")
    def dp(col, d, *k):
        return f"/a/zwgk/ndbg/{col}/{d[2:4]}{d[5:7]}{d[8:]}/{num(col, d, *k, digits=4)}.html"
    y23 = [rep(2023, "婺源县2023年政府信息公开工作年度报告", "2024-01-19", dp("2023", "2024-01-19"), "婺源县人民政府办公室"),
           other("《婺源县2023年政府信息公开工作年度报告》解读", "news", "2024-01-19", dp("2023", "2024-01-19", "jd"),
                 route={"file": "pages/jiedu2023.html"}),
           other("婺源县2023年国民经济和社会发展统计公报", "news", "2024-03-29", dp("2023", "2024-03-29")),
           other("关于做好2023年度政府信息公开工作年度报告编制和发布工作的通知", "notice", "2023-12-22", dp("2023", "2023-12-22"))]
    y23 += [rep(2023, f"婺源县{a}2023年政府信息公开工作年度报告", f"2024-01-{23 + i // 3:02d}", dp("2023", f"2024-01-{23 + i // 3:02d}", a), f"婺源县{a}")
            for i, a in enumerate(["教育体育局", "卫生健康委员会", "民政局", "财政局", "自然资源局", "紫阳镇人民政府", "蚺城街道办事处",
                                   "江湾镇人民政府", "秋口镇人民政府"])]
    y23.append(rep(2023, "婺源县文化广电新闻出版旅游局2023年政府信息公开工作年度报告", "2024-01-31", dp("2023", "2024-01-31"),
                   "婺源县文化广电新闻出版旅游局", attachment="pdf", attachment_path="/uploads/soft/240131/1-240131093Q1.pdf"))
    y22 = [rep(2022, "婺源县2022年政府信息公开工作年度报告", "2023-01-18", dp("2022", "2023-01-18"), "婺源县人民政府办公室"),
           rep(2022, "婺源县教育体育局2022年政府信息公开工作年度报告", "2023-01-20", dp("2022", "2023-01-20", 1), "婺源县教育体育局"),
           rep(2022, "婺源县民政局2022年政府信息公开工作年度报告", "2023-01-20", dp("2022", "2023-01-20", 2), "婺源县民政局",
               attachment="docx", attachment_path="/uploads/soft/230120/1-230120154K5.docx"),
           rep(2022, "婺源县紫阳镇人民政府2022年政府信息公开工作年度报告", "2023-01-29", dp("2022", "2023-01-29"), "婺源县紫阳镇人民政府")]
    y21 = [rep(2021, "婺源县2021年政府信息公开工作年度报告", "2022-01-21", dp("2021", "2022-01-21"), "婺源县人民政府办公室"),
           rep(2021, "婺源县教育体育局2021年政府信息公开工作年度报告", "2022-01-25", dp("2021", "2022-01-25"), "婺源县教育体育局")]
    ln = [rep(y, f"婺源县政府信息公开工作年度报告（{y}年）" if y < 2016 else f"婺源县{y}年政府信息公开工作年度报告",
              f"{y + 1}-03-{16 + y % 10}", dp("lnnb", f"{y + 1}-03-{16 + y % 10}"), "婺源县人民政府办公室")
          for y in range(2020, 2012, -1)]
    cols = {"2023": (31, "2023年度", y23), "2022": (32, "2022年度", y22), "2021": (33, "2021年度", y21), "lnnb": (34, "历年年报", ln)}
    p.site = {"skin": "asp", "charset": "gb2312", "domain": "www.jxwy.gov.cn", "site_code": "3611300001",
              "icp": "赣ICP备05005261号", "gongan": "赣公网安备 36113002000121号", "nav": [["首页", "/"], ["政务公开", "/a/zwgk/"]],
              "sections": {f"/a/zwgk/ndbg/{c}/": {"title": t, "per_page": 1000, "pager": "trs_script", "items": items}
                           for c, (tid, t, items) in cols.items()}}

    home = ('<div class="pleft"><div class="bignews"><h2>婺源要闻</h2><ul><li><a href="/a/xwzx/wyyw/2024/0312/8812.html">县政府召开常务会议研究部署春季旅游工作</a></li>'
            '<li><a href="/a/xwzx/wyyw/2024/0308/8790.html">我县召开2024年政务公开工作推进会</a></li></ul></div></div>'
            '<div class="pright"><div class="commend"><dl class="tbox"><dt><strong><a href="/a/zwgk/">政务公开</a></strong></dt><dd><ul class="d4">'
            '<li><a href="/a/zwgk/xxgkzn/">政府信息公开指南</a></li><li><a href="/a/zwgk/zfwj/">政府文件</a></li></ul></dd></dl></div></div>')
    p.route_page(["/", "/index.html"], "home.html", page(NAME, '<a href="/">主页</a>', home), "gbk")
    zwgk = ('<div class="pleft"><dl class="tbox"><dt><strong>政务公开</strong></dt><dd><ul class="d1">'
            '<li><a href="/a/zwgk/xxgkzn/">政府信息公开指南</a></li><li><a href="/a/zwgk/zfwj/">政府文件</a></li>'
            '<li><a href="/a/zwgk/ndbg/">年度报告</a></li><li><a href="/a/zwgk/czyjs/">财政预决算</a></li>'
            '<li><a href="/a/zwgk/rsxx/">人事信息</a></li></ul></dd></dl></div>')
    p.route_page(["/a/zwgk/", "/a/zwgk/index.html"], "zwgk.html", page(f"政务公开_{NAME}", '<a href="/">主页</a> > 政务公开', zwgk), "gbk")
    subs = "".join(f'<dl class="tbox"><dt><strong><a href="/a/zwgk/ndbg/{c}/">{t}</a></strong><span class="more"><a href="/a/zwgk/ndbg/{c}/">更多...</a></span></dt>'
                   f'<dd>{listbox(t, items[:2])}</dd></dl>' for c, (tid, t, items) in cols.items() if c != "lnnb")
    subs += '<dl class="tbox"><dt><strong><a href="/a/zwgk/ndbg/lnnb/">历年年报</a></strong></dt><dd><p>2013年至2020年年度报告</p></dd></dl>'
    p.route_page(["/a/zwgk/ndbg/", "/a/zwgk/ndbg/index.html"], "ndbg.html",
                 page(f"年度报告_{NAME}", '<a href="/">主页</a> > <a href="/a/zwgk/">政务公开</a> > 年度报告', f'<div class="pleft">{subs}</div>'), "gbk")
    for u, t in [("/a/xwzx/", "新闻中心"), ("/a/zwgk/xxgkzn/", "政府信息公开指南"), ("/a/zwgk/zfwj/", "政府文件")]:
        p.route_page([u, u + "index.html"], u.strip("/").replace("/", "_") + ".html",
                     page(f"{t}_{NAME}", f'<a href="/">主页</a> > {t}', f'<div class="pleft"><div class="listbox"><h2>{t}</h2></div><div class="listbox"><ul class="e2"></ul></div></div>'), "gbk")
    per = 8
    for c, (tid, t, items) in cols.items():
        chunks = [items[i:i + per] for i in range(0, len(items), per)]
        for n, chunk in enumerate(chunks, 1):
            body = (f'<div class="pleft"><div class="listbox"><h2>{t}</h2></div>{listbox(t, chunk)}'
                    + dede_pager(tid, n, len(chunks), len(items)) + '</div>')
            html = page(f"{t}_{NAME}", f'<a href="/">主页</a> > <a href="/a/zwgk/">政务公开</a> > <a href="/a/zwgk/ndbg/">年度报告</a> > {t}', body)
            paths = [f"/a/zwgk/ndbg/{c}/list_{tid}_{n}.html"] + ([f"/a/zwgk/ndbg/{c}/", f"/a/zwgk/ndbg/{c}/index.html"] if n == 1 else [])
            p.route_page(paths, f"list_{tid}_{n}.html", html, "gbk")
    jd = ('<div class="pleft"><div class="viewbox"><div class="title"><h2>《婺源县2023年政府信息公开工作年度报告》解读</h2></div>'
          '<div class="info"><small>时间:</small>2024-01-19<small>来源:</small>婺源县人民政府办公室</div><div class="content">'
          '<p>近日，《婺源县2023年政府信息公开工作年度报告》（以下简称《年度报告》）在县政府门户网站正式发布。为便于公众更好地了解《年度报告》的内容，现解读如下：</p>'
          '<p>一、《年度报告》的主要内容。《年度报告》共分六个部分，分别是总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、'
          '政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。</p>'
          '<p>二、主动公开情况。2023年，全县主动公开政府信息5826条，其中制发规范性文件9件，政策解读76篇，回应社会关切13次。</p>'
          '<p>三、依申请公开情况。2023年，全县共收到政府信息公开申请42件，均已按期答复，其中予以公开21件，部分公开5件，不予公开3件，'
          '无法提供11件，不予处理2件。</p>'
          '<p>四、行政复议和行政诉讼情况。2023年，全县因政府信息公开被申请行政复议2件，提起行政诉讼1件，均维持原行政行为。</p>'
          '<p>五、下一步工作。2024年，我县将持续推进基层政务公开标准化规范化，加强政策解读，提升政务公开工作质效。</p></div></div></div>')
    p.page("jiedu2023.html", page(f"《婺源县2023年政府信息公开工作年度报告》解读_{NAME}", "正文", jd), "gbk")
    return p
