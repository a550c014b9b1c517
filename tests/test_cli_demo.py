"""``nianbao demo``, the README's main job: the bundled portals served on loopback, crawled into
SQLite in well under a minute, the summary and how to browse it printed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_demo_crawls_the_bundled_portals(tmp_path: Path) -> None:
    db = tmp_path / "nianbao-demo.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "crawler.cli", "demo", "--db", str(db)], capture_output=True,
                          text=True, env=env, timeout=300, check=False, cwd=tmp_path)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"nianbao serve --db {db}" in done.stdout and "total:" in done.stdout
    assert "sample portals" in done.stderr and ": done" in done.stderr
    conn = sqlite3.connect(db)
    reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    portals = conn.execute("SELECT count(*) FROM portals").fetchone()[0]
    assert portals >= 4 and reports >= 10
    assert conn.execute("SELECT count(*) FROM reports WHERE spam_removed != '[]'").fetchone()[0] >= 1
    assert elapsed < 120  # "well under a minute" is measured by hand on a quiet machine; CI may be slower
