"""The 经营主体与投资 page under AppTest: opens for 2017 district-wide and for one 镇办, shows what
fupin_core.metrics.entities computes, and lists the overdue dividends."""

import pytest

from fupin_core.metrics import Scope
from fupin_core.metrics.entities import entity_list, entity_summary, investment_list, overdue_dividends
from tests.app.pages import assert_registry_cards, open_page, table_with


def _open(app, township=None):
    return open_page(app, "pages/entities.py", township)


def _frame_with(at, column: str):
    return table_with(at, column)


@pytest.mark.parametrize(("township", "place"), [(None, "商州区"), ("611002111", "牧护关镇")])
def test_entities_page_shows_the_metrics(app, sample_con, township, place):
    at = _open(app, township)
    scope = Scope.of(2017, township)
    summary = entity_summary(sample_con, scope)
    assert at.title[0].value == f"{place}2017年经营主体与投资"
    shown = {m.label: m.value for m in at.metric}
    assert_registry_cards(
        at, sample_con, scope, ["entities", "invested_wan", "dividends_due_wan", "dividend_payout_rate", "overdue_dividends"]
    )
    assert shown["经营主体数"] == f"{summary['entities']:,}个"  # the list without a type filter has as many
    investments = investment_list(sample_con, scope)
    assert list(_frame_with(at, "约定年收益(元)")["投资编号"]) == investments["投资编号"].to_list()
    # The entity table starts with cooperatives and enterprises chosen.
    entities = entity_list(sample_con, scope, ("农民专业合作社", "龙头企业"))
    assert list(_frame_with(at, "实施项目")["统一社会信用代码"]) == entities["统一社会信用代码"].to_list()


def test_overdue_dividends_are_listed_with_a_warning(app, sample_con):
    at = _open(app)
    overdue = overdue_dividends(sample_con, Scope.of(2017))
    assert overdue.height > 0
    assert at.subheader[0].value == f"逾期未兑现分红（{overdue.height}笔）"
    assert f"{overdue.height}笔分红" in at.warning[0].value
    assert list(_frame_with(at, "欠付金额(元)")["投资编号"]) == overdue["投资编号"].to_list()


def test_choosing_entity_types_narrows_the_table(app, sample_con):
    at = _open(app)
    at.multiselect(key="entity_types").set_value(["村股份经济合作社"]).run()
    assert not at.exception
    expected = entity_list(sample_con, Scope.of(2017), ("村股份经济合作社",))
    table = _frame_with(at, "实施项目")
    assert len(table) == expected.height and set(table["主体类型"]) == {"村股份经济合作社"}
