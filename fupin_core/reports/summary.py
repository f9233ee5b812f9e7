"""The summary export for one year and place, in any format: what the CLI and the 导出 page call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from fupin_core.metrics import indicators
from fupin_core.reports import names, tables
from fupin_core.reports.contents import check_scope, collect
from fupin_core.reports.csv import csv_bytes
from fupin_core.scope import Scope

FORMATS = ("xlsx", "docx", "csv")
MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
}
KINDS = {"xlsx": names.SUMMARY, "docx": names.REPORT, "csv": names.KPIS}


def workbook_bytes(con, scope: Scope, sheet_names: Sequence[str] | None = None, today: dt.date | None = None) -> bytes:
    from fupin_core.reports import xlsx

    summary = collect(con, scope, sheet_names, today)
    return xlsx.write(summary.sheets, summary.note, title=f"{summary.place}{scope.year}年{names.SUMMARY}")


def report_bytes(con, scope: Scope, today: dt.date | None = None) -> bytes:
    from fupin_core.reports import docx  # python-docx and vl-convert: only when a report is asked for

    return docx.write(con, collect(con, scope, None, today))


def sheet_tables(con, scope: Scope, sheet_name: str) -> list[tables.Filled]:
    """The tables of one sheet of the workbook, as `workbook_bytes` writes them (the 导出 page's
    preview of that sheet: a province's whole workbook takes seconds to fill, one sheet a fraction)."""
    check_scope(con, scope)
    (sheet,) = tables.sheets((sheet_name,))
    with indicators.shared_queries():  # as `collect` fills them: a sheet's tables share the registry's queries
        return tables.fill_sheet(sheet, con, scope, names.place(con, scope))


def kpi_csv_bytes(con, scope: Scope) -> bytes:
    check_scope(con, scope)
    return csv_bytes(tables.kpi_table(con, scope))


def export_bytes(con, scope: Scope, fmt: str, today: dt.date | None = None) -> bytes:
    if fmt == "xlsx":
        return workbook_bytes(con, scope, None, today)
    if fmt == "docx":
        return report_bytes(con, scope, today)
    if fmt == "csv":
        return kpi_csv_bytes(con, scope)
    raise ValueError(f"不支持的导出格式：{fmt}（可选：{'、'.join(FORMATS)}）")


def file_name(con, scope: Scope, fmt: str, today: dt.date | None = None) -> str:
    return names.file_name(names.place(con, scope), KINDS[fmt], scope.year, fmt, today)


def export_to_file(con, scope: Scope, fmt: str, out: str | Path | None = None, today: dt.date | None = None) -> Path:
    """Write the export to `out` (a file, or a directory for the Chinese default name) and return its path."""
    path = Path(out) if out else Path(".")
    if path.is_dir():
        path = path / file_name(con, scope, fmt, today)
    if not path.parent.is_dir():
        raise ValueError(f"目录 {path.parent} 不存在，请先创建或换一个 --out 路径")
    data = export_bytes(con, scope, fmt, today)
    path.write_bytes(data)
    return path
