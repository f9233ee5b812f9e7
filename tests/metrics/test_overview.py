"""Every overview KPI against the hand-made database, whose answers are worked out in tiny_data.py."""

import pytest

from fupin_core.metrics import Scope
from fupin_core.metrics import overview as m
from tests.tiny_data import T1, T2, V2

Y = Scope.of(2017)


def test_household_kpis(tiny_con):
    h = m.household_kpis(tiny_con, Y)
    assert (h["households_registered"], h["people_registered"]) == (4, 14)
    assert (h["households_exited_cum"], h["people_exited_cum"]) == (2, 7)
    assert (h["households_exited_year"], h["people_exited_year"]) == (1, 4)
    assert (h["linked_households"], h["linked_people"]) == (2, 7)  # H3's zero income does not count
    assert h["active_households"] == 3  # H2, H3, H4 were not exited at the start of 2017
    assert h["coverage_rate"] == pytest.approx(0.333)
    assert h["uncovered_households"] == 2


def test_household_kpis_by_township_and_village(tiny_con):
    h = m.household_kpis(tiny_con, Scope.of(2017, T2))
    assert (h["households_registered"], h["linked_households"], h["uncovered_households"]) == (2, 0, 2)
    assert h["coverage_rate"] == 0
    h = m.household_kpis(tiny_con, Scope.of(2016, None, V2))
    assert (h["households_registered"], h["linked_households"], h["linked_people"]) == (1, 1, 2)


def test_village_kpis(tiny_con):
    assert m.village_kpis(tiny_con, Y) == {
        "poverty_villages": 2,
        "deep_poverty_villages": 1,
        "villages_exited_year": 1,
        "villages_exited_cum": 1,
    }
    assert m.village_kpis(tiny_con, Scope.of(2017, T2))["villages_exited_year"] == 0


def test_programme_figures(tiny_con):
    assert m.pv_capacity_mw(tiny_con, Y) == 0.2
    assert m.pv_capacity_mw(tiny_con, Scope.of(2018)) == 0.5
    assert m.pv_capacity_mw(tiny_con, Scope.of(2017, T2)) == 0
    assert m.fungus_bags_wan(tiny_con, Y) == 30  # the annual row wins over the quarters
    assert m.fungus_bags_wan(tiny_con, Scope.of(2016)) == 7
    assert m.artichoke_mu(tiny_con, Y) == 120.5
    assert m.artichoke_mu(tiny_con, Scope.of(2017, T1)) == 0


def test_target_in_force(tiny_con):
    assert m.target(tiny_con, "光伏", 2017)["value"] == 20
    assert m.target(tiny_con, "光伏", 2019)["value"] == 100
    assert m.target(tiny_con, "光伏", 2025)["value"] == 100
    assert m.target(tiny_con, "菊芋", 2017) is None


def test_funds_pilots_dividends(tiny_con):
    assert m.fund_kpis(tiny_con, Y) == {"allocated_wan": 150.5, "spent_wan": 140.5, "spend_rate": 0.934}
    assert m.fund_kpis(tiny_con, Scope.of(2017, T2)) == {"allocated_wan": 50.5, "spent_wan": 50.5, "spend_rate": 1.0}
    assert m.fund_kpis(tiny_con, Y, "苏陕协作资金")["allocated_wan"] == 30
    assert m.pilot_kpis(tiny_con, Y) == {"pilot_villages": 1, "pilot_funds_wan": 30}
    assert m.pilot_kpis(tiny_con, Scope.of(2018))["pilot_funds_wan"] == 60
    assert m.dividend_kpis(tiny_con, Y) == {"due_yuan": 60000, "paid_yuan": 45000, "payout_rate": 0.75}
    assert m.dividend_kpis(tiny_con, Scope.of(2017, T1))["payout_rate"] is None


def test_overview_kpis_keys_and_values(tiny_con):
    k = m.overview_kpis(tiny_con, Y)
    assert k["pv_target_mw"] == 20 and k["fungus_target_wan"] == 1000 and k["artichoke_target_mu"] is None
    assert k["integrated_funds_spend_rate"] == 0.934 and k["dividend_payout_rate"] == 0.75


def test_programme_progress(tiny_con):
    frame = m.programme_progress(tiny_con, Y)
    assert frame["工程"].to_list() == ["百兆瓦光伏", "千万袋食用菌", "万亩菊芋"]
    assert frame["完成率"].to_list() == [0.01, 0.03, None]


def test_township_breakdown_and_gap(tiny_con):
    frame = m.township_breakdown(tiny_con, Y)
    assert frame["镇办"].to_list() == ["城关街道", "夜村镇"]
    assert frame["建档立卡户数"].to_list() == [2, 2]
    assert frame["带动增收户数"].to_list() == [2, 0]
    assert frame["未覆盖户数"].to_list() == [0, 2]
    # Not exited before 2017: H2 (城关街道, linked), H3 and H4 (夜村镇, neither linked); H1 left in 2016.
    assert frame["年初未脱贫户数"].to_list() == [1, 2]
    assert frame["产业覆盖户数"].to_list() == [1, 0]
    assert frame["产业覆盖率"].to_list() == [1.0, 0.0]
    assert frame["光伏装机兆瓦"].to_list() == [0.2, 0.0]
    assert m.township_breakdown(tiny_con, Scope.of(2017, T2))["镇办"].to_list() == ["夜村镇"]
    gap = m.coverage_gap(tiny_con, Y)
    assert gap["户编号"].to_list() == ["H3", "H4"]
    assert m.coverage_gap(tiny_con, Y, limit=1).height == 1


def test_available_years(tiny_con):
    assert m.available_years(tiny_con) == [2014, 2015, 2016, 2017, 2018]
