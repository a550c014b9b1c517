"""Shared test helpers: fixtures are read as bytes (decoding is what we test), never decoded here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def expectations() -> list[tuple[str, dict]]:
    """Every fixture page with its expectation file, sorted by name."""
    out = []
    for path in sorted(FIXTURES.glob("*.expect.yaml")):
        page = path.name.removesuffix(".expect.yaml")
        matches = [p for p in FIXTURES.glob(page + ".*") if not p.name.endswith(".expect.yaml")]
        if matches:
            out.append((matches[0].name, yaml.safe_load(path.read_text(encoding="utf-8"))))
    return out


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (``nianbao demo``: the bundled portals crawled over loopback), built once
    per session: the test database of ``serve`` and ``export``."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    done = subprocess.run([sys.executable, "-m", "crawler.cli", "demo", "--db", str(db)], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(root)}, timeout=300, check=False,
                          cwd=db.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return db
