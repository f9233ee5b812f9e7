"""收益明白卡: a page per household with every linkage of the year, total, per person, 村, 镇办 and a
masked ID number; `fupin export cards` and `fupin export assets` from the command line."""

from __future__ import annotations

import io

import docx
import duckdb
import polars as pl
import pytest
from docx.shared import Mm, Pt

from fupin_core import cli
from fupin_core.reports import cards
from tests.tiny_data import V1, V2


def test_tiny_household_card(tiny_con):
    # 甲村 2017: H1 earns 500 (公益岗位 保洁员) and H2 100 (分红), both from P1; H3 (乙村) earned 0.
    found = cards.household_cards(tiny_con, 2017, village=V1)
    assert [c["household_id"] for c in found] == ["H1", "H2"]
    h1 = found[0]
    assert h1["rows"] == [("甲村村级光伏电站", "光伏", "公益岗位（保洁员）", 500.0)]
    assert (h1["total"], h1["per_person"], h1["village"], h1["township"]) == (500.0, 500 / 3, "甲村", "城关街道")
    assert h1["id_masked"] == "611002********0011"
    assert cards.household_cards(tiny_con, 2017, village=V2) == []
    assert cards.household_cards(tiny_con, 2016, household="H3")[0]["total"] == 3000.0


def _pages(document) -> list[list]:
    """The body's paragraphs and tables, split where a paragraph starts a new page."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    pages: list[list] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            block = Paragraph(element, document)
            if not pages or block.paragraph_format.page_break_before:
                pages.append([])
            pages[-1].append(block)
        elif tag == "tbl":
            pages[-1].append(Table(element, document))
    return pages


def _height_mm(blocks) -> float:
    """A page's height read back from the document: exact row heights and exact line heights (the
    note under the table counted as two lines), so nothing depends on a word processor's guess."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.enum.text import WD_LINE_SPACING
    from docx.table import Table

    total_pt = 0.0
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                assert row.height_rule == WD_ROW_HEIGHT_RULE.EXACTLY
                total_pt += row.height.pt
                for cell in row.cells:  # one line per cell: an exact row would clip a second one
                    assert cell.text == cards._fits(cell.text, cell.width / Mm(1)), cell.text
        else:
            fmt = block.paragraph_format
            assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
            lines = 2 if block.text.startswith("以上为本户") else 1
            assert lines == 1 or cards._fits(block.text, 2 * 170, cards.NOTE_PT) == block.text
            total_pt += lines * fmt.line_spacing.pt + (fmt.space_before or Pt(0)).pt + (fmt.space_after or Pt(0)).pt
    return total_pt * 25.4 / 72


def test_village_document_has_a_page_per_household(tiny_con):
    found = cards.household_cards(tiny_con, 2017, village=V1)
    document = docx.Document(io.BytesIO(cards.cards_docx(found)))
    section = document.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.count("2017年度产业扶贫收益明白卡") == 2
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "611002********0011" in cells and "611002195001010011" not in text + "".join(cells)
    assert "500.00" in cells and "166.67" in cells  # H1: total, per person (3 people)
    # One card per page, each after the first starting a new page, and no page-break paragraphs that
    # could end up on a page of their own.
    pages = _pages(document)
    assert len(pages) == len(found) == 2
    assert [p[0].text for p in pages] == ["2017年度产业扶贫收益明白卡"] * 2
    assert not any('w:type="page"' in r._r.xml for p in document.paragraphs for r in p.runs)


def test_a_card_fits_one_a4_page_even_with_many_linkages(tiny_con):
    """A household with 40 linkages and long project names: MAX_ROWS rows (the smallest summed in the
    last), names shortened to one line, and the page read back fits A4 less its margins."""
    card = cards.household_cards(tiny_con, 2017, village=V1)[0]
    rows = [
        (f"示例村第{i}号产业扶贫示范项目（名称很长很长很长的一个项目）", "食用菌", "公益岗位（生态护林员）", 1000.0 - i) for i in range(40)
    ]
    many = card | {"rows": rows, "total": sum(r[3] for r in rows)}
    shown = cards.card_rows(many)
    assert len(shown) == cards.MAX_ROWS and shown[-1][0] == "其他23项（明细见利益联结台账）"
    assert sum(r[3] for r in shown) == many["total"]
    document = docx.Document(io.BytesIO(cards.cards_docx([many, card])))
    section = document.sections[0]
    usable_mm = (section.page_height - section.top_margin - section.bottom_margin) / Mm(1)
    pages = _pages(document)
    assert len(pages) == 2
    income = [b for b in pages[0] if hasattr(b, "rows")][1]
    assert len(income.rows) == cards.MAX_ROWS + 3  # header, rows, 合计, 人均
    assert "…" in income.rows[1].cells[1].text  # the long name shortened, not wrapped
    for blocks in pages:
        assert _height_mm(blocks) <= usable_mm
    assert _height_mm(pages[0]) == pytest.approx(cards.card_height_mm(cards.MAX_ROWS), abs=1)  # twips rounding


def test_export_cards_and_assets_from_the_command_line(sample_db_path, tmp_path, capsys):
    con = duckdb.connect(str(sample_db_path), read_only=True)
    village = con.execute(
        "SELECT h.village_code FROM linkages l JOIN households h USING (household_id) WHERE l.year = 2017 AND l.income_yuan > 0 "
        "GROUP BY 1 ORDER BY count(DISTINCT h.household_id) LIMIT 1"
    ).fetchone()[0]
    households = len(cards.household_cards(con, 2017, village=village))
    con.close()
    db = tmp_path / "copy.duckdb"
    db.write_bytes(sample_db_path.read_bytes())
    assert cli.main(["export", "cards", "--db", str(db), "--year", "2017", "--village", village, "--out", str(tmp_path)]) == 0
    made = list(tmp_path.glob("*收益明白卡_2017_*.docx"))
    assert len(made) == 1 and f"{households}户" in capsys.readouterr().out
    assert "".join(p.text for p in docx.Document(str(made[0])).paragraphs).count("收益明白卡") == households
    assert cli.main(["export", "cards", "--db", str(db), "--year", "2017", "--village", "611002999999"]) == 2
    out = tmp_path / "assets.csv"
    assert (
        cli.main(["export", "assets", "--db", str(db), "--year", "2017", "--township", "611002101", "--format", "csv", "--out", str(out)])
        == 0
    )
    frame = pl.read_csv(io.BytesIO(out.read_bytes()[3:]))
    assert frame.height > 0 and set(frame["镇办"]) == {"夜村镇"}
    assert cli.main(["export", "assets", "--db", str(db), "--year", "2017", "--format", "xlsx", "--out", str(tmp_path)]) == 0
    assert list(tmp_path.glob("商州区扶贫资产台账_2017_*.xlsx"))


@pytest.mark.parametrize("year", [2017])
def test_cards_need_income(tiny_con, year):
    assert cards.card_list(cards.household_cards(tiny_con, year, village=V1))["合计(元)"].to_list() == [500.0, 100.0]
