"""资金: funds by source and year, allocated against spent, the spending rate by 镇办 and by project,
and the projects spending below 90 %."""

import polars as pl
import streamlit as st

from fupin_core.charts import funds as charts
from fupin_core.formatting import markdown_literal, money_wan, percent
from fupin_core.metrics import funds as metrics
from fupin_ui import data, filters, widgets

ALL_SOURCES = "全部资金来源"


def _percent_column(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns((pl.col("支出率") * 100).round(1)).rename({"支出率": "支出率(%)"})


scope = filters.scope()
place = filters.place_name()
by_source = data.call(metrics.funds_by_source, scope)

st.title(f"{markdown_literal(place)}{scope.year}年项目资金")
st.caption(f"各来源资金的下达与支出；支出率 = 支出 ÷ 下达，低于{percent(metrics.LOW_SPENDING, 0)}的项目需要关注。")

sources = [None, *by_source["资金来源"].to_list()]
if st.session_state.get("funds_source") not in sources:  # a source the new year/镇办 does not have
    st.session_state["funds_source"] = None
source = st.selectbox("资金来源", sources, format_func=lambda s: s or ALL_SOURCES, key="funds_source")
summary = data.call(metrics.fund_summary, scope, source)
label = source or "全部资金"
cols = st.columns(4)
cols[0].metric(f"{label}下达", money_wan(summary["allocated_wan"]))
cols[1].metric(f"{label}支出", money_wan(summary["spent_wan"]))
cols[2].metric("支出率", percent(summary["spend_rate"]))
cols[3].metric(
    f"支出率低于{percent(metrics.LOW_SPENDING, 0)}的项目",
    f"{summary['low_spending_projects']:,}个",
    help=f"共{summary['projects']:,}个项目",
)

left, right = st.columns(2)
by_township = data.call(metrics.funds_by_township, scope, source)
with left:
    if by_source.height:
        widgets.chart(charts.funds_by_source_chart(by_source))
    widgets.chart(charts.funds_by_year_chart(data.call(metrics.funds_by_year, scope)))
with right:
    widgets.chart(charts.spend_rate_by_township_chart(by_township, metrics.LOW_SPENDING))

low = data.call(metrics.low_spending_projects, scope, metrics.LOW_SPENDING, source)
st.subheader(f"支出率低于{percent(metrics.LOW_SPENDING, 0)}的项目（{low.height:,}个）")
if low.height:
    st.warning(
        f"{low.height:,}个项目的{label}支出率低于{percent(metrics.LOW_SPENDING, 0)}，尚未支出{money_wan(low['未支出金额(万元)'].sum())}，按支出率从低到高排列。"
    )
    widgets.table(_percent_column(low), height=min(400, 38 + 35 * low.height), key="low_table")
    widgets.csv_download(
        _percent_column(low), "下载低支出项目清单（CSV）", f"{place}{scope.year}年资金支出率偏低项目.csv", key="low_csv", scope=scope
    )
else:
    st.success(f"所有项目的支出率均不低于{percent(metrics.LOW_SPENDING, 0)}。")
widgets.provenance(("funds", "projects"), scope, key="low_src")

st.subheader("各来源资金")
widgets.table(_percent_column(by_source), key="source_table")
widgets.provenance(("funds", "projects"), scope, key="source_src")

st.subheader(f"各镇办{label}")
widgets.table(_percent_column(by_township.drop("镇办代码")), height=min(420, 38 + 35 * by_township.height), key="township_table")
widgets.provenance(("funds", "projects", "townships"), scope, key="township_src")

projects = data.call(metrics.funds_by_project, scope, source)
st.subheader(f"各项目{label}（{projects.height:,}个）")
widgets.table(_percent_column(projects), height=420, key="project_table")
widgets.provenance(("funds", "projects"), scope, key="project_src")
widgets.csv_download(
    _percent_column(projects), "下载项目资金表（CSV）", f"{place}{scope.year}年项目资金.csv", key="project_csv", scope=scope
)
