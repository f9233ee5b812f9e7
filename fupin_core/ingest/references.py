"""Codes that must exist in the current tables (镇办, 村, 户, 项目, 主体, 投资), with "did you mean".

The check is one set operation per referenced column over the file's distinct values; suggestions
are looked up only for the few values that are missing.
"""

from __future__ import annotations

import difflib

import duckdb
import polars as pl

from fupin_core.catalog import Column, dataset

# The column holding a readable name, to recognise a name typed where its code belongs.
NAME_COLUMNS = {"townships": "township_name", "villages": "village_name", "entities": "entity_name", "projects": "project_name"}
SUGGEST_LIMIT = 30  # distinct missing values per column that get a suggestion
CANDIDATE_LIMIT = 5000


def missing_values(con: duckdb.DuckDBPyConnection, col: Column, values: pl.Series) -> list[str]:
    """The distinct values of `values` that the referenced current table does not hold, sorted."""
    ref_key, ref_col = col.references
    ref = dataset(ref_key)
    distinct = pl.DataFrame({"v": values.drop_nulls().unique()}, schema={"v": pl.String})
    if distinct.is_empty():
        return []
    con.register("ingest_ref_values", distinct.to_arrow())
    try:
        rows = con.execute(
            f'SELECT r.v FROM ingest_ref_values AS r WHERE NOT EXISTS (SELECT 1 FROM "{ref.table}" AS t WHERE t."{ref_col}" = r.v) ORDER BY r.v'
        ).fetchall()
    finally:
        con.unregister("ingest_ref_values")
    return [r[0] for r in rows]


def suggestion(con: duckdb.DuckDBPyConnection, col: Column, value: str) -> str | None:
    """A name typed instead of its code, or the closest existing code."""
    ref_key, ref_col = col.references
    ref = dataset(ref_key)
    name_col = NAME_COLUMNS.get(ref_key)
    if name_col:
        rows = con.execute(f'SELECT "{ref_col}" FROM "{ref.table}" WHERE "{name_col}" = ? LIMIT 2', [value]).fetchall()
        if len(rows) == 1:
            return f"“{value}”是{ref.title}名称，它的{ref.header_of(ref_col)}是 {rows[0][0]}"
    for keep in (len(value) - 2, len(value) - 4, len(value) // 2, 1):
        if keep < 1:
            continue
        rows = con.execute(
            f'SELECT DISTINCT "{ref_col}" FROM "{ref.table}" WHERE starts_with("{ref_col}", ?) LIMIT {CANDIDATE_LIMIT}', [value[:keep]]
        ).fetchall()
        close = difflib.get_close_matches(value, [r[0] for r in rows], n=1, cutoff=0.6)
        if close:
            return f"是否为 {close[0]}？"
    return None


def message(col: Column) -> str:
    ref = dataset(col.references[0])
    return f"在已有的{ref.title}中找不到这个{col.header}（请先上传{ref.title}，或核对代码）"
