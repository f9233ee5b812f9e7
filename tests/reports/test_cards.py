"""收益明白卡: a page per household with every linkage of the year, total, per person, 村, 镇办 and a
masked ID number; `fupin export cards` and `fupin export assets` from the command line."""

from __future__ import annotations

import io

import docx
import duckdb
import polars as pl
import pytest
from docx.shared import Mm

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


def test_village_document_has_a_page_per_household(tiny_con):
    document = docx.Document(io.BytesIO(cards.cards_docx(cards.household_cards(tiny_con, 2017, village=V1))))
    section = document.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.count("2017年度产业扶贫收益明白卡") == 2
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "611002********0011" in cells and "611002195001010011" not in text + "".join(cells)
    assert "500.00" in cells and "166.67" in cells  # H1: total, per person (3 people)
    breaks = sum(1 for p in document.paragraphs for r in p.runs if 'w:br w:type="page"' in r._r.xml)
    assert breaks == 1


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
