"""总览: KPI cards, 百千万 progress, by-township chart, coverage gap and integrated-fund spending."""

import streamlit as st

from fupin_core.charts import overview as charts
from fupin_core.formatting import markdown_literal
from fupin_core.metrics.alerts import alerts
from fupin_core.metrics.indicators import applies, kpi_frame, overview_kpis, programme_progress
from fupin_core.metrics.overview import coverage_gap, township_breakdown
from fupin_ui import comparison, data, filters, nav, widgets

scope = filters.scope()
place = filters.place_name()
kpis = data.call(overview_kpis, scope)

st.title(f"{markdown_literal(place)}{scope.year}年产业扶贫总览")

# Each card is one indicator of the registry (name, number style, 口径 as help); a target's completion
# shows only where the place has a target (the district, or a 镇办 with its 任务分解).
CARDS = (
    ("households_registered", "people_registered", "households_exited_cum", "households_exited_year"),
    ("coverage_rate", "linked_households", "linked_people", "poverty_incidence"),
    (("pv_capacity_mw", "pv_progress"), ("fungus_bags_wan", "fungus_progress"), ("artichoke_mu", "artichoke_progress"), "pilot_villages"),
    ("integrated_funds_allocated_wan", "integrated_funds_spent_wan", "integrated_funds_spend_rate", "dividend_payout_rate"),
)
# Last year's values of the cards alone (the change each card shows).
previous = comparison.previous_kpis(scope, tuple(card[0] if isinstance(card, tuple) else card for row in CARDS for card in row))
for row in CARDS:
    for column, card in zip(st.columns(4), row, strict=True):
        key, progress = card if isinstance(card, tuple) else (card, None)
        widgets.kpi_card(column, kpis, key, progress=progress, previous=previous)

with st.expander("全部指标及口径"):
    st.caption("每项指标的定义（口径）与数值；汇总表、进度报告和命令行 fupin kpi 使用同一份指标登记表，数字一致。空白为未上报。")
    widgets.table(kpi_frame(kpis, lambda ind: applies(ind.key, scope)), height=420, key="indicator_table")

st.subheader("需要关注")
alert_rows = list(alerts(kpis).iter_rows(named=True))
for start in range(0, len(alert_rows), 4):  # four to a row, as the cards above
    for column, alert in zip(st.columns(4), alert_rows[start : start + 4], strict=False):
        icon = ":material/warning:" if alert["数量"] else ":material/check_circle:"
        count = widgets.indicator_text(alert["key"], alert["数量"])
        column.page_link(nav.path_of(alert["page"]), label=f"{alert['提醒']}：{count}", icon=icon, help=alert["说明"])
        column.caption(markdown_literal(alert["说明"]))

left, right = st.columns(2)
with left:
    widgets.chart(charts.progress_chart, data.call(programme_progress, scope))
    by_township = data.call(township_breakdown, scope)
    # One 镇办 alone would be one bar: its villages are compared in “各村比较” below.
    if by_township.height > 1:
        widgets.chart(charts.township_bar_chart, by_township, "光伏装机兆瓦", "各镇办已建成光伏装机", "兆瓦", ",.2f")
with right:
    if by_township.height > 1:
        widgets.chart(charts.linked_vs_gap_chart, by_township)
    else:
        st.caption("已选一个镇办：各村情况见下方“各村比较”。")

comparison.section(scope, "总览", place, key="overview")

uncovered = kpis["uncovered_households"]
st.subheader(f"产业未覆盖户（{widgets.indicator_text('uncovered_households', uncovered)}）")
st.caption("有劳动能力（含弱劳动能力）、本年度没有任何产业帮扶措施的建档立卡户（含已脱贫户），即距产业全覆盖的差距。")
widgets.table(data.call(coverage_gap, scope, limit=500), key="gap_table", empty="没有产业未覆盖户")
if uncovered and uncovered > 500:
    st.caption(f"表中显示前500户，共{widgets.indicator_text('uncovered_households', uncovered)}，请下载完整名单。")
widgets.csv_download_of(
    coverage_gap, (scope,), "下载未覆盖户名单（CSV）", f"{place}{scope.year}年产业未覆盖户.csv", key="gap_csv", scope=scope
)
