"""菊芋 charts: our order and fields, and few rows shipped to the browser."""

from fupin_core.charts import artichoke as charts
from fupin_core.metrics import Scope, artichoke

Y = Scope.of(2017)


def _data(spec, layer: int = 0) -> list[dict]:
    """The rows a layer draws (its own data, else the chart's)."""
    return spec["datasets"][spec["layer"][layer].get("data", spec.get("data"))["name"]]


def test_area_target_chart(sample_con):
    spec = charts.area_target_chart(artichoke.area_by_type(sample_con, Y), 10000.0).to_dict()
    assert spec["layer"][0]["encoding"]["color"]["sort"] == ["订单种植", "种植基地"]
    assert sum(r["种植面积(亩)"] for r in _data(spec)) == artichoke.artichoke_summary(sample_con, Y)["area_mu"]
    assert spec["layer"][0]["encoding"]["x"]["axis"]["format"] == ",.0~f"


def test_village_area_chart_orders_by_code(sample_con):
    frame = artichoke.area_by_village(sample_con, Y)
    spec = charts.village_area_chart(frame).to_dict()
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    assert order == frame["地点"].to_list()
    assert order[0] == "夜村镇·全镇"  # 夜村镇 is the first 镇办 with 菊芋; its 镇办-wide project before its villages
    assert len(_data(spec)) == frame.height <= 5000
    assert spec["config"]["axis"]["labelAngle"] == 0


def test_linked_chart(sample_con):
    spec = charts.linked_chart(artichoke.linked_by_mechanism(sample_con, Y)).to_dict()
    # 分红: the 菊芋 cooperatives' dividends reach their shareholder households in the sample (issue 13).
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["订单收购", "分红", "土地流转"]
