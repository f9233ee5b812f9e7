"""镇村明细: from a 镇办 to its villages and projects, from a village to its projects, from a project
to its households — each a function of (connection, Scope[, code]) returning a polars frame.

Household figures follow the indicator registry (metrics.indicators, docs/INDICATORS.md) as overview does: registered = 识别年度 ≤ Y; linked = a linkage
of Y with 收益金额 > 0; uncovered = registered with labour capacity and no linkage of Y (metrics/indicators).
"""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.catalog import WORKING_CAPACITIES
from fupin_core.metrics import summaries
from fupin_core.metrics.overview import REPORTED_TOWNSHIPS_SQL
from fupin_core.metrics.pivot import DIMENSIONS
from fupin_core.scope import Scope


def villages(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Every village in scope, by code: households registered, linked (带动增收) and uncovered (有劳动能力 but no
    support of Y, the registry's coverage), the coverage rate, and projects."""
    cond, params = scope.where("v.township_code", "v.village_code")
    working = ", ".join("?" for _ in WORKING_CAPACITIES)
    y = scope.year
    source = summaries.relation_of_year(con, y)
    if source is None:
        per_village = f"""
        lk AS (SELECT household_id, bool_or(income_yuan > 0) AS earned FROM linkages WHERE year = ? GROUP BY household_id),
        hh AS (
            SELECT h.village_code,
                   count(*) FILTER (WHERE h.identified_year <= ?) AS registered,
                   count(*) FILTER (WHERE lk.earned) AS linked,
                   count(*) FILTER (WHERE h.identified_year <= ? AND h.labour_capacity IN ({working})) AS working,
                   count(*) FILTER (WHERE h.identified_year <= ? AND h.labour_capacity IN ({working}) AND lk.household_id IS NOT NULL) AS covered
            FROM households AS h LEFT JOIN lk ON lk.household_id = h.household_id
            GROUP BY h.village_code
        ),
        reported AS ({REPORTED_TOWNSHIPS_SQL})"""
        per_village_params = [y, y, y, *WORKING_CAPACITIES, y, *WORKING_CAPACITIES, y]
    else:
        relation, per_village_params = source
        per_village = f"""
        summary AS {relation},
        hh AS (
            SELECT village_code, CAST(registered AS BIGINT) AS registered, CAST(earned AS BIGINT) AS linked,
                   CAST(capable AS BIGINT) AS working, CAST(covered AS BIGINT) AS covered
            FROM summary
        ),
        reported AS (SELECT township_code FROM summary GROUP BY township_code HAVING sum(supported) > 0)"""
    return con.execute(
        f"""
        WITH {per_village},
        pr AS (SELECT village_code, count(*) AS projects FROM projects WHERE build_year <= ? GROUP BY village_code)
        SELECT v.village_code AS 村代码, t.township_name AS 镇办, v.village_name AS 村, v.is_poverty_village AS 贫困村,
               coalesce(hh.registered, 0) AS 建档立卡户数, coalesce(hh.linked, 0) AS 带动增收户数,
               CASE WHEN v.township_code IN (SELECT township_code FROM reported) THEN coalesce(hh.working - hh.covered, 0) END AS 未覆盖户数,
               CASE WHEN v.township_code IN (SELECT township_code FROM reported) AND hh.working > 0
                    THEN round(100.0 * hh.covered / hh.working, 1) END AS "产业覆盖率(%)",
               coalesce(pr.projects, 0) AS 项目数
        FROM villages AS v
        JOIN townships AS t ON t.township_code = v.township_code
        LEFT JOIN hh ON hh.village_code = v.village_code
        LEFT JOIN pr ON pr.village_code = v.village_code
        WHERE TRUE {cond}
        ORDER BY v.village_code
        """,
        [*per_village_params, y, *params],
    ).pl()


_PROJECT_COLUMNS = """p.project_id AS 项目编号, p.project_name AS 项目名称, p.industry AS 产业类别, p.project_type AS 项目类型,
    p.build_year AS 建设年度, p.build_status AS 建设状态, CAST(p.scale AS DOUBLE) AS 建设规模, p.scale_unit AS 规模单位,
    CAST(p.total_investment_wan AS DOUBLE) AS "总投资(万元)\""""


def township_projects(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Projects in scope built by Y (建设年度 ≤ Y), by 产业 then code, with the households they bring income in Y."""
    cond, params = scope.where("p.township_code", "p.village_code")
    order, order_params = DIMENSIONS["产业"].order()
    return con.execute(
        f"""
        WITH reach AS (
            SELECT project_id, count(DISTINCT household_id) AS households, sum(income_yuan) AS income
            FROM linkages WHERE year = ? AND income_yuan > 0 GROUP BY project_id
        )
        SELECT {_PROJECT_COLUMNS}, t.township_name AS 镇办, coalesce(v.village_name, '（镇办级）') AS 所在村,
               coalesce(r.households, 0) AS 带动户数, CAST(coalesce(r.income, 0) AS DOUBLE) AS "收益金额(元)"
        FROM projects AS p
        JOIN townships AS t ON t.township_code = p.township_code
        LEFT JOIN villages AS v ON v.village_code = p.village_code
        LEFT JOIN reach AS r ON r.project_id = p.project_id
        WHERE p.build_year <= ? {cond}
        ORDER BY p.township_code, {order}, p.project_id
        """,
        [scope.year, scope.year, *params, *order_params],
    ).pl()


def village_projects(con: duckdb.DuckDBPyConnection, scope: Scope, village_code: str) -> pl.DataFrame:
    """A village's projects: those built in it by Y, and any other project that brings its households
    income in Y (e.g. a 镇办-level order-farming project), with the village's households and income."""
    cond, params = scope.where("v.township_code", "v.village_code")
    order, order_params = DIMENSIONS["产业"].order()
    return con.execute(
        f"""
        WITH here AS (
            SELECT l.project_id, count(DISTINCT l.household_id) AS households, sum(l.income_yuan) AS income
            FROM linkages AS l JOIN households AS h ON h.household_id = l.household_id
            WHERE l.year = ? AND l.income_yuan > 0 AND h.village_code = ?
            GROUP BY l.project_id
        )
        SELECT {_PROJECT_COLUMNS},
               CASE WHEN p.village_code = ? THEN '本村' ELSE coalesce(pv.village_name, pt.township_name || '（镇办级）') END AS 项目所在,
               coalesce(here.households, 0) AS 带动本村户数, CAST(coalesce(here.income, 0) AS DOUBLE) AS "本村收益金额(元)"
        FROM projects AS p
        JOIN townships AS pt ON pt.township_code = p.township_code
        LEFT JOIN villages AS pv ON pv.village_code = p.village_code
        LEFT JOIN here ON here.project_id = p.project_id
        WHERE ((p.village_code = ? AND p.build_year <= ?) OR here.project_id IS NOT NULL)
          AND EXISTS (SELECT 1 FROM villages AS v WHERE v.village_code = ? {cond})
        ORDER BY CASE WHEN p.village_code = ? THEN 0 ELSE 1 END, {order}, p.project_id
        """,
        [scope.year, village_code, village_code, village_code, scope.year, village_code, *params, village_code, *order_params],
    ).pl()


def project_households(con: duckdb.DuckDBPyConnection, scope: Scope, project_id: str) -> pl.DataFrame:
    """Every linkage of one project in Y with its household (households in scope), by village and 户编号."""
    cond, params = scope.where("v.township_code", "h.village_code")
    order, order_params = DIMENSIONS["联结方式"].order()
    return con.execute(
        f"""
        SELECT t.township_name AS 镇办, v.village_name AS 村, h.household_id AS 户编号, h.head_name AS 户主姓名,
               h.head_id_number AS 户主身份证号, h.family_size AS 家庭人口, h.household_kind AS 贫困户属性,
               l.mechanism AS 联结方式, l.sub_type AS 细分类型, CAST(l.income_yuan AS DOUBLE) AS "收益金额(元)"
        FROM linkages AS l
        JOIN households AS h ON h.household_id = l.household_id
        JOIN villages AS v ON v.village_code = h.village_code
        JOIN townships AS t ON t.township_code = v.township_code
        WHERE l.project_id = ? AND l.year = ? {cond}
        ORDER BY h.village_code, h.household_id, {order}
        """,
        [project_id, scope.year, *params, *order_params],
    ).pl()


def project_summary(con: duckdb.DuckDBPyConnection, scope: Scope, project_id: str) -> dict:
    """One project's linkages of Y (households in scope): how many, households with income, income (元)."""
    cond, params = scope.where("v.township_code", "h.village_code")
    row = con.execute(
        f"""
        SELECT count(*), count(DISTINCT l.household_id) FILTER (WHERE l.income_yuan > 0), coalesce(sum(l.income_yuan), 0)
        FROM linkages AS l
        JOIN households AS h ON h.household_id = l.household_id
        JOIN villages AS v ON v.village_code = h.village_code
        WHERE l.project_id = ? AND l.year = ? {cond}
        """,
        [project_id, scope.year, *params],
    ).fetchone()
    return {"linkages": int(row[0]), "linked_households": int(row[1]), "income_yuan": round(float(row[2]), 2)}
