"""总览 in the browser: the sample figures, the global filters 年度 and 镇办, the uncovered-households CSV."""

import codecs
import csv
import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from fupin_core.metrics import Scope
from fupin_core.metrics.overview import coverage_gap
from tests.browser import ui

# The seed article's published 2017 figures, which the sample database reproduces (DESIGN.md).
PUBLISHED_2017 = {
    "建档立卡户数": "28,530户",
    "建档立卡人数": "93,185人",
    "带动增收户数": "12,600户",
    "带动增收人数": "37,000人",
    "产业覆盖率": "100.0%",
    "统筹整合涉农资金下达": "19,840.00万元",
    "统筹整合涉农资金支出": "17,867.00万元",
    "统筹整合涉农资金支出率": "90.1%",
}


def _assert_cards(shown: dict[str, str], expected: dict[str, str]) -> None:
    assert len(shown) >= 16, shown
    assert set(shown) <= set(expected), set(shown) - set(expected)
    assert shown == {label: expected[label] for label in shown}


@pytest.mark.browser
def test_overview_shows_the_sample_figures(journey, sample_figures):
    page = journey.page
    journey.step("overview")

    shown = journey.metrics()
    assert PUBLISHED_2017.items() <= shown.items()
    _assert_cards(shown, sample_figures.cards(2017))
    assert "商州区2017年" in journey.title()
    expect(page.get_by_test_id("stSidebar")).to_contain_text("当前载入的是示例数据")

    assert ui.assert_charts_drawn(page, min_px=50) >= 3

    for selector in ("h1", "[data-testid='stMetricLabel']"):
        han, cjk_glyphs, fonts = ui.cjk_glyph_report(page, selector)
        assert han >= 4 and cjk_glyphs >= han, f"{selector} 的中文未用中文字体显示（豆腐块）：{fonts}"


@pytest.mark.browser
def test_year_and_township_filters_change_the_figures(journey, sample_figures):
    district_2017 = journey.metrics()

    journey.choose("年度", "2016年")
    expect(journey.page.locator("h1")).to_contain_text("商州区2016年")
    journey.step("year-2016")
    shown = journey.metrics()
    assert shown["建档立卡户数"] != district_2017["建档立卡户数"]
    _assert_cards(shown, sample_figures.cards(2016))

    journey.choose("镇办", "牧护关镇")
    expect(journey.page.locator("h1")).to_contain_text("牧护关镇")
    journey.step("township-muhuguan-2016")
    # One 镇办 = one category per chart: every chart must still get a plot area (0 px before fit-x).
    ui.assert_charts_drawn(journey.page)
    township = sample_figures.township_code("牧护关镇")
    in_township = journey.metrics()
    assert in_township["建档立卡户数"] != shown["建档立卡户数"]
    _assert_cards(in_township, sample_figures.cards(2016, township))
    assert journey.title().startswith("牧护关镇2016年")


@pytest.mark.browser
def test_uncovered_households_csv_download(journey, sample_figures):
    page = journey.page
    uncovered = sample_figures.kpis(2017)["uncovered_households"]
    expect(page.get_by_role("heading", name=f"产业未覆盖户（{uncovered:,}户）")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_test_id("stDownloadButton").filter(has_text="未覆盖户名单（CSV）").get_by_role("button").click()
    download = download_info.value
    raw = Path(download.path()).read_bytes()
    journey.step("csv-downloaded")

    assert download.suggested_filename == "商州区2017年产业未覆盖户.csv"
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["镇办", "村", "户编号"]
    assert header == coverage_gap(sample_figures.con, Scope.of(2017)).columns
    assert len(body) == uncovered
    assert len({row[2] for row in body}) == uncovered  # one row per household

    # The same list as Excel (issue 17): what staff open in Excel/WPS, same header and rows.
    with page.expect_download() as xlsx_info:
        page.get_by_test_id("stDownloadButton").filter(has_text="未覆盖户名单（Excel）").get_by_role("button").click()
    assert xlsx_info.value.suggested_filename == "商州区2017年产业未覆盖户.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(Path(xlsx_info.value.path()).read_bytes()), read_only=True).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert cells[0] == header and len(cells) - 1 == uncovered
