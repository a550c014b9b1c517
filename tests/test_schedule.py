"""``nianbao schedule`` and running under Scrapy's own tooling: the cron line and the systemd units it
prints (parsed, OnCalendar checked by systemd-analyze when present), installing them twice replaces
rather than duplicates (units in a temporary folder; the real crontab, restored afterwards), the exact
scheduled command run in a bare environment really crawls the farm, and the spider runs under
``scrapy crawl`` and a real scrapyd as deployed by ``scrapyd-deploy``."""

from __future__ import annotations

import configparser
import fcntl
import json
import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crawler.cli import cli
from crawler.farm import Farm
from crawler.schedule import marker, on_calendar

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).absolute().parent
CALENDAR = re.compile(r"^(?:[A-Z][a-z]{2}(?:[.,][.A-Za-z,]*)? )?\*-[*0-9./,]+-[*0-9./,]+ [*0-9./,]+:[*0-9./,]+:00$")


def _schedule(*args: str) -> str:
    result = CliRunner().invoke(cli, ["schedule", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _units(text: str) -> dict[str, configparser.ConfigParser]:
    """The units in the printed text, by the file name in their ``### path`` header."""
    units = {}
    for chunk in text.split("### ")[1:]:
        name, _, body = chunk.partition("\n")
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.optionxform = str  # keys are case-sensitive in systemd
        parser.read_string(body.split("Install with")[0])
        units[Path(name).name] = parser
    return units


def _check_calendar(spec: str) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze:
        done = subprocess.run([analyze, "calendar", spec], capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{spec}: {done.stderr}"
    else:
        assert CALENDAR.match(spec), spec


def _cron_command(line: str) -> str:
    """The shell command of a crontab line (what cron hands to /bin/sh -c)."""
    return line.split(None, 5)[5]


# --- what is printed -----------------------------------------------------------------------------------------
def test_cron_line_has_five_fields_and_an_absolute_locked_logged_command(tmp_path: Path) -> None:
    db = tmp_path / "arch.db"
    out = _schedule("--db", str(db), "--every", "daily", "--at", "04:05", "--recheck-days", "7")
    line = next(x for x in out.splitlines() if x.endswith(marker(db)))
    assert line.split()[:5] == ["5", "4", "*", "*", "*"]
    words = shlex.split(_cron_command(line), comments=True)
    assert words[:3] == ["cd", str(ROOT), "&&"]
    env = dict(w.split("=", 1) for w in words[3:5])
    assert env["LANG"] == "C.UTF-8" and env["PATH"].split(":")[0] == str(BIN)
    flock = words.index("-n") - 1
    assert Path(words[flock]).name == "flock" and words[flock + 2] == f"{db}.lock"
    crawl = words[flock + 3:]
    assert Path(crawl[0]).is_absolute() and crawl[1:5] == ["crawl", "--incremental", "--db", str(db)]
    assert crawl[5:7] == ["--recheck-days", "7"]
    assert crawl[-3:] == [">>", str(tmp_path / "arch.crawl.log"), "2>&1"]
    assert "nianbao crawl --resume" in out


@pytest.mark.parametrize(("every", "at", "expected"), [
    ("daily", "03:30", "*-*-* 3:30:00"),
    ("weekly", "22:00", "Mon *-*-* 22:0:00"),
    ("hourly", "00:15", "*-*-* *:15:00"),
    ("*/15 8-18 * * mon-fri", None, "Mon,Tue,Wed,Thu,Fri *-*-* 8..18:0/15:00"),
    ("0 6 1 */3 *", None, "*-1/3-1 6:0:00"),
    ("30 2 * * 0,7", None, "Sun *-*-* 2:30:00"),
])
def test_systemd_units_run_the_crawl_oneshot_on_a_valid_calendar(tmp_path: Path, every: str, at: str | None,
                                                                 expected: str) -> None:
    db = tmp_path / "x.db"
    args = ["--db", str(db), "--systemd", "--every", every, *(["--at", at] if at else [])]
    units = _units(_schedule(*args))
    assert set(units) == {"nianbao-x.service", "nianbao-x.timer"}
    service, timer = units["nianbao-x.service"], units["nianbao-x.timer"]
    assert service["Service"]["Type"] == "oneshot" and service["Service"]["WorkingDirectory"] == str(ROOT)
    assert "LANG=C.UTF-8" in service["Service"]["Environment"].split()
    exec_start = shlex.split(service["Service"]["ExecStart"])
    assert exec_start[1:3] == ["-n", f"{db}.lock"] and exec_start[4:8] == ["crawl", "--incremental", "--db", str(db)]
    assert timer["Timer"]["OnCalendar"] == expected == on_calendar(every if at is None else
                                                                   _cron_of(every, at))
    _check_calendar(timer["Timer"]["OnCalendar"])
    assert timer["Timer"]["Persistent"] == "true" and timer["Timer"]["RandomizedDelaySec"]
    assert timer["Install"]["WantedBy"] == "timers.target"


def _cron_of(every: str, at: str) -> str:
    from crawler.schedule import cron_expression

    return cron_expression(every, at)


def test_the_units_say_how_an_interrupted_crawl_is_resumed(tmp_path: Path) -> None:
    out = _schedule("--db", str(tmp_path / "nianbao.db"), "--systemd")
    assert "nianbao.service" in out and "nianbao.timer" in out  # nianbao.db: plain unit names
    assert out.count("crawl --resume") >= 2 and "enable --now nianbao.timer" in out


@pytest.mark.parametrize(("args", "says"), [
    (["--every", "fortnightly"], "--every must be"),
    (["--every", "61 * * * *"], "minute '61'"),
    (["--every", "0 3 * *"], "5 fields"),
    (["--at", "25:00"], "--at must be"),
    (["--at", "3.30"], "--at must be"),
    (["--every", "0 3 * * *", "--at", "04:00"], "--at goes with"),
    (["--every", "0 3 1 * 1", "--systemd"], "systemd cannot"),
])
def test_bad_input_is_a_one_line_error(tmp_path: Path, args: list[str], says: str) -> None:
    result = CliRunner().invoke(cli, ["schedule", "--db", str(tmp_path / "a.db"), *args])
    assert isinstance(result.exception, SystemExit)  # click's exit, not a traceback
    assert result.exit_code == 1 and says in result.output and len(result.output.strip().splitlines()) == 1


def test_bad_input_in_a_real_process_is_one_line_on_stderr() -> None:
    done = subprocess.run([sys.executable, "-m", "crawler.cli", "schedule", "--at", "7pm"], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("Error: --at must be") and len(done.stderr.strip().splitlines()) == 1


# --- installed -----------------------------------------------------------------------------------------------
def test_systemd_install_writes_both_units_and_a_second_install_replaces_them(tmp_path: Path) -> None:
    db, units = tmp_path / "a b.db", tmp_path / "units"
    first = _schedule("--db", str(db), "--systemd", "--install", "--unit-dir", str(units), "--at", "01:00")
    assert "systemctl --user link" in first  # systemd does not read a temporary folder: nothing enabled
    _schedule("--db", str(db), "--systemd", "--install", "--unit-dir", str(units), "--every", "weekly")
    assert sorted(p.name for p in units.iterdir()) == ["nianbao-a_b.service", "nianbao-a_b.timer"]
    timer = (units / "nianbao-a_b.timer").read_text(encoding="utf-8")
    assert timer.count("OnCalendar=") == 1 and "OnCalendar=Mon *-*-* 3:30:00" in timer
    service = (units / "nianbao-a_b.service").read_text(encoding="utf-8")
    assert f'"{db}"' in service  # a path with a space is quoted in ExecStart


def test_systemd_install_refuses_to_overwrite_a_unit_of_another_archive(tmp_path: Path) -> None:
    units = tmp_path / "units"
    _schedule("--db", str(tmp_path / "one" / "x.db"), "--systemd", "--install", "--unit-dir", str(units))
    result = CliRunner().invoke(cli, ["schedule", "--db", str(tmp_path / "two" / "x.db"), "--systemd", "--install",
                                           "--unit-dir", str(units)])
    assert result.exit_code == 1 and "not this archive's" in result.output
    assert str(tmp_path / "one" / "x.db") in (units / "nianbao-x.service").read_text(encoding="utf-8")


@pytest.fixture
def user_crontab() -> Iterator[str]:
    """The real ``crontab`` of this user, saved before the test and put back after it."""
    crontab = shutil.which("crontab")
    if crontab is None:
        if os.environ.get("NIANBAO_REQUIRE_CRON") == "1":
            pytest.fail("NIANBAO_REQUIRE_CRON=1 but there is no crontab command (apt-get install cron)")
        pytest.skip("no crontab command")
    saved = subprocess.run([crontab, "-l"], capture_output=True, text=True, check=False)
    try:
        yield crontab
    finally:
        if saved.returncode == 0:
            subprocess.run([crontab, "-"], input=saved.stdout, text=True, check=True)
        else:
            subprocess.run([crontab, "-r"], capture_output=True, check=False)


def test_cron_install_adds_one_line_and_a_second_install_replaces_it(tmp_path: Path, user_crontab: str) -> None:
    db = tmp_path / "c.db"
    other = "17 5 * * * true # somebody else's job\n"
    subprocess.run([user_crontab, "-"], input=other, text=True, check=True)
    # 31 February: the lines installed in the real crontab never fire, even if the test dies before it restores it
    _schedule("--db", str(db), "--install", "--every", "0 2 31 2 *")
    printed = _schedule("--db", str(db), "--every", "45 3 31 2 *")
    _schedule("--db", str(db), "--install", "--every", "45 3 31 2 *")
    installed = subprocess.run([user_crontab, "-l"], capture_output=True, text=True, check=True).stdout
    ours = [x for x in installed.splitlines() if x.endswith(marker(db))]
    assert len(ours) == 1 and ours[0].startswith("45 3 31 2 * ")
    assert ours[0] in printed.splitlines()  # what was printed is what was installed
    assert "somebody else's job" in installed


# --- the scheduled command really crawls ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo farm on loopback, and a registry of one of its portals (tongxin: 17 reports)."""
    registry = tmp_path_factory.mktemp("farm") / "one.yaml"
    with Farm([ROOT / "crawler" / "demo"]) as farm:
        data = yaml.safe_load(Path(farm.registry).read_text(encoding="utf-8"))
        data["portals"] = [p for p in data["portals"] if p["id"] == "tongxin"]
        registry.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        yield registry


def _bare_env(tmp_path: Path) -> dict[str, str]:
    """The environment cron gives a job: no venv, no PYTHONPATH, a minimal PATH."""
    return {"HOME": str(tmp_path), "LOGNAME": "nianbao", "SHELL": "/bin/sh", "PATH": "/usr/bin:/bin"}


def _finished_runs(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT command, status FROM crawl_runs WHERE status = 'finished'").fetchall()


def test_the_scheduled_command_crawls_from_a_bare_environment(tiny_farm: Path, tmp_path: Path) -> None:
    db = tmp_path / "sched.db"
    out = _schedule("--db", str(db), "--registry", str(tiny_farm), "--local")
    line = next(x for x in out.splitlines() if x.endswith(marker(db)))
    done = subprocess.run(["bash", "-c", _cron_command(line)], env=_bare_env(tmp_path), cwd="/", capture_output=True,
                          text=True, timeout=300, check=False)
    log = (tmp_path / "sched.crawl.log").read_text(encoding="utf-8")
    assert done.returncode == 0, log[-3000:]
    assert "tongxin" in log and "total:" in log
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] >= 10
    assert _finished_runs(db) == [("crawl", "finished")]
    # a crawl still running (its lock held) is not started a second time
    with open(f"{db}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        again = subprocess.run(["bash", "-c", _cron_command(line)], env=_bare_env(tmp_path), cwd="/",
                               capture_output=True, text=True, timeout=60, check=False)
    assert again.returncode != 0 and len(_finished_runs(db)) == 1


# --- Scrapy's own CLI and scrapyd ----------------------------------------------------------------------------
def _local_settings() -> list[str]:
    from settings.scrapy import LOCAL

    return [arg for key, value in LOCAL.items() for arg in ("-s", f"{key}={value}")]


def test_the_spider_runs_under_scrapy_crawl_from_the_project_folder(tiny_farm: Path, tmp_path: Path) -> None:
    db = tmp_path / "scrapy.db"
    done = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "portals", "-a", f"registry={tiny_farm}",
                           "-s", f"NIANBAO_DB={db}", *_local_settings()], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] >= 10
    assert _finished_runs(db) == [("crawl", "finished")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _scrapyd_ready() -> str | None:
    """Why scrapyd cannot be tried here, or None."""
    if not (BIN / "scrapyd").exists() or not (BIN / "scrapyd-deploy").exists():
        return "scrapyd and scrapyd-client are not installed"
    import setuptools

    if int(setuptools.__version__.split(".")[0]) < 77:
        return f"setuptools {setuptools.__version__} cannot read pyproject.toml's license (scrapyd-deploy needs >= 77)"
    if "[project.entry-points.scrapy]" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8"):
        return "pyproject.toml has no [project.entry-points.scrapy] settings entry: scrapyd could not find settings"
    return None


@pytest.mark.skipif(_scrapyd_ready() is not None, reason=str(_scrapyd_ready()))
def test_the_project_deploys_to_scrapyd_and_crawls_there(tiny_farm: Path, tmp_path: Path) -> None:
    project, server = tmp_path / "project", tmp_path / "server"
    for name in ("archive", "crawler", "parsers", "settings"):  # a copy: scrapyd-deploy writes setup.py, build/
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "scrapy.cfg"):
        shutil.copy(ROOT / name, project / name)
    port = _free_port()
    cfg = (project / "scrapy.cfg").read_text(encoding="utf-8")
    assert "url = http://127.0.0.1:6800/" in cfg
    (project / "scrapy.cfg").write_text(cfg.replace(":6800/", f":{port}/"), encoding="utf-8")
    server.mkdir()
    (server / "scrapyd.conf").write_text(f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\n")
    base = f"http://127.0.0.1:{port}/"
    with open(server / "scrapyd.log", "wb") as log:
        daemon = subprocess.Popen([str(BIN / "scrapyd")], cwd=server, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        _wait(lambda: _get(base + "daemonstatus.json")["status"] == "ok", 30)
        deployed = subprocess.run([str(BIN / "scrapyd-deploy"), "local"], cwd=project, capture_output=True,
                                  text=True, timeout=300, check=False)
        assert deployed.returncode == 0 and '"status": "ok"' in deployed.stdout, deployed.stdout + deployed.stderr
        db = tmp_path / "scrapyd.db"
        settings = [("setting", f"{k}={v}") for k, v in (("NIANBAO_DB", db), *_local_pairs())]
        job = _post(base + "schedule.json", [("project", "nianbao"), ("spider", "portals"),
                                             ("registry", str(tiny_farm)), *settings])
        assert job["status"] == "ok", job

        def finished() -> bool:
            jobs = _get(base + "listjobs.json?project=nianbao")
            return any(j["id"] == job["jobid"] for j in jobs["finished"])

        _wait(finished, 240)
    finally:
        os.killpg(daemon.pid, 15)
        daemon.wait(timeout=30)
    assert _finished_runs(db) == [("crawl", "finished")], (server / "scrapyd.log").read_text()[-3000:]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] >= 10


def _local_pairs() -> list[tuple[str, object]]:
    from settings.scrapy import LOCAL

    return list(LOCAL.items())


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def _post(url: str, fields: list[tuple[str, str]]) -> dict:
    data = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(url, data=data, timeout=30) as response:
        return json.loads(response.read())


def _wait(ready, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if ready():
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"not ready after {seconds} s")
        time.sleep(0.5)
