"""经营主体与投资: cooperatives and enterprises with their projects, the funds invested in them
(入股投资) and the dividends they owe the poor households (分红兑现), including overdue ones.

Everything is placed by the entity's 镇办/村 and counts dividends of year Y, as
overview.dividend_kpis does, so the totals here agree with its 分红兑现率. An investment counts from
the year of its 投入日期; a project from its 建设年度. Money columns arrive as DOUBLE.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from fupin_core.catalog import ENTITY_TYPES, FUND_SOURCES
from fupin_core.metrics.overview import dividend_kpis
from fupin_core.scope import Scope

# A year's dividend is due by the end of that year (分红 is settled annually, by 12月31日);
# DESIGN.md counts 分红兑现率 over the dividends of year Y the same way.
DUE_MONTH, DUE_DAY = 12, 31
UNPAID, PARTLY_PAID, PAID_LATE = "未兑现", "部分兑现", "逾期兑现"


def _order_case(column: str, values: tuple[str, ...]) -> tuple[str, list]:
    """ORDER BY expression placing `column` in the catalog's order of `values` (bound, not formatted)."""
    whens = " ".join("WHEN ? THEN " + str(i) for i in range(len(values)))
    return f"CASE {column} {whens} ELSE {len(values)} END", list(values)


def _type_filter(entity_types: tuple[str, ...] | None) -> tuple[str, list]:
    if entity_types is None:
        return "", []
    return f" AND e.entity_type IN ({', '.join('?' for _ in entity_types) or 'NULL'})", list(entity_types)


def entity_list(con: duckdb.DuckDBPyConnection, scope: Scope, entity_types: tuple[str, ...] | None = None) -> pl.DataFrame:
    """One row per 经营主体 in scope existing in Y (成立年度 ≤ Y or none: the registry's `entities`): its
    projects (建设年度 ≤ Y), investments (投入 ≤ Y) and the dividends of year Y. Ordered by 镇办, 主体类型 (catalog order) and credit code."""
    cond, params = scope.where("e.township_code", "e.village_code")
    types_sql, types = _type_filter(entity_types)
    order_sql, order = _order_case("e.entity_type", ENTITY_TYPES)
    y = scope.year
    return con.execute(
        f"""
        WITH prj AS (
            SELECT operator_credit_code, count(*) AS n, sum(total_investment_wan) AS invest,
                   string_agg(project_name, '、' ORDER BY project_id) AS names
            FROM projects WHERE build_year <= ? GROUP BY operator_credit_code
        ),
        inv AS (
            SELECT entity_credit_code, count(*) AS n, sum(amount_wan) AS amount, sum(beneficiary_households) AS beneficiaries
            FROM investments WHERE EXTRACT(YEAR FROM invest_date) <= ? GROUP BY entity_credit_code
        ),
        divs AS (
            SELECT i.entity_credit_code, sum(d.due_yuan) AS due, sum(d.paid_yuan) AS paid
            FROM dividends AS d JOIN investments AS i ON i.investment_id = d.investment_id
            WHERE d.year = ? GROUP BY i.entity_credit_code
        )
        SELECT e.credit_code AS 统一社会信用代码, e.entity_name AS 主体名称, e.entity_type AS 主体类型,
               e.industry AS 所属产业, t.township_name AS 镇办, v.village_name AS 村,
               e.member_count AS "成员数(人)", CAST(e.registered_capital_wan AS DOUBLE) AS "注册资本(万元)",
               coalesce(prj.n, 0) AS "实施项目数(个)", prj.names AS 实施项目,
               CAST(coalesce(prj.invest, 0) AS DOUBLE) AS "项目总投资(万元)",
               coalesce(inv.n, 0) AS "入股笔数(笔)", CAST(coalesce(inv.amount, 0) AS DOUBLE) AS "入股资金(万元)",
               CAST(coalesce(inv.beneficiaries, 0) AS BIGINT) AS "受益贫困户数(户)",
               CAST(coalesce(divs.due, 0) AS DOUBLE) AS "应付分红(元)", CAST(coalesce(divs.paid, 0) AS DOUBLE) AS "实付分红(元)",
               CAST(CASE WHEN divs.due > 0 THEN round(divs.paid / divs.due, 4) END AS DOUBLE) AS 分红兑现率
        FROM entities AS e
        JOIN townships AS t ON t.township_code = e.township_code
        LEFT JOIN villages AS v ON v.village_code = e.village_code
        LEFT JOIN prj ON prj.operator_credit_code = e.credit_code
        LEFT JOIN inv ON inv.entity_credit_code = e.credit_code
        LEFT JOIN divs ON divs.entity_credit_code = e.credit_code
        WHERE (e.established_year IS NULL OR e.established_year <= ?) {cond} {types_sql}
        ORDER BY e.township_code, {order_sql}, e.credit_code
        """,
        [y, y, y, y, *params, *types, *order],
    ).pl()


def entity_projects(con: duckdb.DuckDBPyConnection, scope: Scope, entity_types: tuple[str, ...] | None = None) -> pl.DataFrame:
    """The projects (建设年度 ≤ Y) that the 经营主体 in scope carry out (实施主体), by entity."""
    cond, params = scope.where("e.township_code", "e.village_code")
    types_sql, types = _type_filter(entity_types)
    return con.execute(
        f"""
        SELECT e.entity_name AS 主体名称, e.entity_type AS 主体类型, p.project_id AS 项目编号, p.project_name AS 项目名称,
               p.industry AS 产业类别, p.project_type AS 项目类型, pt.township_name AS 项目所在镇办, p.build_year AS 建设年度,
               p.build_status AS 建设状态, CAST(p.scale AS DOUBLE) AS 建设规模, p.scale_unit AS 规模单位,
               CAST(p.total_investment_wan AS DOUBLE) AS "总投资(万元)"
        FROM projects AS p
        JOIN entities AS e ON e.credit_code = p.operator_credit_code
        LEFT JOIN townships AS pt ON pt.township_code = p.township_code
        WHERE p.build_year <= ? {cond} {types_sql}
        ORDER BY e.township_code, e.credit_code, p.project_id
        """,
        [scope.year, *params, *types],
    ).pl()


def investment_list(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Every investment made by the end of Y into an entity in scope, with the dividends of year Y."""
    cond, params = scope.where("e.township_code", "e.village_code")
    y = scope.year
    return con.execute(
        f"""
        SELECT i.investment_id AS 投资编号, e.entity_name AS 主体名称, e.entity_type AS 主体类型, t.township_name AS 镇办,
               i.fund_source AS 资金来源, CAST(i.amount_wan AS DOUBLE) AS "投入金额(万元)", i.invest_date AS 投入日期,
               CAST(i.agreed_return_pct AS DOUBLE) AS "约定年收益率(%)",
               CAST(round(i.amount_wan * i.agreed_return_pct * 100, 2) AS DOUBLE) AS "约定年收益(元)",
               i.beneficiary_households AS "受益贫困户数(户)",
               CAST(d.due_yuan AS DOUBLE) AS "应付分红(元)", CAST(d.paid_yuan AS DOUBLE) AS "实付分红(元)",
               CAST(CASE WHEN d.due_yuan > 0 THEN round(d.paid_yuan / d.due_yuan, 4) END AS DOUBLE) AS 分红兑现率
        FROM investments AS i
        JOIN entities AS e ON e.credit_code = i.entity_credit_code
        JOIN townships AS t ON t.township_code = e.township_code
        LEFT JOIN dividends AS d ON d.investment_id = i.investment_id AND d.year = ?
        WHERE EXTRACT(YEAR FROM i.invest_date) <= ? {cond}
        ORDER BY e.township_code, i.investment_id
        """,
        [y, y, *params],
    ).pl()


def investments_by_source(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Investments made by the end of Y, per 资金来源 in the catalog's order (sources with none left out)."""
    cond, params = scope.where("e.township_code", "e.village_code")
    order_sql, order = _order_case("i.fund_source", FUND_SOURCES)
    return con.execute(
        f"""
        SELECT i.fund_source AS 资金来源, count(*) AS "入股笔数(笔)", CAST(sum(i.amount_wan) AS DOUBLE) AS "投入金额(万元)",
               CAST(sum(i.beneficiary_households) AS BIGINT) AS "受益贫困户数(户)"
        FROM investments AS i JOIN entities AS e ON e.credit_code = i.entity_credit_code
        WHERE EXTRACT(YEAR FROM i.invest_date) <= ? {cond}
        GROUP BY i.fund_source
        ORDER BY min({order_sql})
        """,
        [scope.year, *params, *order],
    ).pl()


def dividends_by_year(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Dividends due and paid per year up to Y (元) and the payout rate; year Y's row is
    overview.dividend_kpis."""
    cond, params = scope.where("e.township_code", "e.village_code")
    return con.execute(
        f"""
        SELECT d.year AS 年度, count(*) AS "笔数(笔)",
               CAST(sum(d.due_yuan) AS DOUBLE) AS "应付分红(元)", CAST(sum(d.paid_yuan) AS DOUBLE) AS "实付分红(元)",
               CAST(CASE WHEN sum(d.due_yuan) > 0 THEN round(sum(d.paid_yuan) / sum(d.due_yuan), 4) END AS DOUBLE) AS 分红兑现率
        FROM dividends AS d
        JOIN investments AS i ON i.investment_id = d.investment_id
        JOIN entities AS e ON e.credit_code = i.entity_credit_code
        WHERE d.year <= ? {cond}
        GROUP BY d.year
        ORDER BY d.year
        """,
        [scope.year, *params],
    ).pl()


def overdue_dividends(con: duckdb.DuckDBPyConnection, scope: Scope, as_of: dt.date | None = None) -> pl.DataFrame:
    """Dividends of years up to Y that were not (fully) paid by their due date (12月31日 of their year).

    A dividend is overdue once its due date is before `as_of` (default: today) and either
    实付 < 应付 (状态 未兑现 / 部分兑现, the 欠付金额 still owed) or it was paid in full only after the
    due date (逾期兑现, 欠付 0). Earlier years' arrears stay listed under a later Y: they are still owed.
    Largest arrears first.
    """
    cond, params = scope.where("e.township_code", "e.village_code")
    as_of = as_of or dt.date.today()
    due_date = f"make_date(CAST(d.year AS INTEGER), {DUE_MONTH}, {DUE_DAY})"
    return con.execute(
        f"""
        SELECT d.investment_id AS 投资编号, e.entity_name AS 主体名称, e.entity_type AS 主体类型,
               e.credit_code AS 统一社会信用代码, t.township_name AS 镇办, d.year AS 年度,
               {due_date} AS 应兑现日期,
               CAST(d.due_yuan AS DOUBLE) AS "应付金额(元)", CAST(d.paid_yuan AS DOUBLE) AS "实付金额(元)",
               CAST(d.due_yuan - d.paid_yuan AS DOUBLE) AS "欠付金额(元)", d.paid_date AS 兑现日期,
               CASE WHEN d.paid_yuan <= 0 THEN ? WHEN d.paid_yuan < d.due_yuan THEN ? ELSE ? END AS 状态
        FROM dividends AS d
        JOIN investments AS i ON i.investment_id = d.investment_id
        JOIN entities AS e ON e.credit_code = i.entity_credit_code
        JOIN townships AS t ON t.township_code = e.township_code
        WHERE d.year <= ? AND d.due_yuan > 0 AND {due_date} < ?
          AND (d.paid_yuan < d.due_yuan OR d.paid_date > {due_date}) {cond}
        ORDER BY d.due_yuan - d.paid_yuan DESC, d.year, d.investment_id
        """,
        [UNPAID, PARTLY_PAID, PAID_LATE, scope.year, as_of, *params],
    ).pl()


def entity_summary(con: duckdb.DuckDBPyConnection, scope: Scope, as_of: dt.date | None = None) -> dict:
    """The page's key figures: entities, investments, year Y's dividends (overview.dividend_kpis)
    and the overdue ones."""
    entities = entity_list(con, scope)
    by_type = dict(entities.group_by("主体类型").len().iter_rows())
    overdue = overdue_dividends(con, scope, as_of)
    divs = dividend_kpis(con, scope)
    return {
        "entities": entities.height,
        "cooperatives": by_type.get("农民专业合作社", 0),
        "enterprises": by_type.get("龙头企业", 0),
        "investments": int(entities["入股笔数(笔)"].sum()),
        "invested_wan": round(float(entities["入股资金(万元)"].sum()), 2),
        "due_yuan": divs["due_yuan"],
        "paid_yuan": divs["paid_yuan"],
        "payout_rate": divs["payout_rate"],
        "overdue_count": overdue.height,
        "owing_count": overdue.filter(pl.col("欠付金额(元)") > 0).height,
        "overdue_yuan": round(float(overdue["欠付金额(元)"].sum()), 2),
    }
