"""资金: project funds by source and year, allocated (下达) against spent (支出), the spending rate
by project and by 镇办, and the projects spending below a threshold (90 % by default).

Funds are placed by their project's 镇办/村, exactly as overview.fund_kpis places them, so the
统筹整合涉农资金 figures here equal the 总览 ones. `category` narrows to one 资金类别 (统筹整合涉农资金,
财政专项扶贫资金, 其他资金); None means every category. 企业自筹 is the operator's own investment, not
下达: it is left out of every table here (overview.fund_totals reports it apart). Money columns arrive
as DOUBLE.
"""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.catalog import FUND_CATEGORIES, FUND_SOURCES, SELF_FUNDED_SOURCES
from fupin_core.metrics import scope_keys
from fupin_core.metrics.overview import fund_kpis
from fupin_core.scope import Scope

LOW_SPENDING = 0.9

_RATE = "CAST(CASE WHEN sum(f.allocated_wan) > 0 THEN round(sum(f.spent_wan) / sum(f.allocated_wan), 4) END AS DOUBLE)"


def _order(values: tuple[str, ...], column: str) -> tuple[str, list]:
    """ORDER BY expression placing `column` in the catalog's order of `values` (bound)."""
    whens = " ".join("WHEN ? THEN " + str(i) for i in range(len(values)))
    return f"CASE {column} {whens} ELSE {len(values)} END", list(values)


def _source_order(column: str) -> tuple[str, list]:
    """ORDER BY expression placing `column` in the catalog's order of 资金来源 (values bound)."""
    return _order(FUND_SOURCES, column)


# Bound after the year in every query below: 企业自筹 is never 下达.
_ALLOCATED_ONLY = f" AND f.fund_source NOT IN ({', '.join('?' for _ in SELF_FUNDED_SOURCES)})"


def _source_filter(category: str | None) -> tuple[str, list]:
    """The 资金类别 filter (None = every category), always without 企业自筹."""
    if category is None:
        return _ALLOCATED_ONLY, list(SELF_FUNDED_SOURCES)
    return _ALLOCATED_ONLY + " AND f.fund_category = ?", [*SELF_FUNDED_SOURCES, category]


def _funds_by(con: duckdb.DuckDBPyConnection, scope: Scope, column: str, label: str, values: tuple[str, ...]) -> pl.DataFrame:
    """Year Y per value of `column` (a 资金来源 or 资金类别, catalog order; values without funds left out)."""
    cond, params = scope.where("p.township_code", "p.village_code")
    order_sql, order = _order(values, f"f.{column}")
    return con.execute(
        f"""
        SELECT f.{column} AS {label}, count(DISTINCT f.project_id) AS "项目数(个)",
               CAST(sum(f.allocated_wan) AS DOUBLE) AS "下达金额(万元)", CAST(sum(f.spent_wan) AS DOUBLE) AS "支出金额(万元)",
               {_RATE} AS 支出率
        FROM funds AS f JOIN projects AS p ON p.project_id = f.project_id
        WHERE f.year = ? {_ALLOCATED_ONLY} {cond}
        GROUP BY f.{column}
        ORDER BY min({order_sql})
        """,
        [scope.year, *SELF_FUNDED_SOURCES, *params, *order],
    ).pl()


def funds_by_source(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Year Y per 资金来源 (catalog order; sources without funds left out)."""
    return _funds_by(con, scope, "fund_source", "资金来源", FUND_SOURCES)


def funds_by_category(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Year Y per 资金类别 (统筹整合涉农资金, 财政专项扶贫资金, 其他资金; those without funds left out).
    Each 万元 is in exactly one category, so the rows add up to the year's total."""
    return _funds_by(con, scope, "fund_category", "资金类别", FUND_CATEGORIES)


def funds_by_year(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Every year up to Y per 资金来源 (year, then catalog order of sources)."""
    cond, params = scope.where("p.township_code", "p.village_code")
    order_sql, order = _source_order("f.fund_source")
    return con.execute(
        f"""
        SELECT f.year AS 年度, f.fund_source AS 资金来源,
               CAST(sum(f.allocated_wan) AS DOUBLE) AS "下达金额(万元)", CAST(sum(f.spent_wan) AS DOUBLE) AS "支出金额(万元)",
               {_RATE} AS 支出率
        FROM funds AS f JOIN projects AS p ON p.project_id = f.project_id
        WHERE f.year <= ? {_ALLOCATED_ONLY} {cond}
        GROUP BY f.year, f.fund_source
        ORDER BY f.year, min({order_sql})
        """,
        [scope.year, *SELF_FUNDED_SOURCES, *params, *order],
    ).pl()


def funds_by_township(con: duckdb.DuckDBPyConnection, scope: Scope, category: str | None = None) -> pl.DataFrame:
    """Year Y per 镇办 in scope (every 镇办, by code; none = zero), with the count of projects whose
    spending rate is below LOW_SPENDING."""
    cond, params = scope.where("p.township_code", "p.village_code")
    outer_cond, outer_params = Scope(scope.year, scope.townships).where("t.township_code", None)
    source_sql, source_params = _source_filter(category)
    return con.execute(
        f"""
        WITH per_project AS (
            SELECT p.township_code, f.project_id, sum(f.allocated_wan) AS allocated, sum(f.spent_wan) AS spent
            FROM funds AS f JOIN projects AS p ON p.project_id = f.project_id
            WHERE f.year = ? {source_sql} {cond}
            GROUP BY p.township_code, f.project_id
        ),
        per_township AS (
            SELECT township_code, count(*) AS projects, sum(allocated) AS allocated, sum(spent) AS spent,
                   count(*) FILTER (WHERE allocated > 0 AND spent / allocated < ?) AS low
            FROM per_project GROUP BY township_code
        )
        SELECT t.township_code AS 镇办代码, t.township_name AS 镇办,
               coalesce(pt.projects, 0) AS "项目数(个)",
               CAST(coalesce(pt.allocated, 0) AS DOUBLE) AS "下达金额(万元)",
               CAST(coalesce(pt.spent, 0) AS DOUBLE) AS "支出金额(万元)",
               CAST(CASE WHEN pt.allocated > 0 THEN round(pt.spent / pt.allocated, 4) END AS DOUBLE) AS 支出率,
               coalesce(pt.low, 0) AS "支出率低于90%项目数(个)"
        FROM townships AS t LEFT JOIN per_township AS pt ON pt.township_code = t.township_code
        WHERE TRUE {outer_cond}
        ORDER BY t.township_code
        """,
        [scope.year, *source_params, *params, LOW_SPENDING, *outer_params],
    ).pl()


def _projects_sql(cond: str, source_sql: str, having: str, per_source: bool = False) -> str:
    """Funds of year Y per project (its sources joined, their ORDER BY values bound first), or per
    project and source when `per_source` (nothing bound before the year)."""
    order_sql, _ = _source_order("f.fund_source")
    sources = "f.fund_source" if per_source else f"string_agg(f.fund_source, '、' ORDER BY {order_sql})"
    return f"""
        SELECT t.township_name AS 镇办, v.village_name AS 村, p.project_id AS 项目编号, p.project_name AS 项目名称,
               p.industry AS 产业类别, p.build_status AS 建设状态,
               {sources} AS 资金来源,{" f.fund_category AS 资金类别," if per_source else ""}
               CAST(sum(f.allocated_wan) AS DOUBLE) AS "下达金额(万元)", CAST(sum(f.spent_wan) AS DOUBLE) AS "支出金额(万元)",
               CAST(sum(f.allocated_wan) - sum(f.spent_wan) AS DOUBLE) AS "未支出金额(万元)",
               {_RATE} AS 支出率
        FROM funds AS f
        JOIN projects AS p ON p.project_id = f.project_id
        JOIN townships AS t ON t.township_code = p.township_code
        LEFT JOIN villages AS v ON v.village_code = p.village_code
        WHERE f.year = ? {source_sql} {cond}
        GROUP BY p.township_code, p.village_code, t.township_name, v.village_name, p.project_id, p.project_name,
                 p.industry, p.build_status{", f.fund_source, f.fund_category" if per_source else ""}
        {having}
    """


def funds_by_project(con: duckdb.DuckDBPyConnection, scope: Scope, category: str | None = None) -> pl.DataFrame:
    """Year Y per project (sources joined in catalog order), by 镇办, village and project code."""
    cond, params = scope.where("p.township_code", "p.village_code")
    source_sql, source_params = _source_filter(category)
    return con.execute(
        _projects_sql(cond, source_sql, "") + " ORDER BY p.township_code, p.village_code NULLS LAST, p.project_id",
        [*FUND_SOURCES, scope.year, *source_params, *params],
    ).pl()


def funds_by_project_source(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Year Y per project and 资金来源 (one row each: the lines of a 项目资金汇总表), by 镇办, village
    and project code, then the catalog's order of sources."""
    cond, params = scope.where("p.township_code", "p.village_code")
    order_sql, order = _source_order("f.fund_source")
    return con.execute(
        _projects_sql(cond, _ALLOCATED_ONLY, "", per_source=True)
        + f" ORDER BY p.township_code, p.village_code NULLS LAST, p.project_id, {order_sql}, f.fund_category",
        [scope.year, *SELF_FUNDED_SOURCES, *params, *order],
    ).pl()


def low_spending_projects(
    con: duckdb.DuckDBPyConnection, scope: Scope, threshold: float = LOW_SPENDING, category: str | None = None
) -> pl.DataFrame:
    """Projects of year Y whose funds (every category, without 企业自筹, or one category) were spent below
    `threshold` of the allocation (支出 ÷ 下达 < threshold), the lowest rate first; the rate is compared
    unrounded. With no category this is the indicator low_spending_projects (总览, alert, report)."""
    cond, params = scope.where("p.township_code", "p.village_code")
    keys, key_params = scope_keys.projects_in(con, scope, "f.project_id")
    source_sql, source_params = _source_filter(category)
    having = "HAVING sum(f.allocated_wan) > 0 AND sum(f.spent_wan) / sum(f.allocated_wan) < ?"
    return con.execute(
        _projects_sql(cond + keys, source_sql, having) + " ORDER BY sum(f.spent_wan) / sum(f.allocated_wan), p.project_id",
        [*FUND_SOURCES, scope.year, *source_params, *params, *key_params, threshold],
    ).pl()


def fund_summary(con: duckdb.DuckDBPyConnection, scope: Scope, category: str | None = None) -> dict:
    """Year Y's totals (for one 资金类别, or all without 企业自筹), and how many projects spend below
    LOW_SPENDING. For 统筹整合涉农资金 the totals are overview.fund_kpis itself."""
    if category is not None:
        totals = fund_kpis(con, scope, category)
    else:
        frame = funds_by_source(con, scope)
        allocated = round(float(frame["下达金额(万元)"].sum()), 2)
        spent = round(float(frame["支出金额(万元)"].sum()), 2)
        totals = {"allocated_wan": allocated, "spent_wan": spent, "spend_rate": round(spent / allocated, 4) if allocated else None}
    projects, low = project_counts(con, scope, LOW_SPENDING, category)
    return {**totals, "projects": projects, "low_spending_projects": low}


def project_counts(
    con: duckdb.DuckDBPyConnection, scope: Scope, threshold: float = LOW_SPENDING, category: str | None = None
) -> tuple[int, int]:
    """How many rows funds_by_project and low_spending_projects have, counted without building their
    columns (the joined sources cost most): the projects with funds of year Y, and those of them whose
    rate is below `threshold`, compared unrounded as low_spending_projects compares it."""
    cond, params = scope.where("p.township_code", "p.village_code")
    keys, key_params = scope_keys.projects_in(con, scope, "f.project_id")
    source_sql, source_params = _source_filter(category)
    projects, low = con.execute(
        f"""
        SELECT count(*), count(*) FILTER (WHERE allocated > 0 AND spent / allocated < ?)
        FROM (
            SELECT p.project_id, sum(f.allocated_wan) AS allocated, sum(f.spent_wan) AS spent
            FROM funds AS f
            JOIN projects AS p ON p.project_id = f.project_id
            JOIN townships AS t ON t.township_code = p.township_code
            WHERE f.year = ? {keys} {source_sql} {cond}
            GROUP BY p.project_id
        )
        """,
        [threshold, scope.year, *key_params, *source_params, *params],
    ).fetchone()
    return int(projects), int(low)
