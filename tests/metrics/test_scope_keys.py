"""The bound project and village lists of a scope (pushed down to PostgreSQL) are equivalent to the
join filters they stand beside: every function that uses them gives what it gives without them."""

from __future__ import annotations

import pytest

from fupin_core.metrics import Scope, assets, funds, indicators, overview, projects_lib, pv, scope_keys
from tests.metrics import fixture_lifecycle
from tests.tiny_data import T1, T2, V1, V3

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
    "indicators.values": indicators.values,
}


@pytest.fixture
def con(tiny_con):
    fixture_lifecycle.add(tiny_con)
    return tiny_con


def _same(a, b) -> bool:
    return a == b if isinstance(a, dict | float | type(None)) else a.schema == b.schema and a.equals(b)


def test_the_lists_change_no_figure(con, monkeypatch):
    got = {(name, scope): fn(con, scope) for name, fn in CALLS.items() for scope in SCOPES}
    monkeypatch.setattr(scope_keys, "projects_in", lambda con, scope, column: ("", []))
    monkeypatch.setattr(scope_keys, "villages_in", lambda con, scope, column: ("", []))
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


def test_read_once_within_shared(con):
    scope = Scope.of(2017, T2)
    with scope_keys.shared():
        first = scope_keys.projects_in(con, scope, "o.project_id")
        con.execute("DELETE FROM projects WHERE township_code = ?", [T2])
        assert scope_keys.projects_in(con, scope, "f.project_id")[1] == first[1]
    assert scope_keys.projects_in(con, scope, "f.project_id") == (" AND FALSE", [])
