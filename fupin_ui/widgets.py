"""Small display helpers: KPI cards and tables with Chinese number formats."""

from __future__ import annotations

import polars as pl
import streamlit as st

from fupin_core import access, privacy
from fupin_core.formatting import KPI_LABELS, format_kpi, percent
from fupin_core.metrics import Scope
from fupin_core.metrics import provenance as provenance_metrics
from fupin_core.reports.csv import csv_bytes
from fupin_core.reports.list_xlsx import list_xlsx_bytes
from fupin_ui import auth_ui, data


def kpi_card(column, key: str, value, *, target=None, help: str | None = None) -> None:
    delta = None
    if target:
        delta = f"完成目标 {percent(value / target)}"
    column.metric(KPI_LABELS.get(key, key), format_kpi(key, value), delta=delta, delta_color="off", help=help)


# What an empty cell shows, instead of Streamlit's English "None" (a rate with nothing to divide by,
# the 脱贫年度 of a household not yet out of poverty).
MISSING = "—"


def table(frame: pl.DataFrame, *, height: int | None = None, key: str | None = None) -> None:
    """A table; ID numbers masked unless the user's role may see them in full. Missing text shows as
    an empty cell (not "None") and dates as 2017-12-31 (not with a time of day)."""
    frame = access.present(auth_ui.actor(), frame).with_columns(pl.col(pl.String).fill_null(""))
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=height or "auto",
        key=key,
        column_config=column_formats(frame) or None,
        placeholder=MISSING,
    )


# Numbers that are names, not quantities: 2017, not 2,017.
PLAIN_NUMBER_COLUMNS = ("年", "行")
PLAIN_NUMBER_WORDS = ("年度", "年份", "批次", "编号", "代码")


def column_formats(frame: pl.DataFrame) -> dict:
    """Thousands separators for amounts and counts, plain years and ids, dates without a time of day."""
    formats = {}
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            formats[name] = st.column_config.DateColumn(name, format="YYYY-MM-DD")
        elif dtype.is_numeric():
            plain = name in PLAIN_NUMBER_COLUMNS or any(word in name for word in PLAIN_NUMBER_WORDS)
            formats[name] = st.column_config.NumberColumn(name, format=PLAIN_INTEGER if plain and dtype.is_integer() else "localized")
    return formats


# Streamlit 1.67's "plain" format draws 2015 as 2014.9999999999998 and 2017 as 2017.0000000000002;
# printf's %d draws integers exactly.
PLAIN_INTEGER = "%d"


def csv_payload(frame: pl.DataFrame, actor=None) -> bytes:
    """The bytes of a CSV download as the acting user (default: this session's) may have them."""
    return csv_bytes(access.present(actor or auth_ui.actor(), frame))


def xlsx_payload(frame: pl.DataFrame, actor=None) -> bytes:
    """The same list as an .xlsx (Excel/WPS), ID numbers masked as in the CSV, formulas neutralised."""
    return list_xlsx_bytes(access.present(actor or auth_ui.actor(), frame))


def _xlsx_label(label: str) -> str:
    return label.replace("CSV", "Excel") if "CSV" in label else f"{label}（Excel）"


def _list_downloads(rows, label: str, file_name: str, key: str, scope: Scope | None) -> None:
    """The CSV and the Excel button of one list; `rows()` gives the frame, only when clicked."""
    current = auth_ui.actor()
    xlsx_name = file_name.rsplit(".", 1)[0] + ".xlsx"
    csv_column, xlsx_column = st.columns(2)
    csv_column.download_button(
        label, auth_ui.audited(lambda: csv_payload(rows(), current), file_name, scope),
        file_name=file_name, mime="text/csv", key=key, on_click="ignore",
    )  # fmt: skip
    xlsx_column.download_button(
        _xlsx_label(label), auth_ui.audited(lambda: xlsx_payload(rows(), current), xlsx_name, scope),
        file_name=xlsx_name, mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore",
    )  # fmt: skip


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_download(frame: pl.DataFrame, label: str, file_name: str, key: str, scope: Scope | None = None) -> None:
    """The list as CSV (UTF-8 with BOM so that Chinese Excel/WPS open it correctly) and as .xlsx,
    formula-like cells neutralised; ID numbers masked unless the role may see them; each download is
    checked and written to the audit log."""
    # Built only when clicked: a province's 未覆盖户 list is a million rows, too many for every rerun.
    _list_downloads(lambda: frame, label, file_name, key, scope)


def csv_download_of(fn, args: tuple, label: str, file_name: str, key: str, scope: Scope | None = None) -> None:
    """Like csv_download, for a list too long to compute on every run: `fn(cursor, *args)` runs only
    when a button is clicked (e.g. a province's million 未覆盖户)."""

    def rows() -> pl.DataFrame:
        with data.cursor() as cur:
            return fn(cur, *args)

    _list_downloads(rows, label, file_name, key, scope)


def provenance(dataset_keys: tuple[str, ...], scope: Scope, *, key: str) -> None:
    """来源: the batches and uploaded files behind a table's rows, folded away under the table."""
    # File names may quote an ID number (611002198001010037_测试.csv): masked like every ID.
    frame = privacy.mask_text_columns(data.call(provenance_metrics.sources, tuple(dataset_keys), scope))
    with st.expander(f"来源（{frame.height}个批次）"):
        st.dataframe(frame, hide_index=True, width="stretch", key=key, placeholder=MISSING)
        st.caption("原始文件可在“上传记录”页下载；回滚某一批次后，表中数据即恢复到该批次之前。")


def chart(altair_chart) -> None:
    """Our own theme (fupin_core.charts) instead of Streamlit's, which resizes the view."""
    st.altair_chart(altair_chart, width="stretch", theme=None)
