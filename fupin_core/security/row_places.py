"""Which 镇办 and which years each row of a dataset touches: for township scope (access) and period
locks (locks) on import and rollback.

镇办: a row's own `township_code`, else the catalog reference of TOWNSHIP_VIA followed to a dataset
that has one (household → village → 镇办, dividend → investment → entity → 镇办, …). Targets are
district-wide and have no 镇办.

Years: a row of an annual dataset (its natural key holds a year or 报告期: funds, outputs, linkages,
dividends, targets) touches exactly that year. A row of a register (households, projects, villages,
pilots, investments, entities, townships) counts in every year from its first year on (a household
identified in 2015 is in the 2017 figures), or in every year when it has no year at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from fupin_core.catalog import BY_KEY, Dataset

TOWNSHIP = "township_code"
# The column whose reference leads towards the 镇办, for datasets without a township_code column.
TOWNSHIP_VIA = {
    "households": "village_code",
    "pilots": "village_code",
    "linkages": "household_id",
    "household_income": "household_id",
    "funds": "project_id",
    "pv_output": "project_id",
    "fungus_output": "project_id",
    "artichoke_output": "project_id",
    "investments": "entity_credit_code",
    "dividends": "investment_id",
}
INDEX = "__place_row"


@dataclass(frozen=True)
class Period:
    """The years a row touches: first..last inclusive; None = unbounded on that side."""

    first: int | None
    last: int | None

    def covers(self, year: int) -> bool:
        return (self.first is None or self.first <= year) and (self.last is None or year <= self.last)


def _period_columns(ds: Dataset) -> list[str]:
    return [c.name for c in ds.columns if "year" in c.checks or c.type in ("date", "period")]


def is_annual(ds: Dataset) -> bool:
    return any(k in _period_columns(ds) for k in ds.natural_key)


def _year_of(value) -> int | None:
    if value is None:
        return None
    if hasattr(value, "year"):
        return int(value.year)
    text = str(value).strip()
    return int(text[:4]) if text[:4].isdigit() else None


def periods(dataset_key: str, rows: pl.DataFrame) -> list[Period]:
    """The Period of each row (same order as `rows`)."""
    ds = BY_KEY[dataset_key]
    columns = [c for c in _period_columns(ds) if c in rows.columns]
    annual = [k for k in ds.natural_key if k in columns]
    result = []
    for row in rows.select(columns).iter_rows(named=True) if columns else ({} for _ in range(rows.height)):
        if annual:
            year = _year_of(row[annual[0]])
            result.append(Period(year, year))
        else:
            years = [y for y in (_year_of(row[c]) for c in columns) if y is not None]
            result.append(Period(min(years) if years else None, None))
    return result


def lookup_sql(dataset_key: str) -> str | None:
    """SELECT ref_key, township over the current table of a single-key dataset (None: no 镇办)."""
    ds = BY_KEY[dataset_key]
    key = ds.natural_key[0]
    if TOWNSHIP in ds.column_names:
        return f'SELECT "{key}" AS ref_key, "{TOWNSHIP}" AS township FROM "{ds.table}"'
    via = TOWNSHIP_VIA.get(dataset_key)
    if via is None:
        return None
    target = ds.column(via).references[0]
    return f'SELECT t."{key}" AS ref_key, l.township FROM "{ds.table}" AS t LEFT JOIN ({lookup_sql(target)}) AS l ON l.ref_key = t."{via}"'


def _township_sql(ds: Dataset, source: str) -> str:
    """SELECT INDEX, township for every row of `source` (a query with INDEX and the dataset's columns)."""
    if TOWNSHIP in ds.column_names:
        return f'SELECT s.{INDEX}, CAST(s."{TOWNSHIP}" AS VARCHAR) AS township FROM ({source}) AS s'
    via = TOWNSHIP_VIA.get(ds.key)
    if via is None:
        return f"SELECT s.{INDEX}, CAST(NULL AS VARCHAR) AS township FROM ({source}) AS s"
    target = ds.column(via).references[0]
    return (
        f'SELECT s.{INDEX}, l.township FROM ({source}) AS s LEFT JOIN ({lookup_sql(target)}) AS l ON l.ref_key = CAST(s."{via}" AS VARCHAR)'
    )


def _run(con: duckdb.DuckDBPyConnection, ds: Dataset, rows: pl.DataFrame, source: str) -> list[str | None]:
    frame = rows.select([c for c in ds.column_names if c in rows.columns]).with_row_index(INDEX)
    view = "incoming_places"
    con.register(view, frame.to_arrow())
    try:
        found = dict(con.execute(_township_sql(ds, source.format(view=view))).fetchall())
    finally:
        con.unregister(view)
    return [found.get(i) for i in range(rows.height)]


def current_rows_with_township(dataset_key: str) -> tuple[str, str]:
    """(FROM clause over the current table aliased t, SQL expression of each row's 镇办 code or NULL)."""
    ds = BY_KEY[dataset_key]
    if TOWNSHIP in ds.column_names:
        return f'"{ds.table}" AS t', f't."{TOWNSHIP}"'
    via = TOWNSHIP_VIA.get(dataset_key)
    if via is None:
        return f'"{ds.table}" AS t', "CAST(NULL AS VARCHAR)"
    target = ds.column(via).references[0]
    return f'"{ds.table}" AS t LEFT JOIN ({lookup_sql(target)}) AS l ON l.ref_key = CAST(t."{via}" AS VARCHAR)', "l.township"


def townships(con: duckdb.DuckDBPyConnection, dataset_key: str, rows: pl.DataFrame) -> list[str | None]:
    """The 镇办 code of each incoming row (None: district-wide or not found)."""
    ds = BY_KEY[dataset_key]
    if TOWNSHIP not in rows.columns and TOWNSHIP_VIA.get(ds.key) not in rows.columns:
        return [None] * rows.height
    return _run(con, ds, rows, "SELECT * FROM {view}")


def _key_match(ds: Dataset) -> str:
    return " AND ".join(f'CAST(i."{k}" AS {ds.column(k).sql_type}) = c."{k}"' for k in ds.natural_key)


def current_versions(con: duckdb.DuckDBPyConnection, dataset_key: str, rows: pl.DataFrame) -> pl.DataFrame:
    """The stored current version of each incoming row's key, with INDEX = the incoming row's position."""
    ds = BY_KEY[dataset_key]
    frame = rows.select(list(ds.natural_key)).with_row_index(INDEX)
    con.register("incoming_keys", frame.to_arrow())
    try:
        cols = ", ".join(f'c."{c}"' for c in ds.column_names)
        return con.execute(f'SELECT i.{INDEX}, {cols} FROM incoming_keys AS i JOIN "{ds.table}" AS c ON {_key_match(ds)}').pl()
    finally:
        con.unregister("incoming_keys")
