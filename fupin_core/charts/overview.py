"""Charts of the 总览 page: DataFrame in, altair Chart out (no queries here)."""

from __future__ import annotations

import altair as alt
import polars as pl

from fupin_core.charts import places
from fupin_core.charts.theme import ACTUAL, ATTENTION, FONT, PRIMARY, TARGET, apply_theme, kinds_colour, value_labels


def progress_chart(progress: pl.DataFrame) -> alt.Chart:
    """百千万 progress: one horizontal bar per programme, completion % of target with a 100% rule."""
    data = progress.with_columns(
        (pl.col("完成率").fill_null(0) * 100).round(1).alias("完成百分比"),
        pl.format("{}{}", pl.col("完成").round(1), pl.col("单位")).alias("完成量"),
        pl.format("{}{}", pl.col("目标").round(1), pl.col("单位")).alias("目标量"),
    )
    order = progress["工程"].to_list()
    y = alt.Y("工程:N", sort=order, title=None)
    bars = (
        alt.Chart(data)
        .mark_bar(color=PRIMARY, height=22)
        .encode(
            x=alt.X(
                "完成百分比:Q",
                title="完成目标的百分比（%）",
                scale=alt.Scale(domain=[0, max(100.0, float(data["完成百分比"].max() or 0) + 10)]),
            ),
            y=y,
            tooltip=[
                alt.Tooltip("工程:N"),
                alt.Tooltip("完成量:N", title="完成"),
                alt.Tooltip("目标量:N", title="目标"),
                alt.Tooltip("完成百分比:Q", title="完成率(%)", format=",.1f"),
            ],
        )
    )
    labels = value_labels(bars, "完成百分比", ",.1f", large=True)
    rule = alt.Chart(pl.DataFrame({"x": [100.0]})).mark_rule(color=TARGET, strokeDash=[4, 3]).encode(x="x:Q")
    return apply_theme((bars + labels + rule), height=150, title="“百千万”工程完成情况")


def township_bar_chart(frame: pl.DataFrame, measure: str, title: str, unit: str, fmt: str = ",.0f") -> alt.Chart:
    """One horizontal bar per 镇办 in the frame's order (by 镇办代码); too many: the largest."""
    frame, note = places.drawn(frame, "镇办", measure, f"{measure.removesuffix(unit)}最大")
    order = frame["镇办"].to_list()
    data = frame.select("镇办", measure)
    bars = (
        alt.Chart(data)
        .mark_bar(color=PRIMARY)
        .encode(
            x=alt.X(f"{measure}:Q", title=f"{measure.removesuffix(unit)}（{unit}）", axis=alt.Axis(format=fmt)),
            y=alt.Y("镇办:N", sort=order, title=None),
            tooltip=[alt.Tooltip("镇办:N"), alt.Tooltip(f"{measure}:Q", format=fmt)],
        )
    )
    labels = bars.mark_text(align="left", dx=3, font=FONT, fontSize=11).encode(text=alt.Text(f"{measure}:Q", format=fmt))
    return apply_theme((bars + labels), height=max(120, 22 * len(order)), title=places.title(title, note))


def linked_vs_gap_chart(frame: pl.DataFrame) -> alt.Chart:
    """Per 镇办: households an industry reaches beside those it does not yet reach (stacked); too many
    镇办: those with the most households not yet reached."""
    frame, note = places.drawn(frame, "镇办", "未覆盖户数", "未覆盖户数最多")
    order = frame["镇办"].to_list()
    long = frame.select("镇办", "带动增收户数", "未覆盖户数").unpivot(index="镇办", variable_name="类别", value_name="户数")
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("户数:Q", title="户数（户）", axis=alt.Axis(format=",.0f")),
            y=alt.Y("镇办:N", sort=order, title=None),
            color=kinds_colour("类别", ["带动增收户数", "未覆盖户数"], [ACTUAL, ATTENTION]),
            order=alt.Order("类别:N", sort="ascending"),
            tooltip=[alt.Tooltip("镇办:N"), alt.Tooltip("类别:N"), alt.Tooltip("户数:Q", format=",.0f")],
        )
    )
    return apply_theme(chart, height=max(120, 22 * len(order)), title=places.title("各镇办带动增收与未覆盖户数", note))
