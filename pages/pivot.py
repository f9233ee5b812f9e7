"""透视分析: the linkage data by rows × columns × measure chosen from pivot's whitelist; CSV download."""

import streamlit as st

from fupin_core.formatting import markdown_literal
from fupin_core.metrics.pivot import DIMENSIONS, MEASURES, pivot
from fupin_ui import data, filters, widgets

NO_COLUMNS = "（不分列）"
scope = filters.scope()
place = filters.place_name()
st.title(f"{markdown_literal(place)}{scope.year}年透视分析")
st.caption(
    "数据为本年度收益金额大于0的利益联结（贫困户按所在镇办、村统计）；选“年度”作为行或列时包括本年度及以前各年。"
    "户数、人数在每个格子中每户只计一次，所以合计不一定等于各格之和。"
)

left, middle, right = st.columns(3)
dimensions = list(DIMENSIONS)
rows = left.selectbox("行", dimensions, index=dimensions.index("镇办"), key="pivot_rows")
column_options = [NO_COLUMNS, *(d for d in dimensions if d != rows)]
default_column = column_options.index("联结方式") if "联结方式" in column_options else 0
columns = middle.selectbox("列", column_options, index=default_column, key=f"pivot_columns_{rows}")
measure = right.selectbox("统计指标", list(MEASURES), index=list(MEASURES).index("户数"), key="pivot_measure")

try:
    table = data.call(pivot, scope, rows, None if columns == NO_COLUMNS else columns, measure)
except ValueError as exc:
    st.warning(markdown_literal(exc))
    st.stop()

st.subheader(f"{measure}：{rows}" + ("" if columns == NO_COLUMNS else f" × {columns}"))
widgets.table(table, height=min(720, 40 + 35 * table.height), key="pivot_table")
name = f"{place}{scope.year}年利益联结透视_{rows}" + ("" if columns == NO_COLUMNS else f"×{columns}") + f"_{measure}.csv"
widgets.csv_download(table, "下载透视表（CSV）", name, key="pivot_csv", scope=scope)
widgets.provenance(("linkages", "households", "villages", "projects"), scope, key="pivot_src")
