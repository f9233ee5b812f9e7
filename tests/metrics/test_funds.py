"""资金 metrics: known answers on the hand-made database (2017: P1 统筹整合 100/90, P4 统筹整合 50.5/50.5
and 苏陕协作 30/30; 2016: P1 统筹整合 80/80), low-spending projects, and agreement with the 总览
整合资金 KPIs on the sample."""

import polars as pl
import pytest

from fupin_core import catalog, store
from fupin_core.metrics import Scope, overview
from fupin_core.metrics import funds as m
from tests.tiny_data import T1, T2

Y = Scope.of(2017)
INTEGRATED, EAST_WEST, CENTRAL = "统筹整合涉农资金", "苏陕协作资金", "中央财政专项"


@pytest.fixture
def con(tiny_con):
    """tiny_data plus two 2017 fund rows in 夜村镇: P3 中央财政专项 40 allocated / 20 spent (50 %),
    and P2 统筹整合 with nothing allocated yet (0 / 0: no rate, never "low")."""
    types = {"text": pl.String, "int": pl.Int64, "decimal": pl.Float64}
    schema = {c.name: types[c.type] for c in catalog.dataset("funds").columns}
    rows = [("P3", CENTRAL, 2017, 40.0, 20.0), ("P2", INTEGRATED, 2017, 0.0, 0.0)]
    store.commit_rows(tiny_con, "funds", pl.DataFrame(rows, schema=schema, orient="row"), user="测试", file_name="funds_extra.xlsx")
    return tiny_con


def test_funds_by_source(tiny_con):
    frame = m.funds_by_source(tiny_con, Y)
    assert frame["资金来源"].to_list() == [INTEGRATED, EAST_WEST]
    assert frame["项目数(个)"].to_list() == [2, 1]
    assert frame["下达金额(万元)"].to_list() == [150.5, 30]
    assert frame["支出金额(万元)"].to_list() == [140.5, 30]
    assert frame["支出率"].to_list() == [0.9336, 1.0]
    assert m.funds_by_source(tiny_con, Scope.of(2017, T2))["下达金额(万元)"].to_list() == [50.5, 30]


def test_sources_follow_the_catalog_order(con):
    # 中央财政专项 comes first in the catalog, though it sorts after 统筹… by code point.
    assert m.funds_by_source(con, Y)["资金来源"].to_list() == [CENTRAL, INTEGRATED, EAST_WEST]
    assert catalog.FUND_SOURCES.index(CENTRAL) < catalog.FUND_SOURCES.index(INTEGRATED)


def test_funds_by_year(tiny_con):
    frame = m.funds_by_year(tiny_con, Y)
    assert frame.select("年度", "资金来源", "下达金额(万元)", "支出金额(万元)").rows() == [
        (2016, INTEGRATED, 80, 80),
        (2017, INTEGRATED, 150.5, 140.5),
        (2017, EAST_WEST, 30, 30),
    ]
    assert m.funds_by_year(tiny_con, Scope.of(2016))["年度"].to_list() == [2016]


def test_funds_by_township(tiny_con):
    frame = m.funds_by_township(tiny_con, Y)
    assert frame["镇办"].to_list() == ["城关街道", "夜村镇"]
    assert frame["下达金额(万元)"].to_list() == [100, 80.5]
    assert frame["支出率"].to_list() == [0.9, 1.0]
    frame = m.funds_by_township(tiny_con, Y, EAST_WEST)  # 城关街道 has none: zero, no rate
    assert frame["项目数(个)"].to_list() == [0, 1]
    assert frame["支出率"].to_list() == [None, 1.0]


def test_funds_by_project_source(con):
    # One line per project and source; P4's two sources in catalog order; P3's 中央财政专项 at 50 %.
    frame = m.funds_by_project_source(con, Y)
    assert frame.select("项目编号", "资金来源", "下达金额(万元)", "支出金额(万元)", "未支出金额(万元)", "支出率").rows() == [
        ("P1", INTEGRATED, 100, 90, 10, 0.9),
        ("P2", INTEGRATED, 0, 0, 0, None),
        ("P4", INTEGRATED, 50.5, 50.5, 0, 1.0),
        ("P4", EAST_WEST, 30, 30, 0, 1.0),
        ("P3", CENTRAL, 40, 20, 20, 0.5),
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
    assert frame["资金来源"].to_list() == [INTEGRATED, f"{INTEGRATED}、{EAST_WEST}"]
    assert frame["下达金额(万元)"].to_list() == [100, 80.5]
    assert frame["未支出金额(万元)"].to_list() == [10, 0]
    assert frame["支出率"].to_list() == [0.9, 1.0]
    assert m.funds_by_project(tiny_con, Y, EAST_WEST)["项目编号"].to_list() == ["P4"]
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
    assert m.low_spending_projects(con, Y, threshold=0.95, source=INTEGRATED)["项目编号"].to_list() == ["P1"]
    assert m.low_spending_projects(con, Scope.of(2017, T1)).height == 0


def test_fund_summary(con):
    assert m.fund_summary(con, Y) == {
        "allocated_wan": 220.5,
        "spent_wan": 190.5,
        "spend_rate": 0.864,
        "projects": 4,
        "low_spending_projects": 1,
    }
    integrated = m.fund_summary(con, Y, INTEGRATED)
    assert integrated == overview.fund_kpis(con, Y) | {"projects": 3, "low_spending_projects": 0}


@pytest.mark.parametrize("township", [None, "611002101", "611002111"])
def test_agreement_with_overview_on_the_sample(sample_con, township):
    scope = Scope.of(2017, township)
    kpis = overview.overview_kpis(sample_con, scope)
    expected = (kpis["integrated_funds_allocated_wan"], kpis["integrated_funds_spent_wan"], kpis["integrated_funds_spend_rate"])
    summary = m.fund_summary(sample_con, scope, INTEGRATED)
    assert (summary["allocated_wan"], summary["spent_wan"], summary["spend_rate"]) == expected
    row = m.funds_by_source(sample_con, scope).filter(pl.col("资金来源") == INTEGRATED)
    assert (row["下达金额(万元)"].item(), row["支出金额(万元)"].item()) == pytest.approx(expected[:2])
    towns = m.funds_by_township(sample_con, scope, INTEGRATED)
    assert (towns["下达金额(万元)"].sum(), towns["支出金额(万元)"].sum()) == pytest.approx(expected[:2])
    projects = m.funds_by_project(sample_con, scope, INTEGRATED)
    assert (projects["下达金额(万元)"].sum(), projects["支出金额(万元)"].sum()) == pytest.approx(expected[:2])
    lines = m.funds_by_project_source(sample_con, scope).filter(pl.col("资金来源") == INTEGRATED)
    assert (lines["下达金额(万元)"].sum(), lines["支出金额(万元)"].sum()) == pytest.approx(expected[:2])
    low = m.low_spending_projects(sample_con, scope, source=INTEGRATED)
    below = projects.filter(pl.col("支出金额(万元)") < 0.9 * pl.col("下达金额(万元)"))
    assert sorted(low["项目编号"].to_list()) == sorted(below["项目编号"].to_list())
    assert summary["low_spending_projects"] == low.height == towns["支出率低于90%项目数(个)"].sum()


def test_sample_matches_the_seed_article(sample_con):
    frame = m.funds_by_source(sample_con, Y)
    by_source = dict(zip(frame["资金来源"], frame["下达金额(万元)"], strict=True))
    assert (by_source[INTEGRATED], by_source[EAST_WEST]) == (19840, 2200)
    years = m.funds_by_year(sample_con, Y)
    assert years.filter(pl.col("年度") == 2017)["下达金额(万元)"].sum() == pytest.approx(frame["下达金额(万元)"].sum())
