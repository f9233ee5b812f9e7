"""The 食用菌 page under AppTest: opens for the district and for one 镇办, and shows the metrics' figures."""

import pytest

from fupin_core.metrics import Scope, fungus
from fupin_core.metrics.indicators import display_unit
from tests.app.pages import assert_registry_cards, open_page, table_with

MUHUGUAN = "611002111"


def _open(app, township=None):
    return open_page(app, "pages/fungus.py", township)


def _table(at, column: str):
    return table_with(at, column)


@pytest.mark.parametrize("township", [None, MUHUGUAN])
def test_fungus_page_shows_the_metrics(app, sample_con, township):
    at = _open(app, township)
    scope = Scope.of(2017, township)
    s = fungus.fungus_summary(sample_con, scope)
    shown = {m.label: m.value for m in at.metric}
    assert_registry_cards(at, sample_con, scope, ["fungus_bags_wan"] + ["fungus_progress"])
    assert shown["鲜菇产量"] == display_unit(s["fresh_yield_t"], "吨")
    assert shown["销售收入"] == display_unit(s["sales_wan"], "万元")
    assert shown["带动贫困户"] == f"{s['households_reached']:,}户"
    assert shown["带动增收"] == display_unit(s["household_income_yuan"] / 10_000, "万元")
    assert at.title[0].value == f"{'商州区' if township is None else '牧护关镇'}2017年食用菌产业"

    bases = _table(at, "基地名称")
    assert len(bases) == fungus.bags_by_base(sample_con, scope).height + 1  # and the 合计 row, first
    assert bases.iloc[0]["基地名称"] == "合计"
    assert bases.iloc[0]["生产菌袋(万袋)"] == pytest.approx(s["bags_wan"])
    assert bases["生产菌袋(万袋)"].iloc[1:].sum() == pytest.approx(s["bags_wan"])
    linked = _table(at, "联结方式")
    assert list(linked["联结方式"][:3]) == list(fungus.MECHANISMS)
    assert list(linked["户数"]) == fungus.linked_by_mechanism(sample_con, scope)["户数"].to_list()


@pytest.mark.parametrize(("year", "township"), [(2015, None), (2017, "611002001")])
def test_fungus_page_opens_where_data_is_thin(app, year, township):
    # 2015: little output yet; 城关街道 (611002001): no 菊芋 and few stations.
    app.session_state["filter_year"] = year
    app.session_state["filter_township"] = township
    app.switch_page("pages/fungus.py").run()
    assert not app.exception, app.exception
    assert str(year) in app.title[0].value
