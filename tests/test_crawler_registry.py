"""The registry: checked on load with errors naming the entry, looked up by host."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.registry import RegistryError, load, portal_for_url


def test_shipped_registry_loads_and_every_code_is_a_known_region() -> None:
    from parsers.regions import registry

    portals = load()
    assert {p.id for p in portals} >= {"tongxin", "lingshan", "jiedong"}
    for portal in portals:
        assert registry().region(portal.region_code) is not None, portal.id


@pytest.mark.parametrize(("entry", "message"), [
    ("- {id: Bad Id, name: x, home_url: 'http://a.gov.cn/'}", "id must match"),
    ("- {id: a, name: x, home_url: 'http://a.gov.cn/', region_code: 64032}", "6 digits"),
    ("- {id: a, home_url: 'http://a.gov.cn/'}", "missing 'name'"),
    ("- {id: a, name: x, home_url: 'ftp://a.gov.cn/'}", "http"),
    ("- {id: a, name: x, home_url: 'http://a.gov.cn/', kind: aggregator}", "kind"),
])
def test_bad_entry_is_an_error_naming_it(tmp_path: Path, entry: str, message: str) -> None:
    path = tmp_path / "portals.yaml"
    path.write_text("portals:\n  " + entry + "\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=message) as caught:
        load(path)
    assert "entry 1" in str(caught.value)


def test_portal_for_url_matches_host_and_subdomains() -> None:
    portals = load()
    assert portal_for_url("http://www.jiedong.gov.cn/zwgk/a.html", portals).id == "jiedong"
    assert portal_for_url("http://xxgk.jiedong.gov.cn/a.html", portals).id == "jiedong"
    assert portal_for_url("http://www.example.com/a.html", portals) is None


def test_clean_restores_a_hijacked_name_from_the_registry(tmp_path: Path) -> None:
    page = ("<html><head><title>皇冠体育,皇冠体育平台区2018年政府信息公开工作年度报告</title></head><body>"
            "<div id=zoom><p>现公布皇冠体育,皇冠体育平台区2018年政府信息公开工作年度报告。</p></div></body></html>")
    path = tmp_path / "p.html"
    path.write_bytes(page.encode("utf-8"))
    result = CliRunner().invoke(cli, ["clean", str(path), "--url", "http://www.jiedong.gov.cn/zwgk/t20190306_1.html"])
    record = json.loads(result.output)
    assert record["title"] == "揭东区2018年政府信息公开工作年度报告"
    assert record["text"] == "现公布揭东区2018年政府信息公开工作年度报告。"
    assert record["region_code"] == "445203" and "name_restored" in record["flags"]
