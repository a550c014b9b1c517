"""The portal farm itself (crawler/farm*.py): real HTTP on loopback, one address per
portal, every route kind, and ground truth that matches what is served."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from crawler.farm import Farm, FarmError
from crawler.farm_expect import expectations

ROOT = Path(__file__).resolve().parent.parent
ROOTS = [ROOT / "crawler" / "demo", ROOT / "tests" / "farm"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object) -> None:
        return None


_RAW = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, data: bytes | None = None) -> tuple[int, dict, bytes]:
    """Status, headers and body, without following redirects or raising on errors."""
    try:
        with _RAW.open(urllib.request.Request(url, data=data), timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def farm():
    with Farm(ROOTS) as running:
        yield running


def expect_items(farm: Farm):
    for portal in farm.portals:
        truth = farm.expect(portal["id"])
        for key in ("reports", "mirror_of", "not_reports", "behind_waf"):
            for item in truth.get(key) or []:
                yield portal["id"], key, item


def test_registry_lists_every_portal_with_its_own_loopback_address(farm):
    registry = yaml.safe_load(farm.registry.read_text(encoding="utf-8"))["portals"]
    ids = [p["id"] for p in registry]
    assert ids == sorted(ids) and {"lingshan", "tongxin", "wugong", "suining", "wenku", "lingyun"} <= set(ids)
    hosts = {re.match(r"http://([\d.]+):(\d+)/$", p["home_url"]).groups() for p in registry}
    assert len({h for h, _ in hosts}) == len(registry), "one address per portal"
    assert len({port for _, port in hosts}) == 1, "one common port"
    assert all(h.startswith("127.") for h, _ in hosts)
    assert all("section_urls" not in p for p in registry), "the spider must find the sections itself"
    assert next(p for p in registry if p["id"] == "wenku")["kind"] == "mirror"
    assert all(isinstance(p.get("region_code", ""), str) for p in registry)


def test_home_page_leads_to_the_report_section(farm):
    status, headers, body = fetch(farm.url("tongxin", "/"))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert '<a href="/xxgk/">政府信息公开</a>' in body.decode("utf-8")
    hub = fetch(farm.url("tongxin", "/xxgk/"))[2].decode("utf-8")
    assert 'href="/xxgk/zfxxgkml/"' in hub
    catalogue = fetch(farm.url("tongxin", "/xxgk/zfxxgkml/"))[2].decode("utf-8")
    assert 'href="/xxgk/zfxxgkml/zfxxgkndbg/index.html"' in catalogue and "政府信息公开年报" in catalogue


def test_trs_list_is_paged_only_by_script_in_gbk(farm):
    first = fetch(farm.url("lingshan", "/zwgk/zfxxgknb/"))[2]
    with pytest.raises(UnicodeDecodeError):
        first.decode("utf-8")
    page = first.decode("gb18030")
    assert 'charset=gb2312' in page and 'createPageHTML(3, 0, "index", "html");' in page
    assert not re.search(r'<a href="index_1\.html"', page)
    assert re.search(r'href="\./202\d{3}/t\d{8}_\d+\.html"', page)
    assert fetch(farm.url("lingshan", "/zwgk/zfxxgknb/index_2.html"))[0] == 200
    assert fetch(farm.url("lingshan", "/zwgk/zfxxgknb/index_3.html"))[0] == 404


def test_hanweb_dataproxy_pages_records_in_cdata(farm):
    shell = fetch(farm.url("wangjiang", "/col/col12345/index.html"))[2].decode("gb18030")
    assert shell.count("<record><![CDATA[") == 15 and "totalRecord: 48" in shell
    assert 'columnid = "12345"' in shell and 'unitid = "73921"' in shell
    proxy = farm.url("wangjiang", "/module/web/jpage/dataproxy.jsp")
    form = b"startrecord=1&endrecord=45&perpage=15&columnid=12345&unitid=73921&webid=1&col=1&appid=1"
    status, headers, body = fetch(proxy, data=form)  # POST, as jpage.js sends it
    text = body.decode("utf-8")
    assert status == 200 and "xml" in headers["Content-Type"]
    assert text.count("<record><![CDATA[") == 45 and "<totalrecord>48</totalrecord>" in text
    assert "<totalpage>4</totalpage>" in text and "<nextgroup><![CDATA[" in text
    assert re.search(r'<li><a href="/art/\d{4}/\d+/\d+/art_12345_\d+\.html" title="[^"]+"', text)
    rest = fetch(proxy + "?startrecord=46&endrecord=90&perpage=15&columnid=12345&unitid=73921&webid=1")[2]
    assert rest.decode("utf-8").count("<record>") == 3
    assert fetch(proxy + "?columnid=999")[2].decode().count("<record>") == 0


def test_json_list_api_pages(farm):
    shell = fetch(farm.url("wugong", "/zfxxgk/zfxxgknb/"))[2].decode("utf-8")
    assert 'axios.get("/api/list"' in shell and 'channelId: "12"' in shell and "<li><a href=\"/xxgk" not in shell
    first = json.loads(fetch(farm.url("wugong", "/api/list?channelId=12&page=1&size=10"))[2])
    second = json.loads(fetch(farm.url("wugong", "/api/list?channelId=12&page=2&size=10"))[2])
    assert first["total"] == 14 and first["pageCount"] == 2 and len(first["data"]) == 10 and len(second["data"]) == 4
    assert set(first["data"][0]) == {"title", "url", "publishDate"}
    assert re.fullmatch(r"/xxgk/detail/\d+\.html", first["data"][0]["url"])
    assert json.loads(fetch(farm.url("wugong", "/api/list?channelId=404"))[2])["data"] == []


def test_plain_pager_ends_on_a_page_that_links_itself(farm):
    last = fetch(farm.url("xunyi", "/Article/List.asp?ClassID=13&page=3"))[2].decode("utf-8")
    assert '<a href="/Article/List.asp?ClassID=13&page=3">下一页</a>' in last
    beyond = fetch(farm.url("xunyi", "/Article/List.asp?page=99&ClassID=13"))[2]
    assert beyond == fetch(farm.url("xunyi", "/Article/List.asp?ClassID=13"))[2], "unknown page → page 1"
    departments = fetch(farm.url("xunyi", "/Article/List.asp?ClassID=31&pageNum=2"))[2].decode("utf-8")
    assert "2/2页" in departments
    links = fetch(farm.url("xinning", "/xinning/zfxxgknb/index_1.shtml"))[2].decode("gb18030")
    assert '<a href="index_2.shtml">下一页</a>' in links


@pytest.mark.parametrize(("portal", "status", "marker"), [("longde", 412, "$_ts"), ("yonghe", 521, "document.cookie=")])
def test_waf_portals_challenge_every_path(farm, portal, status, marker):
    for path in ("/", "/robots.txt", farm.expect(portal)["behind_waf"][0]["path"]):
        code, headers, body = fetch(farm.url(portal, path))
        assert code == status and marker in body.decode() and "Set-Cookie" in headers


def test_redirects_of_an_old_column_and_a_detail_link(farm):
    status, headers, _ = fetch(farm.url("lingyun", "/zwgk/ndbg/"))
    assert status == 301 and headers["Location"] == "/zwgk/zfxxgknb/"
    report = next(r for r in farm.expect("lingyun")["reports"] if "via" in r)
    status, headers, _ = fetch(farm.url("lingyun", report["via"]))
    assert status == 302 and headers["Location"] == report["path"]


def test_gbk_page_with_a_lying_utf8_header(farm):
    status, headers, body = fetch(farm.url("lingyun", "/zwgk/zfxxgknb/201603/t20160325_88123.html"))
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "凌云县2015年政府信息公开工作年度报告" in body.decode("gb18030")


def test_huge_page_binary_page_and_calendar_trap(farm):
    status, headers, body = fetch(farm.url("lingyun", "/zwgk/gzdt/202402/t20240201_55001.html"))
    assert status == 200 and len(body) >= 5 * 1024 * 1024 and int(headers["Content-Length"]) == len(body)
    status, headers, body = fetch(farm.url("lingyun", "/zwgk/zfxxgknb/202301/t20230130_99001.html"))
    assert headers["Content-Type"].startswith("text/html") and body.startswith(b"\x89PNG\r\n\x1a\n")
    month = fetch(farm.url("lingyun", "/calendar?month=202412"))[2].decode("utf-8")
    assert 'href="/calendar?month=202501"' in month and "2024年12月" in month


def test_session_ids_change_on_every_response(farm):
    once, again = (fetch(farm.url("lingyun", "/zwgk/bmndbg/"))[2].decode() for _ in range(2))
    sessions = re.findall(r';jsessionid=([0-9A-F]{32})', once)
    assert len(sessions) == 3 and not set(sessions) & set(re.findall(r';jsessionid=([0-9A-F]{32})', again))
    target = re.search(r'href="([^"]+;jsessionid=[^"]+)"', once).group(1)
    assert fetch(farm.url("lingyun", target))[0] == 200, "the session id is ignored by the server"
    assert re.search(r'href="[^"]+\?sid=[0-9A-F]{32}"', fetch(farm.url("lingyun", "/zwgk/xzndbg/"))[2].decode())


def test_robots_txt_disallows_the_listed_path(farm):
    robots = fetch(farm.url("lingyun", "/robots.txt"))[2].decode()
    hidden = farm.expect("lingyun")["never_fetched"]
    assert hidden and all(any(p.startswith(line.split(": ")[1]) for line in robots.splitlines()
                              if line.startswith("Disallow: ")) for p in hidden)
    listing = b"".join(fetch(farm.url("lingyun", f"/zwgk/zfxxgknb/index{s}.html"))[2] for s in ("", "_1"))
    assert all(p.removeprefix("/zwgk/zfxxgknb/").encode() in listing for p in hidden), "linked, yet not to be fetched"


def test_attachments_on_a_second_host_and_with_misleading_extensions(farm):
    reports = farm.expect("suining")["reports"]
    remote = next(r for r in reports if r.get("host") == "files")
    page = fetch(farm.url("suining", remote["page"]))[2].decode("utf-8")
    assert farm.url("suining", remote["path"], "files") in page, "{{origin:files}} filled in"
    status, headers, body = fetch(farm.url("suining", remote["path"], "files"))
    assert status == 200 and body.startswith(b"%PDF-") and headers["Content-Type"] == "application/pdf"
    assert fetch(farm.url("suining", remote["path"]))[0] == 404, "only on the file server"
    docx_as_pdf = next(r for r in reports if r["path"].endswith(".pdf") and "host" not in r)
    status, headers, body = fetch(farm.url("suining", docx_as_pdf["path"]))
    assert headers["Content-Type"] == "application/pdf" and body.startswith(b"PK\x03\x04")
    pdf_as_doc = next(r for r in reports if r["path"].endswith(".doc"))
    assert fetch(farm.url("suining", pdf_as_doc["path"]))[2].startswith(b"%PDF-")


def test_log_counts_requests_per_path(farm):
    path = "/xinning/xnyw/index.shtml?probe=1"
    before = farm.log("xinning").get(path, 0)
    fetch(farm.url("xinning", path))
    fetch(farm.url("xinning", path))
    after = farm.log("xinning")
    assert after[path] == before + 2 and "/__farm__/log" not in after
    assert farm.log("suining", host="files") is not None


def test_every_expected_path_is_served(farm):
    for portal, key, item in expect_items(farm):
        url = farm.url(portal, item["path"], item.get("host", ""))
        status, _, body = fetch(url)
        if item.get("fails_first"):
            assert status == 500, url
            status, _, body = fetch(url)
        assert status == item.get("status", 200), f"{key} {url}"
        assert body, url
        if "page" in item:
            assert fetch(farm.url(portal, item["page"]))[0] == 200
        if "via" in item:
            assert fetch(farm.url(portal, item["via"]))[0] in (301, 302)
        if "of" in item:
            assert fetch(farm.url(item["of"]["portal"], item["of"]["path"]))[0] == 200


def test_expectations_match_the_sites():
    """expect.yaml is written by farm_gen from the site block: regenerate it after editing a portal."""
    for root in ROOTS:
        for directory in sorted(p for p in root.iterdir() if (p / "portal.yaml").is_file()):
            meta = yaml.safe_load((directory / "portal.yaml").read_text(encoding="utf-8"))
            text = (directory / "expect.yaml").read_text(encoding="utf-8")
            if "python -m crawler.farm_gen expect" not in text.split("\n", 1)[0]:
                continue  # held-out portals: generated, then patched by hand (their header says so)
            committed = yaml.safe_load(text)
            assert committed == expectations(directory, meta), (
                f"{directory.name}: run python -m crawler.farm_gen expect crawler/demo tests/farm")


def test_hand_written_routes_latency_and_clean_shutdown(tmp_path):
    portal = tmp_path / "alpha"
    (portal / "files" / "docs").mkdir(parents=True)
    (portal / "hosts" / "files").mkdir(parents=True)
    (portal / "files" / "docs" / "index.htm").write_bytes("<p>目录</p>".encode())
    (portal / "hosts" / "files" / "a.pdf").write_bytes(b"%PDF-1.4 x")
    (portal / "page.html").write_bytes("<p>正文</p>".encode("gbk"))
    (portal / "portal.yaml").write_text(yaml.safe_dump({
        "id": "alpha", "name": "测试县人民政府", "region_code": "640324", "hosts": {"files": {}},
        "routes": {
            "/": {"body": '<a href="{{origin:files}}/a.pdf">附件</a>', "charset": "utf-8"},
            "/p.html": {"file": "page.html", "charset": "gbk", "fail_first": 1},
            "/list.jsp?cat=1": {"body": "one"}, "/list.jsp?cat=1&page=2": {"body": "two"},
            "/gone": {"redirect": "{{origin:files}}/a.pdf", "status": 302},
        }}, allow_unicode=True), encoding="utf-8")
    with Farm([tmp_path], latency=0.3) as small:
        started = time.monotonic()
        _, headers, body = fetch(small.url("alpha", "/"))
        assert time.monotonic() - started >= 0.3, "--latency delays every response"
        assert body.decode() == f'<a href="{small.url("alpha", "/a.pdf", "files")}">附件</a>'
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert [fetch(small.url("alpha", "/p.html"))[0] for _ in range(2)] == [500, 200]
        assert fetch(small.url("alpha", "/p.html"))[1]["Content-Type"] == "text/html; charset=gbk"
        assert fetch(small.url("alpha", "/list.jsp?page=2&cat=1"))[2] == b"two"
        assert fetch(small.url("alpha", "/list.jsp?cat=1&sid=77"))[2] == b"one"
        assert fetch(small.url("alpha", "/docs"))[0] == 301
        assert fetch(small.url("alpha", "/docs/"))[2].decode() == "<p>目录</p>"
        assert fetch(small.url("alpha", "/nothing.html"))[0] == 404
        assert fetch(small.url("alpha", "/gone"))[1]["Location"] == small.url("alpha", "/a.pdf", "files")
        assert fetch(small.url("alpha", "/a.pdf", "files"))[2] == b"%PDF-1.4 x"
    assert small.returncode == 0, "SIGTERM stops the reactor cleanly"


def test_a_malformed_portal_fails_with_one_line(tmp_path):
    (tmp_path / "beta").mkdir()
    (tmp_path / "beta" / "portal.yaml").write_text("id: gamma\nname: x\n", encoding="utf-8")
    with pytest.raises(FarmError, match="differs from the directory name"):
        Farm([tmp_path], timeout=10).start()


def test_benchmark_farm_is_generated_with_its_truth(tmp_path):
    import random

    from crawler.farm import load_roots, route_key
    from crawler.farm_bench import write_bench

    reports = write_bench(tmp_path, 6, random.Random(2), years=5)
    portals = load_roots([tmp_path])
    assert len(portals) == 6 and len({p.region_code for p in portals}) == 6
    served = 0
    for portal in portals:
        truth = yaml.safe_load((portal.dir / "expect.yaml").read_text(encoding="utf-8"))
        for item in truth["reports"] + truth["not_reports"]:
            assert portal.hosts[""].find(route_key(item["path"])) is not None, item["path"]
        served += len(truth["reports"])
    assert served == reports == 6 * (5 + 2)
