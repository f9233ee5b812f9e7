"""资金: funds by source and year, allocated against spent, the spending rate by 镇办 and by project,
and the projects spending below 90 %."""

import polars as pl
import streamlit as st

from fupin_core.catalog import FUND_CATEGORIES, INTEGRATED_FUNDS, SPECIAL_POVERTY_FUNDS
from fupin_core.charts import funds as charts
from fupin_core.formatting import markdown_literal
from fupin_core.metrics import funds as metrics
from fupin_core.metrics.indicators import display_unit
from fupin_ui import comparison, data, filters, widgets

ALL_CATEGORIES = "全部资金（不含企业自筹）"
# The registry's indicators for the categories it reports; 其他资金 is shown from the funds metrics.
CATEGORY_CARDS = {
    None: ("funds_allocated_wan", "funds_spent_wan", "funds_spend_rate"),
    INTEGRATED_FUNDS: ("integrated_funds_allocated_wan", "integrated_funds_spent_wan", "integrated_funds_spend_rate"),
    SPECIAL_POVERTY_FUNDS: ("special_funds_allocated_wan", "special_funds_spent_wan", None),
}


def _percent_column(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns((pl.col("支出率") * 100).round(1)).rename({"支出率": "支出率(%)"})


scope = filters.scope()
place = filters.place_name()
# Every category's cards, the low-spending count and 企业自筹: one registry call whichever category is chosen.
CARDS = (*(key for keys in CATEGORY_CARDS.values() for key in keys if key), "low_spending_projects", "self_funded_wan")
kpis, previous = comparison.cards(scope, CARDS)
by_source = data.call(metrics.funds_by_source, scope)
by_category = data.call(metrics.funds_by_category, scope)
low_label = f"{metrics.LOW_SPENDING:.0%}"  # the threshold as people say it: 90%

st.title(f"{markdown_literal(place)}{scope.year}年项目资金")
st.caption(
    f"资金来源为资金的级次或渠道，资金类别说明财政资金是否纳入统筹整合：每笔资金只计一次，合计不重复。企业自筹是主体自有投入，"
    f"不计入下达和支出率。支出率 = 支出 ÷ 下达，低于{low_label}的项目需要关注。"
)

present = by_category["资金类别"].to_list()
categories = [None, *[c for c in FUND_CATEGORIES if c in present]]
default = INTEGRATED_FUNDS if INTEGRATED_FUNDS in present else None
# First visit: 统筹整合涉农资金 (the figure 总览 reports); a category the new year/镇办 lacks falls back too.
if st.session_state.get("funds_category", "") not in categories:
    st.session_state["funds_category"] = default
category = st.selectbox("资金类别", categories, format_func=lambda c: c or ALL_CATEGORIES, key="funds_category")
summary = data.call(metrics.fund_summary, scope, category)
label = category or "全部资金"
cols = st.columns(4)
cards = CATEGORY_CARDS.get(category)
if cards:
    for column, key in zip(cols, cards, strict=False):
        if key:
            widgets.kpi_card(column, kpis, key, previous=previous)
else:
    cols[0].metric(f"{label}下达", display_unit(summary["allocated_wan"], "万元"))
    cols[1].metric(f"{label}支出", display_unit(summary["spent_wan"], "万元"))
if cards is None or cards[2] is None:
    cols[2].metric("支出率", display_unit(summary["spend_rate"], "%"))
if category is None:
    widgets.kpi_card(cols[3], kpis, "low_spending_projects", previous=previous)
else:
    cols[3].metric(f"其中支出率低于{low_label}的项目", f"{summary['low_spending_projects']:,}个", help=f"共{summary['projects']:,}个项目")
if kpis["self_funded_wan"]:
    st.caption(f"另有企业自筹投入{widgets.indicator_text('self_funded_wan', kpis['self_funded_wan'])}，不计入下达资金。")

left, right = st.columns(2)
by_township = data.call(metrics.funds_by_township, scope, category)
with left:
    if by_source.height:
        widgets.chart(charts.funds_by_source_chart, by_source)
    widgets.chart(charts.funds_by_year_chart, data.call(metrics.funds_by_year, scope))
with right:
    if by_township.height > 1:  # one 镇办 alone would be one bar: its villages are compared below
        widgets.chart(charts.spend_rate_by_township_chart, by_township, metrics.LOW_SPENDING)

low = data.call(metrics.low_spending_projects, scope, metrics.LOW_SPENDING, category)
st.subheader(f"支出率低于{low_label}的项目（{low.height:,}个）")
if low.height:
    st.warning(
        f"{low.height:,}个项目的{label}支出率低于{low_label}，尚未支出{display_unit(low['未支出金额(万元)'].sum(), '万元')}，按支出率从低到高排列。"
    )
    widgets.table(
        _percent_column(low),
        key="low_table",
        first=("项目名称", "支出率(%)", "未支出金额(万元)", "下达金额(万元)", "支出金额(万元)"),
        last=("项目编号",),
    )
    widgets.csv_download(
        _percent_column(low), "下载低支出项目清单（CSV）", f"{place}{scope.year}年资金支出率偏低项目.csv", key="low_csv", scope=scope
    )
else:
    st.success(f"所有项目的支出率均不低于{low_label}。")
widgets.provenance(("funds", "projects"), scope, key="low_src")

comparison.section(scope, "资金", place, key="funds")

st.subheader("各类别资金")
widgets.table(_percent_column(by_category), key="category_table")
st.subheader("各来源资金")
widgets.table(_percent_column(by_source), key="source_table")
widgets.provenance(("funds", "projects"), scope, key="source_src")

st.subheader(f"各镇办{label}")
widgets.table(_percent_column(by_township.drop("镇办代码")), key="township_table")
widgets.provenance(("funds", "projects", "townships"), scope, key="township_src")

projects = data.call(metrics.funds_by_project, scope, category)
st.subheader(f"各项目{label}（{projects.height:,}个）")
widgets.table(
    _percent_column(projects),
    key="project_table",
    first=("项目名称", "支出率(%)", "未支出金额(万元)", "下达金额(万元)", "支出金额(万元)"),
    last=("项目编号",),
)
widgets.provenance(("funds", "projects"), scope, key="project_src")
widgets.csv_download(
    _percent_column(projects), "下载项目资金表（CSV）", f"{place}{scope.year}年项目资金.csv", key="project_csv", scope=scope
)
