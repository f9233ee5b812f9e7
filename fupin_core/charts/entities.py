"""Charts of the 经营主体与投资 page: DataFrame in (from fupin_core.metrics.entities), altair Chart out."""

from __future__ import annotations

import altair as alt
import polars as pl

from fupin_core.charts.theme import ACTUAL, PRIMARY, REFERENCE, apply_theme, kinds_colour, value_labels

DUE, PAID = "应付分红", "实付分红"


def investments_by_source_chart(by_source: pl.DataFrame) -> alt.Chart:
    """Invested amount (万元) per 资金来源, in the frame's (catalog) order."""
    order = by_source["资金来源"].to_list()
    data = by_source.select("资金来源", pl.col("投入金额(万元)").alias("投入金额"), pl.col("入股笔数(笔)").alias("笔数"))
    bars = (
        alt.Chart(data)
        .mark_bar(color=PRIMARY)
        .encode(
            x=alt.X("投入金额:Q", title="入股资金（万元）", axis=alt.Axis(format=",.0f")),
            y=alt.Y("资金来源:N", sort=order, title=None),
            tooltip=[alt.Tooltip("资金来源:N"), alt.Tooltip("投入金额:Q", title="投入金额(万元)", format=",.1f"), alt.Tooltip("笔数:Q")],
        )
    )
    labels = value_labels(bars, "投入金额", ",.0f")
    return apply_theme((bars + labels), height=max(90, 30 * len(order)), title="入股资金来源")


def dividends_by_year_chart(by_year: pl.DataFrame) -> alt.Chart:
    """Per year: dividends due beside dividends paid, in 万元."""
    data = by_year.select(
        pl.format("{}年", pl.col("年度")).alias("年度"),
        (pl.col("应付分红(元)") / 10_000).round(2).alias(DUE),
        (pl.col("实付分红(元)") / 10_000).round(2).alias(PAID),
    ).unpivot(index="年度", variable_name="类别", value_name="金额")
    order = data["年度"].unique(maintain_order=True).to_list()
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("金额:Q", title="分红金额（万元）", axis=alt.Axis(format=",.0f")),
            y=alt.Y("年度:N", sort=order, title=None),
            yOffset=alt.YOffset("类别:N", sort=[DUE, PAID]),
            color=kinds_colour("类别", [DUE, PAID], [REFERENCE, ACTUAL]),
            tooltip=[alt.Tooltip("年度:N"), alt.Tooltip("类别:N"), alt.Tooltip("金额:Q", title="金额(万元)", format=",.2f")],
        )
    )
    labels = value_labels(chart, "金额", ",.1f", dark=True)
    return apply_theme((chart + labels), height=max(100, 50 * len(order)), title="历年应付与实付分红")
