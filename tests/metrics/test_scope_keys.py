"""The bound project and village lists of a scope (pushed down to PostgreSQL) are equivalent to the
join filters they stand beside: every function that uses them gives what it gives without them."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from fupin_core.metrics import Scope, assets, funds, indicators, overview, projects_lib, pv, scope_keys
from fupin_core.storage import store
from tests.metrics import fixture_lifecycle
from tests.tiny_data import T1, T2, V1, V2, V3

SCOPES = [Scope.of(2017), Scope.of(2017, T1), Scope.of(2017, T2), Scope(2017, (T1, T2)), Scope.of(2017, T2, V3), Scope.of(2018, T1, V1)]
CALLS = {
    "projects_lib.current_stages": projects_lib.current_stages,
    "overview.fungus_bags_wan": overview.fungus_bags_wan,
    "overview.artichoke_mu": overview.artichoke_mu,
    "overview.fund_kpis": overview.fund_kpis,
    "overview.fund_totals": overview.fund_totals,
    "funds.low_spending_projects": funds.low_spending_projects,
    "pv.pv_output_totals": pv.pv_output_totals,
    "assets.register": assets.register,
    "assets.unsettled": assets.unsettled,
    "assets.distributions": assets.distributions,
    "assets.reconciliation": assets.reconciliation,
    "assets.collective_income": assets.collective_income,
    "funds.project_counts": funds.project_counts,
    "pv.station_yields": pv.station_yields,
    "pv.pv_summary": pv.pv_summary,
    "indicators.values": indicators.values,
}
# An asset standing in 丙村 (T2) made by 甲村's project P1 (T1) and owned by 甲村's collective: the lists
# of the tables an asset query joins are the asset's project and owner, not the scope's own.
ELSEWHERE = {"asset_id": "ZC5", "asset_name": "丙村分布式光伏", "asset_type": "光伏电站", "project_id": "P1", "village_code": V3, "value_wan": 30.0,
             "owner_type": "村集体", "owner_village_code": V1, "owner_household_id": None, "transfer_date": dt.date(2017, 1, 10),
             "caretaker": "甲村村委会", "status": "正常"}  # fmt: skip


# A station placed in T1 that names 丙村 of T2 (a village moved by a 区划调整, or a report that named it so):
# the village a project query joins is the project's, not one of the scope's own villages.
ACROSS = {"project_id": "P6", "project_name": "城关跨村光伏电站", "industry": "光伏", "project_type": "村级电站", "township_code": T1,
          "village_code": V3, "operator_credit_code": None, "build_year": 2016, "build_status": "运营中", "scale": 100.0,
          "scale_unit": "千瓦", "total_investment_wan": 80.0}  # fmt: skip
# Output of the year before, the year itself and the year after: only the year's own periods count.
OUTPUT = [("P6", "2016-12", 9000.0), ("P6", "2017", 120000.0), ("P6", "2018", 130000.0), ("P1", "2018Q1", 70000.0), ("P1", "2016", 1000.0)]


@pytest.fixture
def con(tiny_con):
    fixture_lifecycle.add(tiny_con)
    store.commit_rows(tiny_con, "assets", fixture_lifecycle.frame("assets", [ELSEWHERE]), user="测试")
    income = fixture_lifecycle._income("ZC5", 2017, 2000.0, 0.0, 0.0, 0.0, 0.0, 2000.0, 2000.0)
    store.commit_rows(tiny_con, "asset_income", fixture_lifecycle.frame("asset_income", [income]), user="测试")
    store.commit_rows(tiny_con, "projects", fixture_lifecycle.frame("projects", [ACROSS]), user="测试")
    stage = {"project_id": "P6", "stage": "申报", "stage_date": dt.date(2016, 3, 1), "doc_number": "商扶发〔2016〕9号"}
    store.commit_rows(tiny_con, "project_stages", fixture_lifecycle.frame("project_stages", [stage]), user="测试")
    output = [{"project_id": p, "period": period, "generation_kwh": kwh, "revenue_yuan": kwh * 0.85, "distributed_yuan": kwh * 0.8}
              for p, period, kwh in OUTPUT]  # fmt: skip
    store.commit_rows(tiny_con, "pv_output", fixture_lifecycle.frame("pv_output", output), user="测试")
    return tiny_con


def _same(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, pl.DataFrame):
        return a.schema == b.schema and a.equals(b)
    return a == b


def test_the_lists_change_no_figure(con, monkeypatch):
    # The asset lists are bound on PostgreSQL only; here on both backends, so each is compared.
    monkeypatch.setattr(assets, "_refs", lambda con, scope: scope_keys.asset_refs(con, scope))
    got = {(name, scope): fn(con, scope) for name, fn in CALLS.items() for scope in SCOPES}
    assert assets.register(con, Scope.of(2017, T2, V3))["来源项目"].to_list()[-1] == "甲村村级光伏电站"  # the project from elsewhere
    across = projects_lib.current_stages(con, Scope.of(2017, T1)).filter(pl.col("项目编号") == "P6")
    assert across["村"].to_list() == ["丙村"]  # the village of another 镇办 the project names
    assert got[("pv.pv_output_totals", Scope.of(2017, T1))]["kwh"] == 170000.0  # P1 2017Q1 + P6 2017, no other year
    monkeypatch.setattr(scope_keys, "projects_in", lambda con, scope, column: ("", []))
    monkeypatch.setattr(scope_keys, "villages_in", lambda con, scope, column: ("", []))
    monkeypatch.setattr(scope_keys, "project_villages_in", lambda con, scope, column: ("", []))
    monkeypatch.setattr(scope_keys, "asset_refs", lambda con, scope: None)
    monkeypatch.setattr(pv, "period_year_in", lambda year: ("", []))
    for (name, scope), value in got.items():
        assert _same(value, CALLS[name](con, scope)), f"{name} {scope}"


def test_lists_of_a_scope(con):
    assert scope_keys.projects_in(con, Scope.of(2017), "f.project_id") == ("", [])
    cond, ids = scope_keys.projects_in(con, Scope.of(2017, T2), "f.project_id")
    assert ids == [r[0] for r in con.execute("SELECT project_id FROM projects WHERE township_code = ? ORDER BY 1", [T2]).fetchall()]
    assert cond == f" AND f.project_id IN ({', '.join('?' for _ in ids)})"
    assert scope_keys.villages_in(con, Scope.of(2017, T2), "a.village_code")[1] == sorted(
        r[0] for r in con.execute("SELECT village_code FROM villages WHERE township_code = ?", [T2]).fetchall()
    )
    # A scope with nothing in it matches nothing (an empty IN list is not valid SQL).
    assert scope_keys.projects_in(con, Scope.of(2017, "999999999"), "f.project_id") == (" AND FALSE", [])


def test_asset_lists_follow_the_assets(con):
    """Assets standing in the scope; their projects and owner villages wherever those are."""
    refs = scope_keys.asset_refs(con, Scope.of(2017, T2))
    assert refs.assets_in("d.asset_id") == (" AND d.asset_id IN (?, ?, ?, ?)", ["ZC2", "ZC3", "ZC4", "ZC5"])
    assert refs.projects_in("p.project_id")[1] == ["P1", "P3", "P4"]
    assert refs.owners_in("ov.village_code")[1] == [V1, V2, V3]
    assert scope_keys.asset_refs(con, Scope.of(2017)) is None
    assert scope_keys.asset_refs(con, Scope.of(2017, "999999999")).assets_in("d.asset_id") == (" AND FALSE", [])


def test_project_villages_are_the_villages_the_projects_name(con):
    assert scope_keys.project_villages_in(con, Scope.of(2017, T1), "v.village_code")[1] == [V1, V3]
    assert scope_keys.project_villages_in(con, Scope.of(2017), "v.village_code") == ("", [])


def test_read_once_within_shared(con):
    scope = Scope.of(2017, T2)
    with scope_keys.shared():
        first = scope_keys.projects_in(con, scope, "o.project_id")
        con.execute("DELETE FROM projects WHERE township_code = ?", [T2])
        assert scope_keys.projects_in(con, scope, "f.project_id")[1] == first[1]
    assert scope_keys.projects_in(con, scope, "f.project_id") == (" AND FALSE", [])
