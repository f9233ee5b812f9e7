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
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm, Pt

from fupin_core.metrics import summaries
from fupin_core.reports.docx import BODY_FONT, TABLE_FONT, TITLE_FONT, set_fonts
from fupin_core.scope import Scope
from fupin_core.security import privacy

TITLE = "收益明白卡"
# A card is laid out on a fixed grid so that it always fits one A4 page (Word, WPS and LibreOffice alike):
# every table row has an exact height, every paragraph an exact line height and spacing, and a text
# longer than its column is shortened with "…" instead of wrapping. PAGE_BUDGET_MM is what the
# heading, the household block, MAX_ROWS income rows, the totals and the signature line take
# (card_height_mm adds them up; a test checks it against the page read back from the document).
PAGE_WIDTH_MM, PAGE_HEIGHT_MM, MARGIN_MM = 210, 297, 20
ROW_MM = 8.0
TABLE_PT = 10.0
# Income table columns (mm, adding up to the text width 170): 序号, 项目, 产业, 联结方式, 金额(元).
COLUMNS_MM = (14, 62, 18, 46, 30)
INFO_COLUMNS_MM = (24, 61, 24, 61)
HEADING_PT, HEADING_LINE_PT, HEADING_AFTER_PT = 20, 30, 8
GAP_LINE_PT = 10  # between the household block and the income table
NOTE_PT, NOTE_LINE_PT, NOTE_BEFORE_PT = 10, 15, 4
SIGN_PT, SIGN_LINE_PT, SIGN_BEFORE_PT = 12, 18, 24
# At most this many income rows: a household with more linkages than that (rare: one or two projects
# is the norm) gets its smallest ones summed in a last row "其他N项（明细见利益联结台账）".
MAX_ROWS = 18
_PT_MM = 25.4 / 72
CELL_PADDING_MM = 6.0  # left and right cell margins as Word and LibreOffice draw them, and room for wider fallback fonts


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


def _fits(text: str, width_mm: float, size_pt: float = TABLE_PT) -> str:
    """`text` as it fits one line of a column (Han characters a full em, others about half), else
    shortened with "…": an exact row height would clip a second line."""
    room = (width_mm - CELL_PADDING_MM) / (size_pt * _PT_MM)  # in ems
    ems = [1.0 if ord(ch) >= 0x2E80 else 0.6 for ch in text]
    if sum(ems) <= room:
        return text
    used, keep = 1.0, 0  # the "…" takes a full em
    while used + ems[keep] <= room:
        used += ems[keep]
        keep += 1
    return text[:keep] + "…"


def _text(paragraph, text: str, font: str = BODY_FONT, size: float = 12, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    set_fonts(run._element, font)


def _spaced(paragraph, line_pt: float, before_pt: float = 0, after_pt: float = 0) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line_pt)
    fmt.space_before, fmt.space_after = Pt(before_pt), Pt(after_pt)


def _cell(cell, text: str, width_mm: float, *, bold: bool = False, right: bool = False) -> None:
    cell.text = ""
    cell.width = Mm(width_mm)
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
    _spaced(p, TABLE_PT * 1.2)
    _text(p, _fits(text, width_mm), TABLE_FONT, TABLE_PT, bold)


def _grid(doc, rows: int, widths: tuple[float, ...]):
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    return table


def _exact(row) -> None:
    row.height = Mm(ROW_MM)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY


def card_rows(card: dict) -> list[tuple[str, str, str, float]]:
    """The income rows a card shows: all of them, or MAX_ROWS - 1 and one summing the rest."""
    rows = card["rows"]
    if len(rows) <= MAX_ROWS:
        return rows
    rest = rows[MAX_ROWS - 1 :]
    return [*rows[: MAX_ROWS - 1], (f"其他{len(rest)}项（明细见利益联结台账）", "", "", sum(r[3] for r in rest))]


def card_height_mm(income_rows: int) -> float:
    """The height of a card with `income_rows` rows: exact rows and exact lines, no guessing."""
    lines = (HEADING_LINE_PT + HEADING_AFTER_PT) + GAP_LINE_PT + (NOTE_BEFORE_PT + 2 * NOTE_LINE_PT) + (SIGN_BEFORE_PT + SIGN_LINE_PT)
    return lines * _PT_MM + (3 + 1 + income_rows + 2) * ROW_MM  # household block, header, rows, 合计 and 人均


def _card(doc, card: dict, *, new_page: bool) -> None:
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.page_break_before = new_page  # no empty paragraph that could spill onto a page of its own
    _spaced(heading, HEADING_LINE_PT, after_pt=HEADING_AFTER_PT)
    _text(heading, f"{card['year']}年度产业扶贫{TITLE}", TITLE_FONT, HEADING_PT)
    info = _grid(doc, 3, INFO_COLUMNS_MM)
    for r, pairs in enumerate(
        (
            (("镇办", card["township"]), ("村", card["village"])),
            (("户主姓名", card["head_name"]), ("户编号", card["household_id"])),
            (("身份证号", card["id_masked"] or ""), ("家庭人口", f"{card['family_size']}人")),
        )
    ):
        _exact(info.rows[r])
        for c, (label, value) in enumerate(pairs):
            _cell(info.cell(r, 2 * c), label, INFO_COLUMNS_MM[2 * c], bold=True)
            _cell(info.cell(r, 2 * c + 1), str(value), INFO_COLUMNS_MM[2 * c + 1])
    _spaced(doc.add_paragraph(), GAP_LINE_PT)
    table = _grid(doc, 1, COLUMNS_MM)
    _exact(table.rows[0])
    for c, label in enumerate(("序号", "项目", "产业", "联结方式", "金额(元)")):
        _cell(table.rows[0].cells[c], label, COLUMNS_MM[c], bold=True)
    for n, (project, industry, mechanism, amount) in enumerate(card_rows(card), start=1):
        row = table.add_row()
        _exact(row)
        for c, value in enumerate((str(n), project, industry, mechanism)):
            _cell(row.cells[c], value, COLUMNS_MM[c])
        _cell(row.cells[4], _yuan(amount), COLUMNS_MM[4], right=True)
    for label, value in (("合计", _yuan(card["total"])), ("人均", _yuan(card["per_person"]))):
        row = table.add_row()
        _exact(row)
        merged = row.cells[0].merge(row.cells[3])
        text = f"{label}（元）" + ("" if label == "合计" else f"：合计 ÷ 家庭人口{card['family_size']}人")
        _cell(merged, text, sum(COLUMNS_MM[:4]), bold=True)
        _cell(row.cells[4], value, COLUMNS_MM[4], bold=True, right=True)
    note = doc.add_paragraph()
    _spaced(note, NOTE_LINE_PT, before_pt=NOTE_BEFORE_PT)
    _text(note, "以上为本户本年度从产业扶贫项目获得的收益（利益联结台账），如有异议请在公示期内向村委会反映。", size=NOTE_PT)
    sign = doc.add_paragraph()
    _spaced(sign, SIGN_LINE_PT, before_pt=SIGN_BEFORE_PT)
    _text(sign, "村委会（盖章）：                    户主签字：                    日期：", size=SIGN_PT)


def cards_docx(cards: list[dict]) -> bytes:
    """One A4 portrait page per card; each card after the first starts a new page."""
    doc = docx.Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin = section.bottom_margin = Mm(MARGIN_MM)
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    for i, card in enumerate(cards):
        _card(doc, card, new_page=i > 0)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def villages_with_cards(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Villages in scope with households that received linkage income in the year (村代码, 村, 镇办, 户数)."""
    source = summaries.relation_of_year(con, scope.year)
    if source is not None:  # 带动增收户 per village, counted once per data version
        relation, source_params = source
        cond, params = scope.where("s.township_code", "s.village_code")
        return con.execute(
            f"""
            SELECT s.village_code AS 村代码, v.village_name AS 村, t.township_name AS 镇办, CAST(s.earned AS BIGINT) AS "户数(户)"
            FROM {relation} AS s
            JOIN villages AS v ON v.village_code = s.village_code
            LEFT JOIN townships AS t ON t.township_code = s.township_code
            WHERE s.earned > 0 {cond}
            ORDER BY s.township_code, s.village_code
            """,
            [*source_params, *params],
        ).pl()
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
