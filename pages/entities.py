"""经营主体与投资: cooperatives and enterprises with their projects, the funds invested in them, the
dividends due against paid, and the overdue dividends."""

import polars as pl
import streamlit as st

from fupin_core.catalog import ENTITY_TYPES
from fupin_core.charts import entities as charts
from fupin_core.formatting import markdown_literal
from fupin_core.metrics import entities as metrics
from fupin_core.metrics import indicators
from fupin_ui import data, filters, widgets


def _shown(frame: pl.DataFrame) -> pl.DataFrame:
    """Rates in per cent and dates as 2017-12-31 (the table would show a time of day)."""
    frame = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    if "分红兑现率" in frame.columns:
        frame = frame.with_columns((pl.col("分红兑现率") * 100).round(1)).rename({"分红兑现率": "分红兑现率(%)"})
    return frame


scope = filters.scope()
place = filters.place_name()

st.title(f"{markdown_literal(place)}{scope.year}年经营主体与投资")
st.caption("合作社、龙头企业等经营主体实施的项目，财政和帮扶资金入股，以及对贫困户的分红兑现。")

CARDS = ("entities", "invested_wan", "dividends_due_wan", "dividend_payout_rate", "overdue_dividends")
kpis = data.call(indicators.values, scope, keys=(*CARDS, "cooperatives", "leading_enterprises", "dividends_owed_wan"))
for column, key in zip(st.columns(5), CARDS, strict=True):
    widgets.kpi_card(column, kpis, key)
st.caption(
    f"其中农民专业合作社{widgets.indicator_text('cooperatives', kpis['cooperatives'])}、"
    f"龙头企业{widgets.indicator_text('leading_enterprises', kpis['leading_enterprises'])}；"
    f"逾期分红尚欠{widgets.indicator_text('dividends_owed_wan', kpis['dividends_owed_wan'])}（含以前年度）。"
)

overdue = data.call(metrics.overdue_dividends, scope)
st.subheader(f"逾期未兑现分红（{overdue.height:,}笔）")
if overdue.height:
    st.warning(
        f"{overdue.height:,}笔分红未在应兑现日期（当年12月31日）前足额兑现，"
        f"尚欠{widgets.indicator_text('dividends_owed_wan', kpis['dividends_owed_wan'])}，请督促相关经营主体兑现。"
    )
    widgets.table(
        _shown(overdue),
        key="overdue_table",
        first=("主体名称", "欠付金额(元)", "年度", "状态", "应付金额(元)", "实付金额(元)"),
        last=("主体类型", "统一社会信用代码", "投资编号"),
    )
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
        widgets.chart(charts.investments_by_source_chart, by_source)
with right:
    if by_year.height:
        widgets.chart(charts.dividends_by_year_chart, by_year)

investments = data.call(metrics.investment_list, scope)
st.subheader(f"入股投资与{scope.year}年分红（{investments.height:,}笔）")
shown = _shown(investments)
widgets.table(
    shown,
    key="investment_table",
    first=("主体名称", "投入金额(万元)", "应付分红(元)", "实付分红(元)", "分红兑现率(%)"),
    last=("主体类型", "投资编号"),
)
widgets.provenance(("investments", "dividends", "entities"), scope, key="investment_src")
widgets.csv_download(shown, "下载入股投资表（CSV）", f"{place}{scope.year}年入股投资与分红.csv", key="investment_csv", scope=scope)

st.subheader("经营主体")
chosen = st.multiselect(
    "主体类型", ENTITY_TYPES, default=["农民专业合作社", "龙头企业"], key="entity_types", placeholder="选择主体类型", select_all=False
)
entities = data.call(metrics.entity_list, scope, tuple(chosen))
st.caption(
    f"所选类型共{entities.height:,}个（全部类型{widgets.indicator_text('entities', kpis['entities'])}）；"
    f"实施项目为{scope.year}年及以前建设的项目，分红为{scope.year}年应付与实付。"
)
shown = _shown(entities)
widgets.table(
    shown,
    key="entity_table",
    first=("主体名称", "主体类型", "实施项目数(个)", "入股资金(万元)", "应付分红(元)", "实付分红(元)", "分红兑现率(%)"),
    last=("实施项目", "统一社会信用代码"),
)
widgets.provenance(("entities", "projects", "investments", "dividends"), scope, key="entity_src")
widgets.csv_download(shown, "下载经营主体表（CSV）", f"{place}{scope.year}年经营主体.csv", key="entity_csv", scope=scope)

projects = data.call(metrics.entity_projects, scope, tuple(chosen))
with st.expander(f"经营主体实施的项目（{projects.height:,}个）"):
    widgets.table(projects, key="entity_project_table", first=("项目名称",), last=("项目编号",))
    widgets.provenance(("projects", "entities"), scope, key="entity_project_src")
