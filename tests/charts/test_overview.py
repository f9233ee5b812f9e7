"""Chart builders produce valid Vega-Lite with Chinese labels, our order and horizontal labels."""

from fupin_core.charts import overview as charts
from fupin_core.metrics import Scope
from fupin_core.metrics.indicators import programme_progress
from fupin_core.metrics.overview import township_breakdown

Y = Scope.of(2017)


def _rows(spec):
    return next(iter(spec["datasets"].values()))


def test_progress_chart(tiny_con):
    spec = charts.progress_chart(programme_progress(tiny_con, Y)).to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["sort"] == ["百兆瓦光伏", "千万袋食用菌", "万亩菊芋"]
    assert spec["config"]["axis"]["labelAngle"] == 0
    assert [r["完成百分比"] for r in _rows(spec)] == [1.0, 3.0, 0.0]


def test_township_charts_keep_code_order(sample_con):
    frame = township_breakdown(sample_con, Y)
    spec = charts.township_bar_chart(frame, "光伏装机兆瓦", "各镇办光伏装机容量", "兆瓦").to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"][:3] == ["城关街道", "大赵峪街道", "陈塬街道"]
    assert len(_rows(spec)) == 18
    spec = charts.linked_vs_gap_chart(frame).to_dict()
    rows = _rows(spec)
    assert len(rows) == 36 and {r["类别"] for r in rows} == {"带动增收户数", "未覆盖户数"}
    assert sum(r["户数"] for r in rows if r["类别"] == "带动增收户数") == 12600
