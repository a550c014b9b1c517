"""The ``nianbao`` CLI as PRODUCT.md fixes it: JSON out, one line per page, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from tests.conftest import FIXTURES

LINGSHAN = str(FIXTURES / "trs_lingshan_2017_gbk_spam.html")
TONGXIN = str(FIXTURES / "hanweb_tongxin_2023.html")
LINGSHAN_URL = "http://www.lingshan.gov.cn/zwgk/zfxxgknb/201802/t20180213_1234567.html"
NIANBAO = str(Path(sys.executable).with_name("nianbao"))


def test_clean_one_page_prints_one_json_object_in_utf8() -> None:
    result = CliRunner().invoke(cli, ["clean", LINGSHAN, "--url", LINGSHAN_URL])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["title"] == "灵山县2017年政府信息公开工作年度报告"
    assert record["url"] == LINGSHAN_URL and record["region_code"] == "450721"
    assert "灵山县" in result.output  # not ASCII-escaped
    for field in ("title", "text", "year", "published", "agency", "region_code", "province", "city", "county",
                  "source", "site_code", "url", "spam_removed", "flags", "stats"):
        assert field in record


def test_clean_several_pages_prints_one_line_each_in_order_and_goes_on_after_a_failure(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = CliRunner().invoke(cli, ["clean", LINGSHAN, str(empty), TONGXIN])
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 3
    first, failed, last = (json.loads(line) for line in lines)
    assert first["county"] == "灵山县" and last["county"] == "同心县"
    assert failed["page"] == str(empty) and "empty page" in failed["error"]
    assert result.exit_code == 1


def test_clean_reads_stdin() -> None:
    result = CliRunner().invoke(cli, ["clean", "-"], input=Path(TONGXIN).read_bytes())
    assert result.exit_code == 0 and json.loads(result.output)["site_code"] == "6403240007"


def test_url_with_several_pages_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["clean", LINGSHAN, TONGXIN, "--url", LINGSHAN_URL])
    assert result.exit_code == 2 and "--url" in result.output


@pytest.mark.parametrize("verb", ["clean"])
def test_every_verb_has_help_with_an_example(verb: str) -> None:
    result = CliRunner().invoke(cli, [verb, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_installed_command_fails_with_one_line_on_stderr_and_no_traceback(tmp_path: Path) -> None:
    png = tmp_path / "photo.html"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    for args in (["clean", str(png)], ["clean", str(tmp_path / "missing.html")]):
        done = subprocess.run([NIANBAO, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 1
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert done.stderr.startswith("Error: ") and "Traceback" not in done.stderr
    done = subprocess.run([NIANBAO, "clean", "--no-such-option"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_installed_command_prints_utf8_whatever_the_locale() -> None:
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "LANG": "C"}
    done = subprocess.run([NIANBAO, "clean", TONGXIN], capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "同心县".encode() in done.stdout


def test_parsers_and_archive_import_without_scrapy_or_twisted() -> None:
    code = ("import sys, parsers.clean, archive, crawler.cli; "
            "bad = [m for m in ('scrapy', 'twisted') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
