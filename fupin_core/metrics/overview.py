"""The KPI set of DESIGN.md ("KPI definitions"), each a function of (connection, Scope).

Every figure on the 总览 page and in `fupin kpi` comes from here.
"""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.metrics.scope import Scope

INTEGRATED_FUNDS = "统筹整合涉农资金"
BUILT = ("已建成", "运营中")


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> dict:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    return dict(zip(names, row, strict=True))


def _num(value, digits: int = 4) -> float:
    return round(float(value or 0), digits)


def _rate(numerator, denominator) -> float | None:
    return round(float(numerator) / float(denominator), 3) if denominator else None


def household_kpis(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """Registered, exited, linked and covered households/people (建档立卡, 脱贫, 带动增收, 产业覆盖)."""
    cond, params = scope.where("v.township_code", "h.village_code")
    y = scope.year
    row = _one(
        con,
        f"""
        WITH linked AS (SELECT DISTINCT household_id FROM linkages WHERE year = ? AND income_yuan > 0)
        SELECT
            count(*) FILTER (WHERE h.identified_year <= ?) AS households_registered,
            coalesce(sum(h.family_size) FILTER (WHERE h.identified_year <= ?), 0) AS people_registered,
            count(*) FILTER (WHERE h.exit_year <= ?) AS households_exited_cum,
            coalesce(sum(h.family_size) FILTER (WHERE h.exit_year <= ?), 0) AS people_exited_cum,
            count(*) FILTER (WHERE h.exit_year = ?) AS households_exited_year,
            coalesce(sum(h.family_size) FILTER (WHERE h.exit_year = ?), 0) AS people_exited_year,
            count(l.household_id) AS linked_households,
            coalesce(sum(h.family_size) FILTER (WHERE l.household_id IS NOT NULL), 0) AS linked_people,
            count(*) FILTER (WHERE h.identified_year <= ? AND (h.exit_year IS NULL OR h.exit_year >= ?)) AS active_households,
            count(l.household_id) FILTER (WHERE h.identified_year <= ? AND (h.exit_year IS NULL OR h.exit_year >= ?)) AS active_linked
        FROM households AS h
        JOIN villages AS v ON v.village_code = h.village_code
        LEFT JOIN linked AS l ON l.household_id = h.household_id
        WHERE TRUE {cond}
        """,
        [y, y, y, y, y, y, y, y, y, y, y, *params],
    )
    out = {k: int(v) for k, v in row.items()}
    out["coverage_rate"] = _rate(out["active_linked"], out["active_households"])
    out["uncovered_households"] = out["active_households"] - out["active_linked"]
    return out


def village_kpis(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    cond, params = scope.where("township_code", "village_code")
    row = _one(
        con,
        f"""
        SELECT count(*) FILTER (WHERE is_poverty_village = '是') AS poverty_villages,
               count(*) FILTER (WHERE is_deep_poverty_village = '是') AS deep_poverty_villages,
               count(*) FILTER (WHERE exit_year = ?) AS villages_exited_year,
               count(*) FILTER (WHERE exit_year <= ?) AS villages_exited_cum
        FROM villages WHERE TRUE {cond}
        """,
        [scope.year, scope.year, *params],
    )
    return {k: int(v) for k, v in row.items()}


def target(con: duckdb.DuckDBPyConnection, industry: str, year: int) -> dict | None:
    """The target in force for `year`: the nearest target year at or after it, else the latest."""
    row = con.execute(
        """SELECT target_value, unit, target_year FROM targets WHERE industry = ?
           ORDER BY (target_year < ?), CASE WHEN target_year >= ? THEN target_year ELSE -target_year END LIMIT 1""",
        [industry, year, year],
    ).fetchone()
    return None if row is None else {"value": float(row[0]), "unit": row[1], "year": int(row[2])}


def pv_capacity_mw(con: duckdb.DuckDBPyConnection, scope: Scope) -> float:
    """Built (已建成/运营中) 光伏 capacity with 建设年度 ≤ Y, in MW."""
    cond, params = scope.where("township_code", "village_code")
    row = con.execute(
        f"""SELECT coalesce(sum(scale), 0) / 1000 FROM projects
            WHERE industry = '光伏' AND build_status IN (?, ?) AND build_year <= ? {cond}""",
        [*BUILT, scope.year, *params],
    ).fetchone()
    return _num(row[0])


# Report periods: '2017' (year), '2017Q3' (quarter), '2017-09' (month). A project reported at
# several granularities for one year counts once, at its coarsest one.
_PERIOD_YEAR = "CAST(substr(period, 1, 4) AS INTEGER)"
_PERIOD_GRAIN = "length(period)"


def period_rows_sql(table: str) -> str:
    """Rows of `table` at the coarsest reported granularity per project and year."""
    return f"""
        SELECT * FROM (
            SELECT o.*, {_PERIOD_YEAR} AS period_year,
                   {_PERIOD_GRAIN} = min({_PERIOD_GRAIN}) OVER (PARTITION BY project_id, {_PERIOD_YEAR}) AS coarsest
            FROM "{table}" AS o
        ) AS graded WHERE coarsest
    """


def fungus_bags_wan(con: duckdb.DuckDBPyConnection, scope: Scope) -> float:
    cond, params = scope.where("p.township_code", "p.village_code")
    row = con.execute(
        f"""SELECT coalesce(sum(o.bags_wan), 0) FROM ({period_rows_sql("fungus_output")}) AS o
            JOIN projects AS p ON p.project_id = o.project_id
            WHERE o.period_year = ? {cond}""",
        [scope.year, *params],
    ).fetchone()
    return _num(row[0])


def artichoke_mu(con: duckdb.DuckDBPyConnection, scope: Scope) -> float:
    cond, params = scope.where("p.township_code", "p.village_code")
    row = con.execute(
        f"""SELECT coalesce(sum(o.area_mu), 0) FROM artichoke_output AS o
            JOIN projects AS p ON p.project_id = o.project_id
            WHERE o.year = ? {cond}""",
        [scope.year, *params],
    ).fetchone()
    return _num(row[0])


def fund_kpis(con: duckdb.DuckDBPyConnection, scope: Scope, source: str = INTEGRATED_FUNDS) -> dict:
    """Allocated and spent (万元) of one fund source in year Y, and the spending rate."""
    cond, params = scope.where("p.township_code", "p.village_code")
    row = con.execute(
        f"""SELECT coalesce(sum(f.allocated_wan), 0), coalesce(sum(f.spent_wan), 0)
            FROM funds AS f JOIN projects AS p ON p.project_id = f.project_id
            WHERE f.fund_source = ? AND f.year = ? {cond}""",
        [source, scope.year, *params],
    ).fetchone()
    allocated, spent = _num(row[0], 2), _num(row[1], 2)
    return {"allocated_wan": allocated, "spent_wan": spent, "spend_rate": _rate(spent, allocated)}


def pilot_kpis(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """三变 pilot villages started by year Y and the district funds put into them (万元)."""
    cond, params = scope.where("v.township_code", "p.village_code")
    row = con.execute(
        f"""SELECT count(*), coalesce(sum(p.district_funds_wan), 0)
            FROM pilots AS p JOIN villages AS v ON v.village_code = p.village_code
            WHERE p.pilot_year <= ? {cond}""",
        [scope.year, *params],
    ).fetchone()
    return {"pilot_villages": int(row[0]), "pilot_funds_wan": _num(row[1], 2)}


def dividend_kpis(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """Dividends due and paid (元) in year Y and the payout rate (分红兑现率)."""
    cond, params = scope.where("e.township_code", "e.village_code")
    row = con.execute(
        f"""SELECT coalesce(sum(d.due_yuan), 0), coalesce(sum(d.paid_yuan), 0)
            FROM dividends AS d
            JOIN investments AS i ON i.investment_id = d.investment_id
            JOIN entities AS e ON e.credit_code = i.entity_credit_code
            WHERE d.year = ? {cond}""",
        [scope.year, *params],
    ).fetchone()
    due, paid = _num(row[0], 2), _num(row[1], 2)
    return {"due_yuan": due, "paid_yuan": paid, "payout_rate": _rate(paid, due)}


def overview_kpis(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """Every KPI of the 总览 page and of `fupin kpi --json`, under the documented keys."""
    h = household_kpis(con, scope)
    v = village_kpis(con, scope)
    funds = fund_kpis(con, scope)
    pilots = pilot_kpis(con, scope)
    targets = {ind: target(con, ind, scope.year) for ind in ("光伏", "食用菌", "菊芋")}
    return {
        "year": scope.year,
        "households_registered": h["households_registered"],
        "people_registered": h["people_registered"],
        "households_exited_cum": h["households_exited_cum"],
        "people_exited_cum": h["people_exited_cum"],
        "households_exited_year": h["households_exited_year"],
        "people_exited_year": h["people_exited_year"],
        "poverty_villages": v["poverty_villages"],
        "deep_poverty_villages": v["deep_poverty_villages"],
        "villages_exited_year": v["villages_exited_year"],
        "pv_capacity_mw": pv_capacity_mw(con, scope),
        "pv_target_mw": targets["光伏"]["value"] if targets["光伏"] else None,
        "fungus_bags_wan": fungus_bags_wan(con, scope),
        "fungus_target_wan": targets["食用菌"]["value"] if targets["食用菌"] else None,
        "artichoke_mu": artichoke_mu(con, scope),
        "artichoke_target_mu": targets["菊芋"]["value"] if targets["菊芋"] else None,
        "linked_households": h["linked_households"],
        "linked_people": h["linked_people"],
        "coverage_rate": h["coverage_rate"],
        "uncovered_households": h["uncovered_households"],
        "integrated_funds_allocated_wan": funds["allocated_wan"],
        "integrated_funds_spent_wan": funds["spent_wan"],
        "integrated_funds_spend_rate": funds["spend_rate"],
        "pilot_villages": pilots["pilot_villages"],
        "pilot_funds_wan": pilots["pilot_funds_wan"],
        "dividend_payout_rate": dividend_kpis(con, scope)["payout_rate"],
    }


def programme_progress(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """The 百千万 programme against its targets: one row per industry."""
    rows = []
    for industry, label, value, unit in (
        ("光伏", "百兆瓦光伏", pv_capacity_mw(con, scope), "兆瓦"),
        ("食用菌", "千万袋食用菌", fungus_bags_wan(con, scope), "万袋"),
        ("菊芋", "万亩菊芋", artichoke_mu(con, scope), "亩"),
    ):
        t = target(con, industry, scope.year)
        goal = t["value"] if t else None
        rows.append(
            {
                "产业": industry,
                "工程": label,
                "完成": value,
                "目标": goal,
                "单位": unit,
                "目标年度": t["year"] if t else None,
                "完成率": round(value / goal, 4) if goal else None,
            }
        )
    return pl.DataFrame(rows, schema_overrides={"目标": pl.Float64, "目标年度": pl.Int64, "完成率": pl.Float64})


def township_breakdown(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Per 镇办: registered and linked households, coverage (年初未脱贫户数: not exited before Y;
    产业覆盖户数: those of them linked in Y), and built PV capacity (MW)."""
    # One row per 镇办 in scope; a village filter narrows nothing here (its 镇办 stays whole).
    townships = Scope(scope.year, scope.townships)
    cond, params = townships.where("t.township_code", None)
    # The same filter inside the aggregations, so one 镇办 does not aggregate the whole province.
    hh_cond, hh_params = townships.where("v.township_code", None)
    pv_cond, pv_params = townships.where("township_code", None)
    y = scope.year
    return con.execute(
        f"""
        WITH linked AS (SELECT DISTINCT household_id FROM linkages WHERE year = ? AND income_yuan > 0),
        hh AS (
            SELECT v.township_code,
                   count(*) FILTER (WHERE h.identified_year <= ?) AS registered,
                   count(*) FILTER (WHERE h.identified_year <= ? AND (h.exit_year IS NULL OR h.exit_year >= ?)) AS active,
                   count(l.household_id) AS linked,
                   count(l.household_id) FILTER (WHERE h.identified_year <= ? AND (h.exit_year IS NULL OR h.exit_year >= ?)) AS active_linked
            FROM households AS h JOIN villages AS v ON v.village_code = h.village_code
            LEFT JOIN linked AS l ON l.household_id = h.household_id
            WHERE TRUE {hh_cond}
            GROUP BY v.township_code
        ),
        pv AS (
            SELECT township_code, sum(scale) / 1000 AS pv_mw FROM projects
            WHERE industry = '光伏' AND build_status IN (?, ?) AND build_year <= ? {pv_cond}
            GROUP BY township_code
        )
        SELECT t.township_code AS 镇办代码, t.township_name AS 镇办,
               coalesce(hh.registered, 0) AS 建档立卡户数,
               coalesce(hh.linked, 0) AS 带动增收户数,
               coalesce(hh.active, 0) AS 年初未脱贫户数,
               coalesce(hh.active_linked, 0) AS 产业覆盖户数,
               coalesce(hh.active - hh.active_linked, 0) AS 未覆盖户数,
               CASE WHEN hh.active > 0 THEN round(hh.active_linked / hh.active, 4) END AS 产业覆盖率,
               round(coalesce(pv.pv_mw, 0), 3) AS 光伏装机兆瓦
        FROM townships AS t
        LEFT JOIN hh ON hh.township_code = t.township_code
        LEFT JOIN pv ON pv.township_code = t.township_code
        WHERE TRUE {cond}
        ORDER BY t.township_code
        """,
        [y, y, y, y, y, y, *hh_params, *BUILT, y, *pv_params, *params],
    ).pl()


def _gap_sql(scope: Scope) -> tuple[str, list]:
    """FROM … WHERE of the households not yet exited at the start of Y that no linkage of Y reaches."""
    cond, params = scope.where("v.township_code", "h.village_code")
    y = scope.year
    sql = f"""
        FROM households AS h
        JOIN villages AS v ON v.village_code = h.village_code
        JOIN townships AS t ON t.township_code = v.township_code
        WHERE h.identified_year <= ? AND (h.exit_year IS NULL OR h.exit_year >= ?)
          AND NOT EXISTS (SELECT 1 FROM linkages AS k WHERE k.household_id = h.household_id AND k.year = ? AND k.income_yuan > 0)
          {cond}
    """
    return sql, [y, y, y, *params]


def coverage_gap(con: duckdb.DuckDBPyConnection, scope: Scope, limit: int | None = None) -> pl.DataFrame:
    """Households not yet exited at the start of Y that no industry linkage of Y reaches."""
    gap, params = _gap_sql(scope)
    limit_sql = "LIMIT ?" if limit else ""
    return con.execute(
        f"""
        SELECT t.township_name AS 镇办, v.village_name AS 村, h.household_id AS 户编号, h.head_name AS 户主姓名,
               h.family_size AS 家庭人口, h.household_kind AS 贫困户属性, h.main_cause AS 主要致贫原因
        {gap}
        ORDER BY v.township_code, h.village_code, h.household_id
        {limit_sql}
        """,
        [*params, *([limit] if limit else [])],
    ).pl()


def coverage_gap_by_village(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """The gap counted per village (villages with a gap only), in code order: 未覆盖户数 and 未覆盖人数.
    Counted in SQL: a province's list is a million households, too many to fetch for a table of villages."""
    gap, params = _gap_sql(scope)
    return con.execute(
        f"""
        SELECT t.township_name AS 镇办, v.village_name AS 村, count(*) AS 未覆盖户数, CAST(sum(h.family_size) AS BIGINT) AS 未覆盖人数
        {gap}
        GROUP BY v.township_code, h.village_code, t.township_name, v.village_name
        ORDER BY v.township_code, h.village_code
        """,
        params,
    ).pl()


def coverage_gap_by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Count of uncovered households per 镇办 (for the gap chart)."""
    frame = township_breakdown(con, scope)
    return frame.select("镇办代码", "镇办", "未覆盖户数")


def available_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    rows = con.execute("SELECT DISTINCT year FROM linkages UNION SELECT DISTINCT identified_year FROM households ORDER BY 1").fetchall()
    return [int(r[0]) for r in rows if r[0] is not None]


def townships(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.execute("SELECT township_code AS 镇办代码, township_name AS 镇办 FROM townships ORDER BY township_code").pl()
