"""Datasette (a real instance, in process) searches the archive's trigram index in Chinese."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.store import Archive
from parsers.clean import CleanOptions, clean
from parsers.record import Fetch
from tests.conftest import expectations, fixture_bytes

datasette_app = pytest.importorskip("datasette.app")


def _build(path: Path) -> None:
    with Archive(path) as archive:
        for name, expect in expectations():
            if name.endswith(".html") and expect.get("url"):
                body = fixture_bytes(name)
                fid = archive.store_fetch(Fetch(None, expect["url"], 200, {}, body, datetime(2024, 1, 1, tzinfo=UTC)))
                archive.store_report(clean(body, CleanOptions(url=expect["url"])), fid)


async def _search(path: Path, query: str) -> list[dict]:
    ds = datasette_app.Datasette([str(path)], immutables=[])
    response = await ds.client.get(f"/{path.stem}/reports.json", params={"_search": query, "_shape": "array",
                                                                          "_col": "title"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("query", "title_part"), [("依申请公开", "年度报告"), ("海勃湾区", "海勃湾区"),
                                                    ("收到和处理政府信息公开申请", "年度报告")])
def test_datasette_search_box_finds_chinese_phrases(tmp_path: Path, query: str, title_part: str) -> None:
    path = tmp_path / "archive.db"
    _build(path)
    rows = asyncio.run(_search(path, query))
    assert rows and all(title_part in (row["title"] or "") for row in rows[:3])


def test_datasette_and_our_search_agree_on_three_characters_and_more(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    _build(path)
    with Archive(path) as archive:
        ours = {row["id"] for row in archive.search("体育局", limit=100)}
    theirs = {row["id"] for row in asyncio.run(_search(path, "体育局"))}
    assert ours and ours == theirs
