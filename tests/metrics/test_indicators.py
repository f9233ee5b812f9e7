"""The indicator registry: every indicator computed, formatted once, documented, and known on tiny_data."""

from pathlib import Path

import pytest

from fupin_core.metrics import Scope, indicators, trends
from tests.tiny_data import T2, V2

Y = Scope.of(2017)
DOC = Path(__file__).resolve().parents[2] / "docs" / "INDICATORS.md"


def test_every_indicator_has_a_value_and_nothing_else_is_reported(tiny_con):
    values = indicators.values(tiny_con, Y)
    assert set(values) == {"year"} | {ind.key for ind in indicators.INDICATORS}
    assert len({ind.name for ind in indicators.INDICATORS}) == len(indicators.INDICATORS)  # names unique too


def test_known_values_on_tiny_data(tiny_con):
    v = indicators.values(tiny_con, Y)
    assert (v["coverage_base_households"], v["covered_households"], v["coverage_rate"]) == (4, 3, 0.75)
    assert (v["linked_households"], v["linked_income_wan"], v["linked_income_per_household_yuan"]) == (2, 0.06, 300)
    assert (v["households_below_poverty_line"], v["exited_below_poverty_line"], v["poverty_line_yuan"]) == (2, 1, 2952)
    assert (v["poor_labourers"], v["labourers_employed"]) == (5, 3)
    assert (v["pv_capacity_mw"], v["pv_target_mw"], v["pv_progress"]) == (0.2, 20, 0.01)
    assert v["pv_generation_10k_kwh"] == 5 and v["pv_revenue_wan"] == 4.25
    assert v["artichoke_target_mu"] is None and v["artichoke_progress"] is None
    assert (v["integrated_funds_allocated_wan"], v["funds_allocated_wan"], v["self_funded_wan"]) == (150.5, 180.5, 0)
    assert (v["dividends_due_wan"], v["dividends_paid_wan"], v["overdue_dividends"], v["dividends_owed_wan"]) == (6, 4.5, 1, 1.5)
    assert v["poverty_incidence"] is None  # 农业户籍人口 not reported


def test_no_data_is_none_not_zero(tiny_con):
    v = indicators.values(tiny_con, Scope.of(2015))
    assert v["pv_generation_10k_kwh"] is None and v["fungus_bags_wan"] is None and v["artichoke_mu"] is None
    assert v["households_below_poverty_line"] is None and v["poor_labourers"] is None
    assert indicators.display("pv_generation_10k_kwh", None) == "未上报"


def test_a_township_without_a_task_has_no_progress(tiny_con):
    v = indicators.values(tiny_con, Scope.of(2017, T2))
    assert v["pv_target_mw"] is None and v["pv_progress"] is None
    assert indicators.applies("pv_progress", Scope.of(2017, T2)) and not indicators.applies("pv_progress", Scope.of(2017, None, V2))
    frame = indicators.programme_progress(tiny_con, Scope.of(2017, T2))
    assert frame["目标"].to_list() == [None, None, None] and frame["完成率"].to_list() == [None, None, None]


@pytest.mark.parametrize(
    ("key", "value", "shown", "text"),
    [
        ("households_registered", 28530, "28,530户", "28530户"),
        ("pv_capacity_mw", 27.423, "27.42兆瓦", "27.42兆瓦"),
        ("pv_capacity_mw", 20.68, "20.68兆瓦", "20.68兆瓦"),
        ("integrated_funds_allocated_wan", 881.401, "881.40万元", "881.40万元"),
        ("linked_income_per_household_yuan", 5816.4, "5,816元", "5816元"),
        ("coverage_rate", 0.86, "86.0%", "86.0%"),
        ("integrated_funds_spend_rate", 0.90055, "90.1%", "90.1%"),
        ("fungus_bags_wan", None, "未上报", "未上报"),
    ],
)
def test_one_number_style_per_unit(key, value, shown, text):
    assert indicators.display(key, value) == shown
    assert indicators.text(key, value) == text


def test_rounded_is_what_is_shown():
    assert indicators.rounded("integrated_funds_spend_rate", 0.90055) == 0.901
    assert indicators.rounded("households_registered", 28530.0) == 28530
    assert indicators.rounded("pv_capacity_mw", 27.423) == 27.42
    assert indicators.rounded("pv_progress", None) is None


def test_committed_indicator_document_is_current():
    assert DOC.read_text(encoding="utf-8") == indicators.render_markdown(), "run: fupin indicators --out docs/INDICATORS.md"
    for ind in indicators.INDICATORS:
        assert f"| `{ind.key}` | {ind.name} |" in DOC.read_text(encoding="utf-8")


def test_readme_names_the_main_json_keys():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for key in ("coverage_rate", "households_below_poverty_line", "pv_stations_poverty", "poor_labourers", "special_funds_spent_wan"):
        assert f"`{key}`" in readme
    assert "docs/INDICATORS.md" in readme


def test_the_project_library_and_the_assets_are_separate_parts_covering_their_group(sample_con):
    scope = Scope.of(2017)
    library, assets = indicators._library_values(sample_con, scope), indicators._asset_values(sample_con, scope)
    group = {ind.key for ind in indicators.INDICATORS if ind.group == "项目库与扶贫资产"}
    assert set(library) == set(indicators.LIBRARY_KEYS) and not set(library) & set(assets)
    assert set(library) | set(assets) == group
    assert indicators.values(sample_con, scope, keys=("assets", "stuck_projects")) == {
        **indicators.values(sample_con, scope, keys=("assets",)),
        **indicators.values(sample_con, scope, keys=("stuck_projects",)),
    }


PV_PLACE_KEYS = (*trends.PROGRAMME_KEYS["光伏"], "pv_progress", "pv_village_stations", "pv_household_systems", "pv_commercial_mw")


@pytest.mark.parametrize("township", [None, "611002111", "611002001"])
@pytest.mark.parametrize("year", [2015, 2017])
def test_a_pv_ranking_reads_each_place_as_asking_it_alone(sample_con, township, year):
    level, frame = trends.places(sample_con, Scope.of(year, township))
    places = [Scope(year, (code,)) if level == "镇办" else Scope(year, (township,), code) for code in frame["代码"]]
    grouped = indicators.values_of_places(sample_con, places, PV_PLACE_KEYS)
    alone = [indicators.values(sample_con, place, keys=PV_PLACE_KEYS) for place in places]
    assert grouped == alone
    if township is not None:  # places without stations or output (0 and 未上报) are among them
        assert any(v["pv_generation_10k_kwh"] is None for v in alone) and any(v["pv_capacity_mw"] == 0 for v in alone)
