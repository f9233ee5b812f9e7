"""年度对比 on the hand-made tiny data (2014–2018, see tests/tiny_data.py): trends are the registry's
values year by year, changes have the indicator's sense, rankings share ranks on ties, a 镇办 ranks
its villages."""

import polars as pl
import pytest

from fupin_core.metrics import Scope, fungus, indicators, trends
from tests.tiny_data import T1, T2, V2, V3

Y = Scope.of(2017)


@pytest.mark.parametrize("scope", [Y, Scope.of(2017, T2), Scope.of(2017, T2, V2), Scope.of(2018, T1)])
def test_each_trend_point_equals_the_single_year_indicator(tiny_con, scope):
    keys = tuple(k for keys in trends.PROGRAMME_KEYS.values() for k in keys)
    frame = trends.trend(tiny_con, scope, tuple(dict.fromkeys(keys)))
    assert not frame.is_empty()
    assert frame["年度"].max() == scope.year
    for year in sorted(set(frame["年度"].to_list())):
        card = indicators.values(tiny_con, Scope(year, scope.townships, scope.village))
        for row in frame.filter(pl.col("年度") == year).iter_rows(named=True):
            expected = card[row["key"]]
            assert row["数值"] == (None if expected is None else pytest.approx(float(expected))), (year, row["key"])
            target = card.get(trends.TARGET_OF.get(row["key"], ""))
            assert row["目标"] == (None if target is None else pytest.approx(float(target)))


def test_a_subset_of_keys_equals_the_full_registry(tiny_con):
    full = indicators.values(tiny_con, Y)
    for ind in indicators.INDICATORS:
        assert indicators.values(tiny_con, Y, keys=[ind.key]) == {"year": 2017, ind.key: full[ind.key]}
    with pytest.raises(KeyError):
        indicators.values(tiny_con, Y, keys=["no_such_indicator"])


def test_trend_starts_at_the_first_year_with_data(tiny_con):
    # P1 (200 kW) is built in 2016: 2014 and 2015 have 0 MW and are left out; the target is 2017's 20 MW.
    frame = trends.trend(tiny_con, Y, ("pv_capacity_mw",))
    assert frame["年度"].to_list() == [2016, 2017]
    assert frame["数值"].to_list() == [0.2, 0.2]
    assert frame["目标"][-1] == 20
    # Households are registered from 2014 (H1).
    assert trends.trend(tiny_con, Y, ("households_registered",))["数值"].to_list() == [1, 2, 3, 4]
    # A year before any data: only that year, 未上报 where nothing is reported.
    early = trends.trend(tiny_con, Scope.of(2013), ("artichoke_mu",))
    assert early["年度"].to_list() == [2013] and early["数值"].to_list() == [None]


def test_year_on_year_changes_have_the_indicators_sense(tiny_con):
    now, before = indicators.values(tiny_con, Y), indicators.values(tiny_con, Scope.of(2016))
    area = trends.change("artichoke_mu", now, before)  # 80 → 120.5 亩
    assert (area.delta, area.shown(), area.sense, area.text()) == (40.5, "+40.5亩", "好转", "增加40.5亩")
    # 2016: only 夜村镇 reported linkages, H3 covered (base 1); 2017: base 4, H4 uncovered.
    uncovered = trends.change("uncovered_households", now, before)
    assert (uncovered.delta, uncovered.shown(), uncovered.sense) == (1, "+1户", "变差")
    rate = trends.change("coverage_rate", now, before)  # 100% → 75%
    assert (rate.shown(), rate.sense, rate.text()) == ("-25.0个百分点", "变差", "下降25.0个百分点")
    remaining = trends.change("households_remaining", now, before)  # H2, H3 → H3, H4
    assert (remaining.delta, remaining.shown(), remaining.sense, remaining.text()) == (0, "持平", "持平", "与上年持平")
    registered = trends.change("households_registered", now, before)  # a size: neither good nor bad
    assert (registered.shown(), registered.sense) == ("+1户", None)
    # Nothing to compare with: no change shown (not +120.5).
    first = trends.change("artichoke_mu", before, indicators.values(tiny_con, Scope.of(2015)))
    assert first.delta is None and first.shown() is None and first.sense is None
    assert trends.change("pv_capacity_mw", now, None).shown() is None


def test_delta_colours_follow_the_direction():
    assert trends.delta_color("linked_households") == "normal"
    assert trends.delta_color("uncovered_households") == "inverse"
    assert trends.delta_color("poverty_incidence") == "inverse"
    assert trends.delta_color("households_registered") == "off"
    assert indicators.indicator("uncovered_households").better == indicators.DOWN


def _ranking(con, scope, key):
    (ranking,) = trends.rankings(con, scope, (key,))
    return ranking


def test_townships_ranked_with_ties(tiny_con):
    # 2017: 城关街道 H1, H2 and 夜村镇 H3, H4 — two households each: both first.
    tie = _ranking(tiny_con, Y, "households_registered")
    assert tie.level == "镇办"
    assert tie.frame.select("名称", "数值", "名次").rows() == [("城关街道", 2, 1), ("夜村镇", 2, 1)]
    assert (tie.reference, tie.reference_label) == (2, "各镇办平均")
    # Fewer uncovered households ranks first: 城关街道 0, 夜村镇 1 (H4).
    uncovered = _ranking(tiny_con, Y, "uncovered_households")
    assert uncovered.frame.select("名称", "数值", "名次").rows() == [("城关街道", 0, 1), ("夜村镇", 1, 2)]
    # A rate's reference is the district's own rate (not the mean of the 镇办's rates).
    rate = _ranking(tiny_con, Y, "coverage_rate")
    assert (rate.reference, rate.reference_label) == (0.75, "全区")
    assert rate.frame.select("名称", "数值", "名次").rows() == [("城关街道", 1.0, 1), ("夜村镇", 0.5, 2)]


def test_ties_and_missing_values_in_ranked():
    frame = pl.DataFrame({"代码": ["a", "b", "c", "d", "e"], "名称": list("甲乙丙丁戊"), "数值": [3.0, 5.0, None, 5.0, 1.0]})
    up = trends.ranked(frame, "linked_households")
    assert up.select("代码", "名次").rows() == [("b", 1), ("d", 1), ("a", 3), ("e", 4), ("c", None)]
    down = trends.ranked(frame, "uncovered_households")
    assert down.select("代码", "名次").rows() == [("e", 1), ("a", 2), ("b", 3), ("d", 3), ("c", None)]
    # Equal as shown (two decimals of 兆瓦) is a tie.
    close = pl.DataFrame({"代码": ["a", "b"], "名称": ["甲", "乙"], "数值": [1.2341, 1.2339]})
    assert trends.ranked(close, "pv_capacity_mw")["名次"].to_list() == [1, 1]


def test_a_township_ranks_its_villages_each_equal_to_its_card(tiny_con):
    scope = Scope.of(2018, T2)
    ranking = _ranking(tiny_con, scope, "households_registered")
    assert ranking.level == "村"
    assert ranking.frame.select("代码", "数值", "名次").rows() == [(V2, 2, 1), (V3, 1, 2)]  # H5 (丙村) from 2018
    for code, value in ranking.frame.select("代码", "数值").iter_rows():
        assert value == indicators.values(tiny_con, Scope.of(2018, T2, code))["households_registered"]
    # A target applies to the district and 镇办 only: not ranked among villages.
    assert [r.key for r in trends.rankings(tiny_con, scope, ("pv_capacity_mw", "pv_progress"))] == ["pv_capacity_mw"]


def test_too_many_places_are_not_ranked(tiny_con, monkeypatch):
    monkeypatch.setattr(trends, "MAX_RANKED", 1)
    ranking = _ranking(tiny_con, Y, "households_registered")
    assert ranking.too_many == 2 and ranking.frame.is_empty()


def test_scorecard_of_a_township(tiny_con):
    card = trends.scorecard(tiny_con, Scope.of(2017, T2), Y, ("households_registered", "uncovered_households", "coverage_rate"))
    assert card.rows() == [
        ("建档立卡户数", 2.0, "户", "1/2", 1.0, "+1户", "—"),
        ("产业未覆盖户数", 1.0, "户", "2/2", 0.0, "+1户", "变差"),
        ("产业覆盖率", 50.0, "%", "2/2", 100.0, "-50.0个百分点", "变差"),
    ]


def test_history_table_has_a_column_per_year(tiny_con):
    table = trends.history_table(tiny_con, Y, ("households_registered", "coverage_rate"))
    assert table.columns == ["指标", "单位", "2014年", "2015年", "2016年", "2017年"]
    assert table.row(0) == ("建档立卡户数", "户", 1.0, 2.0, 3.0, 4.0)
    assert table.row(1) == ("产业覆盖率", "%", None, None, 100.0, 75.0)


def test_periods_of_several_years_as_one_series(tiny_con):
    # 食用菌: 2016-05 (a month, 7万袋) and 2017 (the year, 30万袋; its quarters are not counted again).
    series = trends.period_series(fungus.output_by_period(tiny_con, Y), "生产菌袋(万袋)")
    assert series.select("报告期代码", "月数", "月均").rows() == [("2016-05", 1, 7.0), ("2017", 12, 2.5)]
    assert [d.isoformat() for d in series["开始"].to_list()] == ["2016-05-01", "2017-01-01"]


def test_a_user_limited_to_some_townships_compares_those(tiny_con):
    # A user of 城关街道 and 夜村镇 (not the whole district): the rate's reference is their own area.
    ranking = _ranking(tiny_con, Scope(2017, (T1, T2)), "coverage_rate")
    assert ranking.level == "镇办" and ranking.frame["名称"].to_list() == ["城关街道", "夜村镇"]
    assert (ranking.reference, ranking.reference_label) == (0.75, "所选镇办合计")
    assert trends.places(tiny_con, Scope(2017, (T2,)))[0] == "村"
