"""经营主体与投资: cooperatives and enterprises with their projects, the funds invested in them, the
dividends due against paid, and the overdue dividends."""

import polars as pl
import streamlit as st

from fupin_core.catalog import ENTITY_TYPES
from fupin_core.charts import entities as charts
from fupin_core.formatting import markdown_literal, money_wan, money_yuan, percent
from fupin_core.metrics import entities as metrics
from fupin_ui import data, filters, widgets


def _shown(frame: pl.DataFrame) -> pl.DataFrame:
    """Rates in per cent and dates as 2017-12-31 (the table would show a time of day)."""
    frame = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    if "分红兑现率" in frame.columns:
        frame = frame.with_columns((pl.col("分红兑现率") * 100).round(1)).rename({"分红兑现率": "分红兑现率(%)"})
    return frame


scope = filters.scope()
place = filters.place_name()
summary = data.call(metrics.entity_summary, scope)

st.title(f"{markdown_literal(place)}{scope.year}年经营主体与投资")
st.caption("合作社、龙头企业等经营主体实施的项目，财政和帮扶资金入股，以及对贫困户的分红兑现。")

cols = st.columns(5)
cols[0].metric(
    "经营主体", f"{summary['entities']:,}个", help=f"其中农民专业合作社{summary['cooperatives']:,}个、龙头企业{summary['enterprises']:,}个"
)
cols[1].metric("入股资金", money_wan(summary["invested_wan"]), help=f"截至{scope.year}年底共{summary['investments']:,}笔")
cols[2].metric("本年应付分红", money_yuan(summary["due_yuan"]))
cols[3].metric("分红兑现率", percent(summary["payout_rate"]), help="本年实付 ÷ 应付（与总览同一口径）")
cols[4].metric("逾期未兑现分红", f"{summary['overdue_count']:,}笔", help=f"尚欠{money_yuan(summary['overdue_yuan'])}")

overdue = data.call(metrics.overdue_dividends, scope)
st.subheader(f"逾期未兑现分红（{overdue.height:,}笔）")
if overdue.height:
    st.warning(
        f"{overdue.height:,}笔分红未在应兑现日期（当年12月31日）前足额兑现，尚欠{money_yuan(summary['overdue_yuan'])}，请督促相关经营主体兑现。"
    )
    widgets.table(_shown(overdue), height=min(400, 38 + 35 * overdue.height), key="overdue_table")
    widgets.csv_download(
        _shown(overdue), "下载逾期分红清单（CSV）", f"{place}{scope.year}年逾期未兑现分红.csv", key="overdue_csv", scope=scope
    )
else:
    st.success("没有逾期未兑现的分红。")
widgets.provenance(("dividends", "investments", "entities"), scope, key="overdue_src")

left, right = st.columns(2)
by_source = data.call(metrics.investments_by_source, scope)
by_year = data.call(metrics.dividends_by_year, scope)
with left:
    if by_source.height:
        widgets.chart(charts.investments_by_source_chart(by_source))
with right:
    if by_year.height:
        widgets.chart(charts.dividends_by_year_chart(by_year))

investments = data.call(metrics.investment_list, scope)
st.subheader(f"入股投资与{scope.year}年分红（{investments.height:,}笔）")
shown = _shown(investments)
widgets.table(shown, height=min(420, 38 + 35 * max(1, investments.height)), key="investment_table")
widgets.provenance(("investments", "dividends", "entities"), scope, key="investment_src")
widgets.csv_download(shown, "下载入股投资表（CSV）", f"{place}{scope.year}年入股投资与分红.csv", key="investment_csv", scope=scope)

st.subheader("经营主体")
chosen = st.multiselect("主体类型", ENTITY_TYPES, default=["农民专业合作社", "龙头企业"], key="entity_types")
entities = data.call(metrics.entity_list, scope, tuple(chosen))
st.caption(f"共{entities.height:,}个；实施项目为{scope.year}年及以前建设的项目，分红为{scope.year}年应付与实付。")
shown = _shown(entities)
widgets.table(shown, height=min(420, 38 + 35 * max(1, entities.height)), key="entity_table")
widgets.provenance(("entities", "projects", "investments", "dividends"), scope, key="entity_src")
widgets.csv_download(shown, "下载经营主体表（CSV）", f"{place}{scope.year}年经营主体.csv", key="entity_csv", scope=scope)

projects = data.call(metrics.entity_projects, scope, tuple(chosen))
with st.expander(f"经营主体实施的项目（{projects.height:,}个）"):
    widgets.table(projects, height=min(420, 38 + 35 * max(1, projects.height)), key="entity_project_table")
    widgets.provenance(("projects", "entities"), scope, key="entity_project_src")
