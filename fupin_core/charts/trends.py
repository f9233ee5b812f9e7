"""年度对比 charts: an indicator over the years (the chosen year marked, the target dashed), places
ranked with a reference rule, and the report periods of several years as one series.

DataFrame in (fupin_core.metrics.trends), altair out; labels in the registry's number style.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from fupin_core.charts.programme import value_axis
from fupin_core.charts.theme import ACTUAL, FONT, TARGET, apply_theme

ROW_PX = 22


RATE_UNIT = "%"


def _scaled(unit: str, column: str) -> pl.Expr:
    """Rates in per cent on an axis (90.1, not 0.901)."""
    return pl.col(column) * 100 if unit == RATE_UNIT else pl.col(column)


def _one_trend(frame: pl.DataFrame, key: str, year: int, years: list[str]) -> alt.LayerChart:
    rows = frame.filter(pl.col("key") == key)
    name, unit, decimals = rows["指标"][0], rows["单位"][0], rows["小数位"][0]
    data = rows.filter(pl.col("数值").is_not_null()).select(
        pl.format("{}年", pl.col("年度")).alias("年份"),
        pl.col("年度"),
        _scaled(unit, "数值").alias("数值"),
        pl.col("标注"),
        (pl.col("年度") == year).alias("所选年度"),
    )
    x = alt.X("年份:N", sort=years, scale=alt.Scale(domain=years), title="年度")
    y = alt.Y("数值:Q", title=f"{name}（{unit}）", axis=value_axis(",.1f" if decimals else ",.0f"))
    tooltip = [alt.Tooltip("年份:N", title="年度"), alt.Tooltip("标注:N", title=name)]
    line = alt.Chart(data).mark_line(color=ACTUAL, point=alt.OverlayMarkDef(color=ACTUAL, size=40)).encode(x=x, y=y, tooltip=tooltip)
    # The chosen year: a larger point with its value written beside it.
    chosen = data.filter(pl.col("所选年度"))
    marked = alt.Chart(chosen).mark_point(color=ACTUAL, filled=True, size=140).encode(x=x, y=y, tooltip=tooltip)
    label = alt.Chart(chosen).mark_text(font=FONT, dy=-12, fontSize=11, color="#222").encode(x=x, y=y, text="标注:N")
    layers = [line, marked, label]
    targets = rows.filter(pl.col("目标").is_not_null()).select(
        pl.format("{}年", pl.col("年度")).alias("年份"), _scaled(unit, "目标").alias("数值")
    )
    subtitle = f"{years[0]}—{year}年，实心大点为{year}年"
    if targets.height:
        layers.append(alt.Chart(targets).mark_line(color=TARGET, strokeDash=[4, 3]).encode(x=x, y=y))
        subtitle += "；虚线为目标"
    return alt.layer(*layers, title=alt.Title(name, subtitle=subtitle), height=170)


def trend_charts(frame: pl.DataFrame, year: int) -> list[alt.LayerChart]:
    """Each indicator of `frame` (metrics.trends.trend) over the years, one small chart each with its own
    unit on its own axis (the page lays them out side by side)."""
    keys = list(dict.fromkeys(frame["key"].to_list()))
    years = [f"{y}年" for y in sorted(set(frame["年度"].to_list()))]
    return [apply_theme(_one_trend(frame, key, year, years)) for key in keys]


def ranking_chart(ranking) -> alt.LayerChart:
    """The places of a ranking (metrics.trends.Ranking) as bars in rank order (未上报 left out), the
    reference as a dashed rule."""
    unit = ranking.unit
    data = ranking.labelled.filter(pl.col("数值").is_not_null()).select(
        pl.format("{}. {}", pl.col("名次"), pl.col("名称")).alias("名称"),
        _scaled(unit, "数值").alias("数值"),
        pl.col("标注"),
    )
    order = data["名称"].to_list()
    x = alt.X("数值:Q", title=f"{ranking.name}（{unit}）", axis=value_axis(",.1f" if ranking.decimals else ",.0f"))
    bars = (
        alt.Chart(data)
        .mark_bar(color=ACTUAL)
        .encode(
            x=x,
            y=alt.Y("名称:N", sort=order, title=None),
            tooltip=[alt.Tooltip("名称:N", title=ranking.level), alt.Tooltip("标注:N", title=ranking.name)],
        )
    )
    labels = bars.mark_text(align="left", dx=3, font=FONT, fontSize=11).encode(text="标注:N")
    layers = [bars, labels]
    subtitle = "按名次排列，数值相同名次并列"
    if ranking.reference is not None:
        shown = ranking.reference * 100 if unit == RATE_UNIT else ranking.reference
        reference = pl.DataFrame({"数值": [shown], "说明": [f"{ranking.reference_label}{ranking.reference_text}"]})
        layers.append(alt.Chart(reference).mark_rule(color=TARGET, strokeDash=[4, 3]).encode(x="数值:Q", tooltip=["说明:N"]))
        subtitle += f"；虚线为{ranking.reference_label}（{ranking.reference_text}）"
    missing = ranking.frame.height - data.height
    if missing:
        subtitle += f"；另有{missing}个{ranking.level}未上报"
    title = alt.Title(f"各{ranking.level}{ranking.name}", subtitle=subtitle)
    return apply_theme(alt.layer(*layers), height=max(80, ROW_PX * len(order)), title=title)


def period_chart(series: pl.DataFrame, measure: str, unit: str, title: str) -> alt.LayerChart:
    """The report periods of every year up to the chosen one as one series: the measure per month of
    each period (a year reported whole and one reported by quarter read on the same scale)."""
    data = series.select("报告期", "开始", pl.col(measure).alias("合计"), "月均").with_columns(pl.col("开始").cast(pl.String))
    x = alt.X("开始:T", title="报告期", axis=alt.Axis(format="%Y年%m月", labelOverlap=True, labelSeparation=8))
    y = alt.Y("月均:Q", title=f"月均{measure.split('(')[0]}（{unit}/月）", axis=value_axis(",.1f"))
    tooltip = [
        alt.Tooltip("报告期:N"),
        alt.Tooltip("合计:Q", title=measure, format=",.2f"),
        alt.Tooltip("月均:Q", title=f"月均（{unit}）", format=",.2f"),
    ]
    line = alt.Chart(data).mark_line(color=ACTUAL, point=alt.OverlayMarkDef(color=ACTUAL, size=40)).encode(x=x, y=y, tooltip=tooltip)
    return apply_theme(line, height=220, title=alt.Title(title, subtitle="各年度各报告期连成一条线；按月均折算，年报与季报、月报可比"))
