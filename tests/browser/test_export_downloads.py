"""导出 in the browser: the xlsx and docx a user downloads for one 镇办 are the documents fupin_core
builds for the same filters (compared cell by cell and paragraph by paragraph)."""

import datetime as dt
import io

import docx
import openpyxl
import pytest

from fupin_core.metrics import Scope
from fupin_core.reports import summary
from tests.browser import ui


def _cells(data: bytes) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.text.strip()]


@pytest.mark.browser
def test_export_page_downloads_the_township_documents(journey, sample_figures):
    page = journey.page
    journey.choose("镇办", "牧护关镇")
    journey.go_to("导出")
    journey.step("export-muhuguan")
    scope = Scope.of(2017, sample_figures.township_code("牧护关镇"))
    today = dt.date.today()

    name, workbook = ui.download(page, "下载项目汇总表（Excel）")
    assert name == summary.file_name(sample_figures.con, scope, "xlsx", today)
    assert "牧护关镇" in name and "2017" in name
    shown = _cells(workbook)
    assert shown == _cells(summary.workbook_bytes(sample_figures.con, scope, None, today))
    assert all("牧护关镇" in str(rows[0][0]) for title, rows in shown.items() if rows and rows[0][0])

    name, report = ui.download(page, "下载进度报告（Word）")
    assert name == summary.file_name(sample_figures.con, scope, "docx", today)
    paragraphs = _paragraphs(report)
    assert paragraphs == _paragraphs(summary.report_bytes(sample_figures.con, scope, today))
    assert any("牧护关镇" in text for text in paragraphs[:3])
    journey.step("downloaded")
