"""The summary export for one year and place, in any format: what the CLI and the 导出 page call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from fupin_core.metrics.indicators import overview_kpis
from fupin_core.metrics.overview import townships
from fupin_core.reports import names, tables
from fupin_core.reports.csv import csv_bytes
from fupin_core.reports.tables import Filled
from fupin_core.scope import Scope
from fupin_core.storage import store

FORMATS = ("xlsx", "docx", "csv")
MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
}
KINDS = {"xlsx": names.SUMMARY, "docx": names.REPORT, "csv": names.KPIS}


@dataclass(frozen=True)
class Summary:
    scope: Scope
    place: str  # 商州区 / 商州区夜村镇: titles and file names
    area: str  # 全区 / 夜村镇: how the narrative names it
    kpis: dict
    sheets: list[tuple[str, list[Filled]]]
    sample: bool
    today: dt.date

    @property
    def note(self) -> str:
        text = f"统计年度：{self.scope.year}年　范围：{self.place}　导出日期：{self.today:%Y年%m月%d日}"
        return text + ("　（示例数据，非正式统计）" if self.sample else "")

    def tables_of(self, sheet: str) -> list[Filled]:
        return dict(self.sheets)[sheet]


def check_scope(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """A clear message for a 镇办 code that does not exist (rather than an empty export)."""
    known = set(townships(con)["镇办代码"].to_list())
    unknown = [code for code in scope.townships or () if code not in known]
    if unknown:
        raise ValueError(f"镇办代码 {'、'.join(unknown)} 不存在，请检查（应为9位统计用区划代码，如 611002101）")


def collect(
    con: duckdb.DuckDBPyConnection, scope: Scope, sheet_names: Sequence[str] | None = None, today: dt.date | None = None
) -> Summary:
    check_scope(con, scope)
    place = names.place(con, scope)
    chosen = tables.sheets(sheet_names)
    return Summary(
        scope=scope,
        place=place,
        area=names.area_word(con, scope),
        kpis=overview_kpis(con, scope),
        sheets=[(s.name, tables.fill_sheet(s, con, scope, place)) for s in chosen],
        sample=store.has_sample_data(con),
        today=today or dt.date.today(),
    )


def workbook_bytes(con, scope: Scope, sheet_names: Sequence[str] | None = None, today: dt.date | None = None) -> bytes:
    from fupin_core.reports import xlsx

    summary = collect(con, scope, sheet_names, today)
    return xlsx.write(summary.sheets, summary.note, title=f"{summary.place}{scope.year}年{names.SUMMARY}")


def report_bytes(con, scope: Scope, today: dt.date | None = None) -> bytes:
    from fupin_core.reports import docx  # python-docx and vl-convert: only when a report is asked for

    return docx.write(con, collect(con, scope, None, today))


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
