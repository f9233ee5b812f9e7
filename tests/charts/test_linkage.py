"""利益联结 charts: valid Vega-Lite, categories in our order, horizontal labels, few rows."""

from fupin_core.catalog import INDUSTRIES, LINK_MECHANISMS
from fupin_core.charts import linkage as charts
from fupin_core.metrics import Scope
from fupin_core.metrics import linkage as m

Y = Scope.of(2017)


def _rows(spec):
    return next(iter(spec["datasets"].values()))


def _datasets(spec):
    return list(spec["datasets"].values())


def test_households_charts_keep_catalog_order(tiny_con):
    spec = charts.households_chart(m.by_mechanism(tiny_con, Y), "联结方式", "各联结方式带动增收户数").to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["sort"] == list(LINK_MECHANISMS)
    assert spec["config"]["axis"]["labelAngle"] == 0
    assert {r["联结方式"]: r["户数"] for r in _rows(spec)}["公益岗位"] == 1
    assert {r["联结方式"]: r["收益金额(万元)"] for r in _rows(spec)}["公益岗位"] == 0.05
    spec = charts.households_chart(m.by_programme(tiny_con, Y), "产业", "各产业带动增收户数").to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == list(INDUSTRIES)


def test_income_vs_line_chart_draws_the_poverty_line(sample_con):
    frame = m.income_by_township(sample_con, Y)
    spec = charts.income_vs_line_chart(frame).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"][:2] == ["城关街道", "大赵峪街道"]
    rule_rows = [rows for rows in _datasets(spec) if rows and "贫困线" in rows[0]]
    assert rule_rows == [[{"贫困线": 2952.0, "说明": "贫困线 2,952元"}]]
    bar_rows = [rows for rows in _datasets(spec) if rows and "镇办" in rows[0]][0]
    assert len(bar_rows) == 18
    assert sum(r["带动户数"] for r in bar_rows) == m.summary(sample_con, Y)["linked_households"]


def test_income_band_chart_orders_bands_from_low_to_high(sample_con):
    bands = m.income_bands(sample_con, Y)
    spec = charts.income_band_chart(bands).to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["sort"] == bands["人均联结收益"].to_list()
    assert bars["encoding"]["color"]["scale"]["domain"] == ["联结收益不及贫困线", "联结收益达到贫困线"]
    rows = _rows(spec)
    assert sum(r["户数"] for r in rows if r["类别"] == "联结收益不及贫困线") == bands.filter(bands["低于贫困线"])["户数"].sum()


def test_charts_ship_few_rows(sample_con):
    for chart in (
        charts.households_chart(m.by_mechanism(sample_con, Y), "联结方式", "t"),
        charts.income_vs_line_chart(m.income_by_township(sample_con, Y)),
        charts.income_band_chart(m.income_bands(sample_con, Y)),
    ):
        assert sum(len(rows) for rows in _datasets(chart.to_dict())) <= 5000
