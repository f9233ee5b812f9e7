"""三变改革 charts: village order by code, labels that tell same-named villages apart, 元/万元 values."""

import polars as pl

from fupin_core.charts import pilots as charts
from fupin_core.metrics import Scope
from fupin_core.metrics.pilots import linked_income_by_pilot, pilot_dividends_by_year, pilot_villages

Y = Scope.of(2017)


def _rows(spec):
    return next(iter(spec["datasets"].values()))


def test_shareholders_chart_keeps_code_order(sample_con):
    villages = pilot_villages(sample_con, Y)
    spec = charts.shareholders_chart(villages).to_dict()
    assert spec["encoding"]["y"]["sort"] == charts.village_labels(villages).to_list()
    assert spec["encoding"]["y"]["sort"][0] == "何家塬村"  # 夜村镇 is the first 镇办 code with a pilot
    assert spec["config"]["axis"]["labelAngle"] == 0
    rows = _rows(spec)
    assert len(rows) == 2 * villages.height
    assert sum(r["户数"] for r in rows) == villages["股东户数(户)"].sum()
    assert sum(r["户数"] for r in rows if r["类别"] == "贫困户股东") == villages["贫困户股东户数(户)"].sum()


def test_same_named_villages_get_their_township():
    frame = pl.DataFrame({"镇办": ["夜村镇", "麻街镇", "麻街镇"], "村": ["东村", "东村", "西村"]})
    assert charts.village_labels(frame).to_list() == ["夜村镇·东村", "麻街镇·东村", "麻街镇·西村"]
    assert charts.village_labels(frame[1:]).to_list() == ["东村", "西村"]


def test_income_and_dividend_charts(sample_con):
    income = linked_income_by_pilot(sample_con, Y)
    spec = charts.pilot_income_chart(income).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["试点村", "非试点村"]
    assert [r["人均收益"] for r in _rows(spec)] == income["人均收益(元)"].to_list()
    by_year = pilot_dividends_by_year(sample_con, Y)
    spec = charts.pilot_dividends_chart(by_year).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == [f"{y}年" for y in by_year["年度"]]
    assert [r["分红金额"] for r in _rows(spec)] == by_year["分红到户金额(万元)"].to_list()
    assert spec["layer"][0]["encoding"]["x"]["axis"]["format"] == ",~f"
