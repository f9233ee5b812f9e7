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
    assert narrative.overall(s).startswith(
        "截至2017年底，全区共有建档立卡贫困户4户14人，累计脱贫2户7人，其中2017年脱贫1户4人；尚未脱贫2户7人。"
    )
    assert "全区光伏扶贫装机容量达0.20兆瓦，完成目标（20.00兆瓦）的1.0%；已建成光伏扶贫电站1座（其中村级电站1座）。" in narrative.pv(s)
    assert "2017年发电5.00万千瓦时，发电收益4.25万元。" in narrative.pv(s)
    assert "生产食用菌菌袋30.0万袋，完成目标（1000.0万袋）的3.0%" in narrative.fungus(s)  # 公文: no thousands separators
    assert "种植菊芋120.5亩（尚未设定目标）" in narrative.artichoke(s)
    text = narrative.linkage(s)
    assert "有劳动能力的建档立卡户4户中，3户落实了产业帮扶措施，产业覆盖率75.0%，尚有1户未覆盖。" in text
    assert "通过产业带动建档立卡贫困户2户7人增收，联结收益0.06万元，户均300元。" in text
    assert "按联结方式分，分红1户、公益岗位1户" in text and "贫困劳动力5人，转移就业3人" in text
    text = narrative.funds(s)
    assert "统筹整合涉农资金下达150.50万元，支出140.50万元，支出率93.4%" in text
    assert "各类资金合计下达项目180.50万元" in text
    assert "2017年应付分红6.00万元，实付4.50万元，分红兑现率75.0%" in narrative.entities(s)


def test_missing_data_is_said_to_be_missing(tiny_con):
    s = _collect(tiny_con, Scope.of(2015))
    assert "2015年发电量和发电收益未上报" in narrative.pv(s)
    assert "食用菌生产情况未上报" in narrative.fungus(s)
    assert "0万千瓦时" not in narrative.pv(s)


def test_concerns_come_from_the_figures(tiny_con):
    concerns = narrative.concerns(_collect(tiny_con, Scope.of(2017)))
    assert concerns[0] == "产业覆盖尚有缺口：1户有劳动能力的建档立卡户2017年没有任何产业帮扶措施，需逐户落实。"
    assert concerns[1].startswith("脱贫质量需核实：1户已脱贫户2017年家庭人均纯收入低于贫困线（2952元）")
    assert any(c.startswith("分红兑现不到位：有1笔分红逾期未足额兑现或逾期才兑现，尚欠1.50万元") for c in concerns)
    assert not any(c.startswith("资金支出进度") for c in concerns)  # no project under 90 %


def test_a_township_without_pilots_or_dividends_says_so(tiny_con):
    s = _collect(tiny_con, Scope.of(2017, T2))
    assert s.area == "夜村镇"
    assert narrative.pilots(s).startswith("截至2017年底，夜村镇共有“三变”改革试点村1个")
    assert "（尚未设定目标）" in narrative.pv(s)  # the district's target is not 夜村镇's
    assert narrative.pilots(_collect(tiny_con, Scope.of(2016))) == "截至2016年底，全区尚无“三变”改革试点村。"
    assert [key for key, _, _ in narrative.outline(s)] == [
        "overall",
        "programmes",
        "linkage",
        "pilots",
        "entities",
        "lifecycle",
        "concerns",
        "appendix",
    ]
