"""需要关注: each alert counts exactly the rows of its page's metric, for the district and one 镇办."""

import pytest

from fupin_core.metrics import Scope
from fupin_core.metrics.alerts import ALERT_KINDS, alerts
from fupin_core.metrics.overview import townships


@pytest.mark.parametrize("township", [None, "牧护关镇"])
def test_alert_counts_are_the_page_lists(sample_con, township):
    frame = townships(sample_con)
    code = frame.filter(frame["镇办"] == township)["镇办代码"].item() if township else None
    scope = Scope.of(2017, code)
    shown = alerts(sample_con, scope)
    assert shown["key"].to_list() == [k.key for k in ALERT_KINDS]
    for kind, count in zip(ALERT_KINDS, shown["数量"].to_list(), strict=True):
        assert count == kind.rows(sample_con, scope).height


def test_the_sample_has_something_to_flag_in_every_kind(sample_con):
    # The sample is built with overdue dividends, weak stations, low spending and poor households.
    assert all(n > 0 for n in alerts(sample_con, Scope.of(2017))["数量"].to_list())


def test_tiny_database_alerts(tiny_con):
    # tiny_data: H1 (3 people, 500 元) and H2 (4 people, 100 元) are linked but far below the line;
    # I1's 2017 dividend is 部分兑现 (15,000 元 owed); P1 is the only station of its type (no weak one);
    # every fund of 2017 is spent at ≥ 90 %.
    shown = dict(zip(*alerts(tiny_con, Scope.of(2017))[["key", "数量"]].get_columns(), strict=True))
    assert shown == {"below_line": 2, "weak_stations": 0, "overdue_dividends": 1, "low_spending": 0}
    # Narrowed to 城关街道 (T1): only H1 and H2 remain; the dividend belongs to 夜村镇's entity.
    shown = dict(zip(*alerts(tiny_con, Scope.of(2017, "611002001"))[["key", "数量"]].get_columns(), strict=True))
    assert shown == {"below_line": 2, "weak_stations": 0, "overdue_dividends": 0, "low_spending": 0}
