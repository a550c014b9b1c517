"""Builds parsers/data/traditional.tsv: traditional → simplified characters for the words the
cleaner matches (division names, agency suffixes, metadata labels, report-title words, spam,
the statistics tables' labels).

Mirrors republish reports converted to traditional characters (平遙縣人民政府辦公室); the cleaner
matches names on a simplified copy of the text (same length, one character for one) and returns
the page's own characters. Only characters of those words are listed, so the table stays small.

Needs zhconv (not a project dependency):  pip install zhconv==1.4.3
    python tools/build_traditional.py > parsers/data/traditional.tsv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import zhconv

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("人民政府办公室办公厅委员会管理委员会局厅委办中心院所站队会署处部公司街道办事处镇乡馆社领导小组"
         "政府信息公开工作年度报告年报政务来源发布时间发表日期日期浏览次数点击字体打印关闭窗口当前位置首页"
         "网站标识码主办承办协办版权所有相关附件链接推荐上一篇下一篇分享扫一扫地图联系我们"
         "自治区县市旗盟州区省")


def main() -> None:
    import yaml

    chars: set[str] = set(WORDS)
    with (ROOT / "parsers" / "data" / "regions.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            chars.update(row["name"])
    # the spam vocabulary too: a traditional-character mirror carries 澳門銀河娛樂官網
    spam = yaml.safe_load((ROOT / "parsers" / "data" / "spam.yaml").read_text(encoding="utf-8"))
    for text in [spam["run"]["suffixes"], spam["run"]["chained"],
                 *(e["pattern"] + e["example"] for e in spam["entries"])]:
        chars.update(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    # the statistics vocabulary: a mirror's table reads 屬於國家秘密, 複議後起訴, 總計
    stats = (ROOT / "parsers" / "data" / "stats.yaml").read_text(encoding="utf-8")
    chars.update(ch for ch in stats if "\u4e00" <= ch <= "\u9fff")
    pairs: dict[str, str] = {}
    for simplified in sorted(chars):
        for variant in ("zh-tw", "zh-hk", "zh-hant"):
            traditional = zhconv.convert(simplified, variant)
            if len(traditional) == 1 and traditional != simplified:
                pairs.setdefault(traditional, simplified)
    # and every other form zhconv folds into one of those characters: 復 and 複 are both 复, 係 and
    # 繫 both 系, and variants such as 査 or 麵 (a one-way conversion above gives only one of each)
    zhconv.zhconv.loaddict()
    for traditional, simplified in sorted(zhconv.zhconv.zhcdicts["zh2Hans"].items()):
        if len(traditional) == 1 and simplified in chars and traditional != simplified:
            pairs.setdefault(traditional, simplified)
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    out.writerow(["traditional", "simplified"])
    for traditional, simplified in sorted(pairs.items()):
        out.writerow([traditional, simplified])


if __name__ == "__main__":
    main()
