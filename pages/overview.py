"""总览: KPI cards, 百千万 progress, by-township chart, coverage gap and integrated-fund spending."""

import streamlit as st

from fupin_core.charts import overview as charts
from fupin_core.formatting import markdown_literal
from fupin_core.metrics.alerts import alerts
from fupin_core.metrics.overview import coverage_gap, overview_kpis, programme_progress, township_breakdown
from fupin_ui import data, filters, nav, widgets

scope = filters.scope()
place = filters.place_name()
kpis = data.call(overview_kpis, scope)

st.title(f"{markdown_literal(place)}{scope.year}年产业扶贫总览")

cols = st.columns(4)
widgets.kpi_card(cols[0], "households_registered", kpis["households_registered"])
widgets.kpi_card(cols[1], "people_registered", kpis["people_registered"])
widgets.kpi_card(cols[2], "households_exited_cum", kpis["households_exited_cum"])
widgets.kpi_card(cols[3], "households_exited_year", kpis["households_exited_year"])
cols = st.columns(4)
widgets.kpi_card(cols[0], "linked_households", kpis["linked_households"])
widgets.kpi_card(cols[1], "linked_people", kpis["linked_people"])
widgets.kpi_card(cols[2], "coverage_rate", kpis["coverage_rate"], help="带动增收的未脱贫户 ÷ 年初尚未脱贫的建档立卡户")
widgets.kpi_card(cols[3], "poverty_villages", kpis["poverty_villages"])
cols = st.columns(4)
widgets.kpi_card(cols[0], "pv_capacity_mw", kpis["pv_capacity_mw"], target=kpis["pv_target_mw"])
widgets.kpi_card(cols[1], "fungus_bags_wan", kpis["fungus_bags_wan"], target=kpis["fungus_target_wan"])
widgets.kpi_card(cols[2], "artichoke_mu", kpis["artichoke_mu"], target=kpis["artichoke_target_mu"])
widgets.kpi_card(cols[3], "pilot_villages", kpis["pilot_villages"])
cols = st.columns(4)
widgets.kpi_card(cols[0], "integrated_funds_allocated_wan", kpis["integrated_funds_allocated_wan"])
widgets.kpi_card(cols[1], "integrated_funds_spent_wan", kpis["integrated_funds_spent_wan"])
widgets.kpi_card(cols[2], "integrated_funds_spend_rate", kpis["integrated_funds_spend_rate"])
widgets.kpi_card(cols[3], "dividend_payout_rate", kpis["dividend_payout_rate"])

st.subheader("需要关注")
for column, alert in zip(st.columns(4), data.call(alerts, scope).iter_rows(named=True), strict=True):
    icon = ":material/warning:" if alert["数量"] else ":material/check_circle:"
    column.page_link(nav.path_of(alert["page"]), label=f"{alert['提醒']}：{alert['数量']:,}{alert['单位']}", icon=icon, help=alert["说明"])
    column.caption(markdown_literal(alert["说明"]))

left, right = st.columns(2)
with left:
    widgets.chart(charts.progress_chart(data.call(programme_progress, scope)))
    widgets.chart(charts.township_bar_chart(data.call(township_breakdown, scope), "光伏装机兆瓦", "各镇办光伏装机容量", "兆瓦", ",.2f"))
with right:
    widgets.chart(charts.linked_vs_gap_chart(data.call(township_breakdown, scope)))

st.subheader(f"产业未覆盖户（{kpis['uncovered_households']:,}户）")
st.caption("年初尚未脱贫、本年度没有任何产业收益的建档立卡户，即距产业全覆盖的差距。")
widgets.table(data.call(coverage_gap, scope, limit=500), height=300, key="gap_table")
if kpis["uncovered_households"] > 500:
    st.caption(f"表中显示前500户，共{kpis['uncovered_households']:,}户，请下载完整名单。")
widgets.csv_download_of(
    coverage_gap, (scope,), "下载未覆盖户名单（CSV）", f"{place}{scope.year}年产业未覆盖户.csv", key="gap_csv", scope=scope
)
