"""经营主体与投资 charts: sources in catalog order, dividends in 万元, due beside paid."""

from fupin_core.catalog import FUND_SOURCES
from fupin_core.charts import entities as charts
from fupin_core.metrics import Scope
from fupin_core.metrics.entities import dividends_by_year, investments_by_source

Y = Scope.of(2017)


def _rows(spec):
    return next(iter(spec["datasets"].values()))


def test_investments_by_source_chart(sample_con):
    frame = investments_by_source(sample_con, Y)
    spec = charts.investments_by_source_chart(frame).to_dict()
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    assert order == [s for s in FUND_SOURCES if s in order] == frame["资金来源"].to_list()
    assert sum(r["投入金额"] for r in _rows(spec)) == frame["投入金额(万元)"].sum()
    assert spec["config"]["axis"]["labelAngle"] == 0


def test_dividends_by_year_chart_in_wan(tiny_con):
    spec = charts.dividends_by_year_chart(dividends_by_year(tiny_con, Y)).to_dict()
    rows = {(r["年度"], r["类别"]): r["金额"] for r in _rows(spec)}
    assert rows == {("2016年", "应付分红"): 3, ("2016年", "实付分红"): 3, ("2017年", "应付分红"): 6, ("2017年", "实付分红"): 4.5}
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["sort"] == ["2016年", "2017年"]
    assert bars["encoding"]["yOffset"]["sort"] == ["应付分红", "实付分红"]
    assert bars["encoding"]["x"]["title"] == "分红金额（万元）"
