"""The tables of the per-version summaries (fupin_core.metrics.summaries builds and reads them):
their DDL for migrations 10, 13, 14 and 16, their names for backups (derived, left out) and crash repair (cleared).
Here in storage because the migrations, the repair and the backups must not import the metrics."""

from __future__ import annotations

import duckdb

TABLE = "summary_village_year"
# Per village and category of a linkage dimension (联结方式, 产业, 公益岗位的细分类型): the 利益联结 breakdowns.
CATEGORY_TABLE = "summary_village_category"
# Per asset: the year's linkages with income that cite it (the 到户 of the asset reconciliation).
ASSET_TABLE = "summary_asset_year"
ASSET_TABLE_MIGRATION = 14
# Per dataset, batch and 镇办: the current rows of the household-sized datasets (来源 of a 镇办's tables).
BATCH_TABLE = "summary_batch_township"
BATCH_TABLE_MIGRATION = 16
STATE_TABLE = "summary_state"
ROW_TABLES = (TABLE, CATEGORY_TABLE, ASSET_TABLE, BATCH_TABLE)  # rows per data version, described by a STATE_TABLE row
DERIVED_TABLES = (*ROW_TABLES, STATE_TABLE)
# Shares of the poverty line that bound the bands of linkage.income_bands (its BAND_SHARES).
BAND_SHARES = (0.25, 0.5, 0.75, 1.0)
BANDS = len(BAND_SHARES) + 1


VERSION_COLUMNS = "v_count BIGINT NOT NULL, v_max BIGINT NOT NULL, v_rolled BIGINT NOT NULL, year INTEGER NOT NULL"
COUNT_COLUMNS = (
    "registered",
    "registered_people",
    "exited_cum",
    "exited_cum_people",
    "exited_year",
    "exited_year_people",
    "remaining",
    "remaining_people",
    "capable",  # registered with 有/弱劳动能力
    "capable_people",
    "covered",  # of those, with a linkage of Y
    "covered_people",
    "labour_unknown",
    "supported",  # any household with a linkage of Y
    "earned",  # a linkage of Y with 收益金额 > 0 (带动增收)
    "earned_people",
    "income_reported",
    "income_reported_sized",  # income reported and 家庭人口 > 0
    "below_line",
    "exited_below_line",
    *(f"band{i}" for i in range(BANDS)),
    *(f"band{i}_people" for i in range(BANDS)),
)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 10: the summary tables (plain portable DDL, as every table of the store)."""
    counts = ", ".join(f"{c} BIGINT" for c in COUNT_COLUMNS)
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {TABLE} ({VERSION_COLUMNS}, township_code VARCHAR, village_code VARCHAR,
            {counts}, earned_income DECIMAL(38,4), labourers BIGINT, employed_labourers BIGINT)"""
    )
    con.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} ({VERSION_COLUMNS}, line_yuan DOUBLE NOT NULL, built_at TIMESTAMP NOT NULL)")


def create_category_table(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 13: the per-category summary. Versions summarised before it have no category rows, so
    every summary is forgotten (rebuilt with both tables on the next page that needs one)."""
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {CATEGORY_TABLE} ({VERSION_COLUMNS}, township_code VARCHAR, village_code VARCHAR,
            dimension VARCHAR NOT NULL, category VARCHAR, households BIGINT, people BIGINT, income DECIMAL(38,4), links BIGINT)"""
    )
    for table in (TABLE, STATE_TABLE):
        con.execute(f"DELETE FROM {table}")


def create_asset_table(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 14: the per-asset summary. As in migration 13, every summary is forgotten so the next
    build writes all three tables for one version."""
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {ASSET_TABLE} ({VERSION_COLUMNS}, asset_id VARCHAR NOT NULL, reached DECIMAL(38,4), households BIGINT)"
    )
    for table in (TABLE, CATEGORY_TABLE, STATE_TABLE):
        con.execute(f"DELETE FROM {table}")


def create_batch_table(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 16: the per-batch, per-镇办 row counts. Every summary is forgotten, as in 13 and 14."""
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {BATCH_TABLE} ({VERSION_COLUMNS}, dataset VARCHAR NOT NULL, batch_id BIGINT NOT NULL,
            township_code VARCHAR, rows BIGINT NOT NULL)"""
    )
    for table in (TABLE, CATEGORY_TABLE, ASSET_TABLE, STATE_TABLE):
        con.execute(f"DELETE FROM {table}")


def clear(con: duckdb.DuckDBPyConnection, present: set[str]) -> None:
    """Forget every summary (crash repair rebuilt current tables without a new data version).
    `present`: the store's table names (a statement that fails would end the caller's transaction)."""
    for table in DERIVED_TABLES:
        if table in present:
            con.execute(f"DELETE FROM {table}")
