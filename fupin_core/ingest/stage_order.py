"""项目阶段 across rows and against the database: a project's stages come in the order of the 项目库
(申报 → … → 资产移交) without a gap, and each stage's date is not before the stage before it.

A file may bring one stage of a project whose earlier stages are already stored (the usual case: the
验收 of a project in 实施), so the file's rows are checked together with the stored ones it does not
replace.
"""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.catalog import PROJECT_STAGES, Dataset
from fupin_core.ingest.header import ROW
from fupin_core.ingest.normalize import BAD

_ORDER = {stage: i for i, stage in enumerate(PROJECT_STAGES)}


def _stored(con: duckdb.DuckDBPyConnection, projects: list[str]) -> pl.DataFrame:
    rows = con.execute("SELECT project_id, stage, stage_date FROM project_stages WHERE list_contains(?, project_id)", [projects]).fetchall()
    return pl.DataFrame(rows, schema={"project_id": pl.String, "stage": pl.String, "stage_date": pl.Date}, orient="row")


def problems(con: duckdb.DuckDBPyConnection, ds: Dataset, frame: pl.DataFrame, problems_where) -> list[pl.DataFrame]:
    if ds.key != "project_stages":
        return []
    names = ("project_id", "stage", "stage_date")
    usable = frame.filter(
        pl.all_horizontal([pl.col(n).is_not_null() & ~pl.col(BAD + n) for n in names]) & pl.col("stage").is_in(PROJECT_STAGES)
    )
    if usable.is_empty():
        return []
    # A stage given twice in the file is the duplicate check's business: keep the first for ordering.
    mine = usable.select(ROW, *names).unique(subset=["project_id", "stage"], keep="first", maintain_order=True)
    stored = _stored(con, mine.get_column("project_id").unique().to_list())
    stored = stored.join(mine.select("project_id", "stage"), on=["project_id", "stage"], how="anti")
    both = pl.concat(
        [mine.with_columns(pl.col(ROW).cast(pl.Int64)), stored.with_columns(pl.lit(None, pl.Int64).alias(ROW))], how="diagonal"
    )
    both = both.with_columns(pl.col("stage").replace_strict(_ORDER, return_dtype=pl.Int64).alias("__order")).sort("project_id", "__order")
    prev = lambda c: pl.col(c).shift(1).over("project_id")  # noqa: E731
    nxt = lambda c: pl.col(c).shift(-1).over("project_id")  # noqa: E731
    both = both.with_columns(
        prev("__order").alias("__prev_order"),
        prev("stage").alias("__prev_stage"),
        prev("stage_date").alias("__prev_date"),
        nxt("stage").alias("__next_stage"),
        nxt("stage_date").alias("__next_date"),
        nxt(ROW).is_null().alias("__next_stored"),
    )
    missing_name = (
        pl.col("__order").sub(1).replace_strict({i: s for s, i in _ORDER.items()}, default=None, return_dtype=pl.String)
    )  # the stage just before this one
    gap = (pl.col("__order") > 0) & (pl.col("__prev_order").is_null() | (pl.col("__prev_order") != pl.col("__order") - 1))
    early = (pl.col("stage_date") < pl.col("__prev_date")).fill_null(False)
    late = (pl.col("__next_stored") & pl.col("__next_stage").is_not_null() & (pl.col("stage_date") > pl.col("__next_date"))).fill_null(
        False
    )
    in_file = both.filter(pl.col(ROW).is_not_null())
    return [
        problems_where(in_file, gap, "stage",
                       pl.format("项目 {} 还没有“{}”阶段，不能登记“{}”：各阶段须按申报、入库、立项、实施、验收、报账、资产移交的顺序登记",
                                 pl.col("project_id"), missing_name, pl.col("stage")),
                       suggestion=pl.format("先上报“{}”阶段（可与本阶段放在同一文件中）", missing_name)),
        problems_where(in_file, early, "stage_date",
                       pl.format("{}日期 {} 早于前一阶段“{}”的日期 {}", pl.col("stage"), pl.col("stage_date"), pl.col("__prev_stage"),
                                 pl.col("__prev_date")),
                       suggestion="核对日期：后一阶段的日期不能早于前一阶段"),
        problems_where(in_file, late, "stage_date",
                       pl.format("{}日期 {} 晚于已登记的后一阶段“{}”的日期 {}", pl.col("stage"), pl.col("stage_date"), pl.col("__next_stage"),
                                 pl.col("__next_date")),
                       suggestion="核对日期：前一阶段的日期不能晚于后一阶段"),
    ]  # fmt: skip
