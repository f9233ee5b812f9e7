"""The 三变改革 page under AppTest: opens for 2017 district-wide and for one 镇办, and shows exactly
what fupin_core.metrics.pilots computes."""

import pytest

from fupin_core.metrics import Scope
from fupin_core.metrics.indicators import display_unit
from fupin_core.metrics.pilots import linked_income_by_pilot, pilot_totals, pilot_villages
from tests.app.pages import assert_registry_cards, open_page, table_with


def _open(app, township=None):
    return open_page(app, "pages/pilots.py", township)


def _frame_with(at, column: str):
    return table_with(at, column)


@pytest.mark.parametrize(("township", "place"), [(None, "商州区"), ("611002111", "牧护关镇")])
def test_pilots_page_shows_the_metrics(app, sample_con, township, place):
    at = _open(app, township)
    scope = Scope.of(2017, township)
    totals = pilot_totals(sample_con, scope)
    assert at.title[0].value == f"{place}2017年三变改革试点"
    shown = {m.label: m.value for m in at.metric}
    assert_registry_cards(at, sample_con, scope, ["pilot_villages", "pilot_funds_wan"])
    assert shown["“三变”试点村数"] == f"{totals['pilot_villages']:,}个"
    assert shown["股东户数"] == f"{totals['shareholder_households']:,}户"
    assert shown["本年分红到户（贫困户）"] == display_unit(totals["dividend_yuan"] / 10_000, "万元")
    villages = pilot_villages(sample_con, scope)
    table = _frame_with(at, "集体经济组织")
    assert list(table["村"]) == villages["村"].to_list()
    assert list(table["区级财政投入(万元)"]) == villages["区级财政投入(万元)"].to_list()
    income = _frame_with(at, "人均收益(元)")
    assert list(income["带动增收户数(户)"]) == linked_income_by_pilot(sample_con, scope)["带动增收户数(户)"].to_list()
    assert any(e.label.startswith("来源") for e in at.expander)


def test_district_figures_are_the_seed_figures(app):
    shown = {m.label: m.value for m in _open(app).metric}
    assert (shown["“三变”试点村数"], shown["“三变”区级财政投入"]) == ("23个", "690.00万元")
