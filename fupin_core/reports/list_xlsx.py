"""Any list (a polars frame) as an .xlsx that staff open in Excel or WPS: one header row, frozen,
columns as wide as their content, numbers as numbers, dates as dates.

Formula neutralising as for CSV (fupin_core.reports.csv): every text cell is written with
`write_string`, so nothing becomes a formula, and text that Excel/WPS would read as a formula when
the cell is edited (=, +, -, @, tab, CR first) gets the quotePrefix flag. Rows stream to disk
(xlsxwriter's constant_memory), so a province's million-row list does not sit in memory as cells;
beyond Excel's 1,048,576 rows a list continues on a second sheet.
"""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import xlsxwriter

from fupin_core.reports.csv import is_risky
from fupin_core.reports.xlsx import column_width

EXCEL_MAX_ROWS = 1_048_576
MAX_WIDTH = 60


def list_xlsx_bytes(frame: pl.DataFrame, sheet_name: str = "名单") -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    header = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True, "valign": "vcenter"})
    quoted = book.add_format({"quote_prefix": True})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    per_sheet = EXCEL_MAX_ROWS - 1
    widths = [
        min(MAX_WIDTH, max(column_width(pl.Series([name]), None), column_width(frame[name].head(2000), None)) + 2) for name in frame.columns
    ]
    kinds = [_kind(dtype) for dtype in frame.dtypes]
    for part, start in enumerate(range(0, max(frame.height, 1), per_sheet)):
        ws = book.add_worksheet(sheet_name if part == 0 else f"{sheet_name}{part + 1}")
        ws.freeze_panes(1, 0)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        for col, name in enumerate(frame.columns):
            ws.write_string(0, col, name, header)
        for r, values in enumerate(frame.slice(start, per_sheet).iter_rows(), start=1):
            for col, value in enumerate(values):
                if value is None:
                    continue
                kind = kinds[col]
                if kind == "number":
                    ws.write_number(r, col, value)
                elif kind == "date":
                    ws.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date)
                elif kind == "datetime":
                    ws.write_datetime(r, col, value, stamp)
                else:
                    text = str(value)
                    ws.write_string(r, col, text, quoted if is_risky(text) else None)
    book.close()
    return out.getvalue()


def _kind(dtype: pl.DataType) -> str:
    if dtype.is_numeric():
        return "number"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    return "text"
