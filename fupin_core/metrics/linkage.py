"""利益联结: how registered poor households earn from the industry projects, in year Y.

A linked household (带动增收户) has a linkage of Y with 收益金额 > 0 (docs/INDICATORS.md); its linked income
per person is the sum of those incomes ÷ 家庭人口 — only the part of income that comes from the
projects, so it is never compared with the poverty line to call a household poor: that takes the
household's total income (household_income, `below_poverty_line`). The coverage gap is
overview.coverage_gap's list, counted per 镇办 and village by overview.
"""

from __future__ import annotations

import contextlib
from typing import NamedTuple

import duckdb
import polars as pl

from fupin_core.catalog import INDUSTRIES, LINK_MECHANISMS
from fupin_core.metrics import indicators, overview, summaries
from fupin_core.metrics.pivot import DIMENSIONS, aggregate
from fupin_core.scope import Scope
from fupin_core.storage import db, summary_tables

# Shares of the poverty line that bound the income bands of the distribution chart.
BAND_SHARES = (0.25, 0.5, 0.75, 1.0)
MAX_LOOKUP = 50


def poverty_line(con: duckdb.DuckDBPyConnection, year: int) -> float:
    """The poverty line (元 per person and year) in force in `year` (the registry's)."""
    return indicators.poverty_line(con, year)[0]


def _households_income_sql(cond: str) -> str:
    """One row per linked household in scope: its linked income of Y and that income per person."""
    return f"""
        WITH income AS (
            SELECT household_id, sum(income_yuan) AS income_yuan, count(*) AS links
            FROM linkages WHERE year = ? AND income_yuan > 0 GROUP BY household_id
        )
        SELECT t.township_code, t.township_name, v.village_code, v.village_name, h.household_id, h.head_name,
               h.family_size, CAST(i.income_yuan AS DOUBLE) AS income_yuan, i.links,
               CASE WHEN h.family_size > 0 THEN CAST(i.income_yuan AS DOUBLE) / h.family_size END AS per_person
        FROM income AS i
        JOIN households AS h ON h.household_id = i.household_id
        JOIN villages AS v ON v.village_code = h.village_code
        JOIN townships AS t ON t.township_code = v.township_code
        WHERE TRUE {cond}
    """


def _summary_in_scope(source: tuple[str, list], scope: Scope) -> tuple[str, str, list]:
    """The summary rows of villages in scope whose 镇办 is in `townships` (as the rows' join requires):
    (FROM item, conditions, parameters)."""
    relation, source_params = source
    cond, params = scope.where("s.township_code", "s.village_code")
    joined = f"{relation} AS s JOIN townships AS t ON t.township_code = s.township_code"
    return joined, cond, [*source_params, *params]


def summary(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """Linked households and people, their linked income (元) and that income per person."""
    source = summaries.relation_of_year(con, scope.year)
    if source is None:
        cond, params = scope.where("v.township_code", "h.village_code")
        row = con.execute(
            f"""SELECT count(*), coalesce(sum(family_size), 0), coalesce(sum(income_yuan), 0)
                FROM ({_households_income_sql(cond)}) AS linked""",
            [scope.year, *params],
        ).fetchone()
    else:
        relation, cond, params = _summary_in_scope(source, scope)
        row = con.execute(
            f"SELECT coalesce(sum(earned), 0), coalesce(sum(earned_people), 0), coalesce(sum(earned_income), 0) FROM {relation} WHERE TRUE {cond}",
            params,
        ).fetchone()
    households, people, income = int(row[0]), int(row[1]), round(float(row[2]), 2)
    return {
        "linked_households": households,
        "linked_people": people,
        "linked_income_yuan": income,
        "income_per_person_yuan": round(income / people, 2) if people else None,
        "poverty_line_yuan": poverty_line(con, scope.year),
    }


def _summary_frame(frame: pl.DataFrame, name: str, categories: tuple[str, ...]) -> pl.DataFrame:
    """Every category in catalog order (zeros where none), then any category the catalog lacks."""
    known = pl.DataFrame({name: list(categories)})
    extra = frame.filter(~pl.col(name).is_in(categories)).select(name)
    out = pl.concat([known, extra]).join(frame, on=name, how="left", maintain_order="left")
    return out.select(
        name,
        pl.col("户数").fill_null(0),
        pl.col("人数").fill_null(0),
        (pl.col("收益金额").fill_null(0.0) / 10_000).round(2).alias("收益金额(万元)"),
        pl.when(pl.col("户数") > 0).then((pl.col("收益金额") / pl.col("户数")).round(2)).alias("户均收益(元)"),
    )


def by_mechanism(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """联结方式 → 户数, 人数, 收益金额(万元), 户均收益(元); a household with two mechanisms counts in both."""
    return _summary_frame(aggregate(con, scope, ("联结方式",)), "联结方式", LINK_MECHANISMS)


def by_programme(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """产业 (the linked project's 产业类别) → 户数, 人数, 收益金额(万元), 户均收益(元)."""
    return _summary_frame(aggregate(con, scope, ("产业",)), "产业", INDUSTRIES)


def welfare_posts(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """公益岗位 by 细分类型 (生态护林员, 保洁员, 公益性岗位 …): 户数, 人数, 收益金额(万元)."""
    frame = aggregate(con, scope, ("细分类型",), equals={"联结方式": "公益岗位"})
    return frame.select("细分类型", "户数", "人数", (pl.col("收益金额") / 10_000).round(2).alias("收益金额(万元)"))


def income_by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Per 镇办 in scope: linked households, people, linked income and income per person, and the
    households whose 家庭人均纯收入 (all income, not linkage income alone) is below the line — the
    registry's households_below_poverty_line per 镇办 (0 where income is reported and nobody is below,
    empty where no income is reported)."""
    cond, params = scope.where("v.township_code", "h.village_code")
    township_cond, township_params = Scope(scope.year, scope.townships).where("t.township_code", None)
    line = poverty_line(con, scope.year)
    source = summaries.relation(con, scope.year, line)
    if source is not None:
        return _income_by_township_from_summary(con, scope, source, line)
    return con.execute(
        f"""
        WITH linked AS ({_households_income_sql(cond)}),
        per_township AS (
            SELECT township_code, count(*) AS households, CAST(sum(family_size) AS BIGINT) AS people, sum(income_yuan) AS income
            FROM linked GROUP BY township_code
        ),
        below AS (
            SELECT v.township_code, count(*) AS reported,
                   count(*) FILTER (WHERE (coalesce(i.wage_income_yuan, 0) + coalesce(i.business_income_yuan, 0)
                       + coalesce(i.property_income_yuan, 0) + coalesce(i.transfer_income_yuan, 0)) / h.family_size < ?) AS below
            FROM household_income AS i
            JOIN households AS h ON h.household_id = i.household_id
            JOIN villages AS v ON v.village_code = h.village_code
            WHERE i.year = ? AND h.identified_year <= ? AND h.family_size > 0 {cond}
            GROUP BY v.township_code
        )
        SELECT t.township_code AS 镇办代码, t.township_name AS 镇办,
               coalesce(p.households, 0) AS 带动户数, coalesce(p.people, 0) AS 带动人数,
               round(coalesce(p.income, 0), 2) AS "收益金额(元)",
               CASE WHEN p.people > 0 THEN round(p.income / p.people, 2) END AS "人均联结收益(元)",
               CAST(? AS DOUBLE) AS "贫困线(元)",
               b.below AS 低于贫困线户数
        FROM townships AS t
        LEFT JOIN per_township AS p ON p.township_code = t.township_code
        LEFT JOIN below AS b ON b.township_code = t.township_code
        WHERE TRUE {township_cond}
        ORDER BY t.township_code
        """,
        [scope.year, *params, line, scope.year, scope.year, *params, line, *township_params],
    ).pl()


def _income_by_township_from_summary(con: duckdb.DuckDBPyConnection, scope: Scope, source: tuple[str, list], line: float) -> pl.DataFrame:
    relation, cond, params = _summary_in_scope(source, scope)
    township_cond, township_params = Scope(scope.year, scope.townships).where("t.township_code", None)
    return con.execute(
        f"""
        WITH per_township AS (
            SELECT s.township_code, CAST(sum(earned) AS BIGINT) AS households, CAST(sum(earned_people) AS BIGINT) AS people,
                   CAST(sum(earned_income) AS DOUBLE) AS income,
                   sum(income_reported_sized) AS reported, CAST(sum(below_line) AS BIGINT) AS below
            FROM {relation} WHERE TRUE {cond}
            GROUP BY s.township_code
        )
        SELECT t.township_code AS 镇办代码, t.township_name AS 镇办,
               CAST(CASE WHEN p.households > 0 THEN p.households ELSE 0 END AS BIGINT) AS 带动户数,
               CAST(CASE WHEN p.households > 0 THEN p.people ELSE 0 END AS BIGINT) AS 带动人数,
               round(CASE WHEN p.households > 0 THEN p.income ELSE 0 END, 2) AS "收益金额(元)",
               CASE WHEN p.households > 0 AND p.people > 0 THEN round(p.income / p.people, 2) END AS "人均联结收益(元)",
               CAST(? AS DOUBLE) AS "贫困线(元)",
               CASE WHEN p.reported > 0 THEN p.below END AS 低于贫困线户数
        FROM townships AS t
        LEFT JOIN per_township AS p ON p.township_code = t.township_code
        WHERE TRUE {township_cond}
        ORDER BY t.township_code
        """,
        [*params, line, *township_params],
    ).pl()


def mechanism_column(mechanism: str) -> str:
    """The `by_township` column of the households linked through `mechanism`."""
    return f"{mechanism}(户)"


def by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Per 镇办 in scope (every one, by code): linked households and people and their income
    (`income_by_township`), linked households per 联结方式 in catalog order (a household linked two
    ways counts under each, as in `by_mechanism`), and the coverage of the households not yet exited
    at the start of Y (`overview.township_breakdown`, which counts whole 镇办 even for a village scope).
    """
    columns = {m: mechanism_column(m) for m in LINK_MECHANISMS}
    cells = aggregate(con, scope, ("镇办", "联结方式")).filter(pl.col("联结方式").is_in(LINK_MECHANISMS))
    wide = cells.select(pl.col("镇办_序").alias("镇办代码"), pl.col("联结方式").replace_strict(columns), "户数").pivot(
        on="联结方式", index="镇办代码", values="户数"
    )
    coverage = overview.township_breakdown(con, scope).select("镇办代码", "有劳动能力户数", "产业覆盖户数", "未覆盖户数", "产业覆盖率")
    frame = (
        income_by_township(con, scope)
        .join(wide, on="镇办代码", how="left", maintain_order="left")
        .join(coverage, on="镇办代码", how="left", maintain_order="left")
    )
    return frame.select(
        "镇办代码",
        "镇办",
        pl.col("带动户数").cast(pl.Int64).alias("带动增收户数(户)"),
        pl.col("带动人数").cast(pl.Int64).alias("带动增收人数(人)"),
        *((pl.col(c) if c in frame.columns else pl.lit(0)).fill_null(0).cast(pl.Int64).alias(c) for c in columns.values()),
        (pl.col("收益金额(元)").cast(pl.Float64) / 10_000).round(4).alias("收益金额(万元)"),
        pl.col("有劳动能力户数").cast(pl.Int64).alias("有劳动能力户数(户)"),
        pl.col("产业覆盖户数").cast(pl.Int64).alias("产业覆盖户数(户)"),
        pl.col("未覆盖户数").cast(pl.Int64).alias("未覆盖户数(户)"),
        pl.col("产业覆盖率").cast(pl.Float64),
    )


def income_bands(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Linked households by linked income per person, in bands of a quarter of the poverty line."""
    cond, params = scope.where("v.township_code", "h.village_code")
    line = poverty_line(con, scope.year)
    bounds = [round(line * share, 2) for share in BAND_SHARES]
    source = summaries.relation(con, scope.year, line) if BAND_SHARES == summary_tables.BAND_SHARES else None
    if source is None:
        whens = " ".join(f"WHEN per_person < ? THEN {i}" for i in range(len(bounds)))
        rows = con.execute(
            f"""SELECT CASE {whens} ELSE {len(bounds)} END AS band, count(*), coalesce(sum(family_size), 0)
                FROM ({_households_income_sql(cond)}) AS linked GROUP BY 1""",
            [*bounds, scope.year, *params],
        ).fetchall()
        counts = {int(band): (int(n), int(people)) for band, n, people in rows}
    else:
        relation, cond, params = _summary_in_scope(source, scope)
        sums = ", ".join(f"coalesce(sum(band{i}), 0), coalesce(sum(band{i}_people), 0)" for i in range(summary_tables.BANDS))
        row = con.execute(f"SELECT {sums} FROM {relation} WHERE TRUE {cond}", params).fetchone()
        counts = {i: (int(row[2 * i]), int(row[2 * i + 1])) for i in range(summary_tables.BANDS)}
    labels = [f"{bounds[0]:,.0f}元以下"]
    labels += [f"{lo:,.0f}–{hi:,.0f}元" for lo, hi in zip(bounds, bounds[1:], strict=False)]
    labels.append(f"{bounds[-1]:,.0f}元及以上")
    return pl.DataFrame(
        {
            "人均联结收益": labels,
            "户数": [counts.get(i, (0, 0))[0] for i in range(len(labels))],
            "人数": [counts.get(i, (0, 0))[1] for i in range(len(labels))],
            "低于贫困线": [i < len(bounds) for i in range(len(labels))],
        }
    )


def below_poverty_line(con: duckdb.DuckDBPyConnection, scope: Scope, limit: int | None = None, exited_only: bool = False) -> pl.DataFrame:
    """Registered households whose 家庭人均纯收入 of Y (工资性 + 生产经营性 + 财产性 + 转移性收入, ÷ 家庭人口)
    is below the year's poverty line, where income is reported; `exited_only`: those already declared
    脱贫 (脱贫不达标, the alert). The first `limit` rows when given (a page preview; the download has all).
    Counts equal the registry's households_below_poverty_line / exited_below_poverty_line."""
    cond, params = scope.where("v.township_code", "h.village_code")
    line = poverty_line(con, scope.year)
    exited = "AND h.exit_year <= ?" if exited_only else ""
    source = summaries.relation(con, scope.year, line) if limit else None
    among, among_params = "", []
    if source is not None:
        # The first page of a province's list lies in its first villages (counted in the summary), and
        # the incomes are read for their households only (a filter PostgreSQL applies through an index).
        counted = "s.exited_below_line" if exited_only else "s.below_line"
        villages = summaries.first_villages(con, source, counted, scope.where("s.township_code", "s.village_code"), limit)
        # Only those who could be listed: with a family size, and (脱贫不达标) declared 脱贫 by Y.
        candidates = ("family_size > 0 AND exit_year <= ?", (scope.year,)) if exited_only else ("family_size > 0", ())
        households = summaries.candidate_households(con, villages, scope.year, *candidates)
        cond += f" AND h.village_code IN ({', '.join('?' for _ in villages)})" if villages else " AND FALSE"
        params = [*params, *villages]
        if households is not None:
            among = f"AND household_id IN ({', '.join('?' for _ in households)})" if households else "AND FALSE"
            among_params = households
    with db.selective_reads(con) if among_params else contextlib.nullcontext():
        return con.execute(
            f"""WITH inc AS (
                    SELECT household_id, coalesce(wage_income_yuan, 0) + coalesce(business_income_yuan, 0)
                           + coalesce(property_income_yuan, 0) + coalesce(transfer_income_yuan, 0) AS total_income
                    FROM household_income WHERE year = ? {among}
                )
                SELECT t.township_name AS 镇办, v.village_name AS 村, h.household_id AS 户编号, h.head_name AS 户主姓名,
                       h.family_size AS 家庭人口, h.exit_year AS 脱贫年度,
                       CAST(round(inc.total_income, 2) AS DOUBLE) AS "家庭纯收入(元)",
                       CAST(round(inc.total_income / h.family_size, 2) AS DOUBLE) AS "人均纯收入(元)",
                       CAST(? AS DOUBLE) AS "贫困线(元)",
                       CAST(round(? - inc.total_income / h.family_size, 2) AS DOUBLE) AS "差距(元)"
                FROM inc
                JOIN households AS h ON h.household_id = inc.household_id
                JOIN villages AS v ON v.village_code = h.village_code
                JOIN townships AS t ON t.township_code = v.township_code
                WHERE h.identified_year <= ? AND h.family_size > 0 AND inc.total_income / h.family_size < ? {exited} {cond}
                ORDER BY v.township_code, h.village_code, h.household_id
                {"LIMIT ?" if limit else ""}""",
            [
                scope.year,
                *among_params,
                line,
                line,
                scope.year,
                line,
                *([scope.year] if exited_only else []),
                *params,
                *([limit] if limit else []),
            ],
        ).pl()


def exited_below_poverty_line(con: duckdb.DuckDBPyConnection, scope: Scope, limit: int | None = None) -> pl.DataFrame:
    """Households declared 脱贫 by Y whose 家庭人均纯收入 of Y is still below the line (脱贫不达标)."""
    return below_poverty_line(con, scope, limit, exited_only=True)


def gap_by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Not-yet-exited households no industry reaches, counted per 镇办 (overview's definition)."""
    return overview.coverage_gap_by_township(con, scope)


def gap_by_village(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """The same gap per village (villages with a gap only), in code order: 户数 and 人数."""
    return overview.coverage_gap_by_village(con, scope)


class HouseholdLookup(NamedTuple):
    households: pl.DataFrame  # the matching households (at most MAX_LOOKUP)
    linkages: pl.DataFrame  # every linkage of those households, all years
    matches: int  # how many households matched in all


def household_lookup(con: duckdb.DuckDBPyConnection, query: str, scope: Scope) -> HouseholdLookup:
    """Households in scope whose 户编号 or 户主身份证号 equals `query`, or whose 户主姓名 contains it."""
    text = (query or "").strip()
    cond, params = scope.where("v.township_code", "h.village_code")
    match = "(h.household_id = ? OR upper(h.head_id_number) = ? OR strpos(h.head_name, ?) > 0)"
    match_params = [text, text.upper(), text]
    if not text:
        match, match_params = "FALSE", []
    frm = f"""FROM households AS h JOIN villages AS v ON v.village_code = h.village_code
              JOIN townships AS t ON t.township_code = v.township_code
              WHERE {match} {cond}"""
    matches = int(con.execute(f"SELECT count(*) {frm}", [*match_params, *params]).fetchone()[0])
    households = con.execute(
        f"""SELECT h.household_id AS 户编号, h.head_name AS 户主姓名, h.head_id_number AS 户主身份证号,
                   t.township_name AS 镇办, v.village_name AS 村, h.family_size AS 家庭人口,
                   h.household_kind AS 贫困户属性, h.main_cause AS 主要致贫原因,
                   h.identified_year AS 识别年度, h.exit_year AS 脱贫年度
            {frm} ORDER BY h.household_id LIMIT ?""",
        [*match_params, *params, MAX_LOOKUP],
    ).pl()
    ids = households["户编号"].to_list()
    marks = ", ".join("?" for _ in ids) or "NULL"
    mechanism_order, order_params = DIMENSIONS["联结方式"].order()
    linkages = con.execute(
        f"""SELECT l.household_id AS 户编号, l.year AS 年度, l.project_id AS 项目编号, p.project_name AS 项目名称,
                   p.industry AS 产业类别, l.mechanism AS 联结方式, l.sub_type AS 细分类型,
                   CAST(l.income_yuan AS DOUBLE) AS "收益金额(元)"
            FROM linkages AS l LEFT JOIN projects AS p ON p.project_id = l.project_id
            WHERE l.household_id IN ({marks})
            ORDER BY l.household_id, l.year DESC, {mechanism_order}, l.project_id""",
        [*ids, *order_params],
    ).pl()
    return HouseholdLookup(households, linkages, matches)
