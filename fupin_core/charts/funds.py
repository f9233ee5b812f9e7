"""Charts of the 资金 page: DataFrame in (from fupin_core.metrics.funds), altair Chart out."""

from __future__ import annotations

import altair as alt
import polars as pl

from fupin_core.catalog import FUND_SOURCES
from fupin_core.charts import places
from fupin_core.charts.theme import ACTUAL, ATTENTION, CATEGORY, REFERENCE, TARGET, apply_theme, kinds_colour, value_labels

ALLOCATED, SPENT = "下达", "支出"


def funds_by_source_chart(by_source: pl.DataFrame) -> alt.Chart:
    """Year Y per 资金来源 (catalog order): allocated beside spent, in 万元."""
    order = by_source["资金来源"].to_list()
    data = by_source.select("资金来源", pl.col("下达金额(万元)").alias(ALLOCATED), pl.col("支出金额(万元)").alias(SPENT)).unpivot(
        index="资金来源", variable_name="类别", value_name="金额"
    )
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("金额:Q", title="金额（万元）", axis=alt.Axis(format=",.0f")),
            y=alt.Y("资金来源:N", sort=order, title=None),
            yOffset=alt.YOffset("类别:N", sort=[ALLOCATED, SPENT]),
            color=kinds_colour("类别", [ALLOCATED, SPENT], [REFERENCE, ACTUAL]),
            tooltip=[alt.Tooltip("资金来源:N"), alt.Tooltip("类别:N"), alt.Tooltip("金额:Q", title="金额(万元)", format=",.1f")],
        )
    )
    labels = value_labels(bars, "金额", ",.0f", dark=True)
    return apply_theme((bars + labels), height=max(100, 44 * len(order)), title="各来源资金下达与支出")


def funds_by_year_chart(by_year: pl.DataFrame) -> alt.Chart:
    """Allocated funds (万元) per year, stacked by 资金来源 in catalog order."""
    present = set(by_year["资金来源"].to_list())
    sources = [s for s in FUND_SOURCES if s in present]
    data = by_year.select(
        pl.format("{}年", pl.col("年度")).alias("年度"),
        "资金来源",
        pl.col("下达金额(万元)").alias("下达金额"),
        pl.col("资金来源").replace_strict(sources, list(range(len(sources))), default=len(sources)).alias("来源序号"),
    )
    years = data["年度"].unique(maintain_order=True).to_list()
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("下达金额:Q", title="下达金额（万元）", axis=alt.Axis(format=",.0f")),
            y=alt.Y("年度:N", sort=years, title=None),
            color=alt.Color("资金来源:N", sort=sources, scale=alt.Scale(domain=sources, range=CATEGORY[: len(sources)]), title=None),
            order=alt.Order("来源序号:Q"),
            tooltip=[alt.Tooltip("年度:N"), alt.Tooltip("资金来源:N"), alt.Tooltip("下达金额:Q", title="下达金额(万元)", format=",.1f")],
        )
    )
    return apply_theme(chart, height=max(100, 40 * len(years)), title="历年资金下达（按来源）")


def spend_rate_by_township_chart(by_township: pl.DataFrame, threshold: float) -> alt.Chart:
    """Spending rate (%) per 镇办 in code order; below `threshold` in red, with the threshold rule.
    Too many 镇办: those spending least, which are the ones to follow up."""
    by_township, note = places.drawn(by_township, "镇办", "支出率", "支出率最低", largest=False)
    order = by_township["镇办"].to_list()
    goal = round(threshold * 100, 1)
    below, at_or_above = f"低于{goal:g}%", f"达到{goal:g}%"
    data = by_township.filter(pl.col("支出率").is_not_null()).select(
        "镇办",
        (pl.col("支出率") * 100).round(1).alias("支出率"),
        pl.when(pl.col("支出率") < threshold).then(pl.lit(below)).otherwise(pl.lit(at_or_above)).alias("对照"),
        pl.col("下达金额(万元)").alias("下达金额"),
        pl.col("支出金额(万元)").alias("支出金额"),
    )
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("支出率:Q", title="支出率（%）", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("镇办:N", sort=order, title=None),
            color=kinds_colour("对照", [at_or_above, below], [ACTUAL, ATTENTION]),
            tooltip=[
                alt.Tooltip("镇办:N"),
                alt.Tooltip("支出率:Q", title="支出率(%)", format=".1f"),
                alt.Tooltip("下达金额:Q", title="下达(万元)", format=",.1f"),
                alt.Tooltip("支出金额:Q", title="支出(万元)", format=",.1f"),
            ],
        )
    )
    labels = value_labels(bars, "支出率", ".1f", dark=True)
    rule = alt.Chart(pl.DataFrame({"x": [goal]})).mark_rule(color=TARGET, strokeDash=[4, 3]).encode(x="x:Q")
    # 24 px a 镇办: one 镇办 alone gets one ordinary bar, not a block filling a fixed height.
    return apply_theme((bars + labels + rule), height=max(40, 24 * len(order)), title=places.title("各镇办资金支出率", note))
