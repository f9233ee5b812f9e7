"""来源: which batches and uploaded files the rows behind a table came from.

Every current row carries the batch that wrote its version, so a table's provenance is the set of
batches among its rows (within the chosen 镇办), with each batch's file, kind, user and time.
"""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.catalog import BY_KEY
from fupin_core.metrics import summaries
from fupin_core.scope import Scope
from fupin_core.security import row_places

KIND_LABELS = {"sample": "示例数据", "upload": "上传文件", "import": "命令行导入"}
SCHEMA = {
    "数据表": pl.String,
    "批次号": pl.Int64,
    "来源": pl.String,
    "文件名": pl.String,
    "上传人": pl.String,
    "上传时间": pl.Datetime,
    "本范围行数": pl.Int64,
}


def _rows_by_batch(con: duckdb.DuckDBPyConnection, dataset_key: str, scope: Scope) -> list[tuple]:
    counted = summaries.batch_relation(con, scope.year) if dataset_key in summaries.PROVENANCE_DATASETS else None
    if scope.townships is None:
        if counted is not None:  # every current row is in the counts once, placed or not (township NULL)
            relation, params = counted
            return con.execute(
                f"SELECT batch_id, CAST(sum(rows) AS BIGINT) FROM {relation} AS s WHERE dataset = ? GROUP BY batch_id",
                [*params, dataset_key],
            ).fetchall()
        # The whole district: every current row, no need to place it (at province scale the join that
        # places a linkage reads millions of households).
        return con.execute(f'SELECT t.batch_id, count(*) FROM "{BY_KEY[dataset_key].table}" AS t GROUP BY t.batch_id').fetchall()
    # District-wide rows (no 镇办, e.g. targets) belong to every 镇办's figures.
    marks = ", ".join("?" for _ in scope.townships) or "NULL"
    if counted is not None:  # placed once per data version (a province's linkages are millions of rows)
        relation, params = counted
        return con.execute(
            f"""SELECT batch_id, CAST(sum(rows) AS BIGINT) FROM {relation} AS s
                WHERE dataset = ? AND (township_code IS NULL OR township_code IN ({marks})) GROUP BY batch_id""",
            [*params, dataset_key, *scope.townships],
        ).fetchall()
    source, township = row_places.current_rows_with_township(dataset_key)
    cond = f"WHERE {township} IS NULL OR {township} IN ({marks})"
    return con.execute(f"SELECT t.batch_id, count(*) FROM {source} {cond} GROUP BY t.batch_id", list(scope.townships)).fetchall()


def sources(con: duckdb.DuckDBPyConnection, dataset_keys: tuple[str, ...], scope: Scope) -> pl.DataFrame:
    """One row per (dataset, batch) that supplies current rows in `scope`, newest batch first."""
    records = []
    for key in dataset_keys:
        title = BY_KEY[key].title
        for batch_id, n_rows in _rows_by_batch(con, key, scope):
            info = con.execute("SELECT kind, file_name, user_name, created_at FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
            kind, file_name, user_name, created_at = info if info else (None, None, None, None)
            records.append((title, int(batch_id), KIND_LABELS.get(kind, kind), file_name, user_name, created_at, int(n_rows)))
    return combined([pl.DataFrame(records, schema=SCHEMA, orient="row")])


def combined(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """sources() of several datasets asked one by one, as one table (newest batch first, datasets in
    the order asked within a batch)."""
    frame = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=SCHEMA)
    return frame.sort(["批次号"], descending=True, maintain_order=True)
