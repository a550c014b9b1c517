"""``nianbao schedule``: the cron line or the systemd timer that runs ``nianbao crawl --incremental``
on a schedule, and their installation.

The scheduled command is written out in full (absolute paths to the venv's ``nianbao``, the
archive, the registry; PATH and LANG set) because cron and systemd start it in a bare
environment, from no particular directory. ``flock -n`` on ``<db>.lock`` keeps a crawl that is
still running from being started twice. An entry is marked with its archive (``# nianbao: DB``,
unit names from the db's file name), so installing again replaces it instead of adding a second.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from parsers.errors import NianbaoError

EVERY = ("hourly", "daily", "weekly")
DEFAULT_AT = "03:30"  # night on a machine in China, when portals are quietest
SYSTEMD_DIRS = (Path("~/.config/systemd/user").expanduser(), Path("/etc/systemd/user"), Path("/etc/systemd/system"))
RESUME_NOTE = "a crawl cut short by a reboot or a kill is continued, without fetching again what it stored, by"

# cron's five fields: name, lowest, highest, names allowed in place of numbers
_FIELDS = (("minute", 0, 59, {}), ("hour", 0, 23, {}), ("day of month", 1, 31, {}),
           ("month", 1, 12, {m: i + 1 for i, m in enumerate(
               ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}),
           ("day of week", 0, 7, {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}))
_DAY_NAMES = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
_ITEM = re.compile(r"^(\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/([0-9]+))?$")
_AT = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")


class ScheduleError(NianbaoError):
    """A schedule that cannot be written or installed: a bad --every or --at, no crontab command …"""


@dataclass(slots=True)
class ScheduleOptions:
    """What ``nianbao schedule`` was asked for; paths are made absolute by :func:`resolve`."""

    db: Path
    every: str = "daily"
    at: str | None = None  # HH:MM for daily/weekly, the minute of it for hourly; None: DEFAULT_AT
    registry: Path | None = None  # None: the crawl's default (settings/portals.yaml, package data)
    recheck_days: float | None = None
    log: Path | None = None  # None: <db stem>.crawl.log beside the db (cron), the journal (systemd)
    unit_dir: Path | None = None  # None: ~/.config/systemd/user
    local: bool = False  # hidden: the farm on loopback, for tests


def resolve(options: ScheduleOptions) -> ScheduleOptions:
    """The options with absolute paths (cron runs from $HOME, systemd from /), checked for
    characters cron or systemd would rewrite."""
    db = options.db.expanduser().absolute()
    registry = options.registry.expanduser().absolute() if options.registry else None
    log = options.log.expanduser().absolute() if options.log else None
    unit_dir = (options.unit_dir or SYSTEMD_DIRS[0]).expanduser().absolute()
    for path in (db, registry, log):
        if path is not None and ("%" in str(path) or "\n" in str(path)):
            raise ScheduleError("a path with '%' or a newline cannot go in a cron line or a unit", str(path),
                                "rename it")
    return ScheduleOptions(db, options.every, options.at, registry, options.recheck_days, log, unit_dir,
                           options.local)


# --- when ----------------------------------------------------------------------------------------------------
def cron_expression(every: str, at: str | None) -> str:
    """The five cron fields for --every (``daily``, ``weekly`` on Mondays, ``hourly``, or five fields
    of one's own) at --at."""
    if every in EVERY:
        hour, minute = _parse_at(at or DEFAULT_AT)
        return {"hourly": f"{minute} * * * *", "daily": f"{minute} {hour} * * *",
                "weekly": f"{minute} {hour} * * 1"}[every]
    if at is not None:
        raise ScheduleError("--at goes with --every hourly, daily or weekly", f"--every {every!r}",
                            "write the time into the cron expression")
    _cron_values(every)
    return " ".join(every.split())


def on_calendar(expression: str) -> str:
    """systemd's OnCalendar= for a cron expression. systemd has no day-of-month OR day-of-week (cron
    runs when either matches), so an expression restricting both is refused."""
    values = _cron_values(expression)
    minute, hour, day, month, weekday = values
    if day is not None and weekday is not None:
        raise ScheduleError("systemd cannot run on a day of the month *or* a day of the week as cron does",
                            expression, "restrict one of the two, or use --cron")
    date = f"{_compress(month, 1, 12)}-{_compress(day, 1, 31)}" if month or day else "*-*"
    days = ""
    if weekday is not None:
        names = sorted({v % 7 for v in weekday}, key=lambda v: (v - 1) % 7)  # Mon first, as systemd lists them
        days = ",".join(_DAY_NAMES[v] for v in names) + " "
    return f"{days}*-{date} {_compress(hour, 0, 23)}:{_compress(minute, 0, 59)}:00"


def _parse_at(at: str) -> tuple[int, int]:
    match = _AT.match(at.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ScheduleError("--at must be a time HH:MM", repr(at), "e.g. --at 03:30")
    return int(match[1]), int(match[2])


def _cron_values(expression: str) -> list[list[int] | None]:
    """Each field's values (None: every value, ``*``); a ScheduleError names the bad field."""
    fields = expression.split()
    if len(fields) != 5:
        raise ScheduleError("--every must be hourly, daily, weekly or a cron expression of 5 fields",
                            repr(expression), "e.g. --every daily --at 03:30, or --every '30 3 * * 1-5'")
    out: list[list[int] | None] = []
    for text, (name, low, high, names) in zip(fields, _FIELDS, strict=True):
        if text == "*":
            out.append(None)
            continue
        values: set[int] = set()
        for item in text.lower().split(","):
            match = _ITEM.match(item)
            if not match:
                raise ScheduleError(f"bad {name} field in the cron expression", repr(expression),
                                    "use numbers, *, a-b, */n and lists a,b")
            span, step = match[1], int(match[2] or 1)
            first, _, last = span.partition("-")
            start = low if span == "*" else _number(first, name, low, high, names, expression)
            end = high if span == "*" else _number(last, name, low, high, names, expression) if last else (
                high if match[2] else start)
            if step < 1 or end < start:
                raise ScheduleError(f"bad range in the {name} field", repr(expression), "write it low-high/step")
            values.update(range(start, end + 1, step))
        out.append(sorted(values))
    return out


def _number(text: str, name: str, low: int, high: int, names: dict[str, int], expression: str) -> int:
    value = names.get(text, int(text) if text.isdigit() else -1)
    if not low <= value <= high:
        raise ScheduleError(f"{name} {text!r} out of range {low}-{high}", repr(expression), "fix the cron expression")
    return value


def _compress(values: list[int] | None, low: int, high: int) -> str:
    """systemd's spelling of a field's values: ``*``, ``start/step`` to the field's end, ``a..b``, or a list."""
    if values is None or values == list(range(low, high + 1)):
        return "*"
    if len(values) > 2:
        step = values[1] - values[0]
        if values == list(range(values[0], high + 1, step)) and step > 1:
            return f"{values[0]}/{step}"
        if step == 1 and values == list(range(values[0], values[-1] + 1)):
            return f"{values[0]}..{values[-1]}"
    return ",".join(str(v) for v in values)


# --- what ----------------------------------------------------------------------------------------------------
def nianbao_program() -> list[str]:
    """This environment's ``nianbao``, as an absolute path: the script beside this Python (a venv's
    bin), else the one on PATH, else ``python -m crawler.cli``. Not resolved through symlinks: a
    venv's python is a link, and following it would leave the venv."""
    beside = Path(sys.executable).absolute().parent / "nianbao"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("nianbao")
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "crawler.cli"]


def project_dir(db: Path) -> Path:
    """Where the crawl runs: the checkout holding scrapy.cfg (an editable install), else the db's folder."""
    checkout = Path(__file__).resolve().parent.parent
    return checkout if (checkout / "scrapy.cfg").is_file() else db.parent


def crawl_command(options: ScheduleOptions) -> list[str]:
    """``nianbao crawl --incremental --db DB [--registry FILE] [--recheck-days N]``, absolute."""
    command = [*nianbao_program(), "crawl", "--incremental", "--db", str(options.db)]
    if options.registry:
        command += ["--registry", str(options.registry)]
    if options.recheck_days is not None:
        command += ["--recheck-days", f"{options.recheck_days:g}"]
    if options.local:
        command.append("--local")
    return command


def environment() -> dict[str, str]:
    """What the crawl needs of an environment that cron and systemd leave bare: the venv first on
    PATH, a UTF-8 locale (Chinese titles on stderr), and the operator's contact for the User-Agent."""
    bin_dir = str(Path(sys.executable).absolute().parent)
    env = {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    if os.environ.get("NIANBAO_CONTACT"):
        env["NIANBAO_CONTACT"] = os.environ["NIANBAO_CONTACT"]
    return env


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def flock() -> str:
    return shutil.which("flock") or "/usr/bin/flock"


def marker(db: Path) -> str:
    """The comment that ends our cron line: installing again for this archive replaces the line."""
    return f"# nianbao: {db}"


def cron_log(options: ScheduleOptions) -> Path:
    return options.log or options.db.with_name(f"{options.db.stem}.crawl.log")


# --- cron ----------------------------------------------------------------------------------------------------
def cron_line(options: ScheduleOptions) -> str:
    """One crontab line: the schedule, then ``cd PROJECT && PATH=… LANG=… flock -n LOCK nianbao crawl …
    >> LOG 2>&1``, ending with the marker (a comment to the shell that cron hands the line to)."""
    q = shlex.quote
    env = " ".join(f"{k}={q(v)}" for k, v in environment().items())
    command = " ".join(q(part) for part in crawl_command(options))
    return (f"{cron_expression(options.every, options.at)} cd {q(str(project_dir(options.db)))} && {env} "
            f"{flock()} -n {q(str(lock_path(options.db)))} {command} >> {q(str(cron_log(options)))} 2>&1 "
            f"{marker(options.db)}")


def crontab_with(current: str, line: str, db: Path) -> str:
    """The crontab ``current`` with our line for ``db`` in place of an earlier one (else appended)."""
    mark = marker(db)
    kept = [x for x in current.splitlines() if not x.rstrip().endswith(mark)]
    return "\n".join([*kept, line]) + "\n"


def install_cron(options: ScheduleOptions) -> str:
    """Put the line into the user's crontab (``crontab -l``, our line replaced or added, ``crontab -``)."""
    crontab = shutil.which("crontab")
    if crontab is None:
        raise ScheduleError("no crontab command on this machine", "PATH", "install cron (apt-get install cron) "
                            "or use --systemd")
    line = cron_line(options)
    listed = subprocess.run([crontab, "-l"], capture_output=True, text=True, check=False)
    if listed.returncode != 0 and "no crontab" not in listed.stderr:
        raise ScheduleError("crontab -l failed", listed.stderr.strip() or f"exit {listed.returncode}",
                            "check that you may use cron (/etc/cron.allow)")
    current = listed.stdout if listed.returncode == 0 else ""
    replaced = marker(options.db) in current
    written = subprocess.run([crontab, "-"], input=crontab_with(current, line, options.db), capture_output=True,
                             text=True, check=False)
    if written.returncode != 0:
        raise ScheduleError("crontab - refused the new crontab", written.stderr.strip().replace("\n", " "),
                            "check the line with `nianbao schedule` (without --install)")
    return (f"{'replaced the' if replaced else 'added a'} line in your crontab (crontab -l shows it); the crawl "
            f"logs to {cron_log(options)}.\n{line}\n{_resume_hint(options)}")


# --- systemd -------------------------------------------------------------------------------------------------
def unit_name(db: Path) -> str:
    """``nianbao`` for nianbao.db, ``nianbao-<stem>`` for any other archive (unit names allow
    [A-Za-z0-9:_.-]; anything else becomes ``_``)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", db.stem)
    return "nianbao" if stem == "nianbao" else f"nianbao-{stem}"


def systemd_units(options: ScheduleOptions) -> dict[str, str]:
    """``{name.service: text, name.timer: text}``: a oneshot service running the crawl and its
    timer (Persistent: a run missed while the machine was off runs when it is back)."""
    name = unit_name(options.db)
    calendar = on_calendar(cron_expression(options.every, options.at))
    words = [flock(), "-n", str(lock_path(options.db)), *crawl_command(options)]
    exec_start = " ".join(_unit_quote(w).replace("$", "$$") for w in words)  # $ would be expanded
    env = " ".join(_unit_quote(f"{k}={v}") for k, v in environment().items())
    output = [f"StandardOutput=append:{_unit_escape(str(options.log))}", "StandardError=inherit"] if options.log \
        else []
    service = "\n".join([
        f"{marker(options.db)} — written by `nianbao schedule`",
        f"# {RESUME_NOTE}:",
        f"#   {' '.join(shlex.quote(p) for p in _resume_command(options))}",
        "[Unit]",
        f"Description=nianbao: incremental crawl into {options.db}",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        f"WorkingDirectory={_unit_escape(str(project_dir(options.db)))}",
        f"Environment={env}",
        f"ExecStart={exec_start}",
        *output,
        "Nice=10",
        "",
    ])
    delay = "5min" if options.every == "hourly" else "15min"
    timer = "\n".join([
        f"{marker(options.db)} — written by `nianbao schedule`",
        "# Persistent=true: a run missed while the machine was off starts when it is back;",
        f"# {RESUME_NOTE} `nianbao crawl --resume`.",
        "[Unit]",
        f"Description=nianbao: schedule of the crawl into {options.db}",
        "",
        "[Timer]",
        f"OnCalendar={calendar}",
        "Persistent=true",
        f"RandomizedDelaySec={delay}",
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
    ])
    return {f"{name}.service": service, f"{name}.timer": timer}


def install_systemd(options: ScheduleOptions) -> str:
    """Write the units to --unit-dir (replacing ours), then ``daemon-reload`` and ``enable --now``
    the timer when systemd reads that folder and answers; otherwise say what to run."""
    assert options.unit_dir is not None
    units = systemd_units(options)
    options.unit_dir.mkdir(parents=True, exist_ok=True)
    for filename, text in units.items():
        path = options.unit_dir / filename
        if path.exists() and marker(options.db) not in path.read_text(encoding="utf-8", errors="replace"):
            raise ScheduleError("a unit of that name is not this archive's", str(path),
                                "give the archive another file name, or remove the unit")
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    timer = next(n for n in units if n.endswith(".timer"))
    systemctl = ["systemctl"] if _system_dir(options.unit_dir) else ["systemctl", "--user"]
    steps = [[*systemctl, "daemon-reload"], [*systemctl, "enable", "--now", timer]]
    lines = [f"wrote {options.unit_dir / n}" for n in units]
    if not any(options.unit_dir == d for d in SYSTEMD_DIRS):
        steps = [[*systemctl, "link", *(str(options.unit_dir / n) for n in units)], *steps]
        lines.append(f"systemd does not read {options.unit_dir}; to use these units run:")
        lines += ["  " + " ".join(shlex.quote(x) for x in step) for step in steps]
        return "\n".join([*lines, _resume_hint(options)])
    for step in steps:
        done = _run(step)
        if done is not None:
            lines.append(f"`{' '.join(step)}` failed ({done}); run by hand:")
            lines += ["  " + " ".join(shlex.quote(x) for x in s) for s in steps[steps.index(step):]]
            break
        lines.append(f"ran {' '.join(step)}")
    if systemctl[-1] == "--user":
        lines.append("user timers run only while you are logged in, unless: loginctl enable-linger $USER")
    lines.append(f"status: {' '.join(systemctl)} list-timers {timer}; log: journalctl "
                 f"{'--user ' if systemctl[-1] == '--user' else ''}-u {unit_name(options.db)}.service")
    return "\n".join([*lines, _resume_hint(options)])


def _run(command: list[str]) -> str | None:
    """None when the command ran fine, else why not (one line)."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    return None if done.returncode == 0 else (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]


def _system_dir(path: Path) -> bool:
    return path == Path("/etc/systemd/system")


def _unit_escape(text: str) -> str:
    return text.replace("%", "%%")  # systemd's specifiers; resolve() refuses paths with % anyway


def _unit_quote(word: str) -> str:
    """A word of ExecStart= or Environment=: double-quoted (C escapes) when it holds a space or a quote."""
    word = _unit_escape(word)
    if re.search(r"[\s\"'\\;$]", word):
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word


# --- what to tell ----------------------------------------------------------------------------------------------
def _resume_command(options: ScheduleOptions) -> list[str]:
    command = [*nianbao_program(), "crawl", "--resume", "--db", str(options.db)]
    return command + (["--registry", str(options.registry)] if options.registry else [])


def _resume_hint(options: ScheduleOptions) -> str:
    return f"{RESUME_NOTE}:\n  {' '.join(shlex.quote(p) for p in _resume_command(options))}"


def describe(options: ScheduleOptions, kind: str) -> str:
    """What ``nianbao schedule`` prints without --install: the entry and how to install it."""
    if kind == "cron":
        return "\n".join([
            "# the crontab line (install it with --install, or paste it into `crontab -e`):",
            cron_line(options), "",
            f"A crawl still running when the next one is due is not started twice (flock {lock_path(options.db)}); "
            f"output is appended to {cron_log(options)}.",
            _resume_hint(options),
        ])
    lines = []
    for filename, text in systemd_units(options).items():
        lines += [f"### {options.unit_dir / filename}" if options.unit_dir else f"### {filename}", text]
    timer = unit_name(options.db) + ".timer"
    system = options.unit_dir is not None and _system_dir(options.unit_dir)
    ctl = "systemctl" if system else "systemctl --user"
    lines += ["Install with --install, or write the two files above and run:",
              f"  {ctl} daemon-reload && {ctl} enable --now {timer}"]
    if not system:
        lines.append("User timers run only while you are logged in, unless: loginctl enable-linger $USER")
    return "\n".join([*lines, _resume_hint(options)])


def schedule(options: ScheduleOptions, kind: str, install: bool) -> str:
    """``nianbao schedule``: the entry (``kind`` cron or systemd) printed, or installed."""
    options = resolve(options)
    if kind not in ("cron", "systemd"):
        raise ScheduleError(f"no scheduler {kind!r}", "--cron/--systemd", "choose one of the two")
    if not install:
        return describe(options, kind)
    return install_cron(options) if kind == "cron" else install_systemd(options)
