"""The report's text on the tiny database, whose answers are known (tests/tiny_data.py)."""

import datetime as dt

from fupin_core.metrics import Scope
from fupin_core.reports import narrative, summary
from tests.tiny_data import T2

DAY = dt.date(2026, 11, 28)


def _collect(con, scope):
    return summary.collect(con, scope, None, DAY)


def test_known_sentences(tiny_con):
    s = _collect(tiny_con, Scope.of(2017))
    assert narrative.title(s) == "全区2017年产业扶贫工作进展情况报告"
    assert narrative.overall(s).startswith("截至2017年底，全区共有建档立卡贫困户4户14人，累计脱贫2户7人，其中2017年脱贫1户4人")
    assert "全区光伏装机容量达0.2兆瓦，完成目标（20兆瓦）的1.0%；共有光伏扶贫电站2座，其中已建成并网1座、在建1座" in narrative.pv(s)
    assert "生产食用菌菌袋30万袋，完成目标（1,000万袋）的3.0%" in narrative.fungus(s)
    assert "种植菊芋120.5亩（尚未设定目标）" in narrative.artichoke(s)
    assert "按联结方式分，分红1户、公益岗位1户" in narrative.linkage(s)
    assert "统筹整合涉农资金下达150.5万元，支出140.5万元，支出率93.4%；另下达苏陕协作资金30万元。" in narrative.funds(s)
    assert "2017年应付分红6万元，实付4.5万元，分红兑现率75.0%" in narrative.entities(s)


def test_concerns_come_from_the_figures(tiny_con):
    concerns = narrative.concerns(_collect(tiny_con, Scope.of(2017)))
    assert concerns[0].startswith("产业覆盖尚有缺口：2户年初未脱贫户")
    assert any(c.startswith("分红兑现不到位：2017年尚有1.5万元分红未兑现") for c in concerns)
    assert not any(c.startswith("资金支出进度") for c in concerns)  # 93.4%, no project under 90%


def test_a_township_without_pilots_or_dividends_says_so(tiny_con):
    s = _collect(tiny_con, Scope.of(2017, T2))
    assert s.area == "夜村镇"
    assert narrative.pilots(s).startswith("截至2017年底，夜村镇共有“三变”改革试点村1个")
    assert narrative.pilots(_collect(tiny_con, Scope.of(2016))) == "截至2016年底，全区尚无“三变”改革试点村。"
    assert [key for key, _, _ in narrative.outline(s)] == ["overall", "programmes", "linkage", "pilots", "entities", "concerns"]
