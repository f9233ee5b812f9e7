"""透视分析 on the linkage data: known cells on tiny_data, totals that count a household once, the
whitelist of dimensions and measures, and agreement with overview on the sample."""

import re

import polars as pl
import pytest

from fupin_core import catalog
from fupin_core.metrics import Scope, indicators, linkage
from fupin_core.metrics import pivot as p
from fupin_core.storage import store
from tests import tiny_data

Y = Scope.of(2017)


def test_township_by_mechanism_income(tiny_con):
    table = p.pivot(tiny_con, Y, "镇办", "联结方式", "收益金额(元)")
    assert table.columns == ["镇办", "分红", "公益岗位", "合计"]  # mechanisms in catalog order
    assert table.rows() == [("城关街道", 100.0, 500.0, 600.0), ("合计", 100.0, 500.0, 600.0)]


def test_year_on_an_axis_takes_every_year_up_to_the_chosen_one(tiny_con):
    table = p.pivot(tiny_con, Y, "村", "年度", "户数")
    assert table.columns == ["村", "2016", "2017", "合计"]
    assert table.rows() == [("城关街道·甲村", 0, 2, 2), ("夜村镇·乙村", 1, 0, 1), ("合计", 1, 2, 3)]
    assert p.pivot(tiny_con, Scope.of(2016), "年度", None, "收益金额(元)").rows() == [("2016", 3000.0), ("合计", 3000.0)]


def test_totals_count_a_household_once(tiny_con):
    extra = {"household_id": "H2", "project_id": "P1", "mechanism": "务工", "sub_type": None, "year": 2017, "income_yuan": 50.0}
    store.commit_rows(
        tiny_con, "linkages", pl.DataFrame([extra], schema=tiny_data.frame("linkages").schema), user="测试", file_name="x.xlsx"
    )
    table = p.pivot(tiny_con, Y, "镇办", "联结方式", "户数")
    assert table.columns == ["镇办", "分红", "务工", "公益岗位", "合计"]
    assert table.rows() == [("城关街道", 1, 1, 1, 2), ("合计", 1, 1, 1, 2)]  # H2 twice in the cells, once in 合计
    people = p.pivot(tiny_con, Y, "联结方式", None, "人数")
    assert people.rows() == [("分红", 4), ("务工", 4), ("公益岗位", 3), ("合计", 7)]
    assert p.pivot(tiny_con, Y, "镇办", None, "联结笔数").rows() == [("城关街道", 3), ("合计", 3)]


def test_averages_and_missing_labels(tiny_con):
    table = p.pivot(tiny_con, Y, "细分类型", None, "人均收益(元)")
    assert table.rows() == [("保洁员", 166.67), ("（无）", 25.0), ("合计", 85.71)]  # 500/3, 100/4, 600/7
    per_household = p.pivot(tiny_con, Y, "产业", "贫困户属性", "户均收益(元)")
    assert per_household.rows() == [("光伏", 300.0, 300.0), ("合计", 300.0, 300.0)]


def test_an_empty_scope_gives_an_empty_table_with_a_total(tiny_con):
    table = p.pivot(tiny_con, Scope.of(2017, tiny_data.T2), "镇办", "联结方式", "户数")
    assert table.rows() == [("合计", 0)]
    assert p.pivot(tiny_con, Scope.of(2017, tiny_data.T2), "镇办", None, "户均收益(元)").rows() == [("合计", None)]


@pytest.mark.parametrize(
    ("rows", "columns", "measure", "message"),
    [
        ("镇办; DROP TABLE linkages", None, "户数", "不支持按"),
        ("镇办", "h.head_id_number", "户数", "不支持按"),
        ("镇办", None, "sum(income_yuan)", "不支持的统计指标"),
        ("镇办", "镇办", "户数", "行和列不能选同一个维度"),
    ],
)
def test_names_outside_the_whitelist_are_refused(tiny_con, rows, columns, measure, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        p.pivot(tiny_con, Y, rows, columns, measure)
    assert tiny_con.execute("SELECT count(*) FROM linkages").fetchone()[0] == len(tiny_data.ROWS["linkages"])
    with pytest.raises(ValueError, match="不支持按"):
        p.aggregate(tiny_con, Y, ("镇办",), equals={"l.year = 2017 OR TRUE": "x"})


def test_too_many_column_categories_are_refused(sample_con):
    with pytest.raises(ValueError, match="列维度“村”有276个类别"):
        p.pivot(sample_con, Y, "联结方式", "村", "户数")


def test_only_catalog_columns_are_formatted_into_sql():
    tables = {"t": "townships", "v": "villages", "h": "households", "l": "linkages", "p": "projects"}
    for dim in p.DIMENSIONS.values():
        for expr in (dim.label_sql, dim.order_sql or ""):
            for alias, column in re.findall(r"\b([a-z])\.([a-z_]+)\b", expr):
                assert column in catalog.dataset(tables[alias]).column_names, (dim.name, expr)


@pytest.mark.parametrize("township", [None, "611002111"])
def test_totals_agree_with_overview_on_the_sample(sample_con, township):
    scope = Scope.of(2017, township)
    kpis = indicators.values(sample_con, scope)
    households = p.pivot(sample_con, scope, "镇办", "联结方式", "户数")
    assert households.filter(pl.col("镇办") == "合计")["合计"].to_list() == [kpis["linked_households"]]
    assert households.filter(pl.col("镇办") != "合计")["合计"].sum() == kpis["linked_households"]  # one 镇办 per household
    people = p.pivot(sample_con, scope, "产业", None, "人数")
    assert people.filter(pl.col("产业") == "合计")["人数"].to_list() == [kpis["linked_people"]]
    income = p.pivot(sample_con, scope, "镇办", "产业", "收益金额(元)")
    total = income.filter(pl.col("镇办") == "合计")
    assert total["合计"][0] == pytest.approx(linkage.summary(sample_con, scope)["linked_income_yuan"])
    assert sum(total[c][0] for c in income.columns[1:-1]) == pytest.approx(total["合计"][0])  # money adds up
