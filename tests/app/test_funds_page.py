"""The 资金 page under AppTest: opens for 2017 district-wide and for one 镇办, shows what
fupin_core.metrics.funds computes, lists low-spending projects, and follows the 资金来源 choice."""

import pytest

from fupin_core.metrics import Scope, indicators
from fupin_core.metrics.funds import fund_summary, funds_by_project, funds_by_source, low_spending_projects
from tests.app.pages import assert_registry_cards, open_page, table_with

INTEGRATED = "统筹整合涉农资金"


def _open(app, township=None):
    return open_page(app, "pages/funds.py", township)


def _frame_with(at, column: str):
    return table_with(at, column)


@pytest.mark.parametrize(("township", "place"), [(None, "商州区"), ("611002111", "牧护关镇")])
def test_funds_page_shows_the_metrics(app, sample_con, township, place):
    at = _open(app, township)
    scope = Scope.of(2017, township)
    assert at.title[0].value == f"{place}2017年项目资金"
    at.selectbox(key="funds_category").set_value(None).run()  # 全部资金（不含企业自筹）
    summary = fund_summary(sample_con, scope)
    assert_registry_cards(at, sample_con, scope, ["funds_allocated_wan", "funds_spent_wan", "funds_spend_rate", "low_spending_projects"])
    assert indicators.values(sample_con, scope)["funds_allocated_wan"] == summary["allocated_wan"]
    by_source = funds_by_source(sample_con, scope)
    table = next(d.value for d in at.dataframe if {"资金来源", "项目数(个)"} <= set(d.value.columns))
    assert list(table["资金来源"]) == by_source["资金来源"].to_list()
    assert list(table["下达金额(万元)"]) == by_source["下达金额(万元)"].to_list()
    low = low_spending_projects(sample_con, scope)
    assert at.subheader[0].value == f"支出率低于90%的项目（{low.height}个）"
    assert low.height > 0  # both scopes have some: the list comes first, lowest rate first
    assert list(_frame_with(at, "未支出金额(万元)")["项目编号"]) == low["项目编号"].to_list()
    projects = funds_by_project(sample_con, scope)
    assert any(list(d.value.get("项目编号", [])) == projects["项目编号"].to_list() for d in at.dataframe)


def test_integrated_funds_are_the_default_and_equal_the_overview(app, sample_con):
    at = _open(app)
    assert at.selectbox(key="funds_category").value == INTEGRATED
    shown = {m.label: m.value for m in at.metric}
    assert shown["统筹整合涉农资金下达"] == "19,840.00万元"
    assert shown["统筹整合涉农资金支出"] == "17,867.00万元"
    assert shown["统筹整合涉农资金支出率"] == "90.1%"
    assert_registry_cards(at, sample_con, Scope.of(2017), ["integrated_funds_allocated_wan", "integrated_funds_spend_rate"])
    low = low_spending_projects(sample_con, Scope.of(2017), category=INTEGRATED)
    assert at.subheader[0].value == f"支出率低于90%的项目（{low.height}个）"


def test_a_category_the_new_year_lacks_falls_back_to_integrated_funds(app):
    at = _open(app)
    at.selectbox(key="funds_category").set_value("财政专项扶贫资金").run()
    assert {m.label for m in at.metric} >= {"财政专项扶贫资金下达"}
    at.session_state["filter_year"] = 2014  # no funds at all in 2014: only 全部资金 is left to choose
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="funds_category").value is None
