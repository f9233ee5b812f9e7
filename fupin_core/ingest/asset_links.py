"""A linkage citing an asset (利益联结.资产编号) must be of that asset's project: the household's share of an
asset's income is paid under the project that built it. Unknown asset codes are the reference check's
business (references.py); this only compares a known asset's project with the row's 项目编号."""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.catalog import Dataset
from fupin_core.ingest.normalize import BAD


def problems(con: duckdb.DuckDBPyConnection, ds: Dataset, frame: pl.DataFrame, problems_where) -> list[pl.DataFrame]:
    if ds.key != "linkages" or "asset_id" not in frame.columns:
        return []
    usable = frame.filter(
        pl.col("asset_id").is_not_null() & ~pl.col(BAD + "asset_id") & pl.col("project_id").is_not_null() & ~pl.col(BAD + "project_id")
    )
    if usable.is_empty():
        return []
    codes = usable.get_column("asset_id").unique().to_list()
    rows = con.execute(
        "SELECT asset_id, project_id FROM assets WHERE list_contains(?, asset_id) AND project_id IS NOT NULL", [codes]
    ).fetchall()
    if not rows:
        return []
    owners = pl.DataFrame(rows, schema={"asset_id": pl.String, "asset_project": pl.String}, orient="row")
    checked = usable.join(owners, on="asset_id", how="inner")
    return [
        problems_where(
            checked,
            pl.col("asset_project") != pl.col("project_id"),
            "asset_id",
            pl.format(
                "资产 {} 是项目 {} 形成的资产，与本行的项目编号 {} 不符", pl.col("asset_id"), pl.col("asset_project"), pl.col("project_id")
            ),
            suggestion=pl.format("项目编号改为 {}，或填写项目 {} 的资产编号", pl.col("asset_project"), pl.col("project_id")),
        )
    ]
