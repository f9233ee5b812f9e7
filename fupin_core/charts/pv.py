"""Charts of the 光伏 page: capacity against 100 MW, by 镇办, output by period, revenue reaching
households, and each station's yield against its type's median."""

from __future__ import annotations

import altair as alt
import polars as pl

from fupin_core.charts import places, programme
from fupin_core.charts.theme import ACTUAL, ATTENTION, FONT, PENDING, TARGET, apply_theme, kinds_colour, value_labels
from fupin_core.formatting import smart_number

STATUS_BUILT, STATUS_PENDING = "已建成", "在建及计划"


def capacity_target_chart(by_type: pl.DataFrame, target_mw: float | None, whole_district: bool = True) -> alt.Chart:
    """Built capacity split by station type, against the target."""
    return programme.target_bar(by_type, "电站类型", "建成装机(兆瓦)", target_mw, "兆瓦", "光伏装机", "已建成装机与目标", whole_district)


def built_and_pending_chart(frame: pl.DataFrame, place: str, title: str) -> alt.Chart:
    """Per place (frame order): a bar of the BUILT capacity only, its value beside it, and the
    capacity 在建及计划 written after it in the pending colour. Stacking the two would label a
    镇办 with 1.83 MW built as "21.83" and let one planned 20 MW plant flatten every other bar."""
    built_total, pending_total = float(frame["建成装机(兆瓦)"].sum() or 0), float(frame["在建及计划装机(兆瓦)"].sum() or 0)
    frame, note = places.drawn(frame, place, "建成装机(兆瓦)", "已建成装机最大")
    order = programme._unique(frame[place])
    data = frame.select(place, pl.col("建成装机(兆瓦)").alias("已建成"), pl.col("在建及计划装机(兆瓦)").alias("在建及计划")).with_columns(
        pl.format("{}：{}兆瓦", pl.lit(STATUS_PENDING), pl.col("在建及计划").round(2)).alias("在建说明"),
    )
    largest = float(data["已建成"].max() or 0)
    has_pending = bool((data["在建及计划"] > 0).any())
    # Room right of the longest bar for its value and, if any, the 在建及计划 note.
    scale = alt.Scale(domain=[0, largest * (1.9 if has_pending else 1.15) or 1], nice=False)
    y = alt.Y(f"{place}:N", sort=order, title=None)
    base = alt.Chart(data).encode(
        x=alt.X("已建成:Q", title="已建成装机（兆瓦）", axis=programme.value_axis(",.2f"), scale=scale),
        y=y,
        tooltip=[
            alt.Tooltip(f"{place}:N"),
            alt.Tooltip("已建成:Q", title="已建成装机(兆瓦)", format=",.3~f"),
            alt.Tooltip("在建及计划:Q", title="在建及计划装机(兆瓦)", format=",.3~f"),
        ],
    )
    bars = base.mark_bar(color=ACTUAL)
    built_text = value_labels(base, "已建成", ",.2f")
    layers = [bars, built_text]
    if has_pending:
        pending_text = (
            base.transform_filter(alt.datum["在建及计划"] > 0)
            .mark_text(align="left", dx=36, font=FONT, fontSize=11, color=PENDING, fontWeight="bold")
            .encode(text="在建说明:N")
        )
        layers.append(pending_text)
    subtitle = [f"条形为已建成装机，合计{smart_number(built_total, 3)}兆瓦"]
    if pending_total > 0:  # of every place, drawn or not
        subtitle.append(f"橙字为在建及计划装机（合计{smart_number(pending_total, 3)}兆瓦），不计入条形")
    heading = places.title(title, note, subtitle)
    return apply_theme(alt.layer(*layers), height=programme._height(len(order)), title=heading)


def township_capacity_chart(by_township: pl.DataFrame) -> alt.Chart:
    """Per 镇办 (by code): built capacity, with the capacity 在建及计划 noted beside it."""
    return built_and_pending_chart(by_township, "镇办", "各镇办已建成光伏装机")


def village_capacity_chart(by_village: pl.DataFrame) -> alt.Chart:
    """Per village with a station (by code; 全镇 = a station of the whole 镇办): built, pending noted.
    Villages are named with their 镇办 when the frame spans several."""
    place = "村" if by_village["镇办"].n_unique() <= 1 else "地点"
    return built_and_pending_chart(by_village, place, "各村已建成光伏装机")


def generation_chart(by_period: pl.DataFrame) -> alt.Chart:
    return programme.bars(by_period, "报告期", "发电量(万千瓦时)", "万千瓦时", "各报告期发电量", ",.1f", of_places=False)


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
        ((pl.int_range(pl.len()) * 0.618034) % 1 - 0.5).alias("jitter"),
        pl.when(pl.col("低效") == "是").then(pl.lit("低效")).otherwise(pl.lit("正常")).alias("判定"),
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
            color=kinds_colour("判定", ["正常", "低效"], [ACTUAL, ATTENTION]),
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
        .mark_tick(color=ATTENTION, thickness=2, size=40, strokeDash=[4, 2])
        .encode(
            x="低效线:Q",
            y=y,
            tooltip=[alt.Tooltip("电站类型:N"), alt.Tooltip("低效线:Q", format=",.0f", title=f"低效线（中位数×{share:.0%}）")],
        )
    )
    median = (
        alt.Chart(lines)
        .mark_tick(color=TARGET, thickness=3, size=50)
        .encode(x="同类中位数(小时):Q", y=y, tooltip=[alt.Tooltip("电站类型:N"), alt.Tooltip("同类中位数(小时):Q", format=",.0f")])
    )
    title = f"各电站年化利用小时（灰线为同类电站中位数，红色虚线为其{share:.0%}，低于者为低效，标红）"
    return apply_theme(alt.layer(points, rule, median), height=max(120, 70 * len(present)), title=title)
