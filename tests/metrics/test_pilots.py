"""三变 pilot metrics: known answers on the hand-made database (tiny_data.py, plus a 三变 project and its
分红 linkages added here), and agreement with the 总览 KPIs on the sample."""

import polars as pl
import pytest

from fupin_core import catalog
from fupin_core.metrics import Scope, indicators, pilots
from fupin_core.storage import store
from tests.tiny_data import T1, T2, V1, V2

Y = Scope.of(2017)


def _commit(con, key: str, rows: list[dict]) -> None:
    types = {"text": pl.String, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "period": pl.String}
    schema = {c.name: types[c.type] for c in catalog.dataset(key).columns}
    store.commit_rows(con, key, pl.DataFrame(rows, schema=schema, orient="row"), user="测试", file_name=f"{key}_extra.xlsx")


@pytest.fixture
def con(tiny_con):
    """tiny_data plus P6, the 三变 project of the pilot village 乙村 (V2, pilot from 2017), which paid
    分红 to H3 (300元) and H4 (200元) in 2017 and to H4 (100元) in 2016, before the pilot began;
    H3 also earned 50元 务工 there in 2017 (not a dividend)."""
    _commit(
        tiny_con,
        "projects",
        [
            {"project_id": "P6", "project_name": "乙村“三变”改革试点", "industry": "三变", "project_type": "其他", "township_code": T2,
             "village_code": V2, "operator_credit_code": None, "build_year": 2017, "build_status": "运营中", "scale": 1.0,
             "scale_unit": "个", "total_investment_wan": 30.0},
        ],
    )  # fmt: skip
    _commit(
        tiny_con,
        "linkages",
        [
            {"household_id": "H3", "project_id": "P6", "mechanism": "分红", "sub_type": None, "year": 2017, "income_yuan": 300.0},
            {"household_id": "H4", "project_id": "P6", "mechanism": "分红", "sub_type": None, "year": 2017, "income_yuan": 200.0},
            {"household_id": "H4", "project_id": "P6", "mechanism": "分红", "sub_type": None, "year": 2016, "income_yuan": 100.0},
            {"household_id": "H3", "project_id": "P6", "mechanism": "务工", "sub_type": None, "year": 2017, "income_yuan": 50.0},
        ],
    )
    return tiny_con


def test_pilot_villages_started_by_the_year(tiny_con):
    frame = pilots.pilot_villages(tiny_con, Y)
    assert frame["村"].to_list() == ["乙村"]  # 甲村 starts in 2018
    row = frame.row(0, named=True)
    assert row["集体经济组织"] == "乙村股份经济合作社"
    assert (row["区级财政投入(万元)"], row["折股量化资产(万元)"], row["入股土地(亩)"]) == (30, 100, 50)
    assert (row["股东户数(户)"], row["贫困户股东户数(户)"], row["贫困户股东占比"]) == (100, 40, 0.4)
    assert row["年度分红(万元)"] == 5
    # 2018: both, by 镇办 code (城关街道 before 夜村镇).
    assert pilots.pilot_villages(tiny_con, Scope.of(2018))["村"].to_list() == ["甲村", "乙村"]
    assert pilots.pilot_villages(tiny_con, Scope.of(2018, T1))["村"].to_list() == ["甲村"]
    assert pilots.pilot_villages(tiny_con, Scope.of(2018, None, V2))["村"].to_list() == ["乙村"]
    assert pilots.pilot_villages(tiny_con, Scope.of(2017, None, V1)).height == 0
    assert pilots.pilot_villages(tiny_con, Scope.of(2017, T1)).height == 0


def test_pilot_totals(tiny_con):
    totals = pilots.pilot_totals(tiny_con, Scope.of(2018))
    assert totals == {
        "pilot_villages": 2,
        "pilot_funds_wan": 60,
        "quantified_assets_wan": 180,
        "land_shares_mu": 80,
        "shareholder_households": 180,
        "poor_shareholder_households": 60,
        "poor_shareholder_share": 0.3333,
        "annual_dividend_wan": 3,  # 甲村's 2018 dividend; 乙村 reported 2017's only, not repeated
        "dividend_households": 0,
        "dividend_yuan": 0,
    }
    assert pilots.pilot_totals(tiny_con, Scope.of(2017))["annual_dividend_wan"] == 5
    assert pilots.pilot_totals(tiny_con, Scope.of(2019))["annual_dividend_wan"] is None  # 未上报, not 2018's again
    empty = pilots.pilot_totals(tiny_con, Scope.of(2017, T1))
    assert (empty["pilot_villages"], empty["shareholder_households"], empty["poor_shareholder_share"]) == (0, 0, None)


def test_dividends_to_households_from_the_pilot_project(con):
    row = pilots.pilot_villages(con, Y).row(0, named=True)
    assert (row["分红到户户数(户)"], row["分红到户金额(元)"]) == (2, 500)  # 务工 is not a dividend
    totals = pilots.pilot_totals(con, Y)
    assert (totals["dividend_households"], totals["dividend_yuan"]) == (2, 500)
    by_year = pilots.pilot_dividends_by_year(con, Y)
    assert by_year["年度"].to_list() == [2016, 2017]
    # 2016's 100元 was paid before 乙村 became a pilot: not a 三变 dividend of a pilot village.
    assert by_year["试点村数(个)"].to_list() == [0, 1]
    assert by_year["分红到户户数(户)"].to_list() == [0, 2]
    assert by_year["分红到户金额(万元)"].to_list() == [0, 0.05]
    assert pilots.pilot_dividends_by_year(con, Scope.of(2017, T1))["分红到户金额(万元)"].to_list() == [0, 0]


def test_shareholder_gaps_name_poor_shareholders_without_dividends(con):
    # 乙村 2017: 40 poor shareholder households, 2 with a dividend from its 三变 project.
    gaps = pilots.shareholder_gaps(con, Y)
    assert gaps.select("说明", "村", "差额(户)").rows() == [("38户贫困户股东没有分红到户的记录", "乙村", 38)]
    # 2018: only 甲村 reported a 年度分红 (乙村's is 2017's, not compared again); none of its 20 got one.
    assert pilots.shareholder_gaps(con, Scope.of(2018)).select("村", "差额(户)").rows() == [("甲村", 20)]
    assert pilots.shareholder_gaps(con, Scope.of(2017, T1)).is_empty()


def test_the_sample_pilots_have_no_shareholder_gap(sample_con):
    assert pilots.shareholder_gaps(sample_con, Y).is_empty()


def test_linked_income_per_person_pilot_against_non_pilot(con):
    frame = pilots.linked_income_by_pilot(con, Y)
    assert frame["类别"].to_list() == ["试点村", "非试点村"]
    assert frame["村数(个)"].to_list() == [1, 2]
    # 乙村: H3 (2 people, 300 + 50元) and H4 (5 people, 200元); 甲村: H1 (3, 500元) and H2 (4, 100元).
    assert frame["带动增收户数(户)"].to_list() == [2, 2]
    assert frame["带动增收人数(人)"].to_list() == [7, 7]
    assert frame["收益金额(万元)"].to_list() == [0.055, 0.06]
    assert frame["人均收益(元)"].to_list() == [78.57, 85.71]
    assert frame["带动增收户数(户)"].sum() == indicators.values(con, Y)["linked_households"]


def test_linked_income_without_pilots_or_income(tiny_con):
    frame = pilots.linked_income_by_pilot(tiny_con, Scope.of(2017, T1))
    assert frame["村数(个)"].to_list() == [0, 1]
    assert frame["人均收益(元)"].to_list() == [None, 85.71]
    frame = pilots.linked_income_by_pilot(tiny_con, Scope.of(2018))  # nobody earned in 2018
    assert frame["带动增收户数(户)"].to_list() == [0, 0]
    assert frame["人均收益(元)"].to_list() == [None, None]


@pytest.mark.parametrize("township", [None, "611002101", "611002111"])
def test_totals_agree_with_overview_on_the_sample(sample_con, township):
    scope = Scope.of(2017, township)
    kpis = indicators.values(sample_con, scope)
    totals = pilots.pilot_totals(sample_con, scope)
    frame = pilots.pilot_villages(sample_con, scope)
    assert totals["pilot_villages"] == kpis["pilot_villages"] == frame.height
    assert totals["pilot_funds_wan"] == kpis["pilot_funds_wan"] == pytest.approx(frame["区级财政投入(万元)"].sum())
    income = pilots.linked_income_by_pilot(sample_con, scope)
    assert income["带动增收户数(户)"].sum() == kpis["linked_households"]
    assert income["带动增收人数(人)"].sum() == kpis["linked_people"]
    assert income["村数(个)"][0] == kpis["pilot_villages"]


def test_sample_matches_the_seed_article(sample_con):
    totals = pilots.pilot_totals(sample_con, Y)
    assert (totals["pilot_villages"], totals["pilot_funds_wan"]) == (23, 690)
    frame = pilots.pilot_villages(sample_con, Scope.of(2017, "611002101"))
    assert "何家塬村" in frame["村"].to_list()
    assert frame.filter(pl.col("村") == "何家塬村")["区级财政投入(万元)"].to_list() == [30]
    by_year = pilots.pilot_dividends_by_year(sample_con, Y)
    assert by_year.filter(pl.col("年度") == 2017)["分红到户金额(万元)"].item() == pytest.approx(totals["dividend_yuan"] / 10_000)
