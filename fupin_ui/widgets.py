"""Small display helpers: KPI cards and tables with Chinese number formats."""

from __future__ import annotations

import polars as pl
import streamlit as st

from fupin_core.formatting import KPI_LABELS, format_kpi, percent


def kpi_card(column, key: str, value, *, target=None, help: str | None = None) -> None:
    delta = None
    if target:
        delta = f"完成目标 {percent(value / target)}"
    column.metric(KPI_LABELS.get(key, key), format_kpi(key, value), delta=delta, delta_color="off", help=help)


def table(frame: pl.DataFrame, *, height: int | None = None, key: str | None = None) -> None:
    st.dataframe(frame, hide_index=True, width="stretch", height=height or "auto", key=key)


def csv_download(frame: pl.DataFrame, label: str, file_name: str, key: str) -> None:
    """CSV in UTF-8 with BOM so that Chinese Excel/WPS open it correctly."""
    data = "\ufeff" + frame.write_csv()
    st.download_button(label, data.encode("utf-8"), file_name=file_name, mime="text/csv", key=key)


def chart(altair_chart) -> None:
    """Our own theme (fupin_core.charts) instead of Streamlit's, which resizes the view."""
    st.altair_chart(altair_chart, width="stretch", theme=None)
