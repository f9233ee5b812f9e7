"""Charts of the 食用菌 page: bags against 1,000万袋, by 镇办 or base, by report period, and the
households the projects reach by 联结方式."""

from __future__ import annotations

import altair as alt
import polars as pl

from fupin_core.charts import programme


def bags_target_chart(by_township: pl.DataFrame, target_wan: float | None, whole_district: bool = True) -> alt.Chart:
    """Bags of the year split by project type (生产基地, 菌袋发放), against the target."""
    by_kind = by_township.group_by("项目类型", maintain_order=True).agg(pl.col("生产菌袋(万袋)").sum())
    return programme.target_bar(by_kind, "项目类型", "生产菌袋(万袋)", target_wan, "万袋", "食用菌菌袋", "生产菌袋与目标", whole_district)


def township_bags_chart(by_township: pl.DataFrame) -> alt.Chart:
    """Per 镇办 (by code): bags stacked by project type."""
    return programme.stacked_bars(by_township, "镇办", "项目类型", "生产菌袋(万袋)", "万袋", "各镇办生产菌袋", ",.1f")


def base_bags_chart(by_base: pl.DataFrame, kinds: list[str]) -> alt.Chart:
    """Per base (in 镇办/村 order): bags of the year, coloured by project type. Two bases of one name
    (two projects of one village) are told apart by their 项目编号's last digits."""
    twice = pl.col("基地名称").is_duplicated()
    data = by_base.with_columns(
        pl.when(twice).then(pl.format("{}（{}）", "基地名称", pl.col("项目编号").str.slice(-4))).otherwise("基地名称").alias("基地")
    )
    return programme.stacked_bars(data, "基地", "项目类型", "生产菌袋(万袋)", "万袋", "各基地生产菌袋", ",.1f", parts=kinds)


def period_bags_chart(by_period: pl.DataFrame) -> alt.Chart:
    return programme.bars(
        by_period,
        "报告期",
        "生产菌袋(万袋)",
        "万袋",
        "各报告期生产菌袋",
        ",.1f",
        tooltip=("鲜菇产量(吨)", "销售收入(万元)"),
        of_places=False,
    )


def linked_chart(by_mechanism: pl.DataFrame) -> alt.Chart:
    return programme.bars(
        by_mechanism, "联结方式", "户数", "户", "带动贫困户（按联结方式）", ",.0f", tooltip=("收益金额(万元)", "户均收益(元)")
    )
