"""导出: the 项目汇总表 (Excel), the 进度报告 (Word) and a CSV of every table, for the sidebar's 年度 and 镇办."""

import datetime as dt

import streamlit as st

from fupin_core.formatting import markdown_literal
from fupin_core.reports import names, narrative, summary, tables
from fupin_core.reports.csv import csv_bytes
from fupin_core.security import rounds
from fupin_ui import auth_ui, data, filters, widgets

scope = filters.scope()
today = dt.date.today()
st.title("导出")
# Reports go to the city and the province: approved data only unless chosen otherwise (上报任务).
BASIS_LABELS = {rounds.FIGURES_APPROVED: "仅已审核的数据（报市、省用）", rounds.FIGURES_SUBMITTED: "含已上报未审核的数据"}
basis = st.radio("导出数据", list(BASIS_LABELS), format_func=BASIS_LABELS.get, key="export_basis", horizontal=True)
place = data.call_on(basis, names.place, scope)
st.caption(
    f"年度和镇办在左侧选择。当前：{scope.year}年，{markdown_literal(place)}。导出的表格和报告只含所选范围的数据。"
    + rounds.FIGURES_NOTES[basis].replace("本页数字", "导出的数字")
)

chosen = st.multiselect(
    "汇总表（Excel）包含",
    tables.SHEET_NAMES,
    default=list(tables.SHEET_NAMES),
    key="export_sheets",
    placeholder="选择要包含的表",
    select_all=False,
)
sheet_names = tuple(n for n in tables.SHEET_NAMES if n in chosen)


def _workbook() -> bytes:
    return data.call_on(basis, summary.workbook_bytes, scope, sheet_names, today)


def _report() -> bytes:
    return data.call_on(basis, summary.report_bytes, scope, today)


left, middle, right = st.columns(3)
xlsx_name, docx_name, csv_name = (data.call_on(basis, summary.file_name, scope, fmt, today) for fmt in ("xlsx", "docx", "csv"))
left.download_button(
    "下载项目汇总表（Excel）",
    auth_ui.audited(_workbook, xlsx_name, scope),  # checked and audited when actually downloaded
    file_name=xlsx_name,
    mime=summary.MIME["xlsx"],
    key="download_xlsx",
    type="primary",
    disabled=not sheet_names,
    on_click="ignore",
)
middle.download_button(
    "下载进度报告（Word）",
    auth_ui.audited(_report, docx_name, scope),
    file_name=docx_name,
    mime=summary.MIME["docx"],
    key="download_docx",
    on_click="ignore",
)
right.download_button(
    "下载主要指标（CSV）",
    auth_ui.audited(lambda: data.call_on(basis, summary.kpi_csv_bytes, scope), csv_name, scope),
    file_name=csv_name,
    mime=summary.MIME["csv"],
    key="download_csv",
    on_click="ignore",
)
if not sheet_names:
    st.warning("请至少选择一张表。")

st.subheader("预览")
# Built only when chosen: a province's whole report takes seconds, and the downloads do not need it.
REPORT_TEXT = "进度报告正文"
preview = st.radio("预览", [REPORT_TEXT, *sheet_names], index=None, horizontal=True, key="export_preview", label_visibility="collapsed")
if preview is None:
    st.caption("选择上面一项，即在此预览进度报告正文或汇总表中的一张表；下载不需要先预览。")
elif preview == REPORT_TEXT:
    for _key, heading, paragraphs in narrative.outline(data.call_on(basis, summary.collect, scope, None, today)):
        st.markdown(f"**{markdown_literal(heading)}**")
        for text in paragraphs:
            st.markdown(markdown_literal(text))
else:
    for i, filled in enumerate(data.call_on(basis, summary.sheet_tables, scope, preview)):
        frame = tables.with_total(filled)
        st.markdown(f"**{markdown_literal(filled.title)}**（{filled.frame.height:,}行）")
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            height=min(420, 38 + 35 * frame.height),
            placeholder=widgets.MISSING,
            column_config={
                c: st.column_config.NumberColumn(
                    format="percent" if "率" in c else widgets.PLAIN_INTEGER if c.endswith("年度") and t.is_integer() else "localized"
                )
                for c, t in frame.schema.items()
                if t.is_numeric()
            },
        )
        table_name = names.safe_file_name(f"{filled.title}_{today:%Y%m%d}.csv")
        st.download_button(
            "下载此表（CSV）",
            auth_ui.audited(lambda frame=frame: csv_bytes(frame), table_name, scope),  # built when clicked
            file_name=table_name,
            mime=summary.MIME["csv"],
            key=f"csv_{preview}_{i}",
            on_click="ignore",
        )
