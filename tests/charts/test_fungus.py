"""食用菌 charts: our order and fields, and few rows shipped to the browser."""

from fupin_core.charts import fungus as charts
from fupin_core.metrics import Scope, fungus

Y = Scope.of(2017)
MAX_ROWS = 5000


def _data(spec, layer: int = 0) -> list[dict]:
    """The rows a layer draws (its own data, else the chart's)."""
    return spec["datasets"][spec["layer"][layer].get("data", spec.get("data"))["name"]]


def test_bags_target_chart(sample_con):
    frame = fungus.bags_by_township(sample_con, Y)
    spec = charts.bags_target_chart(frame, 1000.0).to_dict()
    assert spec["layer"][0]["encoding"]["color"]["sort"] == ["生产基地", "菌袋发放"]
    assert sum(r["生产菌袋(万袋)"] for r in _data(spec)) == fungus.fungus_summary(sample_con, Y)["bags_wan"]
    assert spec["config"]["axis"]["labelAngle"] == 0


def test_township_and_base_charts(sample_con):
    frame = fungus.bags_by_township(sample_con, Y)
    spec = charts.township_bags_chart(frame).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"][:3] == ["城关街道", "大赵峪街道", "陈塬街道"]
    assert sum(len(rows) for rows in spec["datasets"].values()) <= MAX_ROWS
    bases = fungus.bags_by_base(sample_con, Scope.of(2017, "611002111"))
    spec = charts.base_bags_chart(bases, list(fungus.PROJECT_KINDS)).to_dict()
    enc = spec["layer"][0]["encoding"]
    assert enc["color"]["sort"] == ["生产基地", "菌袋发放"]
    assert len(enc["y"]["sort"]) == bases.height  # one bar per base, names made unique


def test_base_chart_tells_same_named_bases_apart(sample_con):
    bases = fungus.bags_by_base(sample_con, Y)
    spec = charts.base_bags_chart(bases, list(fungus.PROJECT_KINDS)).to_dict()
    assert len(spec["layer"][0]["encoding"]["y"]["sort"]) == bases.height


def test_period_and_linked_charts(sample_con):
    spec = charts.period_bags_chart(fungus.output_by_period(sample_con, Y)).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"][-1] == "2017年4季度"
    spec = charts.linked_chart(fungus.linked_by_mechanism(sample_con, Y)).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"][:3] == ["菌袋发放", "务工", "分红"]
    assert spec["layer"][0]["encoding"]["x"]["title"] == "户数（户）"
