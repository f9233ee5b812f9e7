"""经营主体与投资 metrics: known answers on the hand-made database (one cooperative E1 in 夜村镇 with
project P4 and investment I1: 100万元 at 6 %, dividends 2016 30,000/30,000 and 2017 60,000/45,000
paid 2017-12-20), overdue dividends, and agreement with the 总览 分红兑现率 on the sample."""

import datetime as dt

import polars as pl
import pytest

from fupin_core import catalog
from fupin_core.metrics import Scope, indicators, overview
from fupin_core.metrics import entities as m
from fupin_core.storage import store
from tests.tiny_data import E1, T1, T2

Y = Scope.of(2017)


def _commit(con, key: str, rows: list[dict]) -> None:
    types = {"text": pl.String, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "period": pl.String}
    schema = {c.name: types[c.type] for c in catalog.dataset(key).columns}
    store.commit_rows(con, key, pl.DataFrame(rows, schema=schema, orient="row"), user="测试", file_name=f"{key}_extra.xlsx")


@pytest.fixture
def con(tiny_con):
    """tiny_data plus I2 (another 20万元 into E1, its 2017 dividend of 20,000元 never paid) and I1's
    2018 dividend, paid in full but only on 2019-02-01."""
    _commit(
        tiny_con,
        "investments",
        [{"investment_id": "I2", "entity_credit_code": E1, "fund_source": "苏陕协作资金", "amount_wan": 20.0,
          "invest_date": dt.date(2017, 1, 5), "agreed_return_pct": 10.0, "beneficiary_households": 5}],
    )  # fmt: skip
    _commit(
        tiny_con,
        "dividends",
        [
            {"investment_id": "I2", "year": 2017, "due_yuan": 20000.0, "paid_yuan": 0.0, "paid_date": None},
            {"investment_id": "I1", "year": 2018, "due_yuan": 60000.0, "paid_yuan": 60000.0, "paid_date": dt.date(2019, 2, 1)},
        ],
    )
    return tiny_con


def test_entity_list(tiny_con):
    frame = m.entity_list(tiny_con, Y)
    assert frame["主体名称"].to_list() == ["乙村食用菌专业合作社"]
    row = frame.row(0, named=True)
    assert (row["镇办"], row["村"], row["主体类型"]) == ("夜村镇", "乙村", "农民专业合作社")
    assert (row["实施项目数(个)"], row["实施项目"], row["项目总投资(万元)"]) == (1, "乙村香菇基地", 80.5)
    assert (row["入股笔数(笔)"], row["入股资金(万元)"], row["受益贫困户数(户)"]) == (1, 100, 20)
    assert (row["应付分红(元)"], row["实付分红(元)"], row["分红兑现率"]) == (60000, 45000, 0.75)
    # 2015: before P4 (2016) and I1 (2016-03-01); the entity is still listed.
    row = m.entity_list(tiny_con, Scope.of(2015)).row(0, named=True)
    assert (row["实施项目数(个)"], row["入股资金(万元)"], row["应付分红(元)"], row["分红兑现率"]) == (0, 0, 0, None)
    assert m.entity_list(tiny_con, Scope.of(2017, T1)).height == 0
    assert m.entity_list(tiny_con, Y, ("龙头企业",)).height == 0
    assert m.entity_list(tiny_con, Y, ("农民专业合作社", "龙头企业")).height == 1


def test_entity_projects(tiny_con):
    frame = m.entity_projects(tiny_con, Y)
    assert frame["项目编号"].to_list() == ["P4"]
    assert frame.row(0, named=True)["总投资(万元)"] == 80.5
    assert m.entity_projects(tiny_con, Scope.of(2015)).height == 0
    assert m.entity_projects(tiny_con, Y, ("家庭农场",)).height == 0


def test_investments(con):
    frame = m.investment_list(con, Y)
    assert frame["投资编号"].to_list() == ["I1", "I2"]
    assert frame["约定年收益(元)"].to_list() == [60000, 20000]  # 100万元 × 6 %, 20万元 × 10 %
    assert frame["应付分红(元)"].to_list() == [60000, 20000]
    assert frame["实付分红(元)"].to_list() == [45000, 0]
    assert frame["分红兑现率"].to_list() == [0.75, 0]
    assert m.investment_list(con, Scope.of(2016))["投资编号"].to_list() == ["I1"]
    by_source = m.investments_by_source(con, Y)
    assert by_source["资金来源"].to_list() == ["区级财政", "苏陕协作资金"]  # catalog order
    assert by_source["投入金额(万元)"].to_list() == [100, 20]
    assert by_source["受益贫困户数(户)"].to_list() == [20, 5]


def test_dividends_by_year(tiny_con):
    frame = m.dividends_by_year(tiny_con, Y)
    assert frame["年度"].to_list() == [2016, 2017]
    assert frame["应付分红(元)"].to_list() == [30000, 60000]
    assert frame["实付分红(元)"].to_list() == [30000, 45000]
    assert frame["分红兑现率"].to_list() == [1.0, 0.75]
    assert m.dividends_by_year(tiny_con, Scope.of(2017, T1)).height == 0


def test_overdue_dividends(tiny_con):
    frame = m.overdue_dividends(tiny_con, Y)
    assert frame["投资编号"].to_list() == ["I1"]
    row = frame.row(0, named=True)
    assert (row["年度"], row["应兑现日期"], row["状态"]) == (2017, dt.date(2017, 12, 31), "部分兑现")
    assert (row["应付金额(元)"], row["实付金额(元)"], row["欠付金额(元)"]) == (60000, 45000, 15000)
    assert m.overdue_dividends(tiny_con, Scope.of(2016)).height == 0  # 2016 was paid in full on time
    assert m.overdue_dividends(tiny_con, Scope.of(2017, T1)).height == 0
    assert m.overdue_dividends(tiny_con, Scope.of(2017, T2)).height == 1
    # Not overdue before its due date has passed.
    assert m.overdue_dividends(tiny_con, Y, as_of=dt.date(2017, 12, 31)).height == 0
    assert m.overdue_dividends(tiny_con, Y, as_of=dt.date(2018, 1, 1)).height == 1


def test_overdue_unpaid_partly_paid_and_paid_late(con):
    frame = m.overdue_dividends(con, Scope.of(2018))
    # Largest arrears first; 2017's arrears are still listed under 2018.
    assert frame.select("投资编号", "年度", "状态", "欠付金额(元)").rows() == [
        ("I2", 2017, "未兑现", 20000),
        ("I1", 2017, "部分兑现", 15000),
        ("I1", 2018, "逾期兑现", 0),
    ]
    assert m.overdue_dividends(con, Scope.of(2018), as_of=dt.date(2019, 1, 15))["状态"].to_list() == ["未兑现", "部分兑现", "逾期兑现"]
    assert m.overdue_dividends(con, Scope.of(2018), as_of=dt.date(2018, 12, 31))["年度"].to_list() == [2017, 2017]


def test_entity_summary(con):
    assert m.entity_summary(con, Scope.of(2018)) == {
        "entities": 1,
        "cooperatives": 1,
        "enterprises": 0,
        "investments": 2,
        "invested_wan": 120,
        "due_yuan": 60000,  # I1's 2018 dividend
        "paid_yuan": 60000,
        "payout_rate": 1.0,
        "overdue_count": 3,
        "owing_count": 2,
        "overdue_yuan": 35000,
    }


def test_summary_of_the_plain_fixture(tiny_con):
    summary = m.entity_summary(tiny_con, Y)
    assert (summary["due_yuan"], summary["paid_yuan"], summary["payout_rate"]) == (60000, 45000, 0.75)
    assert (summary["overdue_count"], summary["overdue_yuan"]) == (1, 15000)


@pytest.mark.parametrize("township", [None, "611002101", "611002111"])
def test_agreement_with_overview_on_the_sample(sample_con, township):
    scope = Scope.of(2017, township)
    divs = overview.dividend_kpis(sample_con, scope)
    assert m.entity_summary(sample_con, scope)["payout_rate"] == indicators.values(sample_con, scope)["dividend_payout_rate"]
    year_row = m.dividends_by_year(sample_con, scope).filter(pl.col("年度") == 2017)
    assert year_row["应付分红(元)"].sum() == pytest.approx(divs["due_yuan"])
    assert year_row["实付分红(元)"].sum() == pytest.approx(divs["paid_yuan"])
    entities = m.entity_list(sample_con, scope)
    assert entities["应付分红(元)"].sum() == pytest.approx(divs["due_yuan"])
    assert entities["实付分红(元)"].sum() == pytest.approx(divs["paid_yuan"])
    assert m.investments_by_source(sample_con, scope)["投入金额(万元)"].sum() == pytest.approx(entities["入股资金(万元)"].sum())
    assert m.investment_list(sample_con, scope)["应付分红(元)"].sum() == pytest.approx(divs["due_yuan"])


def test_sample_overdue_dividends_are_the_underpaid_ones(sample_con):
    underpaid = sample_con.execute("SELECT count(*) FROM dividends WHERE year <= 2017 AND paid_yuan < due_yuan").fetchone()[0]
    frame = m.overdue_dividends(sample_con, Y)
    assert frame.height == underpaid > 0  # the sample pays every dividend by 12月 of its year
    assert (frame["欠付金额(元)"] > 0).all()
    assert frame["欠付金额(元)"].to_list() == sorted(frame["欠付金额(元)"].to_list(), reverse=True)
