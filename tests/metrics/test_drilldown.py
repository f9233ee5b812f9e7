"""镇村明细 metrics: a 镇办's villages, a village's projects, a project's households (tiny_data answers),
and agreement with overview and the linkage gap on the sample."""

import polars as pl
import pytest

from fupin_core.metrics import Scope, indicators, linkage
from fupin_core.metrics import drilldown as d
from fupin_core.storage import store
from tests import tiny_data
from tests.tiny_data import T1, T2, V1, V2, V3

Y = Scope.of(2017)


def test_villages(tiny_con):
    frame = d.villages(tiny_con, Y)
    assert frame["村代码"].to_list() == [V1, V2, V3]
    assert frame["镇办"].to_list() == ["城关街道", "夜村镇", "夜村镇"]
    assert frame["建档立卡户数"].to_list() == [2, 2, 0]  # H5 (丙村) is registered in 2018
    assert frame["带动增收户数"].to_list() == [2, 0, 0]
    assert frame["未覆盖户数"].to_list() == [0, 1, 0]  # H4 (H3's linkage pays nothing yet, but it is a support)
    assert frame["产业覆盖率(%)"].to_list() == [100.0, 50.0, None]
    assert frame["项目数"].to_list() == [1, 2, 0]  # P1; P2 (2017) and P4; P3 comes in 2018
    assert d.villages(tiny_con, Scope.of(2017, T2))["村代码"].to_list() == [V2, V3]
    assert d.villages(tiny_con, Scope.of(2017, None, V2))["村代码"].to_list() == [V2]
    assert d.villages(tiny_con, Scope.of(2018))["项目数"].to_list() == [1, 2, 1]


def test_township_projects(tiny_con):
    frame = d.township_projects(tiny_con, Y)
    # By 镇办 code, then 产业 in catalog order (光伏, 食用菌, 菊芋); P3 is built in 2018.
    assert frame["项目编号"].to_list() == ["P1", "P2", "P4", "P5"]
    assert frame["所在村"].to_list() == ["甲村", "乙村", "乙村", "（镇办级）"]
    assert frame["带动户数"].to_list() == [2, 0, 0, 0]
    assert frame["收益金额(元)"].to_list() == [600.0, 0.0, 0.0, 0.0]
    assert d.township_projects(tiny_con, Scope.of(2017, T1))["项目编号"].to_list() == ["P1"]


def test_village_projects(tiny_con):
    frame = d.village_projects(tiny_con, Y, V1)
    assert frame.select("项目编号", "项目所在", "带动本村户数", "本村收益金额(元)").rows() == [("P1", "本村", 2, 600.0)]
    assert d.village_projects(tiny_con, Y, V2)["项目编号"].to_list() == ["P2", "P4"]
    in_2016 = d.village_projects(tiny_con, Scope.of(2016), V2)
    assert in_2016.select("项目编号", "带动本村户数", "本村收益金额(元)").rows() == [("P4", 1, 3000.0)]
    assert d.village_projects(tiny_con, Scope.of(2017, T1), V2).is_empty()  # a village outside the scope
    assert d.village_projects(tiny_con, Y, V3).is_empty()


def test_village_projects_include_projects_elsewhere_that_reach_the_village(tiny_con):
    extra = {"household_id": "H3", "project_id": "P5", "mechanism": "订单收购", "sub_type": None, "year": 2017, "income_yuan": 800.0}
    store.commit_rows(
        tiny_con, "linkages", pl.DataFrame([extra], schema=tiny_data.frame("linkages").schema), user="测试", file_name="x.xlsx"
    )
    frame = d.village_projects(tiny_con, Y, V2)
    assert frame["项目编号"].to_list() == ["P2", "P4", "P5"]  # the village's own projects first
    assert frame.row(2, named=True)["项目所在"] == "夜村镇（镇办级）"
    assert frame.row(2, named=True)["带动本村户数"] == 1
    assert d.villages(tiny_con, Y).filter(pl.col("村代码") == V2)["带动增收户数"].to_list() == [1]


def test_project_households(tiny_con):
    frame = d.project_households(tiny_con, Y, "P1")
    assert frame.select("户编号", "联结方式", "细分类型", "收益金额(元)").rows() == [
        ("H1", "公益岗位", "保洁员", 500.0),
        ("H2", "分红", None, 100.0),
    ]
    assert frame["户主身份证号"].to_list() == ["611002195001010011", "611002195001020011"]  # masked by the page
    assert d.project_households(tiny_con, Y, "P4")["收益金额(元)"].to_list() == [0.0]  # a linkage that paid nothing
    assert d.project_households(tiny_con, Scope.of(2017, T2), "P1").is_empty()
    assert d.project_summary(tiny_con, Y, "P1") == {"linkages": 2, "linked_households": 2, "income_yuan": 600.0}
    assert d.project_summary(tiny_con, Y, "P4") == {"linkages": 1, "linked_households": 0, "income_yuan": 0.0}
    assert d.project_summary(tiny_con, Scope.of(2016), "P4") == {"linkages": 1, "linked_households": 1, "income_yuan": 3000.0}


@pytest.mark.parametrize("township", [None, "611002111"])
def test_villages_add_up_to_overview_on_the_sample(sample_con, township):
    scope = Scope.of(2017, township)
    frame = d.villages(sample_con, scope)
    kpis = indicators.values(sample_con, scope)
    assert frame["建档立卡户数"].sum() == kpis["households_registered"]
    assert frame["带动增收户数"].sum() == kpis["linked_households"]
    assert frame["未覆盖户数"].sum() == kpis["uncovered_households"]
    # Village by village, the uncovered count is the length of overview's gap list for that village.
    gap = linkage.gap_by_village(sample_con, scope)
    joined = frame.filter(pl.col("未覆盖户数") > 0).join(gap, on=["镇办", "村"], how="full", suffix="_名单")
    assert joined["未覆盖户数"].to_list() == joined["未覆盖户数_名单"].to_list()
    assert frame["项目数"].sum() == d.township_projects(sample_con, scope).filter(pl.col("所在村") != "（镇办级）").height


def test_project_households_match_the_project_row_on_the_sample(sample_con):
    projects = d.township_projects(sample_con, Y)
    busiest = projects.sort("带动户数", descending=True).row(0, named=True)
    households = d.project_households(sample_con, Y, busiest["项目编号"])
    linked = households.filter(pl.col("收益金额(元)") > 0)
    assert linked["户编号"].n_unique() == busiest["带动户数"] > 0
    assert linked["收益金额(元)"].sum() == pytest.approx(busiest["收益金额(元)"])
    assert d.project_summary(sample_con, Y, busiest["项目编号"])["linked_households"] == busiest["带动户数"]
