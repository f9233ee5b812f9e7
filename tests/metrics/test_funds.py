"""资金 metrics: known answers on the hand-made database (2017: P1 区级财政/统筹整合 100/90, P4 中央财政/统筹整合
50.5/50.5 and 苏陕协作/其他资金 30/30; 2016: P1 区级财政/统筹整合 80/80), low-spending projects, and agreement
with the 总览 整合资金 KPIs on the sample."""

import polars as pl
import pytest

from fupin_core import catalog
from fupin_core.metrics import Scope, overview
from fupin_core.metrics import funds as m
from fupin_core.storage import store
from tests.tiny_data import T1, T2

Y = Scope.of(2017)
INTEGRATED, SPECIAL, OTHER = "统筹整合涉农资金", "财政专项扶贫资金", "其他资金"
EAST_WEST, CENTRAL, DISTRICT = "苏陕协作资金", "中央财政", "区级财政"


@pytest.fixture
def con(tiny_con):
    """tiny_data plus two 2017 fund rows in 夜村镇: P3 中央财政/财政专项扶贫资金 40 allocated / 20 spent (50 %),
    and P2 区级财政/统筹整合 with nothing allocated yet (0 / 0: no rate, never "low")."""
    types = {"text": pl.String, "int": pl.Int64, "decimal": pl.Float64}
    schema = {c.name: types[c.type] for c in catalog.dataset("funds").columns}
    rows = [("P3", CENTRAL, SPECIAL, 2017, 40.0, 20.0), ("P2", DISTRICT, INTEGRATED, 2017, 0.0, 0.0)]
    store.commit_rows(tiny_con, "funds", pl.DataFrame(rows, schema=schema, orient="row"), user="测试", file_name="funds_extra.xlsx")
    return tiny_con


def test_funds_by_source(tiny_con):
    frame = m.funds_by_source(tiny_con, Y)
    assert frame["资金来源"].to_list() == [CENTRAL, DISTRICT, EAST_WEST]  # catalog order
    assert frame["项目数(个)"].to_list() == [1, 1, 1]
    assert frame["下达金额(万元)"].to_list() == [50.5, 100, 30]
    assert frame["支出金额(万元)"].to_list() == [50.5, 90, 30]
    assert frame["支出率"].to_list() == [1.0, 0.9, 1.0]
    assert m.funds_by_source(tiny_con, Scope.of(2017, T2))["下达金额(万元)"].to_list() == [50.5, 30]


def test_funds_by_category_add_up_to_the_total(tiny_con):
    frame = m.funds_by_category(tiny_con, Y)
    assert frame["资金类别"].to_list() == [INTEGRATED, OTHER]
    assert frame["下达金额(万元)"].to_list() == [150.5, 30]
    assert frame["下达金额(万元)"].sum() == m.funds_by_source(tiny_con, Y)["下达金额(万元)"].sum()


def test_self_funded_money_is_never_allocated(tiny_con):
    tiny_con.execute("INSERT INTO funds VALUES ('P1', '企业自筹', '其他资金', 2017, 5000, 1000, 1)")
    assert "企业自筹" not in m.funds_by_source(tiny_con, Y)["资金来源"].to_list()
    assert m.fund_summary(tiny_con, Y)["allocated_wan"] == 180.5
    assert m.low_spending_projects(tiny_con, Y).height == 0


def test_sources_follow_the_catalog_order(con):
    # 中央财政 comes first in the catalog, though 区… sorts before 中… by code point.
    assert m.funds_by_source(con, Y)["资金来源"].to_list() == [CENTRAL, DISTRICT, EAST_WEST]
    assert m.funds_by_category(con, Y)["资金类别"].to_list() == [INTEGRATED, SPECIAL, OTHER]


def test_funds_by_year(tiny_con):
    frame = m.funds_by_year(tiny_con, Y)
    assert frame.select("年度", "资金来源", "下达金额(万元)", "支出金额(万元)").rows() == [
        (2016, DISTRICT, 80, 80),
        (2017, CENTRAL, 50.5, 50.5),
        (2017, DISTRICT, 100, 90),
        (2017, EAST_WEST, 30, 30),
    ]
    assert m.funds_by_year(tiny_con, Scope.of(2016))["年度"].to_list() == [2016]


def test_funds_by_township(tiny_con):
    frame = m.funds_by_township(tiny_con, Y)
    assert frame["镇办"].to_list() == ["城关街道", "夜村镇"]
    assert frame["下达金额(万元)"].to_list() == [100, 80.5]
    assert frame["支出率"].to_list() == [0.9, 1.0]
    frame = m.funds_by_township(tiny_con, Y, OTHER)  # 城关街道 has none: zero, no rate
    assert frame["项目数(个)"].to_list() == [0, 1]
    assert frame["支出率"].to_list() == [None, 1.0]


def test_funds_by_project_source(con):
    # One line per project, source and category; P4's two sources in catalog order; P3's 专项 at 50 %.
    frame = m.funds_by_project_source(con, Y)
    assert frame.select("项目编号", "资金来源", "资金类别", "下达金额(万元)", "支出金额(万元)", "未支出金额(万元)", "支出率").rows() == [
        ("P1", DISTRICT, INTEGRATED, 100, 90, 10, 0.9),
        ("P2", DISTRICT, INTEGRATED, 0, 0, 0, None),
        ("P4", CENTRAL, INTEGRATED, 50.5, 50.5, 0, 1.0),
        ("P4", EAST_WEST, OTHER, 30, 30, 0, 1.0),
        ("P3", CENTRAL, SPECIAL, 40, 20, 20, 0.5),
    ]
    assert frame["村"].to_list() == ["甲村", "乙村", "乙村", "乙村", "丙村"]
    assert m.funds_by_project_source(con, Scope.of(2016))["下达金额(万元)"].to_list() == [80]
    assert m.funds_by_project_source(con, Scope.of(2017, T1))["项目编号"].to_list() == ["P1"]


def test_low_spending_count_by_township(con):
    row = m.funds_by_township(con, Scope.of(2017, T2)).row(0, named=True)
    assert (row["项目数(个)"], row["下达金额(万元)"], row["支出金额(万元)"]) == (3, 120.5, 100.5)
    assert (row["支出率"], row["支出率低于90%项目数(个)"]) == (0.834, 1)


def test_funds_by_project(tiny_con):
    frame = m.funds_by_project(tiny_con, Y)
    assert frame["项目编号"].to_list() == ["P1", "P4"]
    assert frame["资金来源"].to_list() == [DISTRICT, f"{CENTRAL}、{EAST_WEST}"]
    assert frame["下达金额(万元)"].to_list() == [100, 80.5]
    assert frame["未支出金额(万元)"].to_list() == [10, 0]
    assert frame["支出率"].to_list() == [0.9, 1.0]
    assert m.funds_by_project(tiny_con, Y, OTHER)["项目编号"].to_list() == ["P4"]
    assert m.funds_by_project(tiny_con, Scope.of(2017, T1))["项目编号"].to_list() == ["P1"]


def test_low_spending_projects(tiny_con):
    assert m.low_spending_projects(tiny_con, Y).height == 0  # P1 spent exactly 90 %: not below
    assert m.low_spending_projects(tiny_con, Y, threshold=0.95)["项目编号"].to_list() == ["P1"]


def test_low_spending_lowest_first(con):
    assert m.low_spending_projects(con, Y)["项目编号"].to_list() == ["P3"]
    low = m.low_spending_projects(con, Y, threshold=0.95)
    assert low["项目编号"].to_list() == ["P3", "P1"]  # lowest rate first; P2 (nothing allocated) never
    assert low["支出率"].to_list() == [0.5, 0.9]
    assert low["未支出金额(万元)"].to_list() == [20, 10]
    assert m.low_spending_projects(con, Y, threshold=0.95, category=INTEGRATED)["项目编号"].to_list() == ["P1"]
    assert m.low_spending_projects(con, Scope.of(2017, T1)).height == 0


def test_fund_summary(con):
    assert m.fund_summary(con, Y) == {
        "allocated_wan": 220.5,
        "spent_wan": 190.5,
        "spend_rate": 0.8639,
        "projects": 4,
        "low_spending_projects": 1,
    }
    integrated = m.fund_summary(con, Y, INTEGRATED)
    assert integrated == overview.fund_kpis(con, Y) | {"projects": 3, "low_spending_projects": 0}


def test_project_counts_are_the_heights_of_the_lists(con):
    # P1 spent exactly 90 % (not below), P2 has nothing allocated (never low), P3 spent 50 %.
    for threshold in (0.5, 0.9, 0.95):
        for category in (None, INTEGRATED, SPECIAL):
            expected = (m.funds_by_project(con, Y, category).height, m.low_spending_projects(con, Y, threshold, category).height)
            assert m.project_counts(con, Y, threshold, category) == expected, (threshold, category)
    assert m.project_counts(con, Y, 0.95) == (4, 2)


@pytest.mark.parametrize(("township", "category"), [(None, None), (None, SPECIAL), ("611002111", None), ("611002101", INTEGRATED)])
def test_project_counts_match_the_lists_on_the_sample(sample_con, township, category):
    scope = Scope.of(2017, township)
    for threshold in (0.5, 0.9, 1.0):
        lists = (
            m.funds_by_project(sample_con, scope, category).height,
            m.low_spending_projects(sample_con, scope, threshold, category).height,
        )
        assert m.project_counts(sample_con, scope, threshold, category) == lists, threshold


@pytest.mark.parametrize("township", [None, "611002101", "611002111"])
def test_agreement_with_overview_on_the_sample(sample_con, township):
    scope = Scope.of(2017, township)
    integrated = overview.fund_kpis(sample_con, scope)
    expected = (integrated["allocated_wan"], integrated["spent_wan"], integrated["spend_rate"])
    summary = m.fund_summary(sample_con, scope, INTEGRATED)
    assert (summary["allocated_wan"], summary["spent_wan"], summary["spend_rate"]) == expected
    row = m.funds_by_category(sample_con, scope).filter(pl.col("资金类别") == INTEGRATED)
    assert (row["下达金额(万元)"].item(), row["支出金额(万元)"].item()) == pytest.approx(expected[:2])
    towns = m.funds_by_township(sample_con, scope, INTEGRATED)
    assert (towns["下达金额(万元)"].sum(), towns["支出金额(万元)"].sum()) == pytest.approx(expected[:2])
    projects = m.funds_by_project(sample_con, scope, INTEGRATED)
    assert (projects["下达金额(万元)"].sum(), projects["支出金额(万元)"].sum()) == pytest.approx(expected[:2])
    lines = m.funds_by_project_source(sample_con, scope).filter(pl.col("资金类别") == INTEGRATED)
    assert (lines["下达金额(万元)"].sum(), lines["支出金额(万元)"].sum()) == pytest.approx(expected[:2])
    low = m.low_spending_projects(sample_con, scope, category=INTEGRATED)
    below = projects.filter(pl.col("支出金额(万元)") < 0.9 * pl.col("下达金额(万元)"))
    assert sorted(low["项目编号"].to_list()) == sorted(below["项目编号"].to_list())
    assert summary["low_spending_projects"] == low.height == towns["支出率低于90%项目数(个)"].sum()
    totals = overview.fund_totals(sample_con, scope)
    assert m.funds_by_category(sample_con, scope)["下达金额(万元)"].sum() == pytest.approx(totals["funds_allocated_wan"])


def test_sample_matches_the_seed_article(sample_con):
    categories = dict(m.funds_by_category(sample_con, Y).select("资金类别", "下达金额(万元)").iter_rows())
    assert categories[INTEGRATED] == 19840
    sources = dict(m.funds_by_source(sample_con, Y).select("资金来源", "下达金额(万元)").iter_rows())
    assert sources[EAST_WEST] == 2200
