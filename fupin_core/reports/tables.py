"""What the 项目汇总表 contains: one declarative entry per sheet, each table a metrics call.

A `Table` is a title template, a function `(con, scope) -> polars DataFrame` whose columns already
carry Chinese headers with units, the columns summed in the 合计 row, and rates recomputed from
those sums. Wiring a new area is one `area(...)` line in `SHEETS`. The xlsx writer, the 导出 page
preview and the tests all read the same `fill(...)` result, so they cannot disagree.

Every figure comes from `fupin_core.metrics` (the functions the pages show); a table here only picks
and names columns (`view`), so the workbook and the pages cannot disagree either. No SQL here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import polars as pl

from fupin_core.catalog import LINK_MECHANISMS
from fupin_core.metrics import artichoke, entities, funds, fungus, indicators, linkage, pilots, pv
from fupin_core.metrics.overview import township_breakdown
from fupin_core.scope import Scope

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
    """Every indicator of the registry that applies to the scope: 类别 / 指标 / 数值 / 单位 / 口径, values
    as reported (rates in per cent); 未上报 is an empty 数值."""
    kpis = indicators.values(con, scope)
    return indicators.kpi_frame(kpis, lambda ind: indicators.applies(ind.key, scope))


def progress_table(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    return indicators.programme_progress(con, scope).select("工程", "完成", "目标", "单位", "目标年度", "完成率")


def township_table(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    return township_breakdown(con, scope).select(
        "镇办",
        pl.col("建档立卡户数").alias("建档立卡户数(户)"),
        pl.col("带动增收户数").alias("带动增收户数(户)"),
        pl.col("有劳动能力户数").alias("有劳动能力户数(户)"),
        pl.col("产业覆盖户数").alias("其中产业覆盖户数(户)"),
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
            totals=(
                "建档立卡户数(户)",
                "带动增收户数(户)",
                "有劳动能力户数(户)",
                "其中产业覆盖户数(户)",
                "未覆盖户数(户)",
                "光伏装机(兆瓦)",
            ),
            rates=(Rate("产业覆盖率", "其中产业覆盖户数(户)", "有劳动能力户数(户)"),),
        ),
    ),
)


# --- Area tables: a metrics function's frame each, its columns chosen and named for the sheet --------


def view(metric: Builder, *columns: str | tuple[str, str]) -> Builder:
    """A table built from `metric`'s frame: only `columns`, in this order; a pair (metric's column,
    sheet header) renames. Presentation only: every figure stays the metrics module's."""

    def build(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
        return metric(con, scope).select(pl.col(c[0]).alias(c[1]) if isinstance(c, tuple) else pl.col(c) for c in columns)

    build.__qualname__ = f"view({metric.__module__}.{metric.__name__})"  # what a traceback or repr names
    return build


pv_projects = view(
    pv.stations_with_built,
    "镇办",
    "村",
    "项目编号",
    ("电站名称", "项目名称"),
    "电站类型",
    "建设年度",
    "建设状态",
    "装机容量(千瓦)",
    "建成装机(千瓦)",
    "总投资(万元)",
    "发电量(千瓦时)",
    "发电收益(元)",
    "收益分配(元)",
)
fungus_projects = view(
    fungus.bags_by_base,
    "镇办",
    "村",
    "项目编号",
    ("基地名称", "项目名称"),
    "项目类型",
    "实施主体",
    "建设年度",
    "建设规模(万袋)",
    "生产菌袋(万袋)",
    "鲜菇产量(吨)",
    "销售收入(万元)",
)
artichoke_projects = view(
    artichoke.artichoke_projects,
    "镇办",
    "村",
    "项目编号",
    "项目名称",
    "项目类型",
    "实施主体",
    "建设年度",
    "建设规模(亩)",
    "种植面积(亩)",
    "产量(吨)",
    "收购金额(万元)",
)
pilot_villages = view(
    pilots.pilot_villages,
    "镇办",
    "村",
    "试点年度",
    "集体经济组织",
    "区级财政投入(万元)",
    "折股量化资产(万元)",
    "入股土地(亩)",
    "股东户数(户)",
    "贫困户股东户数(户)",
    "年度分红(万元)",
)
entity_investments = view(
    entities.entity_list,
    "镇办",
    "主体名称",
    "统一社会信用代码",
    "主体类型",
    "所属产业",
    "实施项目数(个)",
    "入股资金(万元)",
    "受益贫困户数(户)",
    "应付分红(元)",
    "实付分红(元)",
    "分红兑现率",
)
_MECHANISM_COLUMNS = tuple(linkage.mechanism_column(m) for m in LINK_MECHANISMS)
linkage_by_township = view(
    linkage.by_township,
    "镇办",
    "带动增收户数(户)",
    "带动增收人数(人)",
    *_MECHANISM_COLUMNS,
    "收益金额(万元)",
    "有劳动能力户数(户)",
    ("产业覆盖户数(户)", "其中产业覆盖户数(户)"),
    "未覆盖户数(户)",
    "产业覆盖率",
)
fund_projects = view(
    funds.funds_by_project_source,
    "镇办",
    "项目编号",
    "项目名称",
    "产业类别",
    "资金来源",
    "资金类别",
    "下达金额(万元)",
    "支出金额(万元)",
    "支出率",
)
_LINK_TOTALS = (
    "带动增收户数(户)",
    "带动增收人数(人)",
    *_MECHANISM_COLUMNS,
    "收益金额(万元)",
    "有劳动能力户数(户)",
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
        (Rate("产业覆盖率", "其中产业覆盖户数(户)", "有劳动能力户数(户)"),),
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
