"""Templates from the catalog: headers, drop-downs for every enumeration, formats, frozen header, 说明."""

from __future__ import annotations

import io

import openpyxl
import pytest

from fupin_core.catalog import DATASETS, MAX_YEAR, MIN_YEAR, dataset
from fupin_core.ingest import read, templates


def _book(key: str):
    return openpyxl.load_workbook(io.BytesIO(templates.xlsx_template(key)))


@pytest.mark.parametrize("ds", DATASETS, ids=lambda d: d.key)
def test_xlsx_template_matches_the_catalog(ds):
    book = _book(ds.key)
    sheet = book.worksheets[0]
    assert sheet.title == ds.title and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == [c.header for c in ds.columns]
    assert book[templates.OPTIONS_SHEET].sheet_state == "hidden"
    validations = {next(iter(v.sqref.ranges)).min_col - 1: v for v in sheet.data_validations.dataValidation}
    options = book[templates.OPTIONS_SHEET]
    assert min(c.earliest_year for c in ds.columns) >= 1949 and MIN_YEAR == 2010  # 成立年度 reaches back further
    for index, col in enumerate(ds.columns):
        rule = validations[index]
        if col.enum:
            assert rule.type == "list"
            sheet_name, cells = rule.formula1.split("!")
            first, last = cells.replace("$", "").split(":")
            assert tuple(c.value for row in options[first:last] for c in row) == col.enum
        elif "year" in col.checks:
            assert (rule.type, rule.formula1, rule.formula2) == ("whole", str(col.earliest_year), str(MAX_YEAR))
        assert rule.promptTitle == col.header[:32]
    assert read.sheet_names(templates.xlsx_template(ds.key)) == [ds.title, "说明"]


def test_number_formats_keep_ids_and_periods_as_text():
    households = _book("households").worksheets[0]
    assert households.column_dimensions["C"].number_format == "@"  # 户主身份证号
    assert households.column_dimensions["E"].number_format == "0"  # 家庭人口
    pv = _book("pv_output").worksheets[0]
    assert pv.column_dimensions["B"].number_format == "@"  # 报告期: 2017-09 must not become a date
    assert pv.column_dimensions["C"].number_format == "#,##0.00"
    assert _book("dividends").worksheets[0].column_dimensions["E"].number_format == "yyyy-mm-dd"


def test_explanation_sheet_lists_every_column_and_rule():
    ds = dataset("projects")
    notes = _book("projects")["说明"]
    cells = [[c.value for c in row] for row in notes.iter_rows()]
    table = {row[0]: row for row in cells if row and row[0] in {c.header for c in ds.columns}}
    assert set(table) == {c.header for c in ds.columns}
    assert table["产业类别"][1:5] == ["是", "文本", None, "光伏、食用菌、菊芋、三变、其他"]
    assert "须为已有的经营主体的统一社会信用代码" in table["实施主体信用代码"][5]
    flat = "\n".join(str(v) for row in cells for v in row if v)
    assert all(rule in flat for rule in ds.rules)


def test_csv_template_opens_in_chinese_excel():
    content = templates.csv_template("linkages")
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").strip() == ",".join(c.header for c in dataset("linkages").columns)
    assert templates.file_name("linkages", "xlsx") == "利益联结_上报模板.xlsx"
