"""Find the header row among title and note rows, and keep only the data rows below it.

Files made by hand carry a title (“2017年夜村镇利益联结台账”), notes (“单位：元”), blank rows,
totals (合计, 小计) and signatures (填表人, 审核人) around the table; none of them is data.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from fupin_core.catalog import Dataset
from fupin_core.ingest.mapping import match_count

SEARCH_ROWS = 30
ROW = "__row"  # the Excel row number as the user sees it

NOT_DATA_WORDS = (
    "合计", "小计", "总计", "共计", "总合计", "填表人", "填报人", "制表人", "审核人", "审核", "复核人", "负责人",
    "单位负责人", "主管领导", "分管领导", "联系人", "联系电话", "填表日期", "填报日期", "制表日期", "报送日期",
    "填报单位", "填表单位", "备注", "注:", "注：", "说明", "签字", "盖章",
)  # fmt: skip
_NOT_DATA = "^(" + "|".join(NOT_DATA_WORDS) + ")"
_SUSPECT = "^\\s|^[" + "".join(dict.fromkeys(w[0] for w in NOT_DATA_WORDS)) + "]"


class HeaderNotFound(Exception):
    """No row of the first SEARCH_ROWS names any column of the dataset; message in Chinese."""


@dataclass(frozen=True)
class DataRows:
    frame: pl.DataFrame  # ROW + the grid columns, data rows only
    header_index: int  # grid index of the header row
    headers: list[str | None]
    skipped_blank: int
    skipped_not_data: int  # totals, signatures, notes below the table, repeated header rows


def locate(cells: pl.DataFrame, ds: Dataset) -> int:
    """Grid index of the header row: the first row naming the most catalog columns."""
    best, best_index = 0, -1
    for index, row in enumerate(cells.head(SEARCH_ROWS).iter_rows()):
        score = match_count(list(row), ds)
        if score > best:
            best, best_index = score, index
    if best_index < 0:
        examples = "、".join(c.header for c in ds.columns[:4])
        raise HeaderNotFound(
            f"在文件前{SEARCH_ROWS}行中没有找到表头：没有一行包含“{ds.title}”的列名（如 {examples}）。"
            "请使用下载的模板，或检查是否选错了数据集或工作表。"
        )
    return best_index


def _drop_marks(rows: pl.DataFrame, headers: list[str | None]) -> pl.DataFrame:
    """ROW and the __blank / __not_data flags of `rows` (the precise, slower test)."""
    columns = [c for c in rows.columns if c != ROW]
    texts = [pl.col(c).str.replace_all(r"\s+", "") for c in columns]
    first_text = pl.coalesce([pl.when(t != "").then(t) for t in texts])
    named = [(c, str(h).strip()) for c, h in zip(columns, headers, strict=False) if h and str(h).strip()]
    repeated_header = pl.sum_horizontal([(pl.col(c).str.strip_chars() == h).fill_null(False) for c, h in named] or [pl.lit(0)]) >= max(
        2, (len(named) + 1) // 2
    )
    blank = first_text.is_null()
    not_data = first_text.str.contains(_NOT_DATA).fill_null(False) | repeated_header
    return rows.select(ROW, blank.alias("__blank"), (~blank & not_data).alias("__not_data"))


def data_rows(cells: pl.DataFrame, ds: Dataset, header_index: int) -> DataRows:
    headers = list(cells.row(header_index)) if cells.height else []
    below = cells.slice(header_index + 1).with_row_index(ROW, offset=header_index + 2).with_columns(pl.col(ROW).cast(pl.Int64))
    # Only rows whose first filled cell is blank-looking, starts like a marker word or repeats a
    # header need the precise test; on a large file that is a handful of rows.
    first = pl.coalesce([pl.col(c) for c in cells.columns])
    header_texts = [str(h).strip() for h in headers if h and str(h).strip()]
    suspect = first.is_null() | (first == "") | first.str.contains(_SUSPECT) | first.str.strip_chars().is_in(header_texts)
    marks = _drop_marks(below.filter(suspect.fill_null(True)), headers)
    blank_rows = marks.filter("__blank").get_column(ROW)
    not_data_rows = marks.filter("__not_data").get_column(ROW)
    kept = below.filter(~pl.col(ROW).is_in(pl.concat([blank_rows, not_data_rows]).implode()))
    return DataRows(kept, header_index, headers, blank_rows.len(), not_data_rows.len())
