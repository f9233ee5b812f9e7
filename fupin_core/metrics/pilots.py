"""三变改革 (资源变资产、资金变股金、农民变股东): the pilot villages, their dividends to households,
and linked income per person in pilot against non-pilot villages.

A village is a pilot in year Y when its 试点年度 ≤ Y — the definition of overview.pilot_kpis, whose
村数 and 区级财政投入 the totals here reuse. Money columns arrive as DOUBLE (never DECIMAL).
"""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.metrics import summaries
from fupin_core.metrics.overview import pilot_kpis
from fupin_core.scope import Scope

PILOT_INDUSTRY = "三变"
DIVIDEND = "分红"
PILOT_GROUPS = ("试点村", "非试点村")

# 分红 paid to households in year `d.yr` from the 三变 projects of a village (what 农民变股东 yields).
_HOUSEHOLD_DIVIDENDS = """
    SELECT p.village_code, k.year AS yr, count(DISTINCT k.household_id) AS households, sum(k.income_yuan) AS yuan
    FROM linkages AS k JOIN projects AS p ON p.project_id = k.project_id
    WHERE p.industry = ? AND k.mechanism = ? AND k.income_yuan > 0
    GROUP BY p.village_code, k.year
"""


def pilot_villages(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """One row per pilot village (试点年度 ≤ Y), by 镇办 and village code, with its 年度分红 where it is
    reported for Y (分红年度 = Y; otherwise empty, never the last year's repeated) and the year's 分红到户."""
    cond, params = scope.where("v.township_code", "p.village_code")
    return con.execute(
        f"""
        WITH d AS ({_HOUSEHOLD_DIVIDENDS})
        SELECT p.village_code AS 村代码, t.township_name AS 镇办, v.village_name AS 村, p.pilot_year AS 试点年度,
               p.collective_org AS 集体经济组织,
               CAST(p.district_funds_wan AS DOUBLE) AS "区级财政投入(万元)",
               CAST(p.quantified_assets_wan AS DOUBLE) AS "折股量化资产(万元)",
               CAST(p.land_shares_mu AS DOUBLE) AS "入股土地(亩)",
               p.shareholder_households AS "股东户数(户)",
               p.poor_shareholder_households AS "贫困户股东户数(户)",
               CASE WHEN p.shareholder_households > 0
                    THEN round(p.poor_shareholder_households / p.shareholder_households, 4) END AS 贫困户股东占比,
               CAST(CASE WHEN p.dividend_year = ? THEN p.annual_dividend_wan END AS DOUBLE) AS "年度分红(万元)",
               coalesce(d.households, 0) AS "分红到户户数(户)",
               CAST(coalesce(d.yuan, 0) AS DOUBLE) AS "分红到户金额(元)"
        FROM pilots AS p
        JOIN villages AS v ON v.village_code = p.village_code
        JOIN townships AS t ON t.township_code = v.township_code
        LEFT JOIN d ON d.village_code = p.village_code AND d.yr = ?
        WHERE p.pilot_year <= ? {cond}
        ORDER BY v.township_code, p.village_code
        """,
        [PILOT_INDUSTRY, DIVIDEND, scope.year, scope.year, scope.year, *params],
    ).pl()


def pilot_totals(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """The pilot table's totals; 村数 and 区级财政投入 exactly as overview.pilot_kpis counts them."""
    frame = pilot_villages(con, scope)
    shareholders = int(frame["股东户数(户)"].sum())
    poor = int(frame["贫困户股东户数(户)"].sum())
    return {
        **pilot_kpis(con, scope),
        "quantified_assets_wan": round(float(frame["折股量化资产(万元)"].sum()), 2),
        "land_shares_mu": round(float(frame["入股土地(亩)"].sum()), 2),
        "shareholder_households": shareholders,
        "poor_shareholder_households": poor,
        "poor_shareholder_share": round(poor / shareholders, 4) if shareholders else None,
        # A village's 年度分红 counts only in its 分红年度; none reported for Y is 未上报, not 0.
        "annual_dividend_wan": round(float(frame["年度分红(万元)"].sum()), 2) if frame["年度分红(万元)"].is_not_null().any() else None,
        "dividend_households": int(frame["分红到户户数(户)"].sum()),
        "dividend_yuan": round(float(frame["分红到户金额(元)"].sum()), 2),
    }


def shareholder_gaps(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Pilot villages whose 年度分红 is reported for Y but whose poor shareholder households and the
    households with a 分红 link from the village's 三变 projects differ, the gap named in 说明."""
    frame = pilot_villages(con, scope).filter(pl.col("年度分红(万元)").is_not_null())
    frame = frame.with_columns((pl.col("贫困户股东户数(户)") - pl.col("分红到户户数(户)")).alias("差额(户)")).filter(
        pl.col("差额(户)") != 0
    )
    notes = [
        f"{gap:,}户贫困户股东没有分红到户的记录" if gap > 0 else f"分红到户比贫困户股东多{-gap:,}户" for gap in frame["差额(户)"].to_list()
    ]
    return frame.with_columns(pl.Series("说明", notes, dtype=pl.String)).select(
        "说明", "村", "镇办", "贫困户股东户数(户)", "分红到户户数(户)", "差额(户)", "村代码"
    )


def pilot_dividends_by_year(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Per year up to Y: pilot villages by then, and the 分红 their 三变 projects paid to households."""
    cond, params = scope.where("v.township_code", "p.village_code")
    return con.execute(
        f"""
        WITH d AS ({_HOUSEHOLD_DIVIDENDS}),
        years AS (SELECT DISTINCT pilot_year AS yr FROM pilots WHERE pilot_year <= ?
                  UNION SELECT DISTINCT yr FROM d WHERE yr <= ?)
        SELECT y.yr AS 年度,
               count(p.village_code) AS "试点村数(个)",
               CAST(coalesce(sum(d.households), 0) AS BIGINT) AS "分红到户户数(户)",
               CAST(round(coalesce(sum(d.yuan), 0) / 10000, 6) AS DOUBLE) AS "分红到户金额(万元)"
        FROM years AS y
        LEFT JOIN (pilots AS p JOIN villages AS v ON v.village_code = p.village_code)
               ON p.pilot_year <= y.yr {cond}
        LEFT JOIN d ON d.village_code = p.village_code AND d.yr = y.yr
        GROUP BY y.yr
        ORDER BY y.yr
        """,
        [PILOT_INDUSTRY, DIVIDEND, scope.year, scope.year, *params],
    ).pl()


def linked_income_by_pilot(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Households with industry income in Y (as overview counts 带动增收) in pilot against non-pilot
    villages: villages, households, people, income, and income per linked person (元/人)."""
    cond, params = scope.where("v.township_code", "v.village_code")
    y = scope.year
    source = summaries.relation_of_year(con, y)
    if source is None:
        linked = """SELECT g.grp, count(*) AS households, CAST(sum(h.family_size) AS BIGINT) AS people, sum(i.yuan) AS yuan
            FROM (SELECT household_id, sum(income_yuan) AS yuan FROM linkages WHERE year = ? AND income_yuan > 0
                  GROUP BY household_id) AS i
            JOIN households AS h ON h.household_id = i.household_id
            JOIN grouped AS g ON g.village_code = h.village_code
            GROUP BY g.grp"""
        linked_params = [y]
    else:  # the villages' 带动增收户, counted once per data version
        relation, linked_params = source
        linked = f"""SELECT g.grp, CAST(sum(s.earned) AS BIGINT) AS households, CAST(sum(s.earned_people) AS BIGINT) AS people,
                   sum(s.earned_income) AS yuan
            FROM {relation} AS s JOIN grouped AS g ON g.village_code = s.village_code
            WHERE s.earned > 0
            GROUP BY g.grp"""
    return con.execute(
        f"""
        WITH grouped AS (
            SELECT v.village_code,
                   CASE WHEN p.village_code IS NOT NULL THEN ? ELSE ? END AS grp
            FROM villages AS v LEFT JOIN pilots AS p ON p.village_code = v.village_code AND p.pilot_year <= ?
            WHERE TRUE {cond}
        ),
        linked AS ({linked}),
        villages_per_group AS (SELECT grp, count(*) AS n FROM grouped GROUP BY grp),
        groups AS (SELECT ? AS grp, 0 AS ord UNION ALL SELECT ?, 1)
        SELECT groups.grp AS 类别,
               coalesce(vg.n, 0) AS "村数(个)",
               coalesce(l.households, 0) AS "带动增收户数(户)",
               coalesce(l.people, 0) AS "带动增收人数(人)",
               CAST(round(coalesce(l.yuan, 0) / 10000, 4) AS DOUBLE) AS "收益金额(万元)",
               CAST(CASE WHEN l.people > 0 THEN round(l.yuan / l.people, 2) END AS DOUBLE) AS "人均收益(元)"
        FROM groups
        LEFT JOIN villages_per_group AS vg ON vg.grp = groups.grp
        LEFT JOIN linked AS l ON l.grp = groups.grp
        ORDER BY groups.ord
        """,
        [*PILOT_GROUPS, y, *params, *linked_params, *PILOT_GROUPS],
    ).pl()
