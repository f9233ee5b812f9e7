"""The fix-list: the user's own rows that have problems, as read, plus a column saying what to fix.

It keeps the file's headers, so that once corrected it can be uploaded again as it is (the extra
columns 原行号 and 问题说明 are ignored on upload).
"""

from __future__ import annotations

import io
import re

import polars as pl
import xlsxwriter

from fupin_core.ingest.header import ROW
from fupin_core.ingest.pipeline import Preview

ROW_HEADER, PROBLEM_HEADER = "原行号", "问题说明"
MAX_ROWS = 100_000  # beyond this the list is cut (and says so); nobody fixes more by hand
NUMERIC_TYPES = ("int", "decimal")
# A plain number as typed, thousands separators allowed: 1,500 / -5 / 0.35 (not 1e5, not 12%).
PLAIN_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def as_number(text: str) -> float | int | None:
    """The number a cell of a numeric column holds, so that Excel/WPS get a number, not text; None
    when the cell is not a plain number (it is one of the problems, and stays as the user wrote it)."""
    cleaned = text.strip()
    if not PLAIN_NUMBER.match(cleaned):
        return None
    cleaned = cleaned.replace(",", "")
    return int(cleaned) if "." not in cleaned else float(cleaned)


def problem_text(preview: Preview) -> pl.DataFrame:
    """row -> all of its problems in one cell: 【列】message（suggestion）; errors first."""
    problems = preview.problems.filter(pl.col("row").is_not_null())
    label = pl.when(pl.col("severity") == "error").then(pl.lit("错误")).otherwise(pl.lit("提醒"))
    text = pl.concat_str(
        [
            label,
            pl.lit("："),
            pl.when(pl.col("header").is_not_null()).then(pl.format("【{}】", pl.col("header"))).otherwise(pl.lit("")),
            pl.col("message"),
            pl.when(pl.col("suggestion").is_not_null()).then(pl.format("（{}）", pl.col("suggestion"))).otherwise(pl.lit("")),
        ]
    )
    return (
        problems.sort("row", pl.col("severity") != "error", maintain_order=True)
        .group_by("row", maintain_order=True)
        .agg(text.str.join("；").alias(PROBLEM_HEADER), (pl.col("severity") == "error").any().alias("has_error"))
        .rename({"row": ROW})
    )


def fix_list_xlsx(preview: Preview) -> bytes:
    """xlsx of the rows with problems (or every row when the file as a whole has an error)."""
    texts = problem_text(preview)
    raw = preview.raw
    if preview.blocked:
        whole = "；".join(preview.errors.filter(pl.col("row") == preview.header_row).get_column("message").to_list())
        texts = raw.select(ROW).with_columns(pl.lit("错误：" + whole).alias(PROBLEM_HEADER), pl.lit(True).alias("has_error"))
    rows = raw.join(texts, on=ROW, how="inner").sort(ROW)
    headers = preview.mapping.headers
    columns = [c for c in raw.columns if c != ROW and int(c[1:]) in headers]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("问题清单")
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})
    error = book.add_format({"font_color": "#C00000", "text_wrap": True})
    titles = [ROW_HEADER, *[headers[int(c[1:])] for c in columns], PROBLEM_HEADER]
    sheet.write_row(0, 0, titles, head)
    sheet.freeze_panes(1, 1)
    sheet.set_column(0, 0, 8)
    held = preview.mapping.columns  # file column -> catalog column
    numeric = [int(c[1:]) in held and preview.dataset.column(held[int(c[1:])]).type in NUMERIC_TYPES for c in columns]
    for c, is_number in enumerate(numeric, start=1):
        sheet.set_column(c, c, 16, None if is_number else text)
    sheet.set_column(len(columns) + 1, len(columns) + 1, 60, error)
    for r, values in enumerate(rows.select(ROW, *columns, PROBLEM_HEADER).head(MAX_ROWS).iter_rows(), start=1):
        sheet.write_number(r, 0, values[0])
        for c, (value, is_number) in enumerate(zip(values[1:-1], numeric, strict=True), start=1):
            if value is None:
                continue
            number = as_number(str(value)) if is_number else None
            if number is None:
                sheet.write_string(r, c, str(value))
            else:
                sheet.write_number(r, c, number)
        sheet.write_string(r, len(columns) + 1, values[-1], error)
    if rows.height > MAX_ROWS:
        sheet.write_string(MAX_ROWS + 1, 0, f"共{rows.height}行有问题，此处只列出前{MAX_ROWS}行")
    sheet.autofilter(0, 0, min(rows.height, MAX_ROWS), len(columns) + 1)
    book.close()
    return out.getvalue()
