"""光伏 charts: our order and fields, level labels, and few rows shipped to the browser."""

import polars as pl

from fupin_core.charts import pv as charts
from fupin_core.charts import theme
from fupin_core.formatting import smart_number
from fupin_core.metrics import Scope, pv

Y = Scope.of(2017)
MAX_ROWS = 5000


def _rows(spec) -> int:
    return sum(len(rows) for rows in spec["datasets"].values())


def _data(spec, layer: int = 0) -> list[dict]:
    """The rows a layer draws (its own data, else the chart's)."""
    return spec["datasets"][spec["layer"][layer].get("data", spec.get("data"))["name"]]


def _texts(spec) -> list[str]:
    return [r["text"] for layer in spec["layer"] if layer["mark"]["type"] == "text" for r in _data(spec, spec["layer"].index(layer))]


def test_capacity_target_chart(sample_con):
    frame = pv.capacity_by_type(sample_con, Y)
    spec = charts.capacity_target_chart(frame, 100.0).to_dict()
    bars = spec["layer"][0]["encoding"]
    assert bars["x"]["field"] == "建成装机(兆瓦)" and bars["x"]["title"] == "建成装机（兆瓦）"
    assert bars["color"]["sort"] == ["村级电站", "户用光伏", "集中式电站"]
    assert sum(r["建成装机(兆瓦)"] for r in _data(spec)) == frame["建成装机(兆瓦)"].sum()
    rule = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    assert spec["datasets"][rule["data"]["name"]][0]["x"] == 100.0
    assert _texts(spec) == ["目标100兆瓦"]
    capacity = frame["建成装机(兆瓦)"].sum()
    assert spec["title"]["subtitle"] == f"{smart_number(capacity, 3)}兆瓦，完成目标{capacity:.1f}%"  # 100 MW: MW and % coincide
    assert spec["config"]["axis"]["labelAngle"] == 0
    part = charts.capacity_target_chart(frame, 100.0, whole_district=False).to_dict()
    assert _texts(part) == ["全区目标100兆瓦"] and "占全区目标" in part["title"]["subtitle"]
    assert "未设定目标" in charts.capacity_target_chart(frame, None).to_dict()["title"]["subtitle"]


def test_township_capacity_chart_keeps_code_order(sample_con):
    frame = pv.capacity_by_township(sample_con, Y)
    spec = charts.township_capacity_chart(frame).to_dict()
    enc = spec["encoding"] if "encoding" in spec else spec["layer"][0]["encoding"]
    assert enc["y"]["sort"] == frame["镇办"].to_list()
    assert enc["y"]["sort"][:2] == ["城关街道", "大赵峪街道"]
    assert enc["x"]["axis"]["format"] == ",.2~f"
    assert len(spec["datasets"][spec["data"]["name"]]) == frame.height
    assert _rows(spec) <= MAX_ROWS


def test_township_capacity_bars_are_built_only_with_pending_noted(sample_con):
    """A 镇办 with 1.83 MW built and a planned 20 MW plant: its bar and label say 1.83, the 20 MW is a
    separate note in the pending colour, and the scale follows the built capacity, not the plan."""
    frame = pv.capacity_by_township(sample_con, Y)
    # A planned 20 MW plant in the first 镇办 (the sample's own is commercial, outside these tables).
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(20.0)).otherwise(pl.col("在建及计划装机(兆瓦)")).alias("在建及计划装机(兆瓦)")
    )
    spec = charts.township_capacity_chart(frame).to_dict()
    rows = spec["datasets"][spec["data"]["name"]]
    by_place = {r["镇办"]: r for r in rows}
    for town in frame.iter_rows(named=True):
        assert by_place[town["镇办"]]["已建成"] == town["建成装机(兆瓦)"]
    enc = spec["layer"][0]["encoding"]
    assert enc["x"]["field"] == "已建成"  # the bar's length and label: built capacity only
    marks = [layer["mark"] for layer in spec["layer"]]
    assert marks[0]["type"] == "bar" and marks[0]["color"] == theme.ACTUAL
    pending = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text" and layer["mark"].get("color") == theme.PENDING]
    assert len(pending) == 1 and pending[0]["encoding"]["text"]["field"] == "在建说明"
    planned = frame.filter(frame["在建及计划装机(兆瓦)"] > 0)
    assert planned.height, "the sample has a planned plant"
    for town in planned.iter_rows(named=True):
        assert by_place[town["镇办"]]["在建说明"] == f"在建及计划：{round(town['在建及计划装机(兆瓦)'], 2)}兆瓦"
    domain_top = enc["x"]["scale"]["domain"][1]
    assert domain_top < frame["在建及计划装机(兆瓦)"].max(), "the planned plant must not set the scale"
    assert "不计入条形" in spec["title"]["subtitle"][-1]


def test_period_charts_in_period_order(sample_con):
    frame = pv.output_by_period(sample_con, Y)
    spec = charts.generation_chart(frame).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["2016年1季度", "2016年2季度", "2016年3季度", "2016年4季度",
                                                          "2017年1季度", "2017年2季度", "2017年3季度", "2017年4季度"]  # fmt: skip
    spec = charts.revenue_chart(frame).to_dict()
    assert spec["encoding"]["yOffset"]["sort"] == ["发电收益(万元)", "收益分配(万元)"]
    assert len(spec["datasets"][spec["data"]["name"]]) == 2 * frame.height


def test_distribution_chart(sample_con):
    frame = pv.revenue_distribution(sample_con, Y)
    spec = charts.distribution_chart(frame).to_dict()
    # 生态护林员 and 公益性岗位 are paid from forestry and employment funds, not PV revenue (issue 12).
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["公益岗位·保洁员", "分红"]
    assert {t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]} >= {"户数", "户均(元)"}


def test_yield_chart_marks_underperformers(sample_con):
    frame = pv.station_yields(sample_con, Y)
    spec = charts.yield_chart(frame, list(pv.STATION_TYPES), pv.UNDERPERFORM_SHARE).to_dict()
    points = _data(spec)
    assert len(points) == frame.height
    assert sum(p["低效"] == "是" for p in points) == pv.underperforming_stations(sample_con, Y).height
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["村级电站"]  # only types with output are drawn
    assert _rows(spec) <= MAX_ROWS


def test_village_capacity_chart(sample_con):
    frame = pv.capacity_by_village(sample_con, Scope.of(2017, "611002101"))
    spec = charts.village_capacity_chart(frame).to_dict()
    enc = spec["layer"][0]["encoding"]
    assert enc["y"]["field"] == "村" and enc["y"]["sort"] == frame["村"].to_list() and enc["y"]["sort"][0] == "全镇"
    spec = charts.village_capacity_chart(pv.capacity_by_village(sample_con, Y)).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["field"] == "地点"  # several 镇办: villages named with theirs
    assert sum(len(rows) for rows in spec["datasets"].values()) <= MAX_ROWS
