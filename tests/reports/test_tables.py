"""The declarative sheet list: totals, rates, the 合计 row, and the KPI table."""

import polars as pl
import pytest

from fupin_core.metrics import Scope, indicators, pv
from fupin_core.reports import tables
from fupin_core.reports.tables import Rate, Table


def _frame(con, scope):
    return pl.DataFrame(
        {"镇办": ["甲", "乙"], "下达(万元)": [10.0, 30.0], "支出(万元)": [9.0, 15.0], "户数(户)": [3, 4], "支出率": [0.9, 0.5]}
    )


SPEC = Table("{place}{year}年测试表", _frame, ("下达(万元)", "支出(万元)", "户数(户)"), (Rate("支出率", "支出(万元)", "下达(万元)"),))


def test_fill_totals_and_rates(tiny_con):
    filled = tables.fill(SPEC, tiny_con, Scope.of(2017), "某区")
    assert filled.title == "某区2017年测试表"
    assert filled.total == {"下达(万元)": 40.0, "支出(万元)": 24.0, "户数(户)": 7, "支出率": 0.6}  # 24 ÷ 40, not 0.9 + 0.5
    assert isinstance(filled.total["户数(户)"], int)


def test_with_total_appends_the_total_row(tiny_con):
    shown = tables.with_total(tables.fill(SPEC, tiny_con, Scope.of(2017), "某区"))
    assert shown.height == 3
    assert shown.row(-1) == ("合计", 40.0, 24.0, 7, 0.6)
    no_totals = tables.fill(Table("t", _frame), tiny_con, Scope.of(2017), "某区")
    assert no_totals.total is None and tables.with_total(no_totals).height == 2


def _decimals(con, scope):
    # What a DuckDB DECIMAL (or a sum of integers, DECIMAL(38,0)) arrives as.
    return pl.DataFrame({"镇办": ["甲"], "投入(万元)": [1.5], "户数(户)": [3]}).with_columns(
        pl.col("投入(万元)").cast(pl.Decimal(18, 2)), pl.col("户数(户)").cast(pl.Decimal(38, 0))
    )


def test_decimals_become_floats_and_whole_sums_integers(tiny_con):
    filled = tables.fill(Table("t", _decimals, ("投入(万元)", "户数(户)")), tiny_con, Scope.of(2017), "全区")
    assert filled.frame.schema["投入(万元)"] == pl.Float64 and filled.frame.schema["户数(户)"] == pl.Int64
    assert filled.total == {"投入(万元)": 1.5, "户数(户)": 3}
    links = tables.fill(tables.sheets(["利益联结"])[0].tables[0], tiny_con, Scope.of(2017), "全区")
    assert links.frame.schema["带动增收人数(人)"] == pl.Int64


def test_a_view_picks_and_renames_a_metrics_frame(tiny_con):
    scope = Scope.of(2017)
    frame = tables.pv_projects(tiny_con, scope)
    stations = pv.stations_with_built(tiny_con, scope)
    assert frame.columns[:4] == ["镇办", "村", "项目编号", "项目名称"]
    assert frame["项目名称"].to_list() == stations["电站名称"].to_list()
    assert frame["建成装机(千瓦)"].to_list() == stations["建成装机(千瓦)"].to_list() == [200, 0]
    assert "运营主体" not in frame.columns
    assert "view(fupin_core.metrics.pv.stations_with_built)" in repr(tables.pv_projects)


def test_kpi_table_lists_every_indicator_as_reported(tiny_con):
    scope = Scope.of(2017)
    kpis = indicators.values(tiny_con, scope)
    frame = tables.kpi_table(tiny_con, scope)
    shown = dict(zip(frame["指标"].to_list(), zip(frame["数值"].to_list(), frame["单位"].to_list(), strict=True), strict=True))
    assert shown["建档立卡户数"] == (kpis["households_registered"], "户")
    assert shown["统筹整合涉农资金支出率"] == (93.4, "%")
    assert shown["光伏扶贫装机容量"] == (0.2, "兆瓦")
    assert shown["贫困发生率"] == (None, "%")  # 未上报
    assert frame.height == len(indicators.INDICATORS)
    # A village has no target: those rows are left out rather than shown empty.
    village = tables.kpi_table(tiny_con, Scope.of(2017, None, "611002101201"))
    assert "光伏装机目标" not in village["指标"].to_list()


def test_township_table_total_is_the_overall_coverage(tiny_con):
    scope = Scope.of(2017)
    kpis = indicators.values(tiny_con, scope)
    township_table = tables.OVERVIEW.tables[2]
    filled = tables.fill(township_table, tiny_con, scope, "全区")
    assert filled.total["产业覆盖率"] == kpis["coverage_rate"]
    assert filled.total["未覆盖户数(户)"] == kpis["uncovered_households"]
    assert tables.with_total(filled).row(-1, named=True)["产业覆盖率"] is not None


def test_sheet_list_and_selection():
    assert tables.SHEET_NAMES == (
        "总览",
        "光伏",
        "食用菌",
        "菊芋",
        "三变改革",
        "经营主体与投资",
        "利益联结",
        "资金",
        "资产台账",
        "历年情况",
    )
    assert [s.name for s in tables.sheets(["资金", "总览"])] == ["总览", "资金"]
    with pytest.raises(ValueError, match="可选：总览、光伏"):
        tables.sheets(["光伏", "水电"])
