"""The 菊芋 page under AppTest: opens for the district and for one 镇办, and shows the metrics' figures."""

import pytest

from fupin_core.metrics import Scope, artichoke
from fupin_core.metrics.indicators import display_unit
from tests.app.pages import assert_registry_cards, open_page, table_with

MUHUGUAN = "611002111"


def _open(app, township=None):
    return open_page(app, "pages/artichoke.py", township)


def _table(at, column: str):
    return table_with(at, column)


@pytest.mark.parametrize("township", [None, MUHUGUAN])
def test_artichoke_page_shows_the_metrics(app, sample_con, township):
    at = _open(app, township)
    scope = Scope.of(2017, township)
    s = artichoke.artichoke_summary(sample_con, scope)
    shown = {m.label: m.value for m in at.metric}
    assert_registry_cards(at, sample_con, scope, ["artichoke_mu"] + ["artichoke_progress"])
    assert shown["产量"] == display_unit(s["yield_t"], "吨")
    assert shown["收购金额"] == display_unit(s["purchase_wan"], "万元")
    assert shown["订单农户"] == f"{s['order_households']:,}户"
    assert shown["订单收益"] == display_unit(s["order_income_yuan"] / 10_000, "万元")
    assert at.title[0].value == f"{'商州区' if township is None else '牧护关镇'}2017年菊芋产业"

    # Both tables start with a 合计 row whose sums equal the cards.
    villages = _table(at, "项目数(个)")
    assert len(villages) == artichoke.area_by_village(sample_con, scope).height + 1
    total = villages.iloc[0]
    assert total["镇办"] == "合计"
    assert total["种植面积(亩)"] == pytest.approx(s["area_mu"])
    assert villages["种植面积(亩)"].iloc[1:].sum() == pytest.approx(s["area_mu"])
    projects = _table(at, "订单农户(户)")
    assert projects.iloc[0]["项目名称"] == "合计"
    assert projects.iloc[0]["收购金额(万元)"] == pytest.approx(s["purchase_wan"])
    assert projects["收购金额(万元)"].iloc[1:].sum() == pytest.approx(s["purchase_wan"])
    orders = _table(at, "户主姓名")
    assert len(orders) == min(500, artichoke.order_farming_households(sample_con, scope).height)
    assert f"订单农户（{s['order_households']:,}户）" in [h.value for h in at.subheader]


@pytest.mark.parametrize(("year", "township"), [(2015, None), (2017, "611002001")])
def test_artichoke_page_opens_where_data_is_thin(app, year, township):
    # 2015: little output yet; 城关街道 (611002001): no 菊芋 and few stations.
    app.session_state["filter_year"] = year
    app.session_state["filter_township"] = township
    app.switch_page("pages/artichoke.py").run()
    assert not app.exception, app.exception
    assert str(year) in app.title[0].value
