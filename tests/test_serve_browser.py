"""``nianbao serve`` in a real browser: headless Chromium (Debian's chromium and chromium-driver,
installed by .ci/run) against the real command on the demo database. Searches a phrase and a
2-character term, applies a facet, opens a report and sees its removed spam; screenshots are
saved as test artifacts in ``test-artifacts/`` (or ``$NIANBAO_ARTIFACTS``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_serve import ROOT, wait_for_url

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if not (CHROMIUM and DRIVER):
    if os.environ.get("NIANBAO_REQUIRE_BROWSER"):
        raise RuntimeError("the browser test needs Debian's chromium and chromium-driver (.ci/run installs them)")
    pytest.skip("no chromium/chromedriver here (apt-get install chromium chromium-driver)", allow_module_level=True)

from selenium import webdriver  # noqa: E402  (after the check: a clear skip rather than an import error)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

ARTIFACTS = Path(os.environ.get("NIANBAO_ARTIFACTS", ROOT / "test-artifacts"))


@pytest.fixture(scope="module")
def server(demo_db: Path) -> Iterator[str]:
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--db", str(demo_db), "--port", "0"],
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        yield wait_for_url(process)
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1300,1000", "--lang=zh-CN"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def _shot(browser: webdriver.Chrome, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / f"serve-{name}.png"))


def _search(browser: webdriver.Chrome, server: str, db: str, query: str) -> list[str]:
    browser.get(f"{server}/{db}/reports")
    box = browser.find_element(By.ID, "_search")
    box.clear()
    box.send_keys(query, Keys.ENTER)
    browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns")
    return [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns td.col-title")]


def test_search_a_phrase_and_a_two_character_term(browser: webdriver.Chrome, server: str, demo_db: Path) -> None:
    titles = _search(browser, server, demo_db.stem, "依申请公开")
    assert titles and "_search=" in browser.current_url
    _shot(browser, "search-phrase")
    short = _search(browser, server, demo_db.stem, "公开")
    assert short
    _shot(browser, "search-two-characters")


def test_apply_a_facet(browser: webdriver.Chrome, server: str, demo_db: Path) -> None:
    browser.get(f"{server}/{demo_db.stem}/reports")
    before = browser.find_element(By.CSS_SELECTOR, "h3").text  # "50 rows …"
    link = browser.find_element(By.CSS_SELECTOR, '.facet-info[data-column="province"] li a')
    province = link.text.rsplit(" ", 1)[0]
    link.click()
    assert "province=" in browser.current_url
    provinces = {c.text for c in browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns td.col-province")}
    assert provinces == {province}
    assert browser.find_element(By.CSS_SELECTOR, "h3").text != before
    _shot(browser, "facet")


def test_open_a_report_and_see_its_removed_spam(browser: webdriver.Chrome, server: str, demo_db: Path) -> None:
    browser.get(f"{server}/{demo_db.stem}/reports?spam_removed__not=%5B%5D")
    browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns td.col-title a").click()
    assert "/-/report/" in browser.current_url
    removed = browser.find_elements(By.CSS_SELECTOR, "#spam-removed li")
    assert removed and all(item.find_element(By.CSS_SELECTOR, ".nb-reason").text for item in removed)
    assert browser.find_element(By.ID, "clean-text").text.strip()
    _shot(browser, "report")


def test_the_coverage_chart(browser: webdriver.Chrome, server: str) -> None:
    browser.get(f"{server}/-/coverage")
    chart = browser.find_element(By.ID, "coverage-chart")
    assert chart.size["width"] > 200 and browser.find_elements(By.CSS_SELECTOR, "#coverage-chart rect.nb-gap")
    _shot(browser, "coverage")
