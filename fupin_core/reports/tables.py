"""What the 项目汇总表 contains: one declarative entry per sheet, each table a metrics call.

A `Table` is a title template, a function `(con, scope) -> polars DataFrame` whose columns already
carry Chinese headers with units, the columns summed in the 合计 row, and rates recomputed from
those sums. Wiring a new area is one `area(...)` line in `SHEETS`. The xlsx writer, the 导出 page
preview and the tests all read the same `fill(...)` result, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import polars as pl

from fupin_core.catalog import FUND_SOURCES, LINK_MECHANISMS
from fupin_core.formatting import KPI_LABELS, KPI_UNITS
from fupin_core.metrics.overview import BUILT, overview_kpis, period_rows_sql, programme_progress, township_breakdown
from fupin_core.metrics.scope import Scope

Builder = Callable[[duckdb.DuckDBPyConnection, Scope], pl.DataFrame]
TOTAL_LABEL = "合计"


@dataclass(frozen=True)
class Rate:
    """A rate column of the 合计 row: numerator total ÷ denominator total (a sum of rates means nothing)."""

    column: str
    numerator: str
    denominator: str


@dataclass(frozen=True)
class Table:
    title: str  # template with {place} and {year}
    build: Builder
    totals: tuple[str, ...] = ()
    rates: tuple[Rate, ...] = ()
    # Excel number formats by column where the writer's default (by dtype and name) is wrong;
    # "auto" = per cell, for columns that mix units (the KPI list).
    formats: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Sheet:
    name: str
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class Filled:
    """A table with its data for one scope: what every writer and the preview show."""

    title: str
    frame: pl.DataFrame
    total: dict[str, float | int | None] | None
    formats: dict[str, str]


def area(name: str, title: str, build: Builder, totals: tuple[str, ...] = (), rates: tuple[Rate, ...] = ()) -> Sheet:
    return Sheet(name, (Table(title, build, totals, rates),))


def _plain(frame: pl.DataFrame) -> pl.DataFrame:
    """DuckDB DECIMAL (and sums of integers, DECIMAL(38,0)) arrive as polars Decimal: writers and
    sums want floats, and whole numbers stay integers."""
    return frame.with_columns(
        pl.col(c).cast(pl.Int64 if t.scale == 0 else pl.Float64) for c, t in frame.schema.items() if isinstance(t, pl.Decimal)
    )


def total_row(table: Table, frame: pl.DataFrame) -> dict[str, float | int | None] | None:
    if not table.totals:
        return None
    row: dict[str, float | int | None] = {}
    for col in table.totals:
        value = frame[col].sum()
        row[col] = int(value) if frame.schema[col].is_integer() else round(float(value), 6)
    for rate in table.rates:
        den = row.get(rate.denominator)
        row[rate.column] = round(row[rate.numerator] / den, 4) if den else None
    return row


def with_total(filled: Filled) -> pl.DataFrame:
    """The table as shown and downloaded: its rows, then the 合计 row (label in the first text column)."""
    frame = filled.frame
    if filled.total is None:
        return frame
    text = [c for c, t in frame.schema.items() if t == pl.String]
    row = {c: filled.total.get(c) for c in frame.columns} | {c: "" for c in text} | ({text[0]: TOTAL_LABEL} if text else {})
    return pl.concat([frame, pl.DataFrame([row], schema=frame.schema, orient="row")])


def fill(table: Table, con: duckdb.DuckDBPyConnection, scope: Scope, place: str) -> Filled:
    frame = _plain(table.build(con, scope))
    return Filled(table.title.format(place=place, year=scope.year), frame, total_row(table, frame), dict(table.formats))


# --- 总览 -------------------------------------------------------------------------------------


def kpi_table(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """The 总览 KPIs as 指标 / 数值 / 单位; rates in per cent."""
    kpis = overview_kpis(con, scope)
    rows = []
    for key, label in KPI_LABELS.items():
        value = kpis[key]
        if key.endswith("_rate"):
            rows.append((label, None if value is None else round(value * 100, 1), "%"))
        else:
            rows.append((label, None if value is None else float(value), KPI_UNITS.get(key, "")))
    return pl.DataFrame(rows, schema={"指标": pl.String, "数值": pl.Float64, "单位": pl.String}, orient="row")


def progress_table(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    return programme_progress(con, scope).select("工程", "完成", "目标", "单位", "目标年度", "完成率")


def township_table(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    return township_breakdown(con, scope).select(
        "镇办",
        pl.col("建档立卡户数").alias("建档立卡户数(户)"),
        pl.col("带动增收户数").alias("带动增收户数(户)"),
        pl.col("未覆盖户数").alias("未覆盖户数(户)"),
        "产业覆盖率",
        pl.col("光伏装机兆瓦").alias("光伏装机(兆瓦)"),
    )


OVERVIEW = Sheet(
    "总览",
    (
        Table("{place}{year}年产业扶贫主要指标", kpi_table, formats={"数值": "auto"}),
        Table("{place}{year}年“百千万”产业工程完成情况", progress_table, formats={"完成": "auto", "目标": "auto", "目标年度": "0"}),
        Table(
            "{place}{year}年各镇办产业扶贫情况",
            township_table,
            totals=("建档立卡户数(户)", "带动增收户数(户)", "未覆盖户数(户)", "光伏装机(兆瓦)"),
        ),
    ),
)


# --- Area tables -------------------------------------------------------------------------------
# TEMPORARY: the per-programme metrics modules (fupin_core/metrics/{pv,fungus,...}.py) are being
# written; until they land, the area queries live here and are replaced by those modules' calls.


def pv_projects(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    cond, params = scope.where("p.township_code", "p.village_code")
    y = scope.year
    return con.execute(
        f"""
        WITH output AS (
            SELECT project_id, sum(generation_kwh) AS kwh, sum(revenue_yuan) AS revenue, sum(distributed_yuan) AS distributed
            FROM ({period_rows_sql("pv_output")}) AS o WHERE period_year = ? GROUP BY project_id
        )
        SELECT t.township_name AS 镇办, v.village_name AS 村, p.project_id AS 项目编号, p.project_name AS 项目名称,
               p.project_type AS 电站类型, p.build_year AS 建设年度, p.build_status AS 建设状态,
               p.scale AS "装机容量(千瓦)",
               CASE WHEN p.build_status IN (?, ?) THEN p.scale ELSE 0 END AS "建成装机(千瓦)",
               p.total_investment_wan AS "总投资(万元)",
               coalesce(o.kwh, 0) AS "发电量(千瓦时)", coalesce(o.revenue, 0) AS "发电收益(元)",
               coalesce(o.distributed, 0) AS "收益分配(元)"
        FROM projects AS p
        JOIN townships AS t ON t.township_code = p.township_code
        LEFT JOIN villages AS v ON v.village_code = p.village_code
        LEFT JOIN output AS o ON o.project_id = p.project_id
        WHERE p.industry = '光伏' AND p.build_year <= ? {cond}
        ORDER BY p.township_code, p.village_code NULLS LAST, p.project_id
        """,
        [y, *BUILT, y, *params],
    ).pl()


def _output_projects(con, scope: Scope, industry: str, output_sql: str, measures: str, scale_header: str) -> pl.DataFrame:
    """Projects of `industry` built by Y, plus any project that reported output in Y."""
    cond, params = scope.where("p.township_code", "p.village_code")
    y = scope.year
    return con.execute(
        f"""
        WITH output AS ({output_sql})
        SELECT t.township_name AS 镇办, v.village_name AS 村, p.project_id AS 项目编号, p.project_name AS 项目名称,
               p.project_type AS 项目类型, e.entity_name AS 实施主体, p.build_year AS 建设年度,
               p.scale AS "{scale_header}", {measures}
        FROM projects AS p
        JOIN townships AS t ON t.township_code = p.township_code
        LEFT JOIN villages AS v ON v.village_code = p.village_code
        LEFT JOIN entities AS e ON e.credit_code = p.operator_credit_code
        LEFT JOIN output AS o ON o.project_id = p.project_id
        WHERE ((p.industry = ? AND p.build_year <= ?) OR o.project_id IS NOT NULL) {cond}
        ORDER BY p.township_code, p.village_code NULLS LAST, p.project_id
        """,
        [y, industry, y, *params],
    ).pl()


def fungus_projects(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    output = f"""SELECT project_id, sum(bags_wan) AS bags, sum(fresh_yield_t) AS yield_t, sum(sales_wan) AS sales
                 FROM ({period_rows_sql("fungus_output")}) AS g WHERE period_year = ? GROUP BY project_id"""
    measures = """coalesce(o.bags, 0) AS "生产菌袋(万袋)", coalesce(o.yield_t, 0) AS "鲜菇产量(吨)",
                  coalesce(o.sales, 0) AS "销售收入(万元)" """
    return _output_projects(con, scope, "食用菌", output, measures, "建设规模(万袋)")


def artichoke_projects(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    output = """SELECT project_id, sum(area_mu) AS area, sum(yield_t) AS yield_t, sum(purchase_wan) AS purchase
                FROM artichoke_output WHERE year = ? GROUP BY project_id"""
    measures = """coalesce(o.area, 0) AS "种植面积(亩)", coalesce(o.yield_t, 0) AS "产量(吨)",
                  coalesce(o.purchase, 0) AS "收购金额(万元)" """
    return _output_projects(con, scope, "菊芋", output, measures, "建设规模(亩)")


def pilot_villages(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    cond, params = scope.where("v.township_code", "p.village_code")
    return con.execute(
        f"""
        SELECT t.township_name AS 镇办, v.village_name AS 村, p.pilot_year AS 试点年度, p.collective_org AS 集体经济组织,
               p.district_funds_wan AS "区级财政投入(万元)", p.quantified_assets_wan AS "折股量化资产(万元)",
               p.land_shares_mu AS "入股土地(亩)", p.shareholder_households AS "股东户数(户)",
               p.poor_shareholder_households AS "贫困户股东户数(户)", p.annual_dividend_wan AS "年度分红(万元)"
        FROM pilots AS p
        JOIN villages AS v ON v.village_code = p.village_code
        JOIN townships AS t ON t.township_code = v.township_code
        WHERE p.pilot_year <= ? {cond}
        ORDER BY v.township_code, p.village_code
        """,
        [scope.year, *params],
    ).pl()


def entity_investments(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    cond, params = scope.where("e.township_code", "e.village_code")
    y = scope.year
    return con.execute(
        f"""
        WITH inv AS (
            SELECT entity_credit_code, sum(amount_wan) AS amount, sum(beneficiary_households) AS beneficiaries
            FROM investments WHERE EXTRACT(YEAR FROM invest_date) <= ? GROUP BY entity_credit_code
        ),
        divs AS (
            SELECT i.entity_credit_code, sum(d.due_yuan) AS due, sum(d.paid_yuan) AS paid
            FROM dividends AS d JOIN investments AS i ON i.investment_id = d.investment_id
            WHERE d.year = ? GROUP BY i.entity_credit_code
        ),
        prj AS (SELECT operator_credit_code, count(*) AS n FROM projects WHERE build_year <= ? GROUP BY operator_credit_code)
        SELECT t.township_name AS 镇办, e.entity_name AS 主体名称, e.credit_code AS 统一社会信用代码,
               e.entity_type AS 主体类型, e.industry AS 所属产业,
               coalesce(prj.n, 0) AS "实施项目数(个)", coalesce(inv.amount, 0) AS "入股资金(万元)",
               coalesce(inv.beneficiaries, 0) AS "受益贫困户数(户)",
               coalesce(divs.due, 0) AS "应付分红(元)", coalesce(divs.paid, 0) AS "实付分红(元)",
               CASE WHEN divs.due > 0 THEN round(divs.paid / divs.due, 4) END AS 分红兑现率
        FROM entities AS e
        JOIN townships AS t ON t.township_code = e.township_code
        LEFT JOIN inv ON inv.entity_credit_code = e.credit_code
        LEFT JOIN divs ON divs.entity_credit_code = e.credit_code
        LEFT JOIN prj ON prj.operator_credit_code = e.credit_code
        WHERE TRUE {cond}
        ORDER BY e.township_code, e.credit_code
        """,
        [y, y, y, *params],
    ).pl()


def _mechanism_header(mechanism: str) -> str:
    return f"{mechanism}(户)"


def linkage_by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Per 镇办: households and people with industry income in Y, by 联结方式, and the coverage gap."""
    cond, params = scope.where("v.township_code", "h.village_code")
    outer_cond, outer_params = Scope(scope.year, scope.townships).where("t.township_code", None)
    y = scope.year
    counts = ",\n".join(
        f'count(*) FILTER (WHERE k.mechanism = ?) AS "{_mechanism_header(m)}"' for m in LINK_MECHANISMS
    )  # the headers come from the catalog's enumeration, never from user input
    mechanism_columns = ", ".join(f'coalesce(mech."{_mechanism_header(m)}", 0) AS "{_mechanism_header(m)}"' for m in LINK_MECHANISMS)
    return con.execute(
        f"""
        WITH hh AS (
            SELECT h.household_id, h.family_size, v.township_code,
                   (h.identified_year <= ? AND (h.exit_year IS NULL OR h.exit_year >= ?)) AS active
            FROM households AS h JOIN villages AS v ON v.village_code = h.village_code
            WHERE TRUE {cond}
        ),
        income AS (
            SELECT household_id, sum(income_yuan) AS income FROM linkages
            WHERE year = ? AND income_yuan > 0 GROUP BY household_id
        ),
        linked AS (
            SELECT hh.township_code, count(*) AS households, sum(hh.family_size) AS people, sum(income.income) AS income,
                   count(*) FILTER (WHERE hh.active) AS active_linked
            FROM income JOIN hh ON hh.household_id = income.household_id
            GROUP BY hh.township_code
        ),
        mech AS (
            SELECT hh.township_code, {counts}
            FROM (SELECT DISTINCT household_id, mechanism FROM linkages WHERE year = ? AND income_yuan > 0) AS k
            JOIN hh ON hh.household_id = k.household_id
            GROUP BY hh.township_code
        ),
        act AS (SELECT township_code, count(*) FILTER (WHERE active) AS active FROM hh GROUP BY township_code)
        SELECT t.township_name AS 镇办,
               coalesce(linked.households, 0) AS "带动增收户数(户)",
               coalesce(linked.people, 0) AS "带动增收人数(人)",
               {mechanism_columns},
               round(coalesce(linked.income, 0) / 10000, 4) AS "收益金额(万元)",
               coalesce(act.active, 0) AS "年初未脱贫户数(户)",
               coalesce(linked.active_linked, 0) AS "其中产业覆盖户数(户)",
               coalesce(act.active, 0) - coalesce(linked.active_linked, 0) AS "未覆盖户数(户)",
               CASE WHEN act.active > 0 THEN round(coalesce(linked.active_linked, 0) / act.active, 4) END AS 产业覆盖率
        FROM townships AS t
        LEFT JOIN linked ON linked.township_code = t.township_code
        LEFT JOIN mech ON mech.township_code = t.township_code
        LEFT JOIN act ON act.township_code = t.township_code
        WHERE TRUE {outer_cond}
        ORDER BY t.township_code
        """,
        [y, y, *params, y, *LINK_MECHANISMS, y, *outer_params],
    ).pl()


def fund_projects(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Funds of year Y per project and source; sources in the catalog's order."""
    cond, params = scope.where("p.township_code", "p.village_code")
    order = " ".join("WHEN ? THEN " + str(i) for i in range(len(FUND_SOURCES)))
    return con.execute(
        f"""
        SELECT t.township_name AS 镇办, p.project_id AS 项目编号, p.project_name AS 项目名称, p.industry AS 产业类别,
               f.fund_source AS 资金来源, f.allocated_wan AS "下达金额(万元)", f.spent_wan AS "支出金额(万元)",
               CASE WHEN f.allocated_wan > 0 THEN round(f.spent_wan / f.allocated_wan, 4) END AS 支出率
        FROM funds AS f
        JOIN projects AS p ON p.project_id = f.project_id
        JOIN townships AS t ON t.township_code = p.township_code
        WHERE f.year = ? {cond}
        ORDER BY p.township_code, p.project_id, CASE f.fund_source {order} ELSE {len(FUND_SOURCES)} END
        """,
        [scope.year, *params, *FUND_SOURCES],
    ).pl()


_LINK_TOTALS = (
    "带动增收户数(户)",
    "带动增收人数(人)",
    *(_mechanism_header(m) for m in LINK_MECHANISMS),
    "收益金额(万元)",
    "年初未脱贫户数(户)",
    "其中产业覆盖户数(户)",
    "未覆盖户数(户)",
)

SHEETS: tuple[Sheet, ...] = (
    OVERVIEW,
    area(
        "光伏",
        "{place}{year}年光伏扶贫项目汇总表",
        pv_projects,
        ("装机容量(千瓦)", "建成装机(千瓦)", "总投资(万元)", "发电量(千瓦时)", "发电收益(元)", "收益分配(元)"),
    ),
    area(
        "食用菌",
        "{place}{year}年食用菌产业扶贫项目汇总表",
        fungus_projects,
        ("建设规模(万袋)", "生产菌袋(万袋)", "鲜菇产量(吨)", "销售收入(万元)"),
    ),
    area(
        "菊芋", "{place}{year}年菊芋产业扶贫项目汇总表", artichoke_projects, ("建设规模(亩)", "种植面积(亩)", "产量(吨)", "收购金额(万元)")
    ),
    area(
        "三变改革",
        "{place}{year}年“三变”改革试点村汇总表",
        pilot_villages,
        ("区级财政投入(万元)", "折股量化资产(万元)", "入股土地(亩)", "股东户数(户)", "贫困户股东户数(户)", "年度分红(万元)"),
    ),
    area(
        "经营主体与投资",
        "{place}{year}年新型经营主体入股投资与分红汇总表",
        entity_investments,
        ("实施项目数(个)", "入股资金(万元)", "受益贫困户数(户)", "应付分红(元)", "实付分红(元)"),
        (Rate("分红兑现率", "实付分红(元)", "应付分红(元)"),),
    ),
    area(
        "利益联结",
        "{place}{year}年贫困户产业利益联结汇总表",
        linkage_by_township,
        _LINK_TOTALS,
        (Rate("产业覆盖率", "其中产业覆盖户数(户)", "年初未脱贫户数(户)"),),
    ),
    area(
        "资金",
        "{place}{year}年产业扶贫项目资金汇总表",
        fund_projects,
        ("下达金额(万元)", "支出金额(万元)"),
        (Rate("支出率", "支出金额(万元)", "下达金额(万元)"),),
    ),
)

SHEET_NAMES: tuple[str, ...] = tuple(s.name for s in SHEETS)


def sheets(names: tuple[str, ...] | list[str] | None = None) -> list[Sheet]:
    """The chosen sheets in the workbook's order (all when `names` is None)."""
    if names is None:
        return list(SHEETS)
    unknown = [n for n in names if n not in SHEET_NAMES]
    if unknown:
        raise ValueError(f"没有名为“{'、'.join(unknown)}”的汇总表（可选：{'、'.join(SHEET_NAMES)}）")
    return [s for s in SHEETS if s.name in names]


def fill_sheet(sheet: Sheet, con: duckdb.DuckDBPyConnection, scope: Scope, place: str) -> list[Filled]:
    return [fill(t, con, scope, place) for t in sheet.tables]
