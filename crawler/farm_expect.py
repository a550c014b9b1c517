"""Ground truth of generated farm sites (``expect.yaml``): what a correct crawl stores, merges, skips and never
fetches, derived from the ``site:`` block. Keys are documented in ``tests/farm/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from crawler.farm_site import Site, load_yaml

EXPECT_HEADER = """\
# Ground truth of this portal, written by `python -m crawler.farm_gen expect` from portal.yaml's site block
# (format: tests/farm/README.md). reports: what a correct crawl stores, each exactly once; mirror_of: copies
# that must merge into the official report; not_reports: pages that must never become reports (status: when
# not 200); never_fetched: robots.txt-disallowed paths; blocked: every path answers a WAF challenge, and
# behind_waf lists what it hides (each path answers the challenge's status).
"""


def expectations(directory: Path, meta: dict) -> dict:
    """What a correct crawl of a generated site stores, merges, skips and never fetches."""
    site = Site(directory, meta)
    disallowed = [line.split(":", 1)[1].strip() for line in site.robots().splitlines()
                  if line.lower().startswith("disallow:") and line.split(":", 1)[1].strip()]
    reports, mirrors, others, never, hidden = [], [], [], [], []
    for entry in site.entries:
        if entry.kind == "link":
            continue
        paths = [p for p in (entry.link, entry.path) if p] + ([entry.attachment] if entry.attachment and
                                                              not entry.host else [])
        if any(p.startswith(d) for p in paths for d in disallowed):
            never += [p for p in dict.fromkeys(paths) if any(p.startswith(d) for d in disallowed)]
            continue
        if meta.get("waf"):  # reports or not, nothing behind the challenge can be read
            hidden.append({"path": entry.link, "title": entry.title, "status": meta["waf"]})
            continue
        status = entry.raw.get("expect_status")
        if entry.kind == "other" or status:
            item = {"path": entry.link, "title": entry.title}
            if status:
                item["status"] = status
            others.append(item)
            continue
        item = {"path": entry.attachment or entry.path, "title_contains": entry.title, "year": entry.year}
        if entry.attachment:
            item["page"] = entry.path
            if entry.host:
                item["host"] = entry.host
        if entry.link != entry.path:
            item["via"] = entry.link
        if entry.raw.get("fail_first"):
            item["fails_first"] = entry.raw["fail_first"]  # answers 500 that many times: a crawler must retry
        if entry.kind == "mirror":
            official = site.official(entry.raw["mirror_of"])
            item["of"] = {"portal": entry.raw["mirror_of"]["portal"], "path": official.attachment or official.path}
            mirrors.append(item)
        else:
            reports.append(item)
    truth: dict = {"portal": meta["id"]}
    if meta.get("waf"):
        truth["blocked"] = True
    truth.update(reports=reports, mirror_of=mirrors, not_reports=others, never_fetched=never)
    if hidden:
        truth["behind_waf"] = hidden
    return truth


def write_expectations(roots: list[str]) -> list[Path]:
    """Rewrite expect.yaml of every portal that has a site block."""
    written = []
    for root in roots:
        for directory in sorted(p for p in Path(root).iterdir() if (p / "portal.yaml").is_file()):
            meta = load_yaml((directory / "portal.yaml").read_text(encoding="utf-8"))
            if not meta.get("site"):
                continue
            text = yaml.safe_dump(expectations(directory, meta), allow_unicode=True, sort_keys=False, width=200)
            (directory / "expect.yaml").write_text(EXPECT_HEADER + text, encoding="utf-8")
            written.append(directory / "expect.yaml")
    return written
