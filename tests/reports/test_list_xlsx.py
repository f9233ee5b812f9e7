"""Lists as .xlsx (issue 17): header, numbers and dates typed, formula-like text kept as text with
the quotePrefix flag (as the CSV path neutralises it), ID numbers masked for a non-administrator."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import polars as pl

from fupin_core.reports import list_xlsx
from fupin_core.security import access, privacy

ID = "611002198001010037"


def _read(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_a_list_as_xlsx_keeps_types_and_neutralises_formulas():
    frame = pl.DataFrame(
        {
            "户主姓名": ['=HYPERLINK("http://x","点")', "王某甲", "@SUM(A1)"],
            "户主身份证号": [ID, None, "-1+1"],
            "收益金额(元)": [1200.5, None, 3],
            "日期": [dt.date(2017, 12, 31), None, dt.date(2017, 1, 1)],
        }
    )
    ws = _read(list_xlsx.list_xlsx_bytes(frame))
    assert [c.value for c in ws[1]] == frame.columns
    assert ws.freeze_panes == "A2"
    assert ws["A2"].value == '=HYPERLINK("http://x","点")' and ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert ws["A4"].quotePrefix and ws["B4"].quotePrefix and not ws["A3"].quotePrefix
    assert ws["C2"].value == 1200.5 and ws["C3"].value is None
    assert ws["D2"].value == dt.datetime(2017, 12, 31) and ws["D2"].number_format == "yyyy-mm-dd"
    assert ws.max_row == 4


def test_id_numbers_are_masked_for_a_viewer():
    frame = pl.DataFrame({"户主身份证号": [ID], "户主姓名": ["王某甲"]})
    shown = access.present(access.Actor("look", "viewer"), frame)
    ws = _read(list_xlsx.list_xlsx_bytes(shown))
    assert ws["A2"].value == privacy.mask_id_number(ID) != ID


def test_an_empty_list_still_has_its_header():
    ws = _read(list_xlsx.list_xlsx_bytes(pl.DataFrame(schema={"户编号": pl.String})))
    assert [c.value for c in ws[1]] == ["户编号"] and ws.max_row == 1
