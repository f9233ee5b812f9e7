"""The 项目汇总表 workbook, read back with openpyxl: sheets, titles, headers, 合计, figures, filters,
formula injection and layout."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import polars as pl
import pytest

from fupin_core.catalog import INTEGRATED_FUNDS
from fupin_core.metrics import Scope, artichoke, entities, funds, fungus, indicators, linkage, pilots, pv
from fupin_core.metrics import overview as m
from fupin_core.reports import summary, tables
from fupin_core.reports.xlsx import display_width
from fupin_core.storage import store
from tests import tiny_data
from tests.reports.readback import blocks, load

TODAY = dt.date(2026, 11, 28)
YEJIACUN = "611002101"  # 夜村镇 in the sample; T2 of the tiny database is the same code


def _workbook(con, scope, sheet_names=None):
    return load(summary.workbook_bytes(con, scope, sheet_names, TODAY))


def _all_blocks(book) -> dict[str, list]:
    return {ws.title: blocks(ws) for ws in book.worksheets}


def test_sheets_titles_and_headers(sample_con):
    book = _workbook(sample_con, Scope.of(2017))
    assert book.sheetnames == ["总览", "光伏", "食用菌", "菊芋", "三变改革", "经营主体与投资", "利益联结", "资金"]
    read = _all_blocks(book)
    assert read["光伏"][0].title == "商州区2017年光伏扶贫项目汇总表"
    assert read["总览"][0].note.startswith("统计年度：2017年\u3000范围：商州区")
    filled = summary.collect(sample_con, Scope.of(2017), None, TODAY)
    for name, tables_of_sheet in filled.sheets:
        assert [b.title for b in read[name]] == [t.title for t in tables_of_sheet]
        for block, table in zip(read[name], tables_of_sheet, strict=True):
            assert block.header == table.frame.columns
            assert len(block.rows) == table.frame.height
    for name in tables.SHEET_NAMES[1:]:  # area sheets: every numeric header names its unit (or is a rate/year)
        frame = dict(filled.sheets)[name][0].frame
        for col, dtype in frame.schema.items():
            if dtype.is_numeric():
                assert "(" in col or col.endswith(("率", "年度")), (name, col)


def _check_totals(read: dict[str, list]) -> int:
    checked = 0
    specs = {s.name: s for s in tables.SHEETS}
    for name, read_blocks in read.items():
        for block, table in zip(read_blocks, specs[name].tables, strict=True):
            assert (block.total is not None) == bool(table.totals), (name, block.title)
            if block.total is None:
                continue
            assert block.total[0] == "合计"
            for col in table.totals:
                assert block.total_of(col) == pytest.approx(sum(v or 0 for v in block.column(col)), abs=1e-6), (name, col)
                checked += 1
            for rate in table.rates:
                den = block.total_of(rate.denominator)
                expected = block.total_of(rate.numerator) / den if den else None
                assert block.total_of(rate.column) == pytest.approx(expected, abs=1e-4), (name, rate.column)
    return checked


@pytest.mark.parametrize("con_name", ["tiny_con", "sample_con"])
def test_every_total_is_the_sum_of_its_column(con_name, request):
    con = request.getfixturevalue(con_name)
    assert _check_totals(_all_blocks(_workbook(con, Scope.of(2017)))) >= 30


def _check_against_metrics(con, scope: Scope, read: dict[str, list]) -> None:
    kpis = indicators.values(con, scope)
    households = kpis
    kpi_block, progress_block, township_block = read["总览"]
    shown = dict(zip(kpi_block.column("指标"), kpi_block.column("数值"), strict=True))
    assert shown["建档立卡户数"] == kpis["households_registered"]
    assert shown["带动增收人数"] == kpis["linked_people"]
    assert shown["光伏扶贫装机容量"] == indicators.rounded("pv_capacity_mw", kpis["pv_capacity_mw"])
    assert shown["统筹整合涉农资金下达"] == indicators.rounded("integrated_funds_allocated_wan", kpis["integrated_funds_allocated_wan"])
    if kpis["coverage_rate"] is not None:
        assert shown["产业覆盖率"] == pytest.approx(indicators.rounded("coverage_rate", kpis["coverage_rate"]) * 100)
    assert progress_block.column("完成") == [indicators.rounded(k, kpis[k]) for k in ("pv_capacity_mw", "fungus_bags_wan", "artichoke_mu")]
    breakdown = m.township_breakdown(con, scope)
    assert township_block.column("镇办") == breakdown["镇办"].to_list()
    assert township_block.column("未覆盖户数(户)") == breakdown["未覆盖户数"].to_list()

    pv = read["光伏"][0]
    assert pv.total_of("建成装机(千瓦)") / 1000 == pytest.approx(m.pv_capacity_mw(con, scope))
    assert (read["食用菌"][0].total_of("生产菌袋(万袋)") or None) == pytest.approx(m.fungus_bags_wan(con, scope))
    assert (read["菊芋"][0].total_of("种植面积(亩)") or None) == pytest.approx(m.artichoke_mu(con, scope))
    pilots = m.pilot_kpis(con, scope)
    assert len(read["三变改革"][0].rows) == pilots["pilot_villages"]
    assert (read["三变改革"][0].total_of("区级财政投入(万元)") or 0) == pytest.approx(pilots["pilot_funds_wan"])
    dividends = m.dividend_kpis(con, scope)
    entities = read["经营主体与投资"][0]
    assert entities.total_of("应付分红(元)") == pytest.approx(dividends["due_yuan"])
    assert entities.total_of("实付分红(元)") == pytest.approx(dividends["paid_yuan"])
    assert entities.total_of("分红兑现率") == pytest.approx(dividends["payout_rate"], abs=1e-3)
    links = read["利益联结"][0]
    assert links.total_of("带动增收户数(户)") == households["linked_households"]
    assert links.total_of("带动增收人数(人)") == households["linked_people"]
    assert links.total_of("有劳动能力户数(户)") == households["coverage_base_households"]
    assert links.total_of("未覆盖户数(户)") == households["uncovered_households"]
    funds = read["资金"][0]
    integrated = [r for r in funds.rows if r[funds.header.index("资金类别")] == INTEGRATED_FUNDS]
    fund_kpis = m.fund_kpis(con, scope)
    assert sum(r[funds.header.index("下达金额(万元)")] for r in integrated) == pytest.approx(fund_kpis["allocated_wan"])
    assert sum(r[funds.header.index("支出金额(万元)")] for r in integrated) == pytest.approx(fund_kpis["spent_wan"])


def _check_against_programme_metrics(con, scope: Scope, read: dict[str, list]) -> None:
    """Each area sheet lists its metrics function's rows, and its totals are the programme pages' figures."""
    cents = {"abs": 0.01}

    sheet, rows = read["光伏"][0], pv.stations(con, scope)
    assert sheet.column("项目编号") == rows["项目编号"].to_list()
    assert sheet.column("发电量(千瓦时)") == rows["发电量(千瓦时)"].to_list()
    s = pv.pv_summary(con, scope)
    assert sheet.total_of("发电收益(元)") == pytest.approx(s["revenue_yuan"], **cents)
    assert sheet.total_of("收益分配(元)") == pytest.approx(s["distributed_yuan"], **cents)

    sheet, rows = read["食用菌"][0], fungus.bags_by_base(con, scope)
    assert sheet.column("项目名称") == rows["基地名称"].to_list()
    s = fungus.fungus_summary(con, scope)
    assert (sheet.total_of("鲜菇产量(吨)"), sheet.total_of("销售收入(万元)")) == pytest.approx(
        (s["fresh_yield_t"], s["sales_wan"]), **cents
    )

    sheet, rows = read["菊芋"][0], artichoke.artichoke_projects(con, scope)
    assert sheet.column("项目编号") == rows["项目编号"].to_list()
    s = artichoke.artichoke_summary(con, scope)
    assert (sheet.total_of("产量(吨)"), sheet.total_of("收购金额(万元)")) == pytest.approx((s["yield_t"], s["purchase_wan"]), **cents)

    sheet, rows = read["三变改革"][0], pilots.pilot_villages(con, scope)
    assert sheet.column("村") == rows["村"].to_list()
    s = pilots.pilot_totals(con, scope)
    assert (sheet.total_of("折股量化资产(万元)") or 0) == pytest.approx(s["quantified_assets_wan"], **cents)
    assert (sheet.total_of("贫困户股东户数(户)") or 0) == s["poor_shareholder_households"]

    sheet, rows = read["经营主体与投资"][0], entities.entity_list(con, scope)
    assert sheet.column("统一社会信用代码") == rows["统一社会信用代码"].to_list()
    assert sheet.total_of("入股资金(万元)") == pytest.approx(entities.entity_summary(con, scope)["invested_wan"], **cents)

    sheet, rows = read["利益联结"][0], linkage.by_township(con, scope)
    assert sheet.column("镇办") == rows["镇办"].to_list()
    assert sheet.column("收益金额(万元)") == rows["收益金额(万元)"].to_list()
    assert sheet.total_of("收益金额(万元)") * 10_000 == pytest.approx(linkage.summary(con, scope)["linked_income_yuan"], abs=1)
    mechanisms = linkage.by_mechanism(con, scope)  # a household lives in one 镇办, so its 镇办 rows add up
    for mechanism, households in zip(mechanisms["联结方式"].to_list(), mechanisms["户数"].to_list(), strict=True):
        assert sheet.total_of(linkage.mechanism_column(mechanism)) == households, mechanism

    sheet, rows = read["资金"][0], funds.funds_by_project_source(con, scope)
    assert sheet.column("资金来源") == rows["资金来源"].to_list()
    s = funds.fund_summary(con, scope)
    assert (sheet.total_of("下达金额(万元)"), sheet.total_of("支出金额(万元)")) == pytest.approx(
        (s["allocated_wan"], s["spent_wan"]), **cents
    )
    by_source = funds.funds_by_source(con, scope)
    for source, allocated in zip(by_source["资金来源"].to_list(), by_source["下达金额(万元)"].to_list(), strict=True):
        lines = [r for r in sheet.rows if r[sheet.header.index("资金来源")] == source]
        assert sum(r[sheet.header.index("下达金额(万元)")] for r in lines) == pytest.approx(allocated), source


@pytest.mark.parametrize("con_name", ["tiny_con", "sample_con"])
@pytest.mark.parametrize("township", [None, YEJIACUN])
def test_figures_equal_the_metrics(con_name, township, request):
    con = request.getfixturevalue(con_name)
    scope = Scope.of(2017, township)
    read = _all_blocks(_workbook(con, scope))
    _check_against_metrics(con, scope, read)
    _check_against_programme_metrics(con, scope, read)


def test_known_answers_on_the_tiny_database(tiny_con):
    read = _all_blocks(_workbook(tiny_con, Scope.of(2017)))
    assert read["光伏"][0].column("项目编号") == ["P1", "P2"]  # P3 is built in 2018
    assert read["光伏"][0].total_of("建成装机(千瓦)") == 200  # P2 is still 在建
    assert read["食用菌"][0].total_of("生产菌袋(万袋)") == 30  # the annual row, not the quarters
    assert read["三变改革"][0].column("村") == ["乙村"]  # 甲村 starts in 2018
    assert read["经营主体与投资"][0].total_of("分红兑现率") == 0.75
    links = read["利益联结"][0]
    assert links.column("镇办") == ["城关街道", "夜村镇"]
    assert links.column("带动增收户数(户)") == [2, 0]
    assert links.column("分红(户)") == [1, 0] and links.column("公益岗位(户)") == [1, 0]
    assert links.column("有劳动能力户数(户)") == [2, 2] and links.column("其中产业覆盖户数(户)") == [2, 1]
    assert links.total_of("产业覆盖率") == pytest.approx(3 / 4, abs=1e-4)  # 3 of 4, not the mean of 100 % and 50 %
    assert read["资金"][0].column("资金来源") == ["区级财政", "中央财政", "苏陕协作资金"]  # P1, then P4's two
    assert read["资金"][0].column("资金类别") == ["统筹整合涉农资金", "统筹整合涉农资金", "其他资金"]
    assert read["资金"][0].total_of("下达金额(万元)") == 180.5  # 150.5 统筹整合 + 30 苏陕协作 in 2017
    assert read["总览"][0].title == "全区2017年产业扶贫主要指标"  # no district name set in the tiny database


def test_a_township_filter_limits_every_sheet(sample_con):
    scope = Scope.of(2017, YEJIACUN)
    read = _all_blocks(_workbook(sample_con, scope))
    whole = _all_blocks(_workbook(sample_con, Scope.of(2017)))
    for name, read_blocks in read.items():
        for block in read_blocks:
            assert block.title.startswith("商州区夜村镇2017年"), block.title
            if "镇办" in block.header:
                assert set(block.column("镇办")) == {"夜村镇"}, name
    for name in tables.SHEET_NAMES[1:]:
        assert 0 < len(read[name][0].rows) < len(whole[name][0].rows), name
    assert read["总览"][0].note.startswith("统计年度：2017年\u3000范围：商州区夜村镇")


MALICIOUS = {"P1": '=HYPERLINK("http://example.invalid/","点击")', "P2": "+1", "P4": "-1", "P5": "@SUM(A1:A9)"}


def test_formula_like_text_stays_text(tiny_con):
    projects = tiny_data.frame("projects").to_dicts()
    for row in projects:
        row["project_name"] = MALICIOUS.get(row["project_id"], row["project_name"])
    store.commit_rows(
        tiny_con, "projects", pl.DataFrame(projects, schema=tiny_data.frame("projects").schema), user="测试", file_name="恶意.xlsx"
    )
    data = summary.workbook_bytes(tiny_con, Scope.of(2017), None, TODAY)
    book = load(data)
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in MALICIOUS.values():
                    found[cell.value] = cell
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
    assert set(found) == set(MALICIOUS.values())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode("utf-8"), name  # not a single formula anywhere


def test_layout_formats_and_widths(sample_con):
    book = _workbook(sample_con, Scope.of(2017))
    pv = book["光伏"]
    assert pv.freeze_panes == "A4"  # title, note and header stay in view
    assert "A1:M1" in {str(r) for r in pv.merged_cells.ranges}
    header = [c.value for c in pv[3]]
    first = pv[4]
    assert first[header.index("装机容量(千瓦)")].number_format == "#,##0"
    assert first[header.index("发电收益(元)")].number_format == "#,##0.00"
    assert first[header.index("建设年度")].number_format == "0"  # a year, not 2,017
    funds = book["资金"]
    assert funds.cell(4, [c.value for c in funds[3]].index("支出率") + 1).number_format == "0.0%"
    names = [c.value for c in pv["D"][3:]]
    longest = max(display_width(n) for n in names if n)
    assert pv.column_dimensions["D"].width >= longest + 2 > 2 * 8  # CJK characters count double
    assert book["总览"].freeze_panes is None  # several tables on one sheet: nothing to freeze


def test_choosing_sheets(tiny_con):
    book = _workbook(tiny_con, Scope.of(2017), ("资金", "光伏"))
    assert book.sheetnames == ["光伏", "资金"]  # the workbook's order, not the order asked
    with pytest.raises(ValueError, match="没有名为“水电”的汇总表"):
        summary.workbook_bytes(tiny_con, Scope.of(2017), ("水电",), TODAY)
