"""需要关注: each alert counts exactly the rows of its page's metric, for the district and one 镇办."""

import pytest

from fupin_core.metrics import Scope, assets, entities, funds, linkage, projects_lib, pv
from fupin_core.metrics.alerts import ALERT_KINDS, alerts
from fupin_core.metrics.indicators import values
from fupin_core.metrics.overview import townships
from fupin_core.security import rounds
from tests.metrics import fixture_lifecycle

# The list each alert's page shows.
PAGE_LISTS = {
    "exited_below_poverty_line": linkage.exited_below_poverty_line,
    "weak_stations": pv.underperforming_stations,
    "overdue_dividends": entities.overdue_dividends,
    "low_spending_projects": funds.low_spending_projects,
    "overdue_townships": lambda con, scope: rounds.overdue_list(con, scope).unique("镇办代码"),
    "stuck_projects": projects_lib.stuck_projects,
    "unsettled_assets": assets.unsettled,
    "troubled_assets": assets.troubled,
    "distribution_gap_projects": assets.reconciliation_gaps,
}


@pytest.mark.parametrize("township", [None, "牧护关镇"])
def test_alert_counts_are_the_page_lists(sample_con, township):
    frame = townships(sample_con)
    code = frame.filter(frame["镇办"] == township)["镇办代码"].item() if township else None
    scope = Scope.of(2017, code)
    shown = alerts(values(sample_con, scope))
    assert shown["key"].to_list() == [k.key for k in ALERT_KINDS]
    for kind, count in zip(ALERT_KINDS, shown["数量"].to_list(), strict=True):
        assert count == PAGE_LISTS[kind.key](sample_con, scope).height


def test_the_sample_has_something_to_flag_in_every_kind(sample_con):
    # The sample is built with overdue dividends, weak stations, low spending and poor households; it
    # has no reporting round (上报任务), so nobody is overdue.
    shown = dict(zip(*alerts(values(sample_con, Scope.of(2017)))[["key", "数量"]].get_columns(), strict=True))
    assert shown.pop("overdue_townships") == 0
    assert all(n > 0 for n in shown.values())


def test_tiny_database_alerts(tiny_con):
    # tiny_data: H2 exited in 2017 with 2,500 元 per person (below 2,952: 脱贫不达标); H3 is as poor but
    # not exited (no alert); I1's 2017 dividend is 部分兑现 (15,000 元 owed); P1 is the only station of
    # its type (no weak one); every project's 2017 funds are spent at ≥ 90 %.
    shown = dict(zip(*alerts(values(tiny_con, Scope.of(2017)))[["key", "数量"]].get_columns(), strict=True))
    lifecycle = dict.fromkeys(("stuck_projects", "unsettled_assets", "troubled_assets", "distribution_gap_projects"))  # 未上报
    assert (
        shown
        == {"exited_below_poverty_line": 1, "weak_stations": 0, "overdue_dividends": 1, "low_spending_projects": 0, "overdue_townships": 0}
        | lifecycle
    )
    # Narrowed to 城关街道 (T1): H2 is there; the dividend belongs to 夜村镇's entity.
    shown = dict(zip(*alerts(values(tiny_con, Scope.of(2017, "611002001")))[["key", "数量"]].get_columns(), strict=True))
    assert (
        shown
        == {"exited_below_poverty_line": 1, "weak_stations": 0, "overdue_dividends": 0, "low_spending_projects": 0, "overdue_townships": 0}
        | lifecycle
    )
    # With the hand-made 项目库 and assets (tests/metrics/fixture_lifecycle.py): P4 and P5 stuck, ZC2
    # unsettled, ZC2 and ZC3 idle or damaged, P1's distribution short.
    fixture_lifecycle.add(tiny_con)
    shown = dict(zip(*alerts(values(tiny_con, Scope.of(2017)))[["key", "数量"]].get_columns(), strict=True))
    assert {k: shown[k] for k in lifecycle} == {
        "stuck_projects": 2,
        "unsettled_assets": 1,
        "troubled_assets": 2,
        "distribution_gap_projects": 1,
    }
    # 2016: no income reported → 未上报, not 0.
    assert alerts(values(tiny_con, Scope.of(2016)))["数量"][0] is None
