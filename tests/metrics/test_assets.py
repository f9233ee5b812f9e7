"""扶贫资产 on hand-made assets and distributions (tests/metrics/fixture_lifecycle.py has the answers)."""

from __future__ import annotations

import pytest

from fupin_core.metrics import Scope, assets
from fupin_core.storage import store
from tests.metrics import fixture_lifecycle
from tests.tiny_data import T1, T2, V2


@pytest.fixture
def con(tiny_con):
    fixture_lifecycle.add(tiny_con)
    return tiny_con


def test_register_counts_assets_of_projects_built_by_the_year(con):
    reg = assets.register(con, Scope.of(2017))
    assert reg["资产编号"].to_list() == ["ZC1", "ZC2", "ZC3"]
    assert dict(zip(reg["资产编号"], reg["确权主体"], strict=True)) == {"ZC1": "甲村集体", "ZC2": "未确权", "ZC3": "乙村集体"}
    assert assets.totals(con, Scope.of(2017)) == {"assets": 3, "asset_value_wan": 260.0}
    assert assets.totals(con, Scope.of(2018))["assets"] == 4
    assert assets.totals(con, Scope.of(2015)) == {"assets": None, "asset_value_wan": None}


def test_value_by_type_and_owner_per_township_and_village(con):
    by_type = assets.value_by(con, Scope.of(2017), "type")
    rows = {r["镇办"]: r for r in by_type.iter_rows(named=True)}
    assert rows["城关街道"]["光伏电站(万元)"] == 180 and rows["城关街道"]["合计(万元)"] == 180
    assert rows["夜村镇"]["菌棚/大棚(万元)"] == 60 and rows["夜村镇"]["冷库(万元)"] == 20 and rows["夜村镇"]["合计(万元)"] == 80
    by_owner = assets.value_by(con, Scope.of(2017, T2), "owner")
    assert by_owner.columns[0] == "所在村"
    assert by_owner.row(0, named=True) == {
        "所在村": "乙村",
        "村集体(万元)": 20.0,
        "农户(万元)": 0.0,
        "未确权(万元)": 60.0,
        "合计(万元)": 80.0,
    }


def test_unsettled_and_troubled_assets(con):
    open_ = assets.unsettled(con, Scope.of(2017))
    assert open_["资产编号"].to_list() == ["ZC2"] and open_["问题"].to_list() == ["未确权、未移交"]
    assert open_["验收后天数"].to_list() == [305]
    assert assets.unsettled(con, Scope.of(2017, T1)).is_empty()
    assert assets.unsettled(con, Scope.of(2016)).is_empty()  # P4 passed 验收 only in 2017
    troubled = assets.troubled(con, Scope.of(2017))
    assert dict(zip(troubled["资产编号"], troubled["资产状态"], strict=True)) == {"ZC2": "闲置", "ZC3": "损毁"}


def test_collective_income_zero_and_weak_villages(con):
    frame = assets.collective_income(con, Scope.of(2017))
    got = {r["村"]: (r["村集体经济收入(万元)"], r["情况"]) for r in frame.iter_rows(named=True)}
    assert got == {"甲村": (0.55, "薄弱村"), "乙村": (6.0, "达标"), "丙村": (0.0, "未破零")}
    assert assets.collective_kpis(con, Scope.of(2017)) == {
        "collective_income_wan": 6.55,
        "zero_income_villages": 1,
        "weak_collective_villages": 2,
    }
    # The threshold is a setting: at 10万 乙村 is weak too.
    assert assets.collective_kpis(con, Scope.of(2017), threshold_wan=10)["weak_collective_villages"] == 3
    # The page shows the 薄弱村 apart from those at zero.
    assert assets.collective_counts(frame)["weak_only_villages"] == 1
    assert assets.collective_counts(assets.collective_income(con, Scope.of(2017), 10))["weak_only_villages"] == 2
    assert assets.collective_kpis(con, Scope.of(2017, T2))["collective_income_wan"] == 6.0
    assert assets.collective_kpis(con, Scope.of(2017, T2, V2))["zero_income_villages"] == 0
    # A year without any distribution is 未上报, not every village at zero.
    assert assets.collective_kpis(con, Scope.of(2016)) == dict.fromkeys(assets.collective_kpis(con, Scope.of(2016)), None)


def test_reconciliation_names_the_gaps(con):
    rec = assets.reconciliation(con, Scope.of(2017))
    rows = {r["资产编号"]: r for r in rec.iter_rows(named=True)}
    assert set(rows) == {"ZC1", "ZC3"}  # the assets with a 2017 distribution
    zc1 = rows["ZC1"]
    assert (zc1["应分(元)"], zc1["已分(元)"], zc1["应到户(元)"], zc1["到户(元)"], zc1["到户户数(户)"]) == (10000, 9000, 3500, 600, 2)
    assert zc1["说明"] == "未分配1,000元；到户少2,900元（方案到户3,500元，注明本资产的利益联结600元）"
    assert rows["ZC3"]["说明"] is None and rows["ZC3"]["资产"] == "乙村冷库" and rows["ZC3"]["项目编号"] == "P4"
    assert assets.reconciliation_gaps(con, Scope.of(2017))["资产编号"].to_list() == ["ZC1"]
    totals = assets.income_totals(con, Scope.of(2017))
    assert totals["income_yuan"] == 70000 and totals["collective_retained_yuan"] == 65500 and totals["distributed_yuan"] == 69000


def test_reconciliation_counts_only_the_linkages_citing_the_asset(con):
    """Two assets of one project reconcile apart, and a project's linkages that cite no asset (务工 …) never count."""
    plan = fixture_lifecycle.INCOME[1] | {"public_works_yuan": 0.0, "household_dividends_yuan": 1000.0, "collective_retained_yuan": 59000.0}
    store.commit_rows(con, "asset_income", fixture_lifecycle.frame("asset_income", [plan]), user="测试")
    links = [
        {"household_id": "H3", "project_id": "P4", "mechanism": "分红", "sub_type": None, "year": 2017, "income_yuan": 1000.0, "asset_id": "ZC3"},
        {"household_id": "H3", "project_id": "P4", "mechanism": "务工", "sub_type": None, "year": 2017, "income_yuan": 4000.0, "asset_id": None},
        {"household_id": "H2", "project_id": "P1", "mechanism": "土地流转", "sub_type": None, "year": 2017, "income_yuan": 300.0, "asset_id": None},
    ]  # fmt: skip
    store.commit_rows(con, "linkages", fixture_lifecycle.frame("linkages", links), user="测试")
    rows = {r["资产编号"]: r for r in assets.reconciliation(con, Scope.of(2017)).iter_rows(named=True)}
    assert (rows["ZC3"]["应到户(元)"], rows["ZC3"]["到户(元)"], rows["ZC3"]["到户户数(户)"], rows["ZC3"]["说明"]) == (1000, 1000, 1, None)
    assert rows["ZC1"]["到户(元)"] == 600  # H2's 土地流转 on P1 cites no asset


def test_dividends_paid_against_dividends_reaching_households(con):
    rec = assets.dividend_reconciliation(con, Scope.of(2017))
    assert rec.row(0, named=True)["说明"] == "到户少45,000元" and rec["分红到户(元)"].to_list() == [0.0]
