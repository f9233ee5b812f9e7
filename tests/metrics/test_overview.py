"""Every overview KPI against the hand-made database, whose answers are worked out in tiny_data.py."""

import pytest

from fupin_core.metrics import Scope
from fupin_core.metrics import overview as m
from tests.tiny_data import T1, T2, V2

Y = Scope.of(2017)
LINE = 2952.0


def test_household_kpis(tiny_con):
    h = m.household_kpis(tiny_con, Y, LINE)
    assert (h["households_registered"], h["people_registered"]) == (4, 14)
    assert (h["households_exited_cum"], h["people_exited_cum"]) == (2, 7)
    assert (h["households_exited_year"], h["people_exited_year"]) == (1, 4)
    assert (h["households_remaining"], h["people_remaining"]) == (2, 7)  # H3 and H4
    assert (h["linked_households"], h["linked_people"]) == (2, 7)  # H3's zero income does not count
    assert h["linked_income_yuan"] == 600


def test_coverage_counts_households_with_labour_capacity_including_exited_ones(tiny_con):
    """H1 (exited 2016), H2 (exited 2017), H3 (弱劳动能力) and H4 can work; H1–H3 have a linkage of 2017
    (H3's pays nothing yet, still a support arrangement); H4 has none."""
    h = m.household_kpis(tiny_con, Y, LINE)
    assert (h["coverage_base_households"], h["covered_households"], h["uncovered_households"]) == (4, 3, 1)
    assert h["coverage_rate"] == pytest.approx(0.75)
    assert m.coverage_gap(tiny_con, Y)["户编号"].to_list() == ["H4"]


def test_coverage_without_labour_capacity_is_not_reported(tiny_con):
    tiny_con.execute("UPDATE households SET labour_capacity = NULL")
    h = m.household_kpis(tiny_con, Y, LINE)
    assert h["coverage_rate"] is None and h["uncovered_households"] is None
    assert h["labour_unreported_households"] == 4


def test_a_household_without_labour_capacity_is_outside_the_denominator(tiny_con):
    tiny_con.execute("UPDATE households SET labour_capacity = '无劳动能力' WHERE household_id = 'H4'")
    h = m.household_kpis(tiny_con, Y, LINE)
    assert (h["coverage_base_households"], h["covered_households"], h["coverage_rate"]) == (3, 3, 1.0)


def test_total_income_against_the_line(tiny_con):
    """H1 3,166.67 per person (above), H2 2,500 (exited 2017: 脱贫不达标), H3 2,500 (not exited), H4 未上报."""
    h = m.household_kpis(tiny_con, Y, LINE)
    assert h["income_reported_households"] == 3
    assert h["households_below_poverty_line"] == 2
    assert h["exited_below_poverty_line"] == 1
    assert (h["poor_labourers"], h["labourers_employed"]) == (5, 3)
    # A lower (e.g. earlier) line: nobody below.
    assert m.household_kpis(tiny_con, Y, 2400.0)["households_below_poverty_line"] == 0


def test_no_income_data_is_not_zero(tiny_con):
    h = m.household_kpis(tiny_con, Scope.of(2016), LINE)
    assert h["households_below_poverty_line"] is None and h["poor_labourers"] is None


def test_household_kpis_by_township_and_village(tiny_con):
    h = m.household_kpis(tiny_con, Scope.of(2017, T2), LINE)
    assert (h["households_registered"], h["linked_households"], h["uncovered_households"]) == (2, 0, 1)
    assert h["coverage_rate"] == 0.5
    h = m.household_kpis(tiny_con, Scope.of(2016, None, V2), LINE)
    assert (h["households_registered"], h["linked_households"], h["linked_people"]) == (1, 1, 2)


def test_village_kpis(tiny_con):
    assert m.village_kpis(tiny_con, Y) == {
        "poverty_villages": 2,
        "deep_poverty_villages": 1,
        "villages_exited_year": 1,
        "villages_exited_cum": 1,
        "poverty_villages_remaining": 1,
        "agri_population": None,  # not reported: no 贫困发生率
    }
    assert m.village_kpis(tiny_con, Scope.of(2017, T2))["villages_exited_year"] == 0
    assert m.village_kpis(tiny_con, Scope.of(2016))["poverty_villages_remaining"] == 2
    tiny_con.execute("UPDATE villages SET agri_population = 100")
    assert m.village_kpis(tiny_con, Y)["agri_population"] == 300


def test_programme_figures(tiny_con):
    assert m.pv_capacity_mw(tiny_con, Y) == 0.2
    assert m.pv_capacity_mw(tiny_con, Scope.of(2018)) == 0.5
    assert m.pv_capacity_mw(tiny_con, Scope.of(2017, T2)) == 0
    assert m.fungus_bags_wan(tiny_con, Y) == 30  # the annual row wins over the quarters
    assert m.fungus_bags_wan(tiny_con, Scope.of(2016)) == 7
    assert m.artichoke_mu(tiny_con, Y) == 120.5
    assert m.artichoke_mu(tiny_con, Scope.of(2017, T1)) is None  # nothing reported: 未上报, not 0
    assert m.fungus_bags_wan(tiny_con, Scope.of(2015)) is None


def test_commercial_stations_are_apart(tiny_con):
    tiny_con.execute("UPDATE projects SET poverty_project = '否' WHERE project_id = 'P1'")
    assert m.pv_capacity_mw(tiny_con, Y) == 0
    stations = m.pv_station_kpis(tiny_con, Y)
    assert stations["pv_commercial_mw"] == 0.2 and stations["pv_stations_poverty"] == 0


def test_station_counts_by_type(tiny_con):
    tiny_con.execute("UPDATE projects SET build_status = '已建成', station_count = 17 WHERE project_id = 'P2'")
    s = m.pv_station_kpis(tiny_con, Y)
    assert (s["pv_village_stations"], s["pv_household_systems"], s["pv_stations_poverty"]) == (1, 17, 1)


def test_target_in_force(tiny_con):
    assert m.target(tiny_con, "光伏", 2017)["value"] == 20
    assert m.target(tiny_con, "光伏", 2019)["value"] == 100
    assert m.target(tiny_con, "光伏", 2025)["value"] == 100
    assert m.target(tiny_con, "菊芋", 2017) is None


def test_a_township_has_a_target_only_with_its_own_task(tiny_con):
    """The district's 100 MW is never a 镇办's target; a 镇办 without 任务分解 has none."""
    assert m.target(tiny_con, "光伏", Scope.of(2017, T2)) is None
    tiny_con.execute(
        "INSERT INTO township_targets VALUES (?, '光伏', '装机容量', 2.0, '兆瓦', 2020, 1)",
        [T2],
    )
    assert m.target(tiny_con, "光伏", Scope.of(2017, T2))["value"] == 2
    assert m.target(tiny_con, "光伏", Scope.of(2017, None, V2)) is None  # villages have no target


def test_funds_pilots_dividends(tiny_con):
    assert m.fund_kpis(tiny_con, Y) == {"allocated_wan": 150.5, "spent_wan": 140.5, "spend_rate": 0.9336}
    assert m.fund_kpis(tiny_con, Scope.of(2017, T2)) == {"allocated_wan": 50.5, "spent_wan": 50.5, "spend_rate": 1.0}
    assert m.fund_kpis(tiny_con, Y, "其他资金")["allocated_wan"] == 30
    assert m.fund_totals(tiny_con, Y) == {
        "funds_allocated_wan": 180.5,
        "funds_spent_wan": 170.5,
        "funds_spend_rate": 0.9446,
        "self_funded_wan": 0,
    }
    assert m.pilot_kpis(tiny_con, Y) == {"pilot_villages": 1, "pilot_funds_wan": 30}
    assert m.pilot_kpis(tiny_con, Scope.of(2018))["pilot_funds_wan"] == 60
    assert m.dividend_kpis(tiny_con, Y) == {"due_yuan": 60000, "paid_yuan": 45000, "payout_rate": 0.75}
    assert m.dividend_kpis(tiny_con, Scope.of(2017, T1))["payout_rate"] is None


def test_self_funded_money_is_not_allocated(tiny_con):
    tiny_con.execute("INSERT INTO funds VALUES ('P1', '企业自筹', '其他资金', 2017, 500, 100, 1)")
    totals = m.fund_totals(tiny_con, Y)
    assert totals["funds_allocated_wan"] == 180.5 and totals["self_funded_wan"] == 500


def test_entities_by_year(tiny_con):
    assert m.entity_kpis(tiny_con, Y)["entities"] == 1
    tiny_con.execute("UPDATE entities SET established_year = 2017")
    assert m.entity_kpis(tiny_con, Scope.of(2016))["entities"] == 0
    assert m.entity_kpis(tiny_con, Y) == {"entities": 1, "cooperatives": 1, "leading_enterprises": 0, "invested_wan": 100}


def test_township_breakdown_and_gap(tiny_con):
    frame = m.township_breakdown(tiny_con, Y)
    assert frame["镇办"].to_list() == ["城关街道", "夜村镇"]
    assert frame["建档立卡户数"].to_list() == [2, 2]
    assert frame["带动增收户数"].to_list() == [2, 0]
    # With labour capacity: H1, H2 (城关街道, both linked); H3 (linked, no income yet) and H4 (夜村镇).
    assert frame["有劳动能力户数"].to_list() == [2, 2]
    assert frame["产业覆盖户数"].to_list() == [2, 1]
    assert frame["未覆盖户数"].to_list() == [0, 1]
    assert frame["产业覆盖率"].to_list() == [1.0, 0.5]
    assert frame["光伏装机兆瓦"].to_list() == [0.2, 0.0]
    assert m.township_breakdown(tiny_con, Scope.of(2017, T2))["镇办"].to_list() == ["夜村镇"]
    assert m.coverage_gap(tiny_con, Y, limit=1).height == 1


def test_available_years(tiny_con):
    assert m.available_years(tiny_con) == [2014, 2015, 2016, 2017, 2018]


def test_available_years_are_the_linkage_and_identification_years(tiny_con):
    """On PostgreSQL the years are found by PostgreSQL itself (an index walk); both backends, and a
    cursor as the pages use, give the distinct years of both columns."""
    linked = {r[0] for r in tiny_con.execute("SELECT year FROM linkages").fetchall()}
    identified = {r[0] for r in tiny_con.execute("SELECT identified_year FROM households").fetchall()}
    expected = sorted(y for y in linked | identified if y is not None)
    assert m.available_years(tiny_con) == expected
    with tiny_con.cursor() as cur:
        assert m.available_years(cur) == expected
