"""Charts of the 三变改革 page: DataFrame in (from fupin_core.metrics.pilots), altair Chart out."""

from __future__ import annotations

import altair as alt
import polars as pl

from fupin_core.charts import places
from fupin_core.charts.theme import ACTUAL, OTHER, PRIMARY, apply_theme, kinds_colour, value_labels


def village_labels(villages: pl.DataFrame) -> pl.Series:
    """The village name, or '镇办·村' when two villages in the frame share a name."""
    if villages["村"].n_unique() == villages.height:
        return villages["村"]
    return pl.Series("村", [f"{t}·{v}" for t, v in zip(villages["镇办"], villages["村"], strict=True)])


def shareholders_chart(villages: pl.DataFrame) -> alt.Chart:
    """Per pilot village (in code order): poor and other shareholder households, stacked; too many
    villages: those with the most shareholder households."""
    villages, note = places.drawn(villages.with_columns(village_labels(villages)), "村", "股东户数(户)", "股东户数最多")
    labels = villages["村"]
    order = labels.to_list()
    long = pl.DataFrame(
        {
            "村": labels,
            "贫困户股东": villages["贫困户股东户数(户)"],
            "其他股东": villages["股东户数(户)"] - villages["贫困户股东户数(户)"],
        }
    ).unpivot(index="村", variable_name="类别", value_name="户数")
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("户数:Q", title="股东户数（户）", axis=alt.Axis(format=",.0f")),
            y=alt.Y("村:N", sort=order, title=None),
            color=kinds_colour("类别", ["贫困户股东", "其他股东"], [ACTUAL, OTHER]),
            order=alt.Order("类别:N", sort="descending"),
            tooltip=[alt.Tooltip("村:N"), alt.Tooltip("类别:N"), alt.Tooltip("户数:Q", format=",.0f")],
        )
    )
    return apply_theme(chart, height=max(120, 22 * len(order)), title=places.title("试点村股东户数", note))


def pilot_income_chart(groups: pl.DataFrame) -> alt.Chart:
    """Linked income per person (元/人) in pilot against non-pilot villages."""
    order = groups["类别"].to_list()
    data = groups.select("类别", "人均收益(元)", "带动增收人数(人)").rename(
        {"人均收益(元)": "人均收益", "带动增收人数(人)": "带动增收人数"}
    )
    bars = (
        alt.Chart(data)
        .mark_bar(color=PRIMARY, height=26)
        .encode(
            x=alt.X("人均收益:Q", title="带动增收人均收益（元/人）", axis=alt.Axis(format=",.0f")),
            y=alt.Y("类别:N", sort=order, title=None),
            tooltip=[
                alt.Tooltip("类别:N"),
                alt.Tooltip("人均收益:Q", title="人均收益(元)", format=",.2f"),
                alt.Tooltip("带动增收人数:Q", title="带动增收人数", format=",.0f"),
            ],
        )
    )
    labels = value_labels(bars, "人均收益", ",.0f", large=True)
    return apply_theme((bars + labels), height=110, title="试点村与非试点村带动增收人均收益")


def pilot_dividends_chart(by_year: pl.DataFrame) -> alt.Chart:
    """Per year: 分红 that the 三变 projects paid to households (万元)."""
    data = by_year.select(
        pl.format("{}年", pl.col("年度")).alias("年度"),
        pl.col("分红到户金额(万元)").alias("分红金额"),
        pl.col("分红到户户数(户)").alias("分红户数"),
        pl.col("试点村数(个)").alias("试点村数"),
    )
    order = data["年度"].to_list()
    bars = (
        alt.Chart(data)
        .mark_bar(color=ACTUAL, height=22)
        .encode(
            x=alt.X("分红金额:Q", title="分红到户金额（万元）", axis=alt.Axis(format=",~f")),
            y=alt.Y("年度:N", sort=order, title=None),
            tooltip=[
                alt.Tooltip("年度:N"),
                alt.Tooltip("分红金额:Q", title="分红到户(万元)", format=",.2f"),
                alt.Tooltip("分红户数:Q", title="分红户数", format=",.0f"),
                alt.Tooltip("试点村数:Q", title="试点村数"),
            ],
        )
    )
    labels = value_labels(bars, "分红金额", ",.2f", large=True)
    return apply_theme((bars + labels), height=max(80, 34 * len(order)), title="“三变”项目历年分红到户")
