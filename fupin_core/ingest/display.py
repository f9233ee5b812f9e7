"""A Preview as the tables the 数据上报 page shows (Chinese headers, masked ID numbers)."""

from __future__ import annotations

import polars as pl

from fupin_core.ingest.header import ROW
from fupin_core.ingest.mapping import clean_header
from fupin_core.ingest.pipeline import Preview
from fupin_core.ingest.read import column_letter
from fupin_core.security import privacy

CHANGE_LABELS = {"new": "新增", "updated": "更新", "unchanged": "未变"}
REJECTED = "有误"


def count_cards(preview: Preview) -> list[tuple[str, str]]:
    counts = preview.counts
    return [
        (label, f"{counts[key]:,}行") for key, label in (("new", "新增"), ("updated", "更新"), ("unchanged", "未变"), ("rejected", "有误"))
    ]


def problem_table(preview: Preview, severity: str, *, mask_ids: bool = True) -> pl.DataFrame:
    frame = preview.problems.filter(pl.col("severity") == severity)
    id_columns = [c.name for c in preview.dataset.columns if "id_card" in c.checks]
    value = pl.col("value")
    if mask_ids and id_columns:
        masked = value.map_elements(privacy.mask_id_number, return_dtype=pl.String)
        value = pl.when(pl.col("column").is_in(id_columns)).then(masked).otherwise(value)
    return frame.select(
        pl.col("row").alias("行"),
        pl.col("cell").alias("单元格"),
        pl.col("header").alias("列"),
        value.alias("填写的值"),
        pl.col("message").alias("问题"),
        pl.col("suggestion").alias("建议"),
    )


def row_table(preview: Preview, limit: int = 200) -> pl.DataFrame:
    """The first rows as they will be stored, with what will happen to each."""
    ds = preview.dataset
    status = preview.rows.select(ROW).join(preview.changes, on=ROW, how="left")
    label = pl.col("change").replace_strict(CHANGE_LABELS, default=REJECTED, return_dtype=pl.String)
    head = preview.rows.head(limit).join(status.select(ROW, label.alias("状态")), on=ROW, how="left")
    return head.select(
        pl.col(ROW).alias("行"),
        "状态",
        *[pl.col(c.name).alias(c.header) for c in ds.columns],
    )


def mapping_table(preview: Preview) -> pl.DataFrame:
    """Each header of the file and the catalog column it was taken as."""
    ds, mapping = preview.dataset, preview.mapping
    rows = []
    for index, text in sorted(mapping.headers.items()):
        name = mapping.columns.get(index)
        target = ds.header_of(name) if name else ("未识别，已忽略" if index in mapping.unknown else "忽略")
        how = "手工指定" if clean_header(text) in mapping.manual else ("自动识别" if name else "")
        rows.append((f"{column_letter(index)}列", text, target, how))
    return pl.DataFrame(rows, schema={"位置": pl.String, "文件中的列名": pl.String, "对应": pl.String, "方式": pl.String}, orient="row")


def skipped_text(preview: Preview) -> str:
    s = preview.skipped
    parts = [f"表头在第{preview.header_row}行", f"读取数据{preview.rows_read}行"]
    if preview.sheet:
        parts.insert(0, f"工作表“{preview.sheet}”")
    if preview.encoding:
        parts.insert(0, f"编码 {preview.encoding}")
    skipped = [
        f"{label}{s[key]}行" for key, label in (("title", "标题/说明"), ("blank", "空行"), ("not_data", "合计/签名等")) if s.get(key)
    ]
    if skipped:
        parts.append("已跳过" + "、".join(skipped))
    return "；".join(parts)
