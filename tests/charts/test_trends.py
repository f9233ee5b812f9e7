"""年度对比 charts: Chinese axis titles with units, the chosen year marked, the target dashed, ranking
bars in rank order with the reference rule, few rows shipped to the browser."""

from fupin_core.charts import theme
from fupin_core.charts import trends as charts
from fupin_core.metrics import Scope, fungus, pv, trends

Y = Scope.of(2017)
MAX_ROWS = 5000


def _rows(spec) -> int:
    return sum(len(rows) for rows in spec["datasets"].values())


def _layer_data(spec, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def test_trend_charts_one_per_indicator_with_units_target_and_chosen_year(sample_con):
    frame = trends.trend(sample_con, Y, ("pv_capacity_mw", "coverage_rate"))
    capacity, coverage = charts.trend_charts(frame, 2017)
    spec = capacity.to_dict()
    line = spec["layer"][0]
    assert line["encoding"]["y"]["title"] == "光伏扶贫装机容量（兆瓦）"
    assert line["encoding"]["x"]["title"] == "年度"
    assert line["mark"]["color"] == theme.ACTUAL
    chosen = _layer_data(spec, spec["layer"][2])
    assert [r["年份"] for r in chosen] == ["2017年"] and chosen[0]["标注"].endswith("兆瓦")
    target = spec["layer"][3]
    assert target["mark"]["strokeDash"] and target["mark"]["color"] == theme.TARGET
    assert "虚线为目标" in spec["title"]["subtitle"]
    assert _rows(spec) <= MAX_ROWS
    rate = coverage.to_dict()
    assert rate["layer"][0]["encoding"]["y"]["title"] == "产业覆盖率（%）"
    assert max(r["数值"] for r in _layer_data(rate, rate["layer"][0])) == 100.0  # per cent on the axis
    assert len(rate["layer"]) == 3  # no target line


def test_ranking_chart_in_rank_order_with_reference(sample_con):
    (ranking,) = trends.rankings(sample_con, Y, ("pv_capacity_mw",))
    spec = charts.ranking_chart(ranking).to_dict()
    bars = spec["layer"][0]
    names = [r["名称"] for r in _layer_data(spec, bars)]
    assert len(names) == ranking.frame.height > 1
    assert bars["encoding"]["y"]["sort"] == names and names[0].startswith("1. ")
    assert bars["encoding"]["x"]["title"] == "光伏扶贫装机容量（兆瓦）"
    rule = spec["layer"][2]
    assert rule["mark"]["type"] == "rule" and rule["mark"]["color"] == theme.TARGET
    assert _layer_data(spec, rule)[0]["数值"] == ranking.reference
    assert "各镇办平均" in spec["title"]["subtitle"]


def test_period_chart_spans_the_years(sample_con):
    series = trends.period_series(pv.output_by_period(sample_con, Y), "发电量(万千瓦时)")
    spec = charts.period_chart(series, "发电量(万千瓦时)", "万千瓦时", "各报告期发电量（历年）").to_dict()
    rows = spec["datasets"][spec["data"]["name"]]
    assert len({r["开始"][:4] for r in rows}) > 1
    assert spec["encoding"]["y"]["title"] == "月均发电量（万千瓦时/月）"
    assert spec["encoding"]["x"]["title"] == "报告期"
    bags = trends.period_series(fungus.output_by_period(sample_con, Y), "生产菌袋(万袋)")
    assert (
        charts.period_chart(bags, "生产菌袋(万袋)", "万袋", "各报告期菌袋").to_dict()["encoding"]["y"]["title"] == "月均生产菌袋（万袋/月）"
    )
