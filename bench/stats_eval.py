"""Measures the statistics reader (parsers/stats.py) against hand-checked cells.

Run by hand:  .venv/bin/python bench/stats_eval.py
Every document of tests/fixtures/stats_truth.yaml (fixtures and the seeds in ../shared/seeds) is
cleaned from its bytes as ``nianbao clean`` does; its record's ``stats`` are compared with the
truth cells. Prints, overall and by form and by shape: cell accuracy (exact value, null included:
a 0 where the truth is null is wrong), and the share of documents showing tables whose tables were
found (at least one cell read from a table, not a sentence). There is no baseline: no other tool reads
these forms.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers.clean import CleanOptions, clean  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
TEXTS: list[tuple[str, int | None]] = []  # every scored document's clean text, timed apart at the end
SEEDS = ROOT.parent / "shared" / "seeds"


def _source(doc: dict) -> Path | None:
    path = (SEEDS if doc["where"] == "seeds" else FIXTURES) / doc["name"]
    if not path.exists():
        return None
    if doc.get("needs") == "libreoffice" and not (shutil.which("soffice") or shutil.which("catdoc")):
        return None
    return path


def _score(doc: dict, path: Path) -> dict:
    report = clean(path.read_bytes(), CleanOptions(where=doc["name"]))
    TEXTS.append((report.text, report.year))
    got = {(c["section"], c["row"], c["column"]): c["value"] for c in report.stats}
    exact, misses = 0, []
    for cell in doc["cells"]:
        key = (cell["section"], cell["row"], cell["column"])
        value = got.get(key, "missing")
        if key in got and value == cell["value"] and (value is None) == (cell["value"] is None):
            exact += 1
        else:
            misses.append(f"{'/'.join(key)}: got {value!r}, truth {cell['value']!r}")
    return {"cells": len(doc["cells"]), "exact": exact, "misses": misses, "read": len(report.stats),
            "found": any("evidence" not in c for c in report.stats),
            "flags": [f for f in report.flags if f.startswith("stats_")]}


def _row(name: str, rows: list[tuple[dict, dict]]) -> str:
    cells = sum(s["cells"] for _, s in rows)
    exact = sum(s["exact"] for _, s in rows)
    tabled = [s for d, s in rows if d["tables"]]
    found = sum(s["found"] for s in tabled)
    share = f"{found}/{len(tabled)} = {found / len(tabled):.1%}" if tabled else "—"
    return f"| {name:<16} | {len(rows):>4} | {cells:>5} | {exact:>5} | {exact / cells:>8.1%} | {share:>16} |"


def _cost(seconds: float) -> str:
    """What reading the statistics adds to cleaning: parsers.stats.extract alone, once over every
    document's clean text, with its caches emptied first (CPU time)."""
    from parsers import stats, stats_vocab

    stats_vocab.normalise.cache_clear()
    stats_vocab.value_of.cache_clear()
    cpu = time.process_time()
    for text, year in TEXTS:
        stats.extract(text, year)
    each = (time.process_time() - cpu) / max(len(TEXTS), 1) * 1000
    return (f"reading the statistics: {each:.1f} ms of CPU a document (cold caches), of "
            f"{seconds / max(len(TEXTS), 1) * 1000:.1f} ms a document to clean and read it")


def main() -> None:
    truth = yaml.safe_load((FIXTURES / "stats_truth.yaml").read_text(encoding="utf-8"))["documents"]
    started = time.perf_counter()
    scored, skipped = [], []
    for doc in truth:
        path = _source(doc)
        if path is None:
            skipped.append(doc["name"])
            continue
        scored.append((doc, _score(doc, path)))
    seconds = time.perf_counter() - started
    print(_cost(seconds))
    print(f"{len(scored)} documents with hand-checked cells ({len(skipped)} skipped: {skipped or 'none'}), "
          f"{seconds:.2f}s\n")
    print("| group            | docs | cells | exact | accuracy | tables found     |")
    print("|------------------|------|-------|-------|----------|------------------|")
    print(_row("all", scored))
    for key in ("format", "shape"):
        groups: dict[str, list] = defaultdict(list)
        for doc, score in scored:
            groups[str(doc[key])].append((doc, score))
        for name in sorted(groups):
            print(_row(f"{key}={name}", groups[name]))
    print("\nper document (cells read, truth cells exact, stats flags):")
    for doc, score in scored:
        print(f"  {doc['name']:<46} read {score['read']:>3}  exact {score['exact']:>2}/{score['cells']:<2} "
              f"{' '.join(score['flags'])}")
        for miss in score["misses"]:
            print(f"      MISS {miss}")


if __name__ == "__main__":
    main()
