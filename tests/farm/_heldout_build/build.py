"""Build the held-out farm: python build.py [portal ...] (run with /work/main/.venv/bin/python, cwd /work/main)."""
import importlib
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, "/work/main")
from common import ROOT  # noqa: E402
from crawler.farm_expect import EXPECT_HEADER, expectations  # noqa: E402
from crawler.farm_site import load_yaml  # noqa: E402

ALL = ["luotian", "jingbian", "xinhui", "lingwu", "liuyang", "tonglu", "wuyuan", "mengzi", "renshou", "zouping", "nbwk"]

for pid in (sys.argv[1:] or ALL):
    module = importlib.import_module(f"p_{pid}")
    portal = module.build()
    portal.write()
    meta = load_yaml((portal.dir / "portal.yaml").read_text(encoding="utf-8"))
    truth = expectations(portal.dir, meta) if meta.get("site") else {"portal": pid, "reports": [], "mirror_of": [],
                                                                      "not_reports": [], "never_fetched": []}
    if portal.expect_patch:
        portal.expect_patch(truth)
    (portal.dir / "expect.yaml").write_text(
        EXPECT_HEADER.replace("written by `python -m crawler.farm_gen expect` from portal.yaml's site block",
                              "written by the held-out build from portal.yaml's site block, then patched by hand")
        + yaml.safe_dump(truth, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    print(pid, len(truth["reports"]), "reports", len(truth["mirror_of"]), "mirror", len(truth["not_reports"]), "not")
