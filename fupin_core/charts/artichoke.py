"""Charts of the 菊芋 page: area against 10,000亩, by village, and the households the projects reach."""

from __future__ import annotations

import altair as alt
import polars as pl

from fupin_core.charts import programme


def area_target_chart(by_project_type: pl.DataFrame, target_mu: float | None, whole_district: bool = True) -> alt.Chart:
    """Planted area of the year split by project type (订单种植, 种植基地), against the target."""
    return programme.target_bar(by_project_type, "项目类型", "种植面积(亩)", target_mu, "亩", "菊芋种植", "种植面积与目标", whole_district)


def village_area_chart(by_village: pl.DataFrame) -> alt.Chart:
    """Per village (by 镇办代码, 村代码; 全镇 = a 镇办-wide order-farming scheme); villages are named
    with their 镇办 when the frame spans several."""
    place = "村" if by_village["镇办"].n_unique() <= 1 else "地点"
    return programme.bars(by_village, place, "种植面积(亩)", "亩", "各村种植面积", ",.1f", tooltip=("产量(吨)", "收购金额(万元)"))


def linked_chart(by_mechanism: pl.DataFrame) -> alt.Chart:
    return programme.bars(
        by_mechanism, "联结方式", "户数", "户", "带动贫困户（按联结方式）", ",.0f", tooltip=("收益金额(万元)", "户均收益(元)")
    )
