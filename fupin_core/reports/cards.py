"""收益明白卡: for a household and year, one printable A4 page listing every project, mechanism and
amount it received (its linkages with income), the total and the per-person figure, with its 村 and
镇办; a whole village's cards as one document, a page per household. ID numbers are masked.
"""

from __future__ import annotations

import io

import docx
import duckdb
import polars as pl
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Mm, Pt

from fupin_core.reports.docx import BODY_FONT, TABLE_FONT, TITLE_FONT, set_fonts
from fupin_core.scope import Scope
from fupin_core.security import privacy

TITLE = "收益明白卡"
# One A4 page holds the heading, the household block and about 18 rows of income: a household with
# more linkages than that (rare: one or two projects is the norm) gets its remaining rows merged.
MAX_ROWS = 18


def household_cards(con: duckdb.DuckDBPyConnection, year: int, *, village: str | None = None, household: str | None = None) -> list[dict]:
    """The cards' contents: households (of `village`, or the one `household`) with linkage income in
    `year`, each with its rows (project, industry, mechanism, amount), total and per-person income."""
    where, params = ("h.village_code = ?", [village]) if village else ("h.household_id = ?", [household])
    rows = con.execute(
        f"""
        SELECT h.household_id, h.head_name, h.head_id_number, h.family_size, v.village_name, t.township_name,
               p.project_name, p.industry, l.mechanism, l.sub_type, CAST(l.income_yuan AS DOUBLE) AS income
        FROM linkages AS l
        JOIN households AS h ON h.household_id = l.household_id
        JOIN projects AS p ON p.project_id = l.project_id
        LEFT JOIN villages AS v ON v.village_code = h.village_code
        LEFT JOIN townships AS t ON t.township_code = v.township_code
        WHERE l.year = ? AND l.income_yuan > 0 AND {where}
        ORDER BY h.household_id, l.income_yuan DESC, p.project_name, l.mechanism
        """,
        [int(year), *params],
    ).pl()
    cards = []
    for (hid,), part in rows.group_by("household_id", maintain_order=True):
        first = part.row(0, named=True)
        total = float(part["income"].sum())
        cards.append(
            {
                "household_id": hid,
                "head_name": first["head_name"],
                "id_masked": privacy.mask_id_number(first["head_id_number"]),
                "family_size": int(first["family_size"]),
                "village": first["village_name"] or "",
                "township": first["township_name"] or "",
                "year": int(year),
                "rows": [
                    (r["project_name"], r["industry"], r["mechanism"] + (f"（{r['sub_type']}）" if r["sub_type"] else ""), r["income"])
                    for r in part.iter_rows(named=True)
                ],
                "total": total,
                "per_person": total / int(first["family_size"]),
            }
        )
    return cards


def _yuan(value: float) -> str:
    return f"{value:,.2f}"


def _text(paragraph, text: str, font: str = BODY_FONT, size: float = 12, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    set_fonts(run._element, font)


def _cell(cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
    _text(p, text, TABLE_FONT, 10.5, bold)


def _card(doc, card: dict) -> None:
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(heading, f"{card['year']}年度产业扶贫{TITLE}", TITLE_FONT, 20)
    info = doc.add_table(rows=3, cols=4)
    info.style = "Table Grid"
    info.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, pairs in enumerate(
        (
            (("镇办", card["township"]), ("村", card["village"])),
            (("户主姓名", card["head_name"]), ("户编号", card["household_id"])),
            (("身份证号", card["id_masked"] or ""), ("家庭人口", f"{card['family_size']}人")),
        )
    ):
        for c, (label, value) in enumerate(pairs):
            _cell(info.cell(r, 2 * c), label, bold=True)
            _cell(info.cell(r, 2 * c + 1), str(value))
    doc.add_paragraph()
    rows = card["rows"]
    if len(rows) > MAX_ROWS:
        rest = rows[MAX_ROWS - 1 :]
        rows = [*rows[: MAX_ROWS - 1], (f"其他{len(rest)}项", "", "", sum(r[3] for r in rest))]
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, label in enumerate(("序号", "项目", "产业", "联结方式", "金额(元)")):
        _cell(table.rows[0].cells[c], label, bold=True)
    for n, (project, industry, mechanism, amount) in enumerate(rows, start=1):
        cells = table.add_row().cells
        for c, value in enumerate((str(n), project, industry, mechanism)):
            _cell(cells[c], value)
        _cell(cells[4], _yuan(amount), right=True)
    for label, value in (("合计", _yuan(card["total"])), ("人均", _yuan(card["per_person"]))):
        cells = table.add_row().cells
        merged = cells[0].merge(cells[3])
        _cell(merged, f"{label}（元）" + ("" if label == "合计" else f"：合计 ÷ 家庭人口{card['family_size']}人"), bold=True)
        _cell(cells[4], value, bold=True, right=True)
    note = doc.add_paragraph()
    _text(note, "以上为本户本年度从产业扶贫项目获得的收益（利益联结台账），如有异议请在公示期内向村委会反映。", size=10.5)
    sign = doc.add_paragraph()
    sign.paragraph_format.space_before = Pt(24)
    _text(sign, "村委会（盖章）：                    户主签字：                    日期：", size=12)


def cards_docx(cards: list[dict]) -> bytes:
    """One A4 portrait page per card."""
    doc = docx.Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(20)
    for i, card in enumerate(cards):
        if i:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _card(doc, card)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def villages_with_cards(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Villages in scope with households that received linkage income in the year (村代码, 村, 镇办, 户数)."""
    cond, params = scope.where("v.township_code", "v.village_code")
    return con.execute(
        f"""
        SELECT v.village_code AS 村代码, v.village_name AS 村, t.township_name AS 镇办, count(DISTINCT h.household_id) AS "户数(户)"
        FROM linkages AS l
        JOIN households AS h ON h.household_id = l.household_id
        JOIN villages AS v ON v.village_code = h.village_code
        LEFT JOIN townships AS t ON t.township_code = v.township_code
        WHERE l.year = ? AND l.income_yuan > 0 {cond}
        GROUP BY v.township_code, v.village_code, v.village_name, t.township_name
        ORDER BY v.township_code, v.village_code
        """,
        [scope.year, *params],
    ).pl()


def village_name(con: duckdb.DuckDBPyConnection, village: str) -> str | None:
    row = con.execute(
        "SELECT coalesce(t.township_name, '') || v.village_name FROM villages AS v "
        "LEFT JOIN townships AS t ON t.township_code = v.township_code WHERE v.village_code = ?",
        [village],
    ).fetchone()
    return row[0] if row else None


def card_list(cards: list[dict]) -> pl.DataFrame:
    """A preview table of the cards (户主, 户编号, 项数, 合计, 人均), ID numbers masked."""
    return pl.DataFrame(
        {
            "户主姓名": [c["head_name"] for c in cards],
            "户编号": [c["household_id"] for c in cards],
            "收益项数(项)": [len(c["rows"]) for c in cards],
            "合计(元)": [c["total"] for c in cards],
            "人均(元)": [round(c["per_person"], 2) for c in cards],
        },
        schema={"户主姓名": pl.String, "户编号": pl.String, "收益项数(项)": pl.Int64, "合计(元)": pl.Float64, "人均(元)": pl.Float64},
    )
