"""Benchmark farms: hundreds of generated portals, one per real county, each with a 年报 (annual report)
column in a random CMS style and its ground truth. Written by ``python -m crawler.farm_gen bench OUT``.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from crawler.farm_expect import EXPECT_HEADER, expectations

_BENCH_SECTIONS = {  # skin → (年报 section path, its options); every site: home → 政务公开 → 政府信息公开 → section
    "trs": ("/zwgk/zfxxgknb/", {}), "jyh": ("/xxgk/zfxxgknb/", {}), "vue": ("/zfxxgk/zfxxgknb/", {"channel": 12}),
    "hanweb": ("/col/col4021/index.html", {"column": 4021}), "asp": ("/Article/List.asp?ClassID=13", {}),
}
_BENCH_DEPARTMENTS = ("教育局", "卫生健康局", "财政局", "民政局", "自然资源局", "交通运输局")


def bench_portal(index: int, code: str, place: str, rng: random.Random, years: int = 17) -> dict:
    """portal.yaml of one benchmark portal: a real county, a random CMS, a 年报 column of ``years`` years
    (2008 onwards), two department reports and two pages that are not reports."""
    skin_name = rng.choice(sorted(_BENCH_SECTIONS))
    section, options = _BENCH_SECTIONS[skin_name]
    items: list[dict] = [{"year": y, "title": f"{place}{y}年政府信息公开工作年度报告", "agency": f"{place}人民政府"}
                         for y in range(2008 + years - 1, 2007, -1)]
    for department in rng.sample(_BENCH_DEPARTMENTS, 2):
        items.insert(rng.randrange(len(items)), {"year": 2008 + years - 1 - rng.randrange(3),
                                                 "agency": place + department})
    items.insert(rng.randrange(len(items)), {"title": f"{place}2023年政务公开工作要点", "kind": "plan",
                                             "date": "2023-04-10", "about": 2023})
    items.insert(rng.randrange(len(items)), {"title": f"{place}2022年度县级部门决算公开", "kind": "budget",
                                             "date": "2023-08-22", "about": 2022})
    hub, catalogue = ("/Article/List.asp?ClassID=3", "/Article/List.asp?ClassID=11") if skin_name == "asp" else (
        "/zwgk/", "/zwgk/xxgk/")
    return {"id": f"p{index:04d}", "name": f"{place}人民政府", "region_code": code, "kind": "portal",
            "cms": f"generated ({skin_name})",
            "site": {"skin": skin_name, "charset": "gb2312" if skin_name in ("trs", "jyh") and rng.random() < 0.5
                     else "utf-8", "nav": [["首页", "/"], ["政务公开", hub]],
                     "home": [{"title": "政务公开", "more": hub, "links": [hub]}],
                     "channels": {hub: {"title": "政务公开", "links": [catalogue]},
                                  catalogue: {"title": "政府信息公开", "links": [section]}},
                     "sections": {section: {"title": "政府信息公开年报", "per_page": 10, **options, "items": items}}}}


def write_bench(out: Path, portals: int, rng: random.Random, years: int = 17) -> int:
    """Write a farm of ``portals`` generated portals (distinct real counties) under ``out``; returns the
    number of reports a correct crawl stores."""
    from parsers.regions import registry

    counties = sorted((rows[-1].code, rows[-1].name) for rows in registry().by_code.values()
                      if rows[-1].level == "county" and rows[-1].valid_to is None and rows[-1].name.endswith("县"))
    rng.shuffle(counties)
    reports = 0
    for index, (code, place) in enumerate(counties[:portals]):
        directory = out / f"p{index:04d}"
        directory.mkdir(parents=True, exist_ok=True)
        meta = bench_portal(index, code, place, rng, years)
        (directory / "portal.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
        truth = expectations(directory, meta)
        (directory / "expect.yaml").write_text(EXPECT_HEADER + yaml.safe_dump(truth, allow_unicode=True,
                                                                              sort_keys=False), encoding="utf-8")
        reports += len(truth["reports"])
    return reports
