"""菊芋 metrics: known answers on the hand-made database (tests/tiny_data.py, plus the order-farming
linkages of fixture_programme), and agreement with the 总览 KPI on the sample."""

import pytest

from fupin_core.ingest.sample import ARTICHOKE_AREA_2017_MU, SEED_FIGURES
from fupin_core.metrics import Scope, artichoke, overview
from tests.metrics.fixture_programme import add_artichoke_orders
from tests.tiny_data import T1, T2

Y = Scope.of(2017)


def test_summary(tiny_con):
    s = artichoke.artichoke_summary(tiny_con, Y)
    assert (s["area_mu"], s["yield_t"], s["purchase_wan"], s["producing_projects"]) == (120.5, 250, 30, 1)
    assert (s["target_mu"], s["progress"]) == (None, None)  # tiny_data sets no 菊芋 target
    assert (s["order_households"], s["households_reached"]) == (0, 0)
    add_artichoke_orders(tiny_con)
    s = artichoke.artichoke_summary(tiny_con, Y)
    assert (s["order_households"], s["order_income_yuan"]) == (1, 800)  # H4's unpaid order does not count
    assert (s["households_reached"], s["household_income_yuan"]) == (2, 1100)
    assert artichoke.artichoke_summary(tiny_con, Scope.of(2017, T1))["area_mu"] is None  # nothing reported there: 未上报, not 0


def test_area_by_village_puts_township_wide_projects_on_their_township(tiny_con):
    frame = artichoke.area_by_village(tiny_con, Y)
    assert frame.rows() == [(T2, "夜村镇", None, "全镇", 1, 120.5, 250.0, 30.0, "夜村镇·全镇")]
    assert artichoke.area_by_village(tiny_con, Scope.of(2016))["种植面积(亩)"].to_list() == [80]
    assert artichoke.area_by_village(tiny_con, Scope.of(2017, T1)).is_empty()


def test_area_by_type(tiny_con):
    assert artichoke.area_by_type(tiny_con, Y).rows() == [("订单种植", 120.5), ("种植基地", 0.0)]


def test_projects_with_order_households(tiny_con):
    add_artichoke_orders(tiny_con)
    frame = artichoke.artichoke_projects(tiny_con, Y)
    assert frame.height == 1
    row = frame.row(0, named=True)
    assert (row["项目编号"], row["镇办"], row["村"], row["项目类型"], row["建设规模(亩)"]) == ("P5", "夜村镇", "全镇", "订单种植", 200)
    assert (row["种植面积(亩)"], row["产量(吨)"], row["收购金额(万元)"], row["订单农户(户)"]) == (120.5, 250, 30, 1)


def test_order_farming_households(tiny_con):
    assert artichoke.order_farming_households(tiny_con, Y).is_empty()
    add_artichoke_orders(tiny_con)
    frame = artichoke.order_farming_households(tiny_con, Y)
    assert frame.rows() == [("夜村镇", "乙村", "H3", "丙某", 2, "夜村镇菊芋订单种植", 800.0)]
    assert artichoke.order_farming_households(tiny_con, Scope.of(2017, T1)).is_empty()


def test_linked_by_mechanism(tiny_con):
    assert artichoke.linked_by_mechanism(tiny_con, Y).rows() == [("订单收购", 0, 0.0, None)]
    add_artichoke_orders(tiny_con)
    assert artichoke.linked_by_mechanism(tiny_con, Y).rows() == [("订单收购", 1, 0.08, 800.0), ("土地流转", 1, 0.03, 300.0)]


@pytest.mark.parametrize("year", [2016, 2017])
@pytest.mark.parametrize("township", [None, "611002101", "611002111"])
def test_totals_agree_with_the_overview_on_the_sample(sample_con, year, township):
    scope = Scope.of(year, township)
    expected = overview.artichoke_mu(sample_con, scope)
    assert artichoke.artichoke_summary(sample_con, scope)["area_mu"] == expected
    assert artichoke.area_by_village(sample_con, scope)["种植面积(亩)"].sum() == pytest.approx(expected)
    assert artichoke.area_by_type(sample_con, scope)["种植面积(亩)"].sum() == pytest.approx(expected)
    assert artichoke.artichoke_projects(sample_con, scope)["种植面积(亩)"].sum() == pytest.approx(expected)
    orders = artichoke.order_farming_households(sample_con, scope)
    assert orders["户编号"].n_unique() == artichoke.artichoke_summary(sample_con, scope)["order_households"]
    assert orders.height > 7 and artichoke.order_farming_households(sample_con, scope, limit=7).equals(orders.head(7))


def test_sample_figures(sample_con):
    s = artichoke.artichoke_summary(sample_con, Y)
    assert s["area_mu"] == ARTICHOKE_AREA_2017_MU
    assert s["target_mu"] == SEED_FIGURES["artichoke_target_mu"]
    assert s["order_households"] > 0
