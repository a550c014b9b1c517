from common import Portal, rep, other, num

NAME = "蒙自市人民政府"


def L(catid, page=None):
    return f"/index.php?m=content&c=index&a=lists&catid={catid}" + (f"&page={page}" if page else "")


def S(catid, i):
    return f"/index.php?m=content&c=index&a=show&catid={catid}&id={i}"


def page(title, crumbs, body):
    return f'''<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><meta http-equiv="X-UA-Compatible" content="IE=7" />
<title>{title}</title><meta name="keywords" content="蒙自市人民政府" /><meta name="description" content="蒙自市人民政府门户网站" />
<link href="/statics/css/reset.css" rel="stylesheet" type="text/css" /><link href="/statics/css/default_blue.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/statics/js/jquery.min.js"></script>
</head><body>
<div class="header"><div class="logo"><a href="/"><img src="/statics/images/mz/logo.png" alt="{NAME}" /></a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="{L(9)}">走进蒙自</a></li><li><a href="{L(6)}">新闻中心</a></li>
<li><a href="{L(10)}">政务公开</a></li><li><a href="{L(12)}">办事服务</a></li><li><a href="{L(13)}">互动交流</a></li></ul></div></div>
<div class="main"><div class="crumbs"><a href="/">首页</a><span> &gt; </span>{crumbs}</div>
{body}
</div>
<div class="footer"><p>主办：蒙自市人民政府办公室　技术支持：蒙自市信息中心</p>
<p><a href="https://beian.miit.gov.cn/" target="_blank">滇ICP备05003691号</a>　网站标识码：5325030001　滇公网安备 53250302000106号</p></div>
</body></html>'''


MENU = [("政府信息公开指南", 21), ("政府信息公开制度", 22), ("法定主动公开内容", 23), ("年报专栏", 27), ("市直部门年报", 28),
        ("乡镇（街道）年报", 29), ("依申请公开", 24)]


def side(current):
    lis = "".join(f'<li{" class=on" if c == current else ""}><a href="{L(c)}">{t}</a></li>' for t, c in MENU)
    return f'<div class="col-left"><h5 class="title-1">政务公开</h5><ul class="list-left">{lis}</ul></div>'


def build() -> Portal:
    p = Portal("mengzi", NAME, "532503", "PHPCMS v9 (dynamic URLs index.php?m=content&c=index&a=lists&catid=N&page=N)",
               """蒙自市 (Yunnan): PHPCMS v9 with dynamic URLs. 政务公开 (catid=10) lists its sub-categories: the county's 年报
column is named 年报专栏 (catid=27; the text is all there is to go by: the URL is index.php?…&catid=27), and
the department and township columns are 市直部门年报 (28) and 乡镇（街道）年报 (29). Lists page with PHPCMS's
pager (上一页 1 2 下一页, &page=N); detail pages are index.php?m=content&c=index&a=show&catid=N&id=N.
In the lists: the 政府网站工作年度报表 and a 绩效自评报告.""")
    main = [rep(y, f"蒙自市{y}年政府信息公开工作年度报告", d, S(27, i), "蒙自市人民政府办公室")
            for y, d, i in [(2023, "2024-01-22", 8261), (2022, "2023-01-19", 7514), (2021, "2022-01-24", 6630),
                            (2020, "2021-01-26", 5877), (2019, "2020-01-20", 5012), (2018, "2019-03-14", 4305),
                            (2017, "2018-03-21", 3790), (2016, "2017-03-22", 3216), (2015, "2016-03-23", 2688),
                            (2014, "2015-03-25", 2203), (2013, "2014-03-26", 1811), (2012, "2013-03-28", 1390)]]
    main.insert(1, other("蒙自市人民政府门户网站2023年工作年度报表", "news", "2024-01-12", S(27, 8230), route={"file": "pages/ndbb.html"}))
    depts = [rep(y, f"蒙自市{a}{y}年政府信息公开工作年度报告", d, S(28, i), f"蒙自市{a}")
             for a, y, d, i in [("教育体育局", 2023, "2024-01-25", 8290), ("卫生健康局", 2023, "2024-01-25", 8291),
                                ("财政局", 2023, "2024-01-26", 8297), ("民政局", 2023, "2024-01-26", 8298),
                                ("教育体育局", 2022, "2023-01-20", 7533), ("卫生健康局", 2022, "2023-01-20", 7534)]]
    depts.insert(3, other("蒙自市财政局2023年度部门整体支出绩效自评报告", "performance", "2024-04-08", S(28, 8412), about=2023))
    towns = [rep(2023, f"蒙自市{a}2023年政府信息公开工作年度报告", "2024-01-29", S(29, 8300 + k), f"蒙自市{a}")
             for k, a in enumerate(["文澜街道办事处", "雨过铺街道办事处", "新安所街道办事处", "草坝镇人民政府", "芷村镇人民政府",
                                    "鸣鹫镇人民政府", "冷泉镇人民政府", "期路白苗族乡人民政府"])]
    cols = {27: ("年报专栏", main, 10), 28: ("市直部门年报", depts, 10), 29: ("乡镇（街道）年报", towns, 5)}
    p.site = {"skin": "asp", "charset": "utf-8", "domain": "www.hhmz.gov.cn", "site_code": "5325030001",
              "icp": "滇ICP备05003691号", "gongan": "滇公网安备 53250302000106号", "nav": [["首页", "/"], ["政务公开", L(10)]],
              "sections": {L(c): {"title": t, "per_page": 1000, "pager": "trs_script", "items": items} for c, (t, items, _) in cols.items()}}

    home = ('<div class="col-left"><div class="box"><h5 class="title-2">蒙自要闻</h5><ul class="content">'
            f'<li><a href="{S(6, 9012)}">市政府召开第三十七次常务会议</a></li><li><a href="{S(6, 9003)}">蒙自市召开2024年政务公开工作会议</a></li></ul></div></div>'
            f'<div class="col-right"><div class="box"><h5 class="title-2">专题专栏</h5><ul class="content"><li><a href="{L(27)}">年报专栏</a></li>'
            f'<li><a href="{L(30)}">优化营商环境</a></li><li><a href="{L(31)}">乡村振兴</a></li></ul></div></div>')
    p.route_page(["/", "/index.php", "/index.html"], "home.html", page(NAME, "", home))
    cards = "".join(f'<li><a href="{L(c)}">{t}</a></li>' for t, c in MENU)
    p.route_page(L(10), "zwgk.html", page(f"政务公开 - {NAME}", '<a href="' + L(10) + '">政务公开</a>',
                                          side(10) + f'<div class="col-auto"><h5 class="title-2">政务公开</h5><ul class="list lh24 f14">{cards}</ul></div>'))
    for c, (t, items, per) in cols.items():
        chunks = [items[i:i + per] for i in range(0, len(items), per)]
        for n, chunk in enumerate(chunks, 1):
            lis = "".join(f'<li><span class="rt">{e["date"]}</span>·<a href="{e["path"]}" target="_blank">{e["title"]}</a></li>' for e in chunk)
            pager = ""
            if len(chunks) > 1:
                pager = f'<div id="pages" class="text-c"><a class="a1">{len(items)}条</a> '
                pager += f'<a href="{L(c, max(n - 1, 1))}" class="a1">上一页</a> '
                pager += " ".join(f"<span>{k}</span>" if k == n else f'<a href="{L(c, k)}">{k}</a>' for k in range(1, len(chunks) + 1))
                pager += f' <a href="{L(c, min(n + 1, len(chunks)))}" class="a1">下一页</a></div>'
            body = side(c) + f'<div class="col-auto"><h5 class="title-2">{t}</h5><ul class="list lh24 f14">{lis}</ul>{pager}</div>'
            html = page(f"{t} - {NAME}", f'<a href="{L(10)}">政务公开</a><span> &gt; </span><a href="{L(c)}">{t}</a>', body)
            paths = [L(c, n)] + ([L(c)] if n == 1 else [])
            p.route_page(paths, f"list_{c}_{n}.html", html)
    rows = [("网站名称", "蒙自市人民政府"), ("首页网址", "http://www.hhmz.gov.cn"), ("主办单位", "蒙自市人民政府办公室"),
            ("网站类型", "政府门户网站"), ("政府网站标识码", "5325030001"), ("ICP备案号", "滇ICP备05003691号"),
            ("独立用户访问总量（单位：个）", "215437"), ("网站总访问量（单位：次）", "902318"), ("信息发布（单位：条）", "4122"),
            ("概况类信息更新量", "31"), ("政务动态信息更新量", "1804"), ("信息公开目录信息更新量", "2287"),
            ("政策解读（单位：篇）", "47"), ("互动交流 收到留言数量（单位：条）", "236"), ("办结留言数量（单位：条）", "236"),
            ("安全检测评估次数（单位：次）", "4"), ("发现问题数量（单位：个）", "3"), ("问题整改数量（单位：个）", "3")]
    table = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
    body = (f'<div class="col-auto"><h1 id="title">蒙自市人民政府门户网站2023年工作年度报表</h1><div class="tit-info">2024-01-12　来源：蒙自市人民政府办公室</div>'
            f'<div id="Article"><div class="content"><p style="text-align:center"><strong>政府网站工作年度报表</strong></p><p style="text-align:center">（2023年度）</p>'
            f'<p>填报单位：蒙自市人民政府办公室</p><table border="1" cellspacing="0" width="100%">{table}</table>'
            f'<p>单位负责人：杨丽　审核人：张伟　填报人：李春华　联系电话：0873-3722145　填报日期：2024-01-10</p></div></div></div>')
    p.page("ndbb.html", page(f"蒙自市人民政府门户网站2023年工作年度报表 - {NAME}", "正文", body))
    return p
