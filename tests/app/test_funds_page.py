"""The 资金 page under AppTest: opens for 2017 district-wide and for one 镇办, shows what
fupin_core.metrics.funds computes, lists low-spending projects, and follows the 资金来源 choice."""

import pytest

from fupin_core.formatting import money_wan, percent
from fupin_core.metrics import Scope, overview
from fupin_core.metrics.funds import fund_summary, funds_by_project, funds_by_source, low_spending_projects
from tests.app.pages import open_page, table_with

INTEGRATED = "统筹整合涉农资金"


def _open(app, township=None):
    return open_page(app, "pages/funds.py", township)


def _frame_with(at, column: str):
    return table_with(at, column)


@pytest.mark.parametrize(("township", "place"), [(None, "商州区"), ("611002111", "牧护关镇")])
def test_funds_page_shows_the_metrics(app, sample_con, township, place):
    at = _open(app, township)
    scope = Scope.of(2017, township)
    summary = fund_summary(sample_con, scope)
    assert at.title[0].value == f"{place}2017年项目资金"
    shown = {m.label: m.value for m in at.metric}
    assert shown["全部资金下达"] == money_wan(summary["allocated_wan"])
    assert shown["支出率"] == percent(summary["spend_rate"])
    assert shown["支出率低于90%的项目"] == f"{summary['low_spending_projects']:,}个"
    by_source = funds_by_source(sample_con, scope)
    table = _frame_with(at, "项目数(个)")
    assert list(table["资金来源"]) == by_source["资金来源"].to_list()
    assert list(table["下达金额(万元)"]) == by_source["下达金额(万元)"].to_list()
    low = low_spending_projects(sample_con, scope)
    assert at.subheader[0].value == f"支出率低于90%的项目（{low.height}个）"
    assert low.height > 0  # both scopes have some: the list comes first, lowest rate first
    assert list(_frame_with(at, "未支出金额(万元)")["项目编号"]) == low["项目编号"].to_list()
    projects = funds_by_project(sample_con, scope)
    assert any(list(d.value.get("项目编号", [])) == projects["项目编号"].to_list() for d in at.dataframe)


def test_integrated_funds_equal_the_overview(app, sample_con):
    at = _open(app)
    at.selectbox(key="funds_source").set_value(INTEGRATED).run()
    assert not at.exception
    kpis = overview.overview_kpis(sample_con, Scope.of(2017))
    shown = {m.label: m.value for m in at.metric}
    assert shown[f"{INTEGRATED}下达"] == money_wan(kpis["integrated_funds_allocated_wan"]) == "19,840万元"
    assert shown[f"{INTEGRATED}支出"] == money_wan(kpis["integrated_funds_spent_wan"]) == "17,867万元"
    assert shown["支出率"] == percent(kpis["integrated_funds_spend_rate"]) == "90.1%"
    low = low_spending_projects(sample_con, Scope.of(2017), source=INTEGRATED)
    assert at.subheader[0].value == f"支出率低于90%的项目（{low.height}个）"


def test_a_source_the_new_year_lacks_falls_back_to_all_sources(app):
    at = _open(app)
    at.selectbox(key="funds_source").set_value("苏陕协作资金").run()
    assert {m.label for m in at.metric} >= {"苏陕协作资金下达"}
    at.session_state["filter_year"] = 2016  # no 苏陕协作资金 in 2016
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="funds_source").value is None
    assert "全部资金下达" in {m.label for m in at.metric}
