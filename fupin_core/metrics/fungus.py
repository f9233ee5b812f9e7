"""千万袋食用菌: bags produced against the target by base (project), 镇办 and report period, fresh
yield and sales, and the households the 食用菌 projects reach.

Bags count like the 总览 KPI (`overview.fungus_bags_wan`): fungus_output rows of year Y at each
project's coarsest reported granularity, placed by their project's 镇办/村.
"""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.catalog import PROJECT_TYPES
from fupin_core.metrics import programme
from fupin_core.metrics.overview import fungus_bags_wan, period_rows_sql
from fupin_core.scope import Scope

FUNGUS = "食用菌"
PROJECT_KINDS = PROJECT_TYPES[FUNGUS]
# The mechanisms the page always lists (the programme's own), even when nobody earns through one.
MECHANISMS = ("菌袋发放", "务工", "分红")

_YEAR_OUTPUT = f"""
    SELECT o.project_id, sum(o.bags_wan) AS bags, sum(o.fresh_yield_t) AS fresh_t, sum(o.sales_wan) AS sales
    FROM ({period_rows_sql("fungus_output")}) AS o WHERE o.period_year = ? GROUP BY o.project_id
"""


def _kind_rank(kind: str) -> int:
    return PROJECT_KINDS.index(kind) if kind in PROJECT_KINDS else len(PROJECT_KINDS)


def fungus_summary(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """The page's key figures for year Y."""
    bags = fungus_bags_wan(con, scope)
    fresh, sales, producing = programme.output_totals(con, scope, _YEAR_OUTPUT, ("fresh_t", "sales"))
    goal = programme.target_progress(con, FUNGUS, scope, bags)
    linked = programme.linked_breakdown(con, scope, FUNGUS)
    reached = programme.totals_of(linked)
    return {
        "bags_wan": bags,
        "target_wan": goal["target"],
        "target_year": goal["target_year"],
        "progress": goal["progress"],
        "fresh_yield_t": round(float(fresh), 2),
        "sales_wan": round(float(sales), 2),
        "producing_projects": int(producing),
        "households_reached": reached["households"],
        "household_income_yuan": reached["income_yuan"],
        # The 带动贫困户 table: the same scan as the households above.
        "linked_by_mechanism": programme.by_mechanism_frame(linked, MECHANISMS),
    }


def bags_by_base(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Every 食用菌 base/scheme with 建设年度 ≤ Y and any project that reported output in Y: its bags,
    fresh yield and sales of year Y."""
    cond, params = scope.where("p.township_code", "p.village_code")
    columns = """p.project_id AS 项目编号, p.project_name AS 基地名称, t.township_name AS 镇办,
               coalesce(v.village_name, ?) AS 村, p.project_type AS 项目类型, coalesce(e.entity_name, ?) AS 实施主体,
               p.build_year AS 建设年度,
               CAST(p.scale AS DOUBLE) AS "建设规模(万袋)",
               CAST(coalesce(o.bags, 0) AS DOUBLE) AS "生产菌袋(万袋)", CAST(coalesce(o.fresh_t, 0) AS DOUBLE) AS "鲜菇产量(吨)",
               CAST(coalesce(o.sales, 0) AS DOUBLE) AS "销售收入(万元)"
    """
    return con.execute(
        programme.projects_with_output_sql(_YEAR_OUTPUT, columns, cond),
        [scope.year, programme.WHOLE_TOWNSHIP, programme.NO_OPERATOR, FUNGUS, scope.year, *params],
    ).pl()


def bags_by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Bags of year Y per 镇办 (every 镇办 in scope) and project type: one row per pair, 0 where none."""
    cond, params = scope.where("p.township_code", "p.village_code")
    found = {
        (code, kind): float(bags)
        for code, kind, bags in con.execute(
            f"""SELECT p.township_code, p.project_type, sum(o.bags)
                FROM ({_YEAR_OUTPUT}) AS o JOIN projects AS p ON p.project_id = o.project_id
                WHERE TRUE {cond} GROUP BY p.township_code, p.project_type""",
            [scope.year, *params],
        ).fetchall()
    }
    kinds = sorted({k for _, k in found} | set(PROJECT_KINDS), key=lambda k: (_kind_rank(k), k))
    t_cond, t_params = Scope(scope.year, scope.townships).where("township_code", None)
    names = con.execute(
        f"SELECT township_code, township_name FROM townships WHERE TRUE {t_cond} ORDER BY township_code", t_params
    ).fetchall()
    if scope.village is not None:
        names = [(c, n) for c, n in names if any(code == c for code, _ in found)]
    records = [(code, name, kind, found.get((code, kind), 0.0)) for code, name in names for kind in kinds]
    return pl.DataFrame(
        records, schema={"镇办代码": pl.String, "镇办": pl.String, "项目类型": pl.String, "生产菌袋(万袋)": pl.Float64}, orient="row"
    )


def output_by_period(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Bags (万袋), fresh yield (吨) and sales (万元) per report period up to year Y."""
    cond, params = scope.where("p.township_code", "p.village_code")
    frame = con.execute(
        f"""
        SELECT CAST(o.period_year AS BIGINT) AS 年度, o.period AS 报告期代码,
               CAST(sum(o.bags_wan) AS DOUBLE) AS "生产菌袋(万袋)", CAST(sum(o.fresh_yield_t) AS DOUBLE) AS "鲜菇产量(吨)",
               CAST(sum(o.sales_wan) AS DOUBLE) AS "销售收入(万元)"
        FROM ({period_rows_sql("fungus_output")}) AS o JOIN projects AS p ON p.project_id = o.project_id
        WHERE o.period_year <= ? {cond}
        GROUP BY o.period_year, o.period
        ORDER BY o.period_year, length(o.period), o.period
        """,
        [scope.year, *params],
    ).pl()
    return programme.with_period_labels(frame)


def linked_by_mechanism(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Households earning from 食用菌 projects in year Y per 联结方式 (菌袋发放, 务工, 分红 always listed);
    the page reads it from fungus_summary, which scans the linkages once for this and its totals."""
    return programme.linked_by_mechanism(con, scope, FUNGUS, always=MECHANISMS)
