"""上传记录: the batches with Chinese headers, and the original file kept with each batch."""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.catalog import BY_KEY
from fupin_core.security import privacy
from fupin_core.storage import store

STATUS_LABELS = {"committed": "已导入", "rolled_back": "已回滚"}
KIND_LABELS = {"upload": "上传", "sample": "示例数据"}


def batch_table(con: duckdb.DuckDBPyConnection, uploaded_by: str | None = None) -> pl.DataFrame:
    """Newest first: 批次, 时间, 用户, 数据集, 文件, counts, 状态 (and the sha256 to fetch the file).

    `uploaded_by`: only that user's batches (what a 录入员, who may roll back only their own, sees).
    """
    frame = store.list_batches(con)
    if uploaded_by is not None:
        frame = frame.filter(pl.col("user_name") == uploaded_by)
    titles = {k: ds.title for k, ds in BY_KEY.items()}
    table = frame.select(
        pl.col("batch_id").alias("批次"),
        pl.col("created_at").dt.strftime("%Y-%m-%d %H:%M:%S").alias("时间"),
        pl.col("user_name").alias("用户"),
        pl.col("dataset").replace_strict(titles, default=pl.col("dataset"), return_dtype=pl.String).alias("数据集"),
        pl.col("file_name").alias("文件"),
        pl.col("rows_read").alias("读取行数"),
        pl.col("rows_new").alias("新增"),
        pl.col("rows_updated").alias("更新"),
        pl.col("rows_unchanged").alias("未变"),
        pl.col("rows_rejected").alias("有误未导入"),
        pl.col("status").replace_strict(STATUS_LABELS, default=pl.col("status"), return_dtype=pl.String).alias("状态"),
        pl.col("kind").replace_strict(KIND_LABELS, default=pl.col("kind"), return_dtype=pl.String).alias("来源"),
        pl.col("rolled_back_at").dt.strftime("%Y-%m-%d %H:%M:%S").alias("回滚时间"),
        pl.col("rolled_back_by").alias("回滚人"),
        pl.col("sha256"),
    ).with_columns(pl.col("文件", "回滚时间", "回滚人").fill_null(""))
    # A file name may quote an ID number (611002198001010037_测试.csv): shown masked, like every ID.
    return privacy.mask_text_columns(table)


def stored_file(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[str, bytes] | None:
    """(file name, content) of the original file kept with a batch, by its sha256."""
    row = con.execute("SELECT file_name, content, size_bytes FROM stored_files WHERE sha256 = ?", [sha256]).fetchone()
    return (row[0], store.original_content(bytes(row[1]), row[2])) if row else None


def batch_records(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """`fupin batches --json`: one object per batch with batch_id, dataset, file, status, …"""
    frame = store.list_batches(con)
    out = []
    for rec in frame.iter_rows(named=True):
        rec = {"file": rec.pop("file_name"), **rec}
        for key in ("created_at", "rolled_back_at"):
            rec[key] = rec[key].isoformat(sep=" ", timespec="seconds") if rec[key] else None
        out.append(
            {"batch_id": rec.pop("batch_id"), "dataset": rec.pop("dataset"), "file": rec.pop("file"), "status": rec.pop("status"), **rec}
        )
    return out


# Before anyone has uploaded anything: the dataset reported most often (every 镇办, every year).
FIRST_DEFAULT_DATASET = "linkages"


def default_dataset(con: duckdb.DuckDBPyConnection, user_name: str | None) -> str:
    """The dataset 数据上报 opens on: the one `user_name` uploaded last, else the one uploaded most
    often by anyone (sample data does not count), else FIRST_DEFAULT_DATASET."""
    row = con.execute(
        "SELECT dataset FROM batches WHERE kind = 'upload' AND user_name = ? ORDER BY created_at DESC, batch_id DESC LIMIT 1",
        [user_name],
    ).fetchone()
    if row is None:
        row = con.execute(
            "SELECT dataset FROM batches WHERE kind = 'upload' GROUP BY dataset ORDER BY count(*) DESC, max(batch_id) DESC LIMIT 1"
        ).fetchone()
    return row[0] if row and row[0] in BY_KEY else FIRST_DEFAULT_DATASET
