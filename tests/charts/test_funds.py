"""资金 charts: sources in catalog order, townships by code, the 90 % line and its colours."""

from fupin_core.charts import funds as charts
from fupin_core.metrics import Scope
from fupin_core.metrics.funds import LOW_SPENDING, funds_by_source, funds_by_township, funds_by_year

Y = Scope.of(2017)


def _rows(spec):
    return next(iter(spec["datasets"].values()))


def test_funds_by_source_chart(sample_con):
    frame = funds_by_source(sample_con, Y)
    spec = charts.funds_by_source_chart(frame).to_dict()
    bars = spec["layer"][0]
    # Catalog order; 企业自筹 is the operator's own money, never 下达 (issue 12).
    assert bars["encoding"]["y"]["sort"] == ["中央财政", "省级财政", "市级财政", "区级财政", "苏陕协作资金", "社会帮扶资金"]
    rows = _rows(spec)
    assert sum(r["金额"] for r in rows if r["类别"] == "下达") == frame["下达金额(万元)"].sum()
    assert bars["encoding"]["x"]["axis"]["format"] == ",.0f"


def test_funds_by_year_chart_stacks_sources_in_catalog_order(tiny_con):
    spec = charts.funds_by_year_chart(funds_by_year(tiny_con, Y)).to_dict()
    assert spec["encoding"]["y"]["sort"] == ["2016年", "2017年"]
    assert spec["encoding"]["color"]["sort"] == ["中央财政", "区级财政", "苏陕协作资金"]
    assert [(r["年度"], r["资金来源"], r["下达金额"], r["来源序号"]) for r in _rows(spec)] == [
        ("2016年", "区级财政", 80, 1),
        ("2017年", "中央财政", 50.5, 0),
        ("2017年", "区级财政", 100, 1),
        ("2017年", "苏陕协作资金", 30, 2),
    ]


def test_spend_rate_chart_marks_townships_below_the_threshold(sample_con):
    frame = funds_by_township(sample_con, Y)
    spec = charts.spend_rate_by_township_chart(frame, LOW_SPENDING).to_dict()
    bars, _, rule = spec["layer"]
    assert bars["encoding"]["y"]["sort"][:3] == ["城关街道", "大赵峪街道", "陈塬街道"]
    rows = _rows(spec)
    assert len(rows) == 18
    below = {r["镇办"] for r in rows if r["对照"] == "低于90%"}
    assert below == set(frame.filter(frame["支出率"] < LOW_SPENDING)["镇办"].to_list()) and below
    assert [{"x": 90.0}] in spec["datasets"].values()  # the 90 % line
    assert rule["mark"]["strokeDash"] == [4, 3]


def test_spend_rate_chart_of_a_township_without_funds(tiny_con):
    frame = funds_by_township(tiny_con, Y, "其他资金")  # 城关街道 has no rate: left out, not drawn as 0
    spec = charts.spend_rate_by_township_chart(frame, LOW_SPENDING).to_dict()
    assert [r["镇办"] for r in _rows(spec)] == ["夜村镇"]
