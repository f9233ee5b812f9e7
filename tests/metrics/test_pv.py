"""光伏 metrics: known answers on the hand-made database (tests/tiny_data.py), and agreement with the
总览 KPI on the sample."""

import pytest

from fupin_core.ingest.sample import SEED_FIGURES
from fupin_core.metrics import Scope, overview, pv
from tests.metrics.fixture_programme import add_pv_stations
from tests.tiny_data import T1, T2

Y = Scope.of(2017)


def test_capacity_by_type_counts_built_stations_only(tiny_con):
    # 2017: P1 (村级电站, 200 kW, 运营中) is built; P2 (户用光伏, 50 kW) is 在建; P3 is built in 2018.
    frame = pv.capacity_by_type(tiny_con, Y)
    assert frame["电站类型"].to_list() == ["村级电站", "户用光伏", "集中式电站"]
    assert frame["建成电站数(个)"].to_list() == [1, 0, 0]
    assert frame["建成装机(兆瓦)"].to_list() == [0.2, 0.0, 0.0]
    assert frame["在建及计划装机(兆瓦)"].to_list() == [0.0, 0.05, 0.0]
    assert pv.capacity_by_type(tiny_con, Scope.of(2018))["建成装机(兆瓦)"].to_list() == [0.5, 0.0, 0.0]


def test_capacity_by_township_lists_every_township_in_code_order(tiny_con):
    frame = pv.capacity_by_township(tiny_con, Y)
    assert frame.rows() == [(T1, "城关街道", 1, 0.2, 0.0), (T2, "夜村镇", 0, 0.0, 0.05)]
    assert pv.capacity_by_township(tiny_con, Scope.of(2017, T2)).rows() == [(T2, "夜村镇", 0, 0.0, 0.05)]


def test_summary(tiny_con):
    s = pv.pv_summary(tiny_con, Y)
    assert s["capacity_mw"] == 0.2
    assert (s["target_mw"], s["target_year"], s["progress"]) == (20.0, 2017, 0.01)  # the 2017 target is 20 MW
    assert (s["pending_mw"], s["stations_built"]) == (0.05, 1)
    assert (s["generation_kwh"], s["revenue_yuan"], s["distributed_yuan"], s["retained_yuan"]) == (50000, 42500, 40000, 2500)
    # H2's dividend (100元) and H1's 保洁员 wage (500元) come from P1.
    assert (s["households_reached"], s["household_income_yuan"]) == (2, 600)
    assert s["underperforming_stations"] == 0
    s = pv.pv_summary(tiny_con, Scope.of(2017, T2))
    assert (s["capacity_mw"], s["generation_kwh"], s["households_reached"]) == (0, 0, 0)


def test_stations_table(tiny_con):
    frame = pv.stations(tiny_con, Y)
    assert frame["项目编号"].to_list() == ["P1", "P2"]  # P3 is built only in 2018
    p1 = frame.row(0, named=True)
    assert (p1["镇办"], p1["村"], p1["电站类型"], p1["装机容量(千瓦)"], p1["建设状态"]) == ("城关街道", "甲村", "村级电站", 200, "运营中")
    assert (p1["总投资(万元)"], p1["运营主体"], p1["发电量(千瓦时)"], p1["发电收益(元)"]) == (180, "—", 50000, 42500)
    assert frame.row(1, named=True)["发电量(千瓦时)"] == 0
    assert pv.stations(tiny_con, Scope.of(2018))["项目编号"].to_list() == ["P1", "P2", "P3"]


def test_stations_with_built_capacity(tiny_con):
    # Built = 已建成/运营中 with 建设年度 ≤ Y: P1 only in 2017 (P2 is 在建); P3 too from 2018.
    frame = pv.stations_with_built(tiny_con, Y)
    assert frame.columns == [*pv.stations(tiny_con, Y).columns[:6], "建成装机(千瓦)", *pv.stations(tiny_con, Y).columns[6:]]
    assert frame.select("项目编号", "装机容量(千瓦)", "建成装机(千瓦)").rows() == [("P1", 200, 200), ("P2", 50, 0)]
    assert pv.stations_with_built(tiny_con, Scope.of(2018))["建成装机(千瓦)"].to_list() == [200, 0, 300]
    assert pv.stations_with_built(tiny_con, Scope.of(2017, T2))["建成装机(千瓦)"].to_list() == [0]


def test_output_by_period(tiny_con):
    frame = pv.output_by_period(tiny_con, Y)
    assert frame.rows() == [(2017, "2017Q1", "2017年1季度", 5.0, 4.25, 4.0)]
    assert pv.output_by_period(tiny_con, Scope.of(2016)).is_empty()


def test_revenue_distribution_by_post_and_mechanism(tiny_con):
    frame = pv.revenue_distribution(tiny_con, Y)
    assert frame["分配方式"].to_list() == ["公益岗位·保洁员", "分红"]
    assert frame["户数"].to_list() == [1, 1]
    assert frame["金额(万元)"].to_list() == [0.05, 0.01]
    assert frame["户均(元)"].to_list() == [500, 100]
    assert pv.revenue_distribution(tiny_con, Scope.of(2017, T2)).is_empty()


def test_station_yields_flag_against_the_district_median(tiny_con):
    add_pv_stations(tiny_con)
    frame = pv.station_yields(tiny_con, Y)
    assert frame["项目编号"].to_list() == ["P1", "P6", "P7"]
    assert frame["报告月数"].to_list() == [3, 12, 6]
    assert frame["单位千瓦发电量(千瓦时)"].to_list() == [250, 650, 600]
    assert frame["年化利用小时"].to_list() == [1000, 650, 1200]
    assert frame["同类中位数(小时)"].to_list() == [1000, 1000, 1000]
    assert frame["相对中位数"].to_list() == [1.0, 0.65, 1.2]
    assert frame["低效"].to_list() == ["否", "是", "否"]
    # Choosing 夜村镇 keeps the district median, so P6 stays flagged.
    weak = pv.underperforming_stations(tiny_con, Scope.of(2017, T2))
    assert weak["项目编号"].to_list() == ["P6"]
    assert pv.underperforming_stations(tiny_con, Scope.of(2017, T1)).is_empty()
    assert pv.pv_summary(tiny_con, Y)["underperforming_stations"] == 1


@pytest.mark.parametrize("year", [2016, 2017])
@pytest.mark.parametrize("township", [None, "611002101", "611002111"])
def test_totals_agree_with_the_overview_on_the_sample(sample_con, year, township):
    scope = Scope.of(year, township)
    expected = overview.pv_capacity_mw(sample_con, scope)
    assert pv.pv_summary(sample_con, scope)["capacity_mw"] == expected
    assert pv.capacity_by_type(sample_con, scope)["建成装机(兆瓦)"].sum() == pytest.approx(expected)
    assert pv.capacity_by_township(sample_con, scope)["建成装机(兆瓦)"].sum() == pytest.approx(expected)
    stations = pv.stations(sample_con, scope)
    built = stations.filter(stations["建设状态"].is_in(overview.BUILT))
    assert built["装机容量(千瓦)"].sum() / 1000 == pytest.approx(expected)
    assert pv.stations_with_built(sample_con, scope)["建成装机(千瓦)"].sum() / 1000 == pytest.approx(expected)
    summary = pv.pv_summary(sample_con, scope)
    assert stations["发电量(千瓦时)"].sum() == pytest.approx(summary["generation_kwh"])
    periods = pv.output_by_period(sample_con, scope)
    assert periods.filter(periods["年度"] == year)["发电收益(万元)"].sum() * 10_000 == pytest.approx(summary["revenue_yuan"])


def test_the_commercial_central_station_is_not_a_poverty_station(sample_con):
    """The seed's 20 MW 集中式电站 is 招商引资 (是否扶贫项目 = 否): under construction, and outside the
    扶贫 capacity tables the page shows (as outside the registry's capacity)."""
    kw = sample_con.execute(
        "SELECT sum(scale) FROM projects WHERE project_type = '集中式电站' AND poverty_project = '否' AND build_status = '在建'"
    ).fetchone()[0]
    assert kw == SEED_FIGURES["central_pv_station_kw"]
    by_type = pv.capacity_by_type(sample_con, Y)
    central = by_type.filter(by_type["电站类型"] == "集中式电站")
    assert central.is_empty() or central["在建及计划装机(兆瓦)"].sum() == 0
    assert pv.pv_summary(sample_con, Y)["target_mw"] == SEED_FIGURES["pv_target_mw"]
    weak = pv.underperforming_stations(sample_con, Y)
    assert weak.height > 0 and (weak["相对中位数"] < pv.UNDERPERFORM_SHARE).all()


def test_capacity_by_village(tiny_con):
    frame = pv.capacity_by_village(tiny_con, Y)
    assert frame.select("村", "建成电站数(个)", "建成装机(兆瓦)", "在建及计划装机(兆瓦)", "地点").rows() == [
        ("甲村", 1, 0.2, 0.0, "城关街道·甲村"),
        ("乙村", 0, 0.0, 0.05, "夜村镇·乙村"),
    ]
    assert pv.capacity_by_village(tiny_con, Scope.of(2018, T2))["村"].to_list() == ["乙村", "丙村"]


def test_capacity_by_village_agrees_on_the_sample(sample_con):
    for township in (None, "611002101", "611002111"):
        scope = Scope.of(2017, township)
        frame = pv.capacity_by_village(sample_con, scope)
        assert frame["建成装机(兆瓦)"].sum() == pytest.approx(overview.pv_capacity_mw(sample_con, scope))
    central = pv.capacity_by_village(sample_con, Scope.of(2017, "611002101")).row(0, named=True)
    assert (central["村"], central["在建及计划装机(兆瓦)"]) == ("全镇", SEED_FIGURES["central_pv_station_kw"] / 1000)
