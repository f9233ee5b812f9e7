"""万亩菊芋: planted area against the target by village, yield, purchase amounts, and the households
farming on order (订单收购) for the processing enterprises.

Area counts like the 总览 KPI (`overview.artichoke_mu`): artichoke_output rows of year Y, placed by
their project's 镇办/村. An order-farming scheme run for a whole 镇办 has no 村; it is shown as one
row for that 镇办.
"""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.catalog import PROJECT_TYPES
from fupin_core.metrics import programme
from fupin_core.metrics.overview import artichoke_mu
from fupin_core.scope import Scope

ARTICHOKE = "菊芋"
# Order farming first: it is how most households take part.
PROJECT_KINDS = tuple(sorted(PROJECT_TYPES[ARTICHOKE], key=lambda k: k != "订单种植"))
ORDER_FARMING = "订单收购"
WHOLE_TOWNSHIP = programme.WHOLE_TOWNSHIP

_YEAR_OUTPUT = """
    SELECT project_id, sum(area_mu) AS area, sum(yield_t) AS yield_t, sum(purchase_wan) AS purchase
    FROM artichoke_output WHERE year = ? GROUP BY project_id
"""


def artichoke_summary(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """The page's key figures for year Y."""
    area = artichoke_mu(con, scope)
    yield_t, purchase, producing = programme.output_totals(con, scope, _YEAR_OUTPUT, ("yield_t", "purchase"))
    goal = programme.target_progress(con, ARTICHOKE, scope, area)
    linked = programme.linked_breakdown(con, scope, ARTICHOKE)
    order, reached = programme.totals_of(linked, ORDER_FARMING), programme.totals_of(linked)
    return {
        "area_mu": area,
        "target_mu": goal["target"],
        "target_year": goal["target_year"],
        "progress": goal["progress"],
        "yield_t": round(float(yield_t), 2),
        "purchase_wan": round(float(purchase), 2),
        "producing_projects": int(producing),
        "order_households": order["households"],
        "order_income_yuan": order["income_yuan"],
        "households_reached": reached["households"],
        "household_income_yuan": reached["income_yuan"],
        # The 带动贫困户 chart: the same scan as the households above.
        "linked_by_mechanism": programme.by_mechanism_frame(linked, (ORDER_FARMING,)),
    }


def area_by_village(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Area (亩), yield (吨) and purchases (万元) of year Y per village, by 镇办代码 then 村代码; a 镇办-wide
    project is one row of its 镇办 with 村 = 全镇 (listed first)."""
    cond, params = scope.where("p.township_code", "p.village_code")
    frame = con.execute(
        f"""
        SELECT p.township_code AS 镇办代码, t.township_name AS 镇办, p.village_code AS 村代码,
               coalesce(v.village_name, ?) AS 村, count(*) AS "项目数(个)",
               CAST(sum(o.area) AS DOUBLE) AS "种植面积(亩)", CAST(sum(o.yield_t) AS DOUBLE) AS "产量(吨)",
               CAST(sum(o.purchase) AS DOUBLE) AS "收购金额(万元)"
        FROM ({_YEAR_OUTPUT}) AS o
        JOIN projects AS p ON p.project_id = o.project_id
        JOIN townships AS t ON t.township_code = p.township_code
        LEFT JOIN villages AS v ON v.village_code = p.village_code
        WHERE TRUE {cond}
        GROUP BY p.township_code, t.township_name, p.village_code, v.village_name
        ORDER BY p.township_code, p.village_code NULLS FIRST
        """,
        [WHOLE_TOWNSHIP, scope.year, *params],
    ).pl()
    return frame.with_columns(pl.format("{}·{}", "镇办", "村").alias("地点"))


def area_by_type(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Area (亩) of year Y per project type, in the catalog's order (订单种植 … 种植基地)."""
    cond, params = scope.where("p.township_code", "p.village_code")
    found = dict(
        con.execute(
            f"""SELECT p.project_type, sum(o.area) FROM ({_YEAR_OUTPUT}) AS o JOIN projects AS p ON p.project_id = o.project_id
                WHERE TRUE {cond} GROUP BY p.project_type""",
            [scope.year, *params],
        ).fetchall()
    )
    rank = {k: i for i, k in enumerate(PROJECT_KINDS)}
    kinds = sorted(set(found) | set(PROJECT_KINDS), key=lambda k: (rank.get(k, len(rank)), k))
    return pl.DataFrame(
        [(k, float(found.get(k) or 0.0)) for k in kinds], schema={"项目类型": pl.String, "种植面积(亩)": pl.Float64}, orient="row"
    )


def artichoke_projects(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Every 菊芋 project with 建设年度 ≤ Y and any project that reported area in Y, with its year-Y
    area, yield, purchases and order-farming households."""
    cond, params = scope.where("p.township_code", "p.village_code")
    return con.execute(
        f"""
        WITH output AS ({_YEAR_OUTPUT}),
        orders AS (
            SELECT project_id, count(DISTINCT household_id) AS households FROM linkages
            WHERE year = ? AND mechanism = ? AND income_yuan > 0 GROUP BY project_id
        )
        SELECT p.project_id AS 项目编号, p.project_name AS 项目名称, t.township_name AS 镇办,
               coalesce(v.village_name, ?) AS 村, p.project_type AS 项目类型, coalesce(e.entity_name, ?) AS 实施主体,
               p.build_year AS 建设年度, CAST(p.scale AS DOUBLE) AS "建设规模(亩)",
               CAST(coalesce(o.area, 0) AS DOUBLE) AS "种植面积(亩)", CAST(coalesce(o.yield_t, 0) AS DOUBLE) AS "产量(吨)",
               CAST(coalesce(o.purchase, 0) AS DOUBLE) AS "收购金额(万元)", coalesce(k.households, 0) AS "订单农户(户)"
        FROM projects AS p
        JOIN townships AS t ON t.township_code = p.township_code
        LEFT JOIN villages AS v ON v.village_code = p.village_code
        LEFT JOIN entities AS e ON e.credit_code = p.operator_credit_code
        LEFT JOIN output AS o ON o.project_id = p.project_id
        LEFT JOIN orders AS k ON k.project_id = p.project_id
        WHERE ((p.industry = ? AND p.build_year <= ?) OR o.project_id IS NOT NULL) {cond}
        ORDER BY p.township_code, p.village_code NULLS FIRST, p.project_id
        """,
        [scope.year, scope.year, ORDER_FARMING, WHOLE_TOWNSHIP, programme.NO_OPERATOR, ARTICHOKE, scope.year, *params],
    ).pl()


def order_farming_households(con: duckdb.DuckDBPyConnection, scope: Scope, limit: int | None = None) -> pl.DataFrame:
    """Households selling 菊芋 on order (订单收购, 收益金额 > 0) in year Y, one row per household and
    project, by the household's 镇办/村 code; the first `limit` rows when given (a page preview: a
    province has a hundred thousand; the download has all)."""
    cond, params = scope.where("p.township_code", "p.village_code")
    first, first_params = ("LIMIT ?", [limit]) if limit is not None else ("", [])
    return con.execute(
        f"""
        SELECT ht.township_name AS 镇办, hv.village_name AS 村, h.household_id AS 户编号, h.head_name AS 户主姓名,
               h.family_size AS 家庭人口, p.project_name AS 项目名称, CAST(l.income_yuan AS DOUBLE) AS "收益金额(元)"
        FROM linkages AS l
        JOIN projects AS p ON p.project_id = l.project_id
        JOIN households AS h ON h.household_id = l.household_id
        JOIN villages AS hv ON hv.village_code = h.village_code
        JOIN townships AS ht ON ht.township_code = hv.township_code
        WHERE p.industry = ? AND l.mechanism = ? AND l.year = ? AND l.income_yuan > 0 {cond}
        ORDER BY hv.township_code, h.village_code, h.household_id, p.project_id
        {first}
        """,
        [ARTICHOKE, ORDER_FARMING, scope.year, *params, *first_params],
    ).pl()


def linked_by_mechanism(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Households earning from 菊芋 projects in year Y per 联结方式 (订单收购 always listed); the page
    reads it from artichoke_summary, which scans the linkages once for this and its totals."""
    return programme.linked_by_mechanism(con, scope, ARTICHOKE, always=(ORDER_FARMING,))
