"""Charts of the 利益联结 page: DataFrame in, altair Chart out (no queries here).

Categories keep the order of the frame (联结方式 and 产业 in catalog order, 镇办 by code, income bands
from low to high).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from fupin_core.charts import places
from fupin_core.charts.theme import ACTUAL, FONT, PRIMARY, REFERENCE, TARGET, apply_theme, kinds_colour, value_labels


def households_chart(frame: pl.DataFrame, category: str, title: str) -> alt.Chart:
    """Linked households per category (a by_mechanism / by_programme frame), income in the tooltip."""
    order = frame[category].to_list()
    data = frame.select(category, "户数", "人数", "收益金额(万元)")
    bars = (
        alt.Chart(data)
        .mark_bar(color=PRIMARY)
        .encode(
            x=alt.X("户数:Q", title="带动增收户数（户）", axis=alt.Axis(format=",.0f")),
            y=alt.Y(f"{category}:N", sort=order, title=None),
            tooltip=[
                alt.Tooltip(f"{category}:N"),
                alt.Tooltip("户数:Q", format=",.0f"),
                alt.Tooltip("人数:Q", format=",.0f"),
                alt.Tooltip("收益金额(万元):Q", format=",.2f"),
            ],
        )
    )
    labels = value_labels(bars, "户数", ",.0f")
    return apply_theme((bars + labels), height=max(120, 26 * len(order)), title=title)


def income_vs_line_chart(frame: pl.DataFrame) -> alt.Chart:
    """Linked income per person by 镇办 (income_by_township), against the poverty line (dashed rule).
    Too many 镇办: those whose households earn least from the projects."""
    line = float(frame["贫困线(元)"][0]) if frame.height else 0.0
    frame, note = places.drawn(frame, "镇办", "人均联结收益(元)", "人均联结收益最低", largest=False)
    order = frame["镇办"].to_list()
    data = frame.select("镇办", "人均联结收益(元)", "带动户数", "低于贫困线户数")
    bars = (
        alt.Chart(data)
        .mark_bar(color=PRIMARY)
        .encode(
            x=alt.X("人均联结收益(元):Q", title="人均联结收益（元/人）", axis=alt.Axis(format=",.0f")),
            y=alt.Y("镇办:N", sort=order, title=None),
            tooltip=[
                alt.Tooltip("镇办:N"),
                alt.Tooltip("人均联结收益(元):Q", format=",.0f"),
                alt.Tooltip("带动户数:Q", format=",.0f"),
                alt.Tooltip("低于贫困线户数:Q", format=",.0f", title="人均纯收入低于贫困线户数"),
            ],
        )
    )
    labels = value_labels(bars, "人均联结收益(元)", ",.0f")
    rule_data = pl.DataFrame({"贫困线": [line], "说明": [f"贫困线 {line:,.0f}元"]})
    rule = alt.Chart(rule_data).mark_rule(color=TARGET, strokeDash=[4, 3], size=2).encode(x="贫困线:Q", tooltip=["说明:N"])
    rule_label = rule.mark_text(align="right", dx=-4, baseline="top", font=FONT, color=TARGET, y=2).encode(text="说明:N")
    height = max(120, 22 * len(order))
    return apply_theme(bars + labels + rule + rule_label, height=height, title=places.title("各镇办人均联结收益与贫困线", note))


# Linked income is only the part of a household's income that comes from the projects: below the
# line is a comparison (light blue), not a problem (red is for problems, and a household's poverty is
# judged by its total income: metrics.linkage.below_poverty_line).
BELOW, ABOVE = "联结收益不及贫困线", "联结收益达到贫困线"


def income_band_chart(bands: pl.DataFrame) -> alt.Chart:
    """Linked households by linked income per person (income_bands), the bands under the line lighter."""
    order = bands["人均联结收益"].to_list()
    data = bands.with_columns(pl.when(pl.col("低于贫困线")).then(pl.lit(BELOW)).otherwise(pl.lit(ABOVE)).alias("类别"))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("户数:Q", title="带动增收户数（户）", axis=alt.Axis(format=",.0f")),
            y=alt.Y("人均联结收益:N", sort=order, title=None),
            color=kinds_colour("类别", [BELOW, ABOVE], [REFERENCE, ACTUAL]),
            tooltip=[alt.Tooltip("人均联结收益:N"), alt.Tooltip("户数:Q", format=",.0f"), alt.Tooltip("人数:Q", format=",.0f")],
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=3, font=FONT, fontSize=11, color="#333")
        .encode(x="户数:Q", y=alt.Y("人均联结收益:N", sort=order), text=alt.Text("户数:Q", format=",.0f"))
    )
    return apply_theme((bars + labels), height=max(120, 30 * len(order)), title="带动增收户按人均联结收益（元/人）分组")
