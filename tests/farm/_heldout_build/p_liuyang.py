import math
from common import Portal, rep, other, num

NAME = "浏阳市人民政府"


def page(title, crumbs, body, script=""):
    return f'''<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="UTF-8"><meta name="viewport" content="width=device-width,initial-scale=1.0"><title>{title}</title>
<meta name="SiteName" content="{NAME}"><meta name="SiteDomain" content="www.liuyang.gov.cn"><meta name="SiteIDCode" content="4301810001">
<link rel="stylesheet" href="/static/portal/css/index.css"><script src="/static/portal/js/vue.min.js"></script><script src="/static/portal/js/axios.min.js"></script></head>
<body>
<header class="ly-header"><div class="ly-w"><a href="/"><img src="/static/portal/img/logo.png" alt="{NAME}"></a></div>
<nav class="ly-nav"><a href="/">首页</a><a href="/zjly/">走进浏阳</a><a href="/xwzx/">新闻中心</a><a href="/zwgk/">政务公开</a><a href="/zwfw/">政务服务</a><a href="/hdjl/">互动交流</a></nav></header>
<div class="ly-w ly-crumbs">当前位置：{crumbs}</div>
<main class="ly-w">{body}</main>
<footer class="ly-footer"><p>主办：浏阳市人民政府办公室　承办：浏阳市数据资源局</p><p><a href="https://beian.miit.gov.cn/">湘ICP备05004567号</a>　湘公网安备 43018102000111号　网站标识码：4301810001</p></footer>
{script}
</body></html>'''


SIDE = ('<aside class="ly-side"><h2>政务公开</h2><ul><li><a href="/zwgk/zfxxgkzn/">政府信息公开指南</a></li><li><a href="/zwgk/fdzdgknr/">法定主动公开内容</a></li>'
        '<li><a href="/zwgk/zfxxgknb/">政府信息公开年报</a></li><li><a href="/zwgk/bmnb/">部门年报</a></li><li><a href="/zwgk/xzjdnb/">乡镇（街道）年报</a></li></ul></aside>')


def list_body(title):
    return (SIDE + f'<section class="ly-content" id="app"><h2 class="col-title">{title}</h2><ul class="art-list" id="list">'
            '<li v-for="a in list" :key="a.id"><a :href="a.url" target="_blank">{{ a.title }}</a><span>{{ a.publishTime }}</span></li></ul>'
            '<div class="pager" id="pager"></div></section>')


MAIN_SCRIPT = '''<script>
  const CATEGORY = 'zfxxgknb';
  let current = 1;
  async function load(page) {
    const res = await fetch(`/prod-api/portal/article/page?categoryCode=${CATEGORY}&current=${page}&size=10`);
    const json = await res.json();
    render(json.data.records);
    renderPager(json.data.current, json.data.pages);
  }
  function render(records) {
    document.getElementById('list').innerHTML = records.map(r =>
      `<li><a href="${r.url}" target="_blank" title="${r.title}">${r.title}</a><span>${r.publishTime.slice(0, 10)}</span></li>`).join('');
  }
  function renderPager(cur, pages) {
    let html = '';
    for (let i = 1; i <= pages; i++) html += i === cur ? `<span class="on">${i}</span>` : `<a href="javascript:;" onclick="load(${i})">${i}</a>`;
    document.getElementById('pager').innerHTML = html;
  }
  load(current);
</script>'''

TOWN_SCRIPT = '''<script>
new Vue({
  el: '#app',
  data: { list: [], pageNum: 1, totalPages: 0, categoryCode: 'xzjdnb' },
  created() { this.getList(); },
  methods: {
    getList() {
      axios.get('/prod-api/portal/article/list', { params: { categoryCode: this.categoryCode, page: this.pageNum - 1, size: 10 } })
        .then(res => { this.list = res.data.content; this.totalPages = res.data.totalPages; });
    },
    go(n) { this.pageNum = n; this.getList(); }
  }
});
</script>'''

DEPT_SCRIPT = '''<script>
var vm = new Vue({
  el: '#app',
  data: { list: [], total: 0, queryParams: { pageNum: 1, pageSize: 8, categoryCode: 'bmnb' } },
  mounted: function () { this.getList(); },
  methods: {
    getList: function () {
      var that = this;
      $.getJSON("/prod-api/system/article/listByCategory", { categoryCode: "bmnb", pageNum: that.queryParams.pageNum, pageSize: 8 }, function (res) {
        that.list = res.rows; that.total = res.total;
      });
    }
  }
});
</script>'''


def build() -> Portal:
    p = Portal("liuyang", NAME, "430181", "自研门户 (Vue 2 shells over Java APIs: MyBatis-Plus page, Spring Data page, RuoYi TableDataInfo)",
               """浏阳市 (Hunan): a home-grown portal whose 年报 columns are Vue shells over three JSON APIs (three vendors' code):
- 政府信息公开年报 (/zwgk/zfxxgknb/): an ES2017 inline script, fetch(`/prod-api/portal/article/page?categoryCode=${CATEGORY}&current=${page}&size=10`)
  (a template literal, not a quoted string), answering MyBatis-Plus {"data": {"records", "total", "size", "current", "pages"}};
- 乡镇（街道）年报 (/zwgk/xzjdnb/): axios params {categoryCode, page: this.pageNum - 1, size: 10} — a Spring Data page,
  0-based, answering {"content", "totalPages", "number", ...};
- 部门年报 (/zwgk/bmnb/): $.getJSON with {categoryCode, pageNum, pageSize: 8}, answering RuoYi's {"total", "rows", "code", "msg"}
  with no page count; past the end PageHelper's reasonable mode answers the last page again.""")
    def ap(sec, d, *k):
        return f"/zwgk/{sec}/{d[:4]}{d[5:7]}/t{d.replace('-', '')}_{num(sec, d, *k, digits=8)}.html"
    main = [rep(y, f"浏阳市{y}年政府信息公开工作年度报告", d, ap("zfxxgknb", d), "浏阳市人民政府办公室")
            for y, d in [(2023, "2024-01-22"), (2022, "2023-01-19"), (2021, "2022-01-24"), (2020, "2021-01-28"), (2019, "2020-01-21"),
                         (2018, "2019-03-26"), (2017, "2018-03-27"), (2016, "2017-03-29"), (2015, "2016-03-25"), (2014, "2015-03-27"),
                         (2013, "2014-03-25"), (2012, "2013-03-27"), (2011, "2012-03-28")]]
    main.insert(2, other("浏阳市2023年政务公开工作要点", "plan", "2023-04-06", ap("zfxxgknb", "2023-04-06"), about=2023))
    towns = [rep(2023, f"浏阳市{t}2023年政府信息公开工作年度报告", d, ap("xzjdnb", d, t), f"浏阳市{t}")
             for t, d in [("集里街道办事处", "2024-01-24"), ("淮川街道办事处", "2024-01-24"), ("关口街道办事处", "2024-01-25"),
                          ("大瑶镇人民政府", "2024-01-25"), ("金刚镇人民政府", "2024-01-26"), ("文家市镇人民政府", "2024-01-26"),
                          ("古港镇人民政府", "2024-01-29"), ("沿溪镇人民政府", "2024-01-29"), ("官渡镇人民政府", "2024-01-30"),
                          ("达浒镇人民政府", "2024-01-30"), ("张坊镇人民政府", "2024-01-31"), ("小河乡人民政府", "2024-01-31")]]
    depts = [rep(y, f"浏阳市{a}{y}年政府信息公开工作年度报告", d, ap("bmnb", d, a), f"浏阳市{a}")
             for a, y, d in [("教育局", 2023, "2024-01-23"), ("卫生健康局", 2023, "2024-01-23"), ("财政局", 2023, "2024-01-24"),
                             ("民政局", 2023, "2024-01-24"), ("自然资源局", 2023, "2024-01-25"), ("住房和城乡建设局", 2023, "2024-01-25"),
                             ("交通运输局", 2023, "2024-01-26"), ("农业农村局", 2023, "2024-01-26"), ("教育局", 2022, "2023-01-18"),
                             ("卫生健康局", 2022, "2023-01-18"), ("财政局", 2022, "2023-01-19"), ("民政局", 2022, "2023-01-19")]]
    depts.insert(5, other("浏阳市财政局2023年度部门整体支出绩效自评报告", "performance", "2024-03-28", ap("bmnb", "2024-03-28"), about=2023))
    p.site = {"skin": "vue", "charset": "utf-8", "domain": "www.liuyang.gov.cn", "site_code": "4301810001",
              "icp": "湘ICP备05004567号", "gongan": "湘公网安备 43018102000111号", "nav": [["首页", "/"], ["政务公开", "/zwgk/"]],
              "sections": {"/zwgk/zfxxgknb/": {"title": "政府信息公开年报", "items": main},
                           "/zwgk/xzjdnb/": {"title": "乡镇（街道）年报", "items": towns},
                           "/zwgk/bmnb/": {"title": "部门年报", "items": depts}}}
    for s in p.site["sections"].values():
        s.update(per_page=1000, pager="trs_script")

    home = ('<section class="home-zwgk"><h3><a href="/zwgk/">政务公开</a></h3><ul><li><a href="/zwgk/zfxxgkzn/">政府信息公开指南</a></li>'
            '<li><a href="/zwgk/zcjd/">政策解读</a></li></ul></section>')
    p.route_page(["/", "/index.html"], "home.html", page(NAME, '<a href="/">首页</a>', home))
    p.route_page(["/zwgk/", "/zwgk/index.html"], "zwgk.html",
                 page(f"政务公开 - {NAME}", '<a href="/">首页</a> &gt; 政务公开', SIDE + '<section class="ly-content"><p>政务公开</p></section>'))
    for u, t in [("/zwgk/fdzdgknr/", "法定主动公开内容"), ("/zwgk/zfxxgkzn/", "政府信息公开指南"), ("/xwzx/", "新闻中心")]:
        p.route_page([u, u + "index.html"], u.strip("/").replace("/", "_") + ".html",
                     page(f"{t} - {NAME}", f'<a href="/">首页</a> &gt; {t}', SIDE + f'<section class="ly-content"><h2 class="col-title">{t}</h2><p>暂无数据</p></section>'))
    crumbs = '<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
    for sec, title, script in [("zfxxgknb", "政府信息公开年报", MAIN_SCRIPT), ("xzjdnb", "乡镇（街道）年报", TOWN_SCRIPT),
                               ("bmnb", "部门年报", DEPT_SCRIPT)]:
        p.route_page([f"/zwgk/{sec}/", f"/zwgk/{sec}/index.html"], f"{sec}.html",
                     page(f"{title} - {NAME}", crumbs + title, list_body(title), script))

    def art(e):
        return {"id": str(num(e["path"], digits=16)), "title": e["title"], "url": e["path"], "linkUrl": None,
                "publishTime": e["date"] + " 09:00:00", "source": e.get("agency") or "浏阳市人民政府办公室"}

    # MyBatis-Plus page (1-based current)
    size = 10
    pages = math.ceil(len(main) / size)
    for n in range(1, pages + 2):
        chunk = main[(n - 1) * size:n * size]
        data = {"code": 200, "msg": "操作成功", "data": {"records": [art(e) for e in chunk], "total": len(main), "size": size,
                                                       "current": n, "orders": [], "searchCount": True, "pages": pages}}
        p.json_route(f"/prod-api/portal/article/page?categoryCode=zfxxgknb&current={n}", f"mp_{n}.json", data)
    # Spring Data page (0-based page)
    pages = math.ceil(len(towns) / size)
    for n in range(0, pages + 1):
        chunk = towns[n * size:(n + 1) * size]
        data = {"content": [art(e) for e in chunk], "pageable": {"pageNumber": n, "pageSize": size, "offset": n * size},
                "totalPages": pages, "totalElements": len(towns), "last": n >= pages - 1, "number": n, "size": size,
                "numberOfElements": len(chunk), "first": n == 0, "empty": not chunk}
        p.json_route(f"/prod-api/portal/article/list?categoryCode=xzjdnb&page={n}", f"sd_{n}.json", data)
    # RuoYi TableDataInfo: no page count; PageHelper reasonable=true answers the last page past the end
    size = 8
    pages = math.ceil(len(depts) / size)
    for n in range(1, pages + 1):
        chunk = depts[(n - 1) * size:n * size]
        data = {"total": len(depts), "rows": [art(e) for e in chunk], "code": 200, "msg": "查询成功"}
        p.json_route(f"/prod-api/system/article/listByCategory?categoryCode=bmnb&pageNum={n}", f"ry_{n}.json", data)
        if n == pages:
            p.json_route("/prod-api/system/article/listByCategory?categoryCode=bmnb", "ry_last.json", data)
    return p
