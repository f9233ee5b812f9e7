"""Charts of the 光伏 page: capacity against 100 MW, by 镇办, output by period, revenue reaching
households, and each station's yield against its type's median."""

from __future__ import annotations

import altair as alt
import polars as pl

from fupin_core.charts import programme
from fupin_core.charts.theme import PALETTE, PRIMARY, TARGET_COLOR, apply_theme

STATUS_BUILT, STATUS_PENDING = "已建成", "在建及计划"


def capacity_target_chart(by_type: pl.DataFrame, target_mw: float | None, whole_district: bool = True) -> alt.Chart:
    """Built capacity split by station type, against the target."""
    return programme.target_bar(by_type, "电站类型", "建成装机(兆瓦)", target_mw, "兆瓦", "光伏装机", "已建成装机与目标", whole_district)


def township_capacity_chart(by_township: pl.DataFrame) -> alt.Chart:
    """Per 镇办 (by code): built and pending capacity stacked."""
    long = by_township.select(
        "镇办", pl.col("建成装机(兆瓦)").alias(STATUS_BUILT), pl.col("在建及计划装机(兆瓦)").alias(STATUS_PENDING)
    ).unpivot(index="镇办", variable_name="状态", value_name="装机容量(兆瓦)")
    return programme.stacked_bars(long, "镇办", "状态", "装机容量(兆瓦)", "兆瓦", "各镇办光伏装机", ",.2f")


def village_capacity_chart(by_village: pl.DataFrame) -> alt.Chart:
    """Per village with a station (by code; 全镇 = a station of the whole 镇办): built and pending.
    Villages are named with their 镇办 when the frame spans several."""
    place = "村" if by_village["镇办"].n_unique() <= 1 else "地点"
    long = by_village.select(
        place, pl.col("建成装机(兆瓦)").alias(STATUS_BUILT), pl.col("在建及计划装机(兆瓦)").alias(STATUS_PENDING)
    ).unpivot(index=place, variable_name="状态", value_name="装机容量(兆瓦)")
    return programme.stacked_bars(
        long, place, "状态", "装机容量(兆瓦)", "兆瓦", "各村光伏装机", ",.2f", parts=[STATUS_BUILT, STATUS_PENDING]
    )


def generation_chart(by_period: pl.DataFrame) -> alt.Chart:
    return programme.bars(by_period, "报告期", "发电量(万千瓦时)", "万千瓦时", "各报告期发电量", ",.1f")


def revenue_chart(by_period: pl.DataFrame) -> alt.Chart:
    return programme.grouped_bars(by_period, "报告期", ["发电收益(万元)", "收益分配(万元)"], "万元", "各报告期发电收益与分配", ",.1f")


def distribution_chart(distribution: pl.DataFrame) -> alt.Chart:
    """Revenue that reached poor households, by 公益岗位 post and other mechanisms (万元)."""
    return programme.bars(
        distribution, "分配方式", "金额(万元)", "万元", "光伏收益到户（按分配方式）", ",.1f", tooltip=("户数", "户均(元)")
    )


def yield_chart(yields: pl.DataFrame, types: list[str], share: float) -> alt.Chart:
    """Each station's annualised yield (利用小时) as a point on its type's row; 低效 stations in red,
    and the flag line (share × the type's median) as a dashed tick."""
    # A fixed spread within each row (not random) so that the same data always draws the same picture.
    data = yields.select("电站名称", "镇办", "电站类型", "年化利用小时", "同类中位数(小时)", "相对中位数", "低效").with_columns(
        ((pl.int_range(pl.len()) * 0.618034) % 1 - 0.5).alias("jitter")
    )
    present = [t for t in types if t in set(data["电站类型"])] or types
    y = alt.Y("电站类型:N", sort=present, title=None)
    points = (
        alt.Chart(data)
        .mark_circle(size=60, opacity=0.75)
        .encode(
            x=alt.X("年化利用小时:Q", title="年化利用小时（千瓦时/千瓦）", axis=programme.value_axis(",.0f")),
            y=y,
            yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[-1, 1]), title=None),
            color=alt.Color("低效:N", sort=["否", "是"], scale=alt.Scale(range=[PRIMARY, TARGET_COLOR]), title="低效电站"),
            tooltip=[
                alt.Tooltip("电站名称:N"),
                alt.Tooltip("镇办:N"),
                alt.Tooltip("年化利用小时:Q", format=",.0f"),
                alt.Tooltip("同类中位数(小时):Q", format=",.0f"),
                alt.Tooltip("相对中位数:Q", format=".0%"),
            ],
        )
    )
    lines = (
        data.group_by("电站类型", maintain_order=True)
        .agg(pl.col("同类中位数(小时)").first())
        .with_columns(
            (pl.col("同类中位数(小时)") * share).alias("低效线"),
        )
    )
    rule = (
        alt.Chart(lines)
        .mark_tick(color=PALETTE[1], thickness=2, size=40, strokeDash=[4, 2])
        .encode(
            x="低效线:Q",
            y=y,
            tooltip=[alt.Tooltip("电站类型:N"), alt.Tooltip("低效线:Q", format=",.0f", title=f"低效线（中位数×{share:.0%}）")],
        )
    )
    median = (
        alt.Chart(lines)
        .mark_tick(color="#444", thickness=3, size=50)
        .encode(x="同类中位数(小时):Q", y=y, tooltip=[alt.Tooltip("电站类型:N"), alt.Tooltip("同类中位数(小时):Q", format=",.0f")])
    )
    title = f"各电站年化利用小时（灰线为同类电站中位数，橙线为其{share:.0%}，低于者为低效）"
    return apply_theme(alt.layer(points, rule, median).properties(height=max(120, 70 * len(present)), title=title))
