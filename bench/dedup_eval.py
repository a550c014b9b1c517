"""Measures near-duplicate detection (archive/dedup.py): precision and recall per threshold.

Run by hand:  .venv/bin/python bench/dedup_eval.py
Pairs are built from the cleaned fixture reports. Duplicates (should merge): a mirror copy with
(略) redactions, digits masked by "*", other chrome and leftover spam, traditional characters,
or truncated. Not duplicates (must stay apart): the same agency's next year (year, numbers and
part of the prose changed), a template sibling (another agency of the same county and year with
other numbers and half its prose its own), and other counties' reports. Prints, per threshold,
precision and recall of MinHash alone and of MinHash plus the guards.
"""

from __future__ import annotations

import csv
import itertools
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import dedup  # noqa: E402
from parsers.clean import CleanOptions, clean  # noqa: E402
from tests.conftest import expectations, fixture_bytes  # noqa: E402

RNG = random.Random(7)


def _reports():
    out = []
    for name, expect in expectations():
        if not name.endswith(".html"):
            continue
        report = clean(fixture_bytes(name), CleanOptions(url=expect.get("url")))
        if len(report.text) >= 1500 and report.year and "not_a_report" not in report.flags:
            out.append(report)
    return out


def _traditional():
    with (ROOT / "parsers" / "data" / "traditional.tsv").open(encoding="utf-8") as handle:
        return {row["simplified"]: row["traditional"] for row in csv.DictReader(handle, delimiter="\t")}


def _mirror(text: str, how: str, to_trad: dict[str, str]) -> str:
    lines = text.split("\n")
    if how == "redacted":
        def redact(m: re.Match[str]) -> str:
            return m.group(1) + (" (略) " if RNG.random() < 0.08 else m.group(2))

        return "\n".join(re.sub(r"(.{6})(.{4})", redact, line) for line in lines)
    if how == "masked":
        return re.sub(r"\d", lambda m: "*" if RNG.random() < 0.3 else m.group(), text)
    if how == "chrome":
        return "发送至邮箱\n内容\n" + text + "\n查看详情》\n相关推荐\n招投标大数据\n皇冠体育平台"
    if how == "traditional":
        return "".join(to_trad.get(ch, ch) for ch in text)
    return "\n".join(lines[: int(len(lines) * 0.7)])  # truncated


def _perturb_numbers(text: str) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group()) + RNG.randint(1, 9)) if RNG.random() < 0.5 else m.group(), text)


def _swap_prose(text: str, donors: list[str], share: float) -> str:
    prose = [line for d in donors for line in d.split("\n") if "\t" not in line and len(line) > 30]
    return "\n".join(RNG.choice(prose) if "\t" not in line and len(line) > 30 and RNG.random() < share else line
                     for line in text.split("\n"))


def pairs():
    reports = _reports()
    to_trad = _traditional()
    out = []  # (text_a, key_a, text_b, key_b, is_duplicate, kind)
    for r in reports:
        base = dedup.key(r.year, r.region_code, r.agency, r.text)
        for how in ("redacted", "masked", "chrome", "traditional", "truncated"):
            text = _mirror(r.text, how, to_trad)
            out.append((r.text, base, text, dedup.key(r.year, None, r.agency, text), True, how))
        donors = [o.text for o in reports if o is not r]
        next_year = _swap_prose(_perturb_numbers(r.text.replace(str(r.year), str(r.year + 1))), donors, 0.3)
        out.append((r.text, base, next_year, dedup.key(r.year + 1, r.region_code, r.agency, next_year), False,
                    "next_year"))
        sibling = _swap_prose(_perturb_numbers(r.text), donors, 0.5)
        out.append((r.text, base, sibling, dedup.key(r.year, r.region_code, (r.agency or "") + "卫生健康局", sibling),
                    False, "template_sibling"))
        sibling_unsigned = dedup.key(r.year, None, None, sibling)  # a mirror of the sibling that names nobody
        out.append((r.text, base, sibling, sibling_unsigned, False, "sibling_mirror"))
    for a, b in itertools.pairwise(reports):
        out.append((a.text, dedup.key(a.year, a.region_code, a.agency, a.text), b.text,
                    dedup.key(b.year, b.region_code, b.agency, b.text), False, "other_report"))
    return out


def main() -> None:
    rows = [(dedup.signature(a).jaccard(dedup.signature(b)), dedup.compatible(ka, kb), dup, kind)
            for a, ka, b, kb, dup, kind in pairs()]
    positives = sum(1 for r in rows if r[2])
    print(f"{len(rows)} pairs, {positives} duplicates")
    print("threshold  minhash-only P/R   with guards P/R")
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        for guarded in (False, True):
            predicted = [(j >= t and (ok or not guarded), dup) for j, ok, dup, _ in rows]
            tp = sum(1 for p, d in predicted if p and d)
            fp = sum(1 for p, d in predicted if p and not d)
            fn = sum(1 for p, d in predicted if not p and d)
            precision = tp / (tp + fp) if tp + fp else 1.0
            recall = tp / (tp + fn) if tp + fn else 1.0
            if not guarded:
                line = f"{t:9.1f}  {precision:6.3f} / {recall:5.3f}"
            else:
                print(f"{line}     {precision:6.3f} / {recall:5.3f}")
    worst = {}
    for j, _ok, _dup, kind in rows:
        worst.setdefault(kind, []).append(j)
    for kind, values in worst.items():
        print(f"{kind:<18} jaccard min {min(values):.2f} max {max(values):.2f}")


if __name__ == "__main__":
    main()
