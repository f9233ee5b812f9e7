"""光伏: capacity against the 百兆瓦 target, stations, output and revenue, revenue reaching households,
and stations producing too little for their size."""

import streamlit as st

from fupin_core.charts import pv as charts
from fupin_core.charts import trends as trend_charts
from fupin_core.formatting import markdown_literal
from fupin_core.metrics import pv
from fupin_core.metrics.indicators import display_unit
from fupin_core.metrics.trends import period_series
from fupin_ui import comparison, data, filters, widgets

scope = filters.scope()
place = filters.place_name()
whole = scope.townships is None and scope.village is None
summary = data.call(pv.pv_summary, scope)

st.title(f"{markdown_literal(place)}{scope.year}年光伏扶贫")
st.caption("装机容量只计已建成、运营中的电站（建设年度不晚于所选年度）；发电与收益为所选年度各报告期之和。")

CARDS = (
    "pv_capacity_mw",
    "pv_progress",
    "pv_target_mw",
    "pv_stations_poverty",
    "pv_generation_10k_kwh",
    "pv_revenue_wan",
    "pv_commercial_mw",
)
kpis, previous = comparison.cards(scope, CARDS)
cols = st.columns(4)
widgets.kpi_card(cols[0], kpis, "pv_capacity_mw", previous=previous)
widgets.progress_card(cols[1], kpis, "pv_progress", "pv_target_mw", scope)
cols[2].metric("在建及计划装机", display_unit(summary["pending_mw"], "兆瓦"))
widgets.kpi_card(cols[3], kpis, "pv_stations_poverty", previous=previous)
cols = st.columns(4)
widgets.kpi_card(cols[0], kpis, "pv_generation_10k_kwh", previous=previous)
widgets.kpi_card(cols[1], kpis, "pv_revenue_wan", previous=previous)
cols[2].metric(
    "已分配收益",
    display_unit(summary["distributed_yuan"] / 10_000, "万元"),
    help=f"未分配（留存）{display_unit(summary['retained_yuan'] / 10_000, '万元')}",
)
cols[3].metric(
    "收益到户",
    f"{summary['households_reached']:,}户",
    help=f"到户收益合计{display_unit(summary['household_income_yuan'] / 10_000, '万元')}",
)
if kpis["pv_commercial_mw"]:
    st.caption(
        f"另有商业光伏电站（招商引资）{widgets.indicator_text('pv_commercial_mw', kpis['pv_commercial_mw'])}，不计入扶贫装机和扶贫电站。"
    )

by_type = data.call(pv.capacity_by_type, scope)
left, right = st.columns(2)
with left:
    widgets.chart(charts.capacity_target_chart, by_type, summary["target_mw"], whole)
    widgets.table(by_type, key="pv_types")
with right:
    if whole:
        widgets.chart(charts.township_capacity_chart, data.call(pv.capacity_by_township, scope))
    else:
        widgets.chart(charts.village_capacity_chart, data.call(pv.capacity_by_village, scope))

st.subheader("电站")
station_list = data.call(pv.stations, scope)
widgets.table(
    station_list,
    key="pv_stations",
    first=("电站名称", "装机容量(千瓦)", "建设状态", "发电量(千瓦时)", "发电收益(元)", "收益分配(元)"),
    last=("运营主体", "项目编号"),
)
widgets.provenance(("projects", "pv_output", "entities"), scope, key="pv_stations_src")
widgets.csv_download(station_list, "下载电站清单（CSV）", f"{place}{scope.year}年光伏电站.csv", key="pv_stations_csv", scope=scope)

st.subheader("发电与收益")
by_period = data.call(pv.output_by_period, scope)
left, right = st.columns(2)
with left:
    # Every report period up to the chosen year as one series (per month, so year and quarter reports compare).
    widgets.chart(
        trend_charts.period_chart, period_series(by_period, "发电量(万千瓦时)"), "发电量(万千瓦时)", "万千瓦时", "历年各报告期发电量"
    )
with right:
    widgets.chart(charts.revenue_chart, by_period)
widgets.table(by_period.drop("报告期代码"), key="pv_periods")
widgets.provenance(("pv_output", "projects"), scope, key="pv_periods_src")

comparison.section(scope, "光伏", place, key="pv")

st.subheader("收益到户")
st.caption("光伏项目的利益联结（公益岗位工资、分红等）。发电收益报表只记分配总额，用于小型公益事业、奖补等的部分未逐项列出。")
distribution = summary["revenue_distribution"]
if distribution.is_empty():
    st.info("所选范围本年度没有光伏收益到户的记录。")
else:
    widgets.chart(charts.distribution_chart, distribution)
    widgets.table(distribution.drop("联结方式", "细分类型"), key="pv_distribution")
    widgets.provenance(("linkages", "projects"), scope, key="pv_distribution_src")

st.subheader(f"低效电站（{summary['underperforming_stations']}个）")
st.caption(
    f"年化利用小时 = 本年度发电量 ÷ 装机容量，按已报告的月数折算为全年；低于全区同类电站中位数的{pv.UNDERPERFORM_SHARE:.0%}即为低效。"
)
yields = data.call(pv.station_yields, scope)
if yields.is_empty():
    st.info("所选范围本年度没有电站报送发电量。")
else:
    widgets.chart(charts.yield_chart, yields, list(pv.STATION_TYPES), pv.UNDERPERFORM_SHARE)
    weak = pv.underperforming_of(yields)
    if weak.is_empty():
        st.success("所选范围内没有低效电站。")
    else:
        widgets.table(
            weak.drop("低效"),
            key="pv_weak",
            first=("电站名称", "年化利用小时", "相对中位数", "同类中位数(小时)"),
            last=("单位千瓦发电量(千瓦时)", "项目编号"),
            formats={"相对中位数": st.column_config.NumberColumn("相对中位数", format="percent")},
        )
    widgets.provenance(("pv_output", "projects"), scope, key="pv_yields_src")
    widgets.csv_download(
        yields, "下载各电站发电效率（CSV）", f"{place}{scope.year}年光伏电站发电效率.csv", key="pv_yields_csv", scope=scope
    )
