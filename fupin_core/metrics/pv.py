"""百兆瓦光伏: capacity against the target, the stations, their output and revenue, who the revenue
reached, and stations that produce too little for their size.

Capacity counts like the 总览 KPI (`overview.pv_capacity_mw`): 光伏 projects 已建成/运营中 with
建设年度 ≤ Y. Output rows count at their coarsest reported granularity (`overview.period_rows_sql`).
"""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.catalog import PROJECT_TYPES, WELFARE_POST_TYPES
from fupin_core.metrics import programme, scope_keys
from fupin_core.metrics.overview import BUILT, POVERTY_PROJECT, period_rows_sql, period_year_in, project_places, pv_capacity_mw
from fupin_core.metrics.programme import NO_OPERATOR, WHOLE_TOWNSHIP, target_progress, with_period_labels
from fupin_core.scope import Scope

PV = "光伏"
STATION_TYPES = PROJECT_TYPES[PV]
# A station whose annualised yield is below this share of its type's median is flagged.
UNDERPERFORM_SHARE = 0.7
# The column of `stations_with_built` holding the capacity that counts toward the KPI.
BUILT_KW = "建成装机(千瓦)"
# Months a report period covers, from the length of its code: '2017', '2017Q3', '2017-09'.
_MONTHS = "CASE length(o.period) WHEN 4 THEN 12 WHEN 6 THEN 3 ELSE 1 END"


def _type_rank(station_type: str) -> int:
    return STATION_TYPES.index(station_type) if station_type in STATION_TYPES else len(STATION_TYPES)


def _capacity_groups(con: duckdb.DuckDBPyConnection, scope: Scope, group_col: str) -> list[tuple]:
    """(group, built stations, built kW, pending kW) of 光伏扶贫 projects with 建设年度 ≤ Y, per group;
    commercial stations (是否扶贫项目 = 否) are apart, as in the registry's capacity."""
    cond, params = scope.where("p.township_code", "p.village_code")
    return con.execute(
        f"""
        SELECT {group_col},
               count(*) FILTER (WHERE build_status IN (?, ?)),
               coalesce(CAST(sum(scale) FILTER (WHERE build_status IN (?, ?)) AS DOUBLE), 0),
               coalesce(CAST(sum(scale) FILTER (WHERE build_status NOT IN (?, ?)) AS DOUBLE), 0)
        FROM projects AS p WHERE industry = ? AND build_year <= ? AND {POVERTY_PROJECT} {cond}
        GROUP BY {group_col}
        """,
        [*BUILT, *BUILT, *BUILT, PV, scope.year, *params],
    ).fetchall()


def capacity_by_type(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Built and pending (在建/计划) capacity per station type, in the catalog's order of types."""
    found = {t: (n, built, pending) for t, n, built, pending in _capacity_groups(con, scope, "project_type")}
    types = sorted(set(found) | set(STATION_TYPES), key=lambda t: (_type_rank(t), t))
    records = []
    for t in types:
        n, built, pending = found.get(t, (0, 0.0, 0.0))
        records.append((t, n, built / 1000, pending / 1000))
    return pl.DataFrame(
        records,
        schema={"电站类型": pl.String, "建成电站数(个)": pl.Int64, "建成装机(兆瓦)": pl.Float64, "在建及计划装机(兆瓦)": pl.Float64},
        orient="row",
    )


def capacity_by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Built and pending capacity per 镇办 in scope (every 镇办, 0 where none), by 镇办代码."""
    found = {t: (n, built, pending) for t, n, built, pending in _capacity_groups(con, scope, "township_code")}
    cond, params = Scope(scope.year, scope.townships).where("township_code", None)
    names = con.execute(f"SELECT township_code, township_name FROM townships WHERE TRUE {cond} ORDER BY township_code", params).fetchall()
    records = []
    for code, name in names:
        n, built, pending = found.get(code, (0, 0.0, 0.0))
        if scope.village is None or n or built or pending:
            records.append((code, name, n, built / 1000, pending / 1000))
    return pl.DataFrame(
        records,
        schema={
            "镇办代码": pl.String,
            "镇办": pl.String,
            "建成电站数(个)": pl.Int64,
            "建成装机(兆瓦)": pl.Float64,
            "在建及计划装机(兆瓦)": pl.Float64,
        },
        orient="row",
    )


def capacity_by_village(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Built and pending capacity per village that has a 光伏 station (建设年度 ≤ Y), by 镇办代码 then
    村代码; a station of no village (集中式电站) counts under its 镇办 as 全镇, listed first."""
    cond, params = scope.where("p.township_code", "p.village_code")
    frame = con.execute(
        f"""
        SELECT p.township_code AS 镇办代码, t.township_name AS 镇办, p.village_code AS 村代码, coalesce(v.village_name, ?) AS 村,
               count(*) FILTER (WHERE p.build_status IN (?, ?)) AS "建成电站数(个)",
               coalesce(CAST(sum(p.scale) FILTER (WHERE p.build_status IN (?, ?)) AS DOUBLE), 0) / 1000 AS "建成装机(兆瓦)",
               coalesce(CAST(sum(p.scale) FILTER (WHERE p.build_status NOT IN (?, ?)) AS DOUBLE), 0) / 1000 AS "在建及计划装机(兆瓦)"
        FROM projects AS p
        JOIN townships AS t ON t.township_code = p.township_code
        LEFT JOIN villages AS v ON v.village_code = p.village_code
        WHERE p.industry = ? AND p.build_year <= ? {cond}
        GROUP BY p.township_code, t.township_name, p.village_code, v.village_name
        ORDER BY p.township_code, p.village_code NULLS FIRST
        """,
        [WHOLE_TOWNSHIP, *BUILT, *BUILT, *BUILT, PV, scope.year, *params],
    ).pl()
    return frame.with_columns(pl.format("{}·{}", "镇办", "村").alias("地点"))


def _output_in_year_sql(where: str = "") -> str:
    """Output per project of the year (parameters: those of `where`, then the year)."""
    return f"""SELECT o.project_id, sum(o.generation_kwh) AS kwh, sum(o.revenue_yuan) AS revenue,
                      sum(o.distributed_yuan) AS distributed, CAST(sum({_MONTHS}) AS INTEGER) AS months
               FROM ({period_rows_sql("pv_output", where)}) AS o WHERE o.period_year = ? GROUP BY o.project_id"""


def pv_output_totals(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """Year Y's reported generation (千瓦时) and revenue (元) of the 光伏扶贫 stations in scope; None
    for both when no output of Y is reported (未上报, not 0)."""
    cond, params = scope.where("p.township_code", "p.village_code")
    keys, key_params = scope_keys.projects_in(con, scope, "o.project_id")
    in_year, year_params = period_year_in(scope.year)
    kwh, revenue = con.execute(
        f"""SELECT sum(o.kwh), sum(o.revenue)
            FROM ({_output_in_year_sql(keys + in_year)}) AS o JOIN projects AS p ON p.project_id = o.project_id
            WHERE {POVERTY_PROJECT} {cond}""",
        [*key_params, *year_params, scope.year, *params],
    ).fetchone()
    return _output_out(kwh, revenue)


def pv_output_totals_of_places(con: duckdb.DuckDBPyConnection, scopes: list[Scope]) -> dict[Scope, dict]:
    """`pv_output_totals` of each place of a comparison in one grouped query (a place without output:
    None, 未上报, as alone). Empty for places of mixed levels."""
    found = project_places(scopes)
    if found is None:
        return {}
    column, around, codes, (cond, params) = found
    keys, key_params = scope_keys.projects_in(con, around, "o.project_id")
    in_year, year_params = period_year_in(scopes[0].year)
    rows = con.execute(
        f"""SELECT {column}, sum(o.kwh), sum(o.revenue)
            FROM ({_output_in_year_sql(keys + in_year)}) AS o JOIN projects AS p ON p.project_id = o.project_id
            WHERE {POVERTY_PROJECT} {cond} GROUP BY {column}""",
        [*key_params, *year_params, scopes[0].year, *params],
    ).fetchall()
    by_code = {code: (kwh, revenue) for code, kwh, revenue in rows}
    return {scope: _output_out(*by_code.get(code, (None, None))) for scope, code in zip(scopes, codes, strict=True)}


def _output_out(kwh, revenue) -> dict:
    return {"kwh": None if kwh is None else float(kwh), "revenue_yuan": None if revenue is None else float(revenue)}


def pv_summary(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """The page's key figures for year Y: capacity vs target, output, revenue and who it reached."""
    capacity = pv_capacity_mw(con, scope)
    by_type = capacity_by_type(con, scope)
    cond, params = scope.where("p.township_code", "p.village_code")
    keys, key_params = scope_keys.projects_in(con, scope, "o.project_id")
    in_year, year_params = period_year_in(scope.year)
    kwh, revenue, distributed = con.execute(
        f"""SELECT coalesce(sum(o.kwh), 0), coalesce(sum(o.revenue), 0), coalesce(sum(o.distributed), 0)
            FROM ({_output_in_year_sql(keys + in_year)}) AS o JOIN projects AS p ON p.project_id = o.project_id WHERE TRUE {cond}""",
        [*key_params, *year_params, scope.year, *params],
    ).fetchone()
    distribution, reached = _distribution(con, scope)
    goal = target_progress(con, PV, scope, capacity)
    return {
        "capacity_mw": capacity,
        "target_mw": goal["target"],
        "target_year": goal["target_year"],
        "progress": goal["progress"],
        "pending_mw": round(float(by_type["在建及计划装机(兆瓦)"].sum()), 4),
        "stations_built": int(by_type["建成电站数(个)"].sum()),
        "generation_kwh": round(float(kwh), 2),
        "revenue_yuan": round(float(revenue), 2),
        "distributed_yuan": round(float(distributed), 2),
        "retained_yuan": round(float(revenue) - float(distributed), 2),
        "households_reached": reached["households"],
        "household_income_yuan": reached["income_yuan"],
        "underperforming_stations": underperforming_stations(con, scope).height,
        # The 收益到户 table: the same scan as the households above.
        "revenue_distribution": distribution,
    }


def stations(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Every 光伏 station with 建设年度 ≤ Y (any status) and any project that reported output in Y,
    with its year-Y generation, revenue and distribution."""
    return stations_with_built(con, scope).drop(BUILT_KW)


def stations_with_built(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """`stations` with 建成装机(千瓦) after 装机容量: the station's capacity where it counts toward
    `overview.pv_capacity_mw` (光伏, 已建成/运营中, 建设年度 ≤ Y), else 0 — the column sums to the KPI."""
    cond, params = scope.where("p.township_code", "p.village_code")
    columns = f"""p.project_id AS 项目编号, p.project_name AS 电站名称, t.township_name AS 镇办, coalesce(v.village_name, ?) AS 村,
               p.project_type AS 电站类型, CAST(p.scale AS DOUBLE) AS "装机容量(千瓦)",
               CASE WHEN p.industry = ? AND p.build_status IN (?, ?) AND p.build_year <= ? THEN CAST(p.scale AS DOUBLE) ELSE 0.0 END
                   AS "{BUILT_KW}",
               p.build_year AS 建设年度,
               p.build_status AS 建设状态, CAST(p.total_investment_wan AS DOUBLE) AS "总投资(万元)",
               coalesce(e.entity_name, ?) AS 运营主体,
               CAST(coalesce(o.kwh, 0) AS DOUBLE) AS "发电量(千瓦时)", CAST(coalesce(o.revenue, 0) AS DOUBLE) AS "发电收益(元)",
               CAST(coalesce(o.distributed, 0) AS DOUBLE) AS "收益分配(元)"
    """
    return con.execute(
        programme.projects_with_output_sql(_output_in_year_sql(), columns, cond),
        [scope.year, WHOLE_TOWNSHIP, PV, *BUILT, scope.year, NO_OPERATOR, PV, scope.year, *params],
    ).pl()


def output_by_period(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Generation (万千瓦时), revenue and distributed revenue (万元) per report period up to year Y."""
    cond, params = scope.where("p.township_code", "p.village_code")
    frame = con.execute(
        f"""
        SELECT CAST(o.period_year AS BIGINT) AS 年度, o.period AS 报告期代码,
               CAST(sum(o.generation_kwh) AS DOUBLE) / 10000 AS "发电量(万千瓦时)",
               CAST(sum(o.revenue_yuan) AS DOUBLE) / 10000 AS "发电收益(万元)",
               CAST(sum(o.distributed_yuan) AS DOUBLE) / 10000 AS "收益分配(万元)"
        FROM ({period_rows_sql("pv_output")}) AS o JOIN projects AS p ON p.project_id = o.project_id
        WHERE o.period_year <= ? {cond}
        GROUP BY o.period_year, o.period
        ORDER BY o.period_year, length(o.period), o.period
        """,
        [scope.year, *params],
    ).pl()
    return with_period_labels(frame)


def revenue_distribution(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Revenue that reached poor households in year Y, per 联结方式 and 细分类型 (公益岗位 wages by post,
    dividends, …), from the linkages of 光伏 projects with 收益金额 > 0.

    pv_output records only the total 收益分配; what went to small public works or rewards is not
    itemised there, so it is the part of 收益分配 this table does not account for. The page reads it
    from pv_summary, which scans the linkages once for this and for the households reached.
    """
    return _distribution(con, scope)[0]


def _distribution(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[pl.DataFrame, dict]:
    """revenue_distribution, and the households reached (each once) with their income: one scan."""
    found = programme.linked_breakdown(con, scope, PV, by=("mechanism", "sub_type"))
    parts = [(m, sub, n, amount) for key, (n, amount) in found.items() if key is not None for m, sub in [key]]

    def rank(row: tuple) -> tuple:
        mechanism, sub = row[0], row[1] or ""
        post = WELFARE_POST_TYPES.index(sub) if sub in WELFARE_POST_TYPES else len(WELFARE_POST_TYPES)
        return (mechanism != "公益岗位", mechanism != "分红", mechanism, post, sub)

    records = [
        (f"{m}·{sub}" if sub else m, m, sub, int(n), amount / 10_000, round(amount / n, 2) if n else None)
        for m, sub, n, amount in sorted(parts, key=rank)
    ]
    frame = pl.DataFrame(
        records,
        schema={
            "分配方式": pl.String,
            "联结方式": pl.String,
            "细分类型": pl.String,
            "户数": pl.Int64,
            "金额(万元)": pl.Float64,
            "户均(元)": pl.Float64,
        },
        orient="row",
    )
    return frame, programme.totals_of(found)


def station_yields(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Yield per kW of each station that reported output in Y, annualised over the months reported,
    against the median of its station type; 低效 = below UNDERPERFORM_SHARE of that median.

    The median is taken over every station of the type (not only the chosen 镇办), so choosing a 镇办
    does not change which stations are flagged.
    """
    cond, params = scope.where("p.township_code", "p.village_code")
    in_year, year_params = period_year_in(scope.year)
    # Only the scope's stations and villages cross from PostgreSQL for the rows shown (the medians need all).
    projects, project_params = scope_keys.projects_in(con, scope, "p.project_id")
    villages, village_params = scope_keys.project_villages_in(con, scope, "v.village_code")
    frame = con.execute(
        f"""
        WITH output AS ({_output_in_year_sql(in_year)}),
        yields AS (
            SELECT p.project_id, p.project_type, CAST(p.scale AS DOUBLE) AS kw, CAST(o.kwh AS DOUBLE) AS kwh, o.months,
                   CAST(o.kwh AS DOUBLE) / CAST(p.scale AS DOUBLE) AS per_kw,
                   CAST(o.kwh AS DOUBLE) / CAST(p.scale AS DOUBLE) * 12 / o.months AS hours
            FROM projects AS p JOIN output AS o ON o.project_id = p.project_id
            WHERE p.industry = ? AND p.scale > 0
        ),
        medians AS (SELECT project_type, median(hours) AS median_hours FROM yields GROUP BY project_type)
        SELECT p.project_id AS 项目编号, p.project_name AS 电站名称, t.township_name AS 镇办, coalesce(v.village_name, ?) AS 村,
               y.project_type AS 电站类型, y.kw AS "装机容量(千瓦)", y.kwh AS "发电量(千瓦时)", y.months AS 报告月数,
               y.per_kw AS "单位千瓦发电量(千瓦时)", y.hours AS "年化利用小时",
               m.median_hours AS "同类中位数(小时)", y.hours / m.median_hours AS 相对中位数
        FROM yields AS y
        JOIN medians AS m ON m.project_type = y.project_type
        JOIN projects AS p ON p.project_id = y.project_id {projects}
        JOIN townships AS t ON t.township_code = p.township_code
        LEFT JOIN villages AS v ON v.village_code = p.village_code {villages}
        WHERE TRUE {cond}
        ORDER BY p.township_code, p.village_code NULLS FIRST, p.project_id
        """,
        [*year_params, scope.year, PV, WHOLE_TOWNSHIP, *project_params, *village_params, *params],
    ).pl()
    return frame.with_columns(
        pl.col("单位千瓦发电量(千瓦时)", "年化利用小时", "同类中位数(小时)").round(1),
        pl.col("相对中位数").round(4),
        pl.when(pl.col("相对中位数") < UNDERPERFORM_SHARE).then(pl.lit("是")).otherwise(pl.lit("否")).alias("低效"),
    )


def underperforming_stations(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Stations of year Y yielding below 70 % of their type's median, the weakest first (总览 alerts)."""
    return underperforming_of(station_yields(con, scope))


def underperforming_of(yields: pl.DataFrame) -> pl.DataFrame:
    """`underperforming_stations` from the station_yields already read (the 光伏 page draws them too)."""
    return yields.filter(pl.col("低效") == "是").sort("相对中位数", "项目编号")
