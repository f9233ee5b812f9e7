"""The 光伏 page under AppTest: opens for the district and for one 镇办, and shows the metrics' figures."""

import pytest

from fupin_core.metrics import Scope, pv
from tests.app.pages import assert_registry_cards, open_page, table_with

MUHUGUAN = "611002111"


def _open(app, township=None):
    return open_page(app, "pages/pv.py", township)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _table(at, column: str):
    return table_with(at, column)


@pytest.mark.parametrize("township", [None, MUHUGUAN])
def test_pv_page_shows_the_metrics(app, sample_con, township):
    at = _open(app, township)
    scope = Scope.of(2017, township)
    s = pv.pv_summary(sample_con, scope)
    shown = _metrics(at)
    keys = ["pv_capacity_mw", "pv_stations_poverty", "pv_generation_10k_kwh", "pv_revenue_wan"]
    assert_registry_cards(at, sample_con, scope, keys + ["pv_progress"])
    assert shown["收益到户"] == f"{s['households_reached']:,}户"
    assert at.title[0].value == f"{'商州区' if township is None else '牧护关镇'}2017年光伏扶贫"

    stations = _table(at, "电站名称")
    expected = pv.stations(sample_con, scope)
    assert len(stations) == expected.height
    assert stations["装机容量(千瓦)"].sum() == pytest.approx(expected["装机容量(千瓦)"].sum())
    assert stations["发电量(千瓦时)"].sum() == pytest.approx(s["generation_kwh"])
    weak = _table(at, "相对中位数")
    assert sorted(weak["项目编号"]) == sorted(pv.underperforming_stations(sample_con, scope)["项目编号"])
    assert f"低效电站（{s['underperforming_stations']}个）" in [h.value for h in at.subheader]


def test_pv_page_for_a_township_lists_only_its_stations(app, sample_con):
    at = _open(app, MUHUGUAN)
    assert set(_table(at, "电站名称")["镇办"]) == {"牧护关镇"}


@pytest.mark.parametrize(("year", "township"), [(2015, None), (2017, "611002001")])
def test_pv_page_opens_where_data_is_thin(app, year, township):
    # 2015: little output yet; 城关街道 (611002001): no 菊芋 and few stations.
    app.session_state["filter_year"] = year
    app.session_state["filter_township"] = township
    app.switch_page("pages/pv.py").run()
    assert not app.exception, app.exception
    assert str(year) in app.title[0].value
