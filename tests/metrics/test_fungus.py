"""食用菌 metrics: known answers on the hand-made database (tests/tiny_data.py), and agreement with
the 总览 KPI on the sample."""

import polars as pl
import pytest

from fupin_core.ingest.sample import FUNGUS_BAGS_2017_WAN, SEED_FIGURES
from fupin_core.metrics import Scope, fungus, overview
from tests.tiny_data import T1, T2

Y = Scope.of(2017)


def test_summary(tiny_con):
    # P4's 2017 annual row (30万袋, 300 t, 180万元) wins over its two quarters.
    s = fungus.fungus_summary(tiny_con, Y)
    assert (s["bags_wan"], s["fresh_yield_t"], s["sales_wan"], s["producing_projects"]) == (30, 300, 180, 1)
    assert (s["target_wan"], s["target_year"], s["progress"]) == (1000, 2020, 0.03)
    assert (s["households_reached"], s["household_income_yuan"]) == (0, 0)  # H3's 2017 wage was 0
    s = fungus.fungus_summary(tiny_con, Scope.of(2016))
    assert (s["bags_wan"], s["fresh_yield_t"], s["sales_wan"]) == (7, 70, 40)
    assert (s["households_reached"], s["household_income_yuan"]) == (1, 3000)
    assert fungus.fungus_summary(tiny_con, Scope.of(2017, T1))["bags_wan"] is None  # nothing reported there: 未上报, not 0


def test_bags_by_base(tiny_con):
    frame = fungus.bags_by_base(tiny_con, Y)
    assert frame.height == 1
    row = frame.row(0, named=True)
    assert (row["项目编号"], row["基地名称"], row["镇办"], row["村"], row["项目类型"]) == (
        "P4",
        "乙村香菇基地",
        "夜村镇",
        "乙村",
        "生产基地",
    )
    assert (row["实施主体"], row["建设规模(万袋)"]) == ("乙村食用菌专业合作社", 40)
    assert (row["生产菌袋(万袋)"], row["鲜菇产量(吨)"], row["销售收入(万元)"]) == (30, 300, 180)
    assert fungus.bags_by_base(tiny_con, Scope.of(2017, T1)).is_empty()


def test_bags_by_township_lists_every_township_and_type(tiny_con):
    assert fungus.bags_by_township(tiny_con, Y).rows() == [
        (T1, "城关街道", "生产基地", 0.0),
        (T1, "城关街道", "菌袋发放", 0.0),
        (T2, "夜村镇", "生产基地", 30.0),
        (T2, "夜村镇", "菌袋发放", 0.0),
    ]


def test_output_by_period_up_to_the_year(tiny_con):
    frame = fungus.output_by_period(tiny_con, Y)
    assert frame.rows() == [(2016, "2016-05", "2016年5月", 7.0, 70.0, 40.0), (2017, "2017", "2017年", 30.0, 300.0, 180.0)]


def test_linked_by_mechanism_lists_the_programmes_own_mechanisms(tiny_con):
    frame = fungus.linked_by_mechanism(tiny_con, Y)
    assert frame.rows() == [("菌袋发放", 0, 0.0, None), ("务工", 0, 0.0, None), ("分红", 0, 0.0, None)]
    frame = fungus.linked_by_mechanism(tiny_con, Scope.of(2016))
    assert frame.rows() == [("菌袋发放", 0, 0.0, None), ("务工", 1, 0.3, 3000.0), ("分红", 0, 0.0, None)]


@pytest.mark.parametrize("year", [2016, 2017])
@pytest.mark.parametrize("township", [None, "611002101", "611002111"])
def test_totals_agree_with_the_overview_on_the_sample(sample_con, year, township):
    scope = Scope.of(year, township)
    expected = overview.fungus_bags_wan(sample_con, scope)
    summary = fungus.fungus_summary(sample_con, scope)
    assert summary["bags_wan"] == expected
    assert fungus.bags_by_base(sample_con, scope)["生产菌袋(万袋)"].sum() == pytest.approx(expected)
    assert fungus.bags_by_township(sample_con, scope)["生产菌袋(万袋)"].sum() == pytest.approx(expected)
    periods = fungus.output_by_period(sample_con, scope).filter(pl.col("年度") == year)
    assert periods["生产菌袋(万袋)"].sum() == pytest.approx(expected)
    assert periods["销售收入(万元)"].sum() == pytest.approx(summary["sales_wan"])


def test_sample_figures(sample_con):
    s = fungus.fungus_summary(sample_con, Y)
    assert s["bags_wan"] == FUNGUS_BAGS_2017_WAN
    assert s["target_wan"] == SEED_FIGURES["fungus_target_wan"]
    linked = fungus.linked_by_mechanism(sample_con, Y)
    assert linked["联结方式"].to_list()[:3] == list(fungus.MECHANISMS)
    assert linked.filter(linked["联结方式"] == "菌袋发放")["户数"].item() > 0
