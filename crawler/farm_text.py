"""Report texts of generated farm sites: a plausible 年报 (annual report) in the 2008 or the 2019/2021
national format, as blocks seeded by agency and year (the phrasing is data in ``crawler/demo/_skins/report.yaml``),
and those blocks as HTML, as a mirror's damaged copy, as a DOCX and as a PDF with a Chinese text layer.
"""

from __future__ import annotations

import datetime as dt
import random
import re

from crawler.farm_site import fill, texts

Cell = tuple[str, int, int]  # text, rowspan, colspan


def report_blocks(agency: str, place: str, year: int, signed: dt.date) -> list[tuple]:
    """A plausible 年报 (annual report) as blocks ("p"|"h"|"sign", text) and ("table", rows of cells).

    Seeded by agency and year only, so a mirror regenerating the same report gets the same text."""
    rng = random.Random(f"{agency}|{year}")
    data = texts("report")
    county_level = agency.startswith(place) and agency.endswith(("人民政府", "人民政府办公室"))
    scale = 1.0 if county_level else 0.08
    numbers = {k: max(0, int(rng.randint(lo, hi) * (scale if big else 1))) for k, (lo, hi, big) in {
        "active": (3000, 30000, True), "web": (2000, 20000, True), "other": (200, 4000, True),
        "org": (50, 400, True), "policy": (20, 300, True), "plan": (5, 60, True), "biz": (500, 9000, True),
        "visits": (50, 3000, True), "paper": (100, 2000, True), "staff": (1, 5, False),
        "meetings": (2, 8, False), "trainings": (1, 6, False), "trainees": (40, 300, False),
        "readings": (5, 90, True), "carried": (0, 3, False), "cleaned": (3, 60, True), "columns": (20, 40, False),
        "checks": (2, 12, False), "issues": (3, 80, False), "review": (0, 3, False), "suits": (0, 2, False)}.items()}
    apps = [rng.randint(0, int(40 * scale) + 2)] + [rng.randint(0, int(6 * scale) + 1) for _ in range(5)]
    numbers.update(apps=sum(apps), apps_face=apps[0] // 2, apps_net=sum(apps) - apps[0] // 2 - apps[0] // 4,
                   apps_mail=apps[0] // 4, granted=sum(apps) - sum(apps) // 3, partly=sum(apps) // 6,
                   absent=sum(apps) // 3 - sum(apps) // 6)
    unit = place if county_level else agency
    values = {"agency": agency, "place": place, "unit": unit, "year": year, "next_year": year + 1, **numbers}

    def pick(alternatives: list[str]) -> str:
        return fill(rng.choice(alternatives), values)

    blocks: list[tuple] = []
    if year < 2019:
        old = data["old"]
        blocks.append(("p", pick(old["opening"])))
        for part in old["parts"]:
            blocks += [("h", part["h"]), ("p", pick(part["p"]))] + ([("p", pick(part["p2"]))] if "p2" in part else [])
    else:
        new = data["new"]
        blocks.append(("p", pick(new["opening"])))
        blocks += [("h", b["h"]) if "h" in b else ("p", pick(b["p"])) for b in new["overview"]]
        blocks += [("h", new["active_heading"]), ("table", _active_table(new, rng, scale)),
                   ("h", new["apply_heading"]), ("table", _apply_table(new, apps, numbers["carried"], rng)),
                   ("h", new["review_heading"]), ("table", _review_table(new, numbers))]
        blocks += [("h", b["h"]) if "h" in b else ("p", pick(b["p"])) for b in new["closing"]]
    return [*blocks, ("sign", agency), ("sign", f"{signed.year}年{signed.month}月{signed.day}日")]


def _active_table(new: dict, rng: random.Random, scale: float) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[(new["title_20"], 1, 4)]]
    for group in new["active_rows"]:
        head = group["header"]
        rows.append([(h, 1, 1) for h in head] if head[2] else [(head[0], 1, 1), (head[1], 1, 3)])
        for label in group["rows"]:
            if head[2]:
                rows.append([(label, 1, 1)] + [(str(int(rng.randint(0, 30) * max(scale, 0.2))), 1, 1)
                                               for _ in range(3)])
            else:
                rows.append([(label, 1, 1), (str(int(rng.randint(0, 900) * scale)), 1, 3)])
    return rows


def _apply_table(new: dict, apps: list[int], carried: int, rng: random.Random) -> list[list[Cell]]:
    head = new["apply_head"]
    rows: list[list[Cell]] = [[(head[0], 3, 3), (head[1], 1, 7)],
                              [(head[2][0], 2, 1), (head[2][1], 1, 5), (head[2][2], 2, 1)],
                              [(h, 1, 1) for h in head[3]]]
    labels = new["apply_rows"]
    results = [i for i, lab in enumerate(labels) if len(lab) > 1 and lab[-1] != labels[-2][-1]]
    counts = {i: [0] * 6 for i in range(len(labels))}
    counts[0] = list(apps)
    counts[1][0] = carried  # 上年结转: carried over from last year, all from natural persons
    for column, n in enumerate(apps):
        n += counts[1][column]
        for _ in range(n):
            counts[rng.choice(results[:1] * 4 + results)][column] += 1
    counts[len(labels) - 2] = [sum(counts[i][c] for i in results) for c in range(6)]  # （七）总计
    for i, label in enumerate(labels):
        cells: list[Cell] = []
        if len(label) == 1:
            cells.append((label[0], 1, 3))
        else:
            if i == 0 or labels[i - 1][0] != label[0]:
                cells.append((label[0], sum(1 for x in labels if x[0] == label[0] and len(x) > 1), 1))
            if len(label) == 2:
                cells.append((label[1], 1, 2))
            else:
                if labels[i - 1][:2] != label[:2]:
                    cells.append((label[1], sum(1 for x in labels if x[:2] == label[:2]), 1))
                cells.append((label[2], 1, 1))
        values = counts[i]
        rows.append(cells + [(str(v), 1, 1) for v in [*values, sum(values)]])
    return rows


def _review_table(new: dict, numbers: dict) -> list[list[Cell]]:
    head = new["review_head"]
    review, suits = numbers["review"], numbers["suits"]
    rows: list[list[Cell]] = [[(head[0][0], 1, 5), (head[0][1], 1, 10)],
                              [(h, 2, 1) for h in head[2]] + [(head[1][0], 1, 5), (head[1][1], 1, 5)],
                              [(h, 1, 1) for h in head[2]] * 2]
    values = [review, 0, 0, 0, review, suits, 0, 0, 0, suits, 0, 0, 0, 0, 0]
    rows.append([(str(v), 1, 1) for v in values])
    return rows


def blocks_html(blocks: list[tuple]) -> str:
    out = []
    for kind, value in blocks:
        if kind == "table":
            rows = "\n".join("<tr>" + "".join(_td(*cell) for cell in row) + "</tr>" for row in value)
            out.append('<table border="1" cellspacing="0" cellpadding="0" width="100%" '
                       f'style="border-collapse:collapse">\n<tbody>\n{rows}\n</tbody>\n</table>')
        elif kind == "h":
            out.append(f'<p style="text-indent:2em"><strong>{value}</strong></p>')
        elif kind == "sign":
            out.append(f'<p style="text-align:right">{value}</p>')
        else:
            out.append(f'<p style="text-indent:2em">{value}</p>')
    return "\n".join(out)


def _td(text: str, rowspan: int, colspan: int) -> str:
    spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{spans}><p>{text}</p></td>"


def redact(blocks: list[tuple], rng: random.Random) -> list[tuple]:
    """A mirror's damage: one paragraph's last sentence becomes （略）, some digits become "*"."""
    mark = texts("report")["redacted"]
    out = list(blocks)
    paragraphs = [i for i, (k, v) in enumerate(out) if k == "p" and v.count("。") >= 2]
    if paragraphs:
        i = paragraphs[-1]
        sentences = out[i][1].rstrip("。").split("。")
        out[i] = ("p", "。".join(sentences[:-1]) + "。" + mark)
    for i, (kind, value) in enumerate(out):
        if kind == "p" and re.search(r"\d{3,}", value):
            out[i] = ("p", re.sub(r"(\d)\d(\d)", r"\1*\2", value, count=1))
            break
    tables = [i for i, (k, _) in enumerate(out) if k == "table"]
    if tables:
        i = rng.choice(tables)
        rows = [list(r) for r in out[i][1]]
        numeric = [(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if cell[0].isdigit()]
        for r, c in rng.sample(numeric, min(2, len(numeric))):
            text, rs, cs = rows[r][c]
            rows[r][c] = ("*" * len(text), rs, cs)
        out[i] = ("table", rows)
    return out


def _spans(rows: list[list[Cell]]) -> list[tuple[int, int, int, int]]:
    """Where each cell sits: (row, column, rowspan, colspan), skipping slots that spans above cover."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c = 0
        for _text, rs, cs in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, rs, cs))
            taken.update((r + dr, c + dc) for dr in range(rs) for dc in range(cs))
            c += cs
    return out


def grid(rows: list[list[Cell]]) -> list[list[str]]:
    """Rows with spans laid out as a full grid, a merged cell's text in every slot it covers."""
    placed: dict[tuple[int, int], str] = {}
    cells = [cell for row in rows for cell in row]
    for (r, c, rs, cs), (text, _, _) in zip(_spans(rows), cells, strict=True):
        placed.update({(r + dr, c + dc): text for dr in range(rs) for dc in range(cs)})
    width = max(c for _, c in placed) + 1
    return [[placed.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def docx_bytes(title: str, blocks: list[tuple]) -> bytes:
    """The report as a Word file (python-docx): paragraphs, and tables as full grids (a merged cell's text in
    each slot; the fixture DOCX files cover real merged cells, and merging here costs seconds per file)."""
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(title)
    for kind, value in blocks:
        if kind != "table":
            document.add_paragraph(value)
            continue
        full = grid(value)
        table = document.add_table(rows=len(full), cols=len(full[0]))
        table.style = "Table Grid"
        cells = table._cells  # one pass; table.cell(r, c) walks the whole table each time
        for r, row in enumerate(full):
            for c, text in enumerate(row):
                cells[r * len(row) + c].text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(title: str, blocks: list[tuple]) -> bytes:
    """The report as a PDF with a Chinese text layer, written by hand: the STSong-Light CID font with the
    UniGB-UCS2-H encoding (not embedded, as reportlab writes it), table rows as lines of cells."""
    lines: list[tuple[int, str]] = [(16, title)]
    for kind, value in blocks:
        texts_ = ["  ".join(cell for cell in row) for row in grid(value)] if kind == "table" else [value]
        for text in texts_:
            lines += [(11, text[i:i + 42]) for i in range(0, len(text), 42)] or [(11, "")]
    pages = [lines[i:i + 46] for i in range(0, len(lines), 46)]
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "",
               "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
               "/DescendantFonts [4 0 R] >>",
               "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
               "/Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 >>",
               "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
               "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"]
    kids = []
    for page in pages:
        y, ops = 800, []
        for size, text in page:
            ops.append(f"BT /F1 {size} Tf 1 0 0 1 56 {y} Tm <{text.encode('utf-16-be').hex()}> Tj ET")
            y -= size + 5
        stream = "\n".join(ops)
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >>"
                       f" >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
