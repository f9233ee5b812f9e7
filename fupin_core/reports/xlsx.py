"""The 项目汇总表 workbook (xlsxwriter): a title row, Chinese headers with units, a 合计 row written as
values, thousands separators, frozen header, fitted widths, print setup for A4 landscape.

Every text cell goes through `write_string`, never `write`, so nothing is turned into a formula;
text that Excel/WPS would read as a formula on editing (=, +, -, @, tab, CR first) also gets the
cell's quotePrefix flag (the apostrophe Excel shows for "text that looks like a formula").
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from fupin_core.reports.csv import is_risky
from fupin_core.reports.tables import TOTAL_LABEL, Filled

MAX_DIGITS = 4
MONEY_UNITS = ("(元)", "(万元)")
MIN_WIDTH, MAX_WIDTH = 6, 60
TITLE_SCALE = 1.6  # the title's 16 pt against the cells' 10 pt


# East Asian Wide and Fullwidth characters (CJK, kana, hangul, full-width forms), one class that both
# Python's re and polars' regex engine read, so a column's width is computed without a Python loop.
WIDE_CHARS = "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
_WIDE = re.compile(WIDE_CHARS)


def display_width(text: str) -> int:
    """Columns a text takes in Excel's default font: CJK and full-width characters count double."""
    return len(text) + len(_WIDE.findall(text))


def column_width(values: pl.Series, fmt: str | None) -> int:
    """The widest cell of a column as shown (text, or numbers in their format)."""
    present = values.drop_nulls()
    if present.is_empty():
        return 0
    if fmt is None:
        text = present.cast(pl.String)
        return int((text.str.len_chars() + text.str.count_matches(WIDE_CHARS)).max())
    return max(display_width(_cell_text(v, fmt)) for v in (present.min(), present.max()))


def needed_digits(values: pl.Series) -> int:
    """Decimals a float column needs to show every value as stored (at most MAX_DIGITS)."""
    present = values.drop_nulls()
    for digits in range(MAX_DIGITS):
        scaled = present * 10**digits
        if present.is_empty() or float((scaled - scaled.round(0)).abs().max()) < 1e-6:
            return digits
    return MAX_DIGITS


def _number_format(digits: int) -> str:
    return "#,##0" if digits == 0 else "#,##0." + "0" * digits


def column_format(name: str, dtype: pl.DataType, values: pl.Series, override: str | None) -> str | None:
    """Excel number format of a column; None for text."""
    if override:
        return override
    if dtype == pl.String:
        return None
    if "率" in name:
        return "0.0%"
    if name.endswith("年度"):
        return "0"
    if dtype.is_integer():
        return "#,##0"
    if name.endswith(MONEY_UNITS):
        return _number_format(2)  # amounts of money: always 分, as in the bureau's tables
    return _number_format(needed_digits(values))


def _cell_text(value, fmt: str | None) -> str:
    """How a cell reads on screen, for fitting the column width."""
    if value is None:
        return ""
    if fmt is None:
        return str(value)
    if fmt == "0.0%":
        return f"{value * 100:.1f}%"
    if fmt == "auto":
        return f"{value:,.{_cell_digits(value)}f}"
    digits = len(fmt.split(".")[1]) if "." in fmt else 0
    return f"{value:,.{digits}f}" if "#" in fmt else f"{value:.{digits}f}"


def _cell_digits(value: float) -> int:
    for digits in range(MAX_DIGITS):
        if abs(value * 10**digits - round(value * 10**digits)) < 1e-6:
            return digits
    return MAX_DIGITS


class _Formats:
    """xlsxwriter formats, created once per workbook and looked up by (kind, number format)."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.cache: dict[tuple, Format] = {}
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        self.base = base
        self.title = book.add_format({**base, "bold": True, "font_size": 16, "align": "center", "font_name": "黑体"})
        self.note = book.add_format({**base, "font_size": 9, "font_color": "#555555"})
        self.header = book.add_format({**base, "bold": True, "border": 1, "align": "center", "text_wrap": True, "bg_color": "#DDE6F0"})

    def get(self, num_format: str | None, *, total: bool = False, quote: bool = False) -> Format:
        key = (num_format, total, quote)
        if key not in self.cache:
            props = {**self.base, "border": 1}
            if num_format:
                props["num_format"] = num_format
            if total:
                props.update(bold=True, bg_color="#F2F2F2")
            if quote:
                props["quote_prefix"] = True
            self.cache[key] = self.book.add_format(props)
        return self.cache[key]


def _write_text(ws: Worksheet, row: int, col: int, text: str, fmt: Format, formats: _Formats, *, total: bool = False) -> None:
    if is_risky(text):
        fmt = formats.get(None, total=total, quote=True)
    ws.write_string(row, col, text, fmt)


def _write_number(ws: Worksheet, row: int, col: int, value, num_format: str | None, formats: _Formats, total: bool = False) -> None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        ws.write_blank(row, col, None, formats.get(num_format, total=total))
        return
    if num_format == "auto":
        num_format = _number_format(_cell_digits(value))
    ws.write_number(row, col, value, formats.get(num_format, total=total))


def _cell_writer(ws: Worksheet, num_format: str | None, formats: _Formats):
    """A function writing one cell of a column: the per-cell work of big sheets, kept minimal."""
    if num_format is None:
        plain, quoted = formats.get(None), formats.get(None, quote=True)

        def write_text(row: int, col: int, value) -> None:
            text = "" if value is None else str(value)
            ws.write_string(row, col, text, quoted if is_risky(text) else plain)

        return write_text
    if num_format == "auto":
        return lambda row, col, value: _write_number(ws, row, col, value, num_format, formats)
    fmt = formats.get(num_format)

    def write_number(row: int, col: int, value) -> None:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            ws.write_blank(row, col, None, fmt)
        else:
            ws.write_number(row, col, value, fmt)

    return write_number


def _write_table(ws: Worksheet, top: int, table: Filled, note: str | None, formats: _Formats, widths: list[int]) -> tuple[int, int]:
    """Write one table from row `top`; return (header row, next free row). Titles span the sheet."""
    frame = table.frame
    ncols = len(widths)
    row = top
    for text, fmt, height in ((table.title, formats.title, 28), (note, formats.note, 18)):
        if text is None:
            continue
        if ncols > 1:
            ws.merge_range(row, 0, row, ncols - 1, "", fmt)
        _write_text(ws, row, 0, text, fmt, formats)
        ws.set_row(row, height)
        row += 1
    header_row = row
    col_formats = [column_format(c, t, frame[c], table.formats.get(c)) for c, t in frame.schema.items()]
    for col, name in enumerate(frame.columns):
        _write_text(ws, row, col, name, formats.header, formats)
        widths[col] = max(widths[col], display_width(name) + 2, column_width(frame[name], col_formats[col]) + 2)
    row += 1
    writers = [_cell_writer(ws, fmt, formats) for fmt in col_formats]
    for values in frame.iter_rows():
        for col, (write_cell, value) in enumerate(zip(writers, values, strict=True)):
            write_cell(row, col, value)
        row += 1
    if table.total is not None:
        label_col = next((i for i, f in enumerate(col_formats) if f is None), 0)
        for col, (name, fmt) in enumerate(zip(frame.columns, col_formats, strict=True)):
            if col == label_col:
                _write_text(ws, row, col, TOTAL_LABEL, formats.get(None, total=True), formats, total=True)
            elif name in table.total:
                _write_number(ws, row, col, table.total[name], fmt, formats, total=True)
                widths[col] = max(widths[col], display_width(_cell_text(table.total[name], fmt)) + 2)
            else:
                ws.write_blank(row, col, None, formats.get(fmt, total=True))
        row += 1
    return header_row, row


def _fit_titles(widths: list[int], titles: list[str]) -> None:
    """Widen the columns evenly until the largest title (16 pt against 10 pt cells) fits its merged row."""
    need = max(math.ceil(display_width(t) * TITLE_SCALE) + 2 for t in titles)
    missing = need - sum(min(w, MAX_WIDTH) for w in widths)
    if missing > 0:
        extra = math.ceil(missing / len(widths))
        widths[:] = [min(w, MAX_WIDTH) + extra for w in widths]


def write(sheets: Sequence[tuple[str, Sequence[Filled]]], note: str, *, title: str = "") -> bytes:
    """One workbook: a worksheet per (name, tables); `note` under each sheet's first title."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    book.set_properties({"title": title, "author": "产业扶贫追踪", "comments": note})
    formats = _Formats(book)
    for name, tables in sheets:
        ws = book.add_worksheet(name)
        widths = [MIN_WIDTH] * max([t.frame.width for t in tables] + [1])
        row, header_rows = 0, []
        for i, table in enumerate(tables):
            header_row, row = _write_table(ws, row, table, note if i == 0 else None, formats, widths)
            header_rows.append(header_row)
            row += 1  # a blank row between tables
        _fit_titles(widths, [t.title for t in tables])
        for col, width in enumerate(widths):
            ws.set_column(col, col, min(width, MAX_WIDTH))
        if len(tables) == 1:
            ws.freeze_panes(header_rows[0] + 1, 0)
            ws.repeat_rows(header_rows[0])
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_footer("&C第 &P 页，共 &N 页")
    book.close()
    return out.getvalue()
