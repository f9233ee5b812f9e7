"""利益联结: linked households by mechanism and programme, linked income against the poverty line,
the coverage gap by 镇办 and village, and a household lookup."""

import streamlit as st

from fupin_core.charts import linkage as charts
from fupin_core.charts.overview import township_bar_chart
from fupin_core.formatting import markdown_literal
from fupin_core.metrics import linkage as m
from fupin_core.metrics.overview import coverage_gap
from fupin_ui import comparison, data, filters, widgets

LINKED_SOURCES = ("linkages", "households", "projects")
scope = filters.scope()
place = filters.place_name()
# The cards of both rows below, and of the 低于贫困线 section (with the year's poverty line).
COVERAGE_CARDS = ("coverage_rate", "covered_households", "uncovered_households", "coverage_base_households")
LINKED_CARDS = ("linked_households", "linked_people", "linked_income_wan", "linked_income_per_household_yuan")
INCOME_CARDS = ("income_reported_households", "households_below_poverty_line", "exited_below_poverty_line", "poverty_line_yuan")
kpis, previous = comparison.cards(scope, (*COVERAGE_CARDS, *LINKED_CARDS, *INCOME_CARDS))
line = kpis["poverty_line_yuan"]

st.title(f"{markdown_literal(place)}{scope.year}年利益联结")
# Coverage (帮扶措施到户) and 带动增收 are two indicators: each row shows one of them.
for row in (COVERAGE_CARDS, LINKED_CARDS):
    for column, key in zip(st.columns(4), row, strict=True):
        widgets.kpi_card(column, kpis, key, previous=previous)

st.subheader("按联结方式和产业")
st.caption("带动增收户：本年度有收益金额大于0的利益联结的贫困户。一户可有多种联结方式、多个产业，各项户数之和可大于带动增收户数。")
mechanisms, programmes = data.call(m.by_mechanism, scope), data.call(m.by_programme, scope)
left, right = st.columns(2)
with left:
    widgets.chart(charts.households_chart, mechanisms, "联结方式", "各联结方式带动增收户数")
    widgets.table(mechanisms, key="mechanism_table")
with right:
    widgets.chart(charts.households_chart, programmes, "产业", "各产业带动增收户数")
    widgets.table(programmes, key="programme_table")
posts = data.call(m.welfare_posts, scope)
if posts.height:
    st.markdown("**公益岗位**（按岗位类型）")
    widgets.table(posts, key="posts_table")
widgets.provenance(LINKED_SOURCES, scope, key="mechanism_src")

st.subheader("人均联结收益")
st.caption(
    f"人均联结收益 = 本年度各项利益联结收益之和 ÷ 家庭人口，只是家庭收入中来自产业项目的部分，不用于判断是否达到贫困线；"
    f"是否低于贫困线（{scope.year}年每人每年{widgets.indicator_text('poverty_line_yuan', line)}）按家庭人均纯收入判断，见下方名单。"
)
left, right = st.columns(2)
with left:
    income_by_township = data.call(m.income_by_township, scope)
    if income_by_township.height > 1:  # one 镇办 alone would be one bar
        widgets.chart(charts.income_vs_line_chart, income_by_township)
    else:
        st.caption("已选一个镇办：各村带动增收见下方“各村比较”。")
with right:
    widgets.chart(charts.income_band_chart, data.call(m.income_bands, scope))
st.subheader("家庭人均纯收入低于贫困线的户")
cols = st.columns(4)
for column, key in zip(cols, INCOME_CARDS, strict=True):
    widgets.kpi_card(column, kpis, key)
exited_count = kpis["exited_below_poverty_line"]
with st.expander(f"已脱贫户收入未达标（{widgets.indicator_text('exited_below_poverty_line', exited_count)}）", expanded=bool(exited_count)):
    widgets.table(data.call(m.exited_below_poverty_line, scope, limit=500), key="exited_below_table", empty="没有收入未达标的已脱贫户")
    widgets.csv_download_of(
        m.exited_below_poverty_line,
        (scope,),
        "下载名单（CSV）",
        f"{place}{scope.year}年脱贫户收入未达标名单.csv",
        key="exited_below_csv",
        scope=scope,
    )
below_count = kpis["households_below_poverty_line"]
with st.expander(f"人均纯收入低于贫困线的全部建档立卡户（{widgets.indicator_text('households_below_poverty_line', below_count)}）"):
    widgets.table(data.call(m.below_poverty_line, scope, limit=500), key="below_table", empty="没有人均纯收入低于贫困线的户")
    if below_count and below_count > 500:
        st.caption(f"表中显示前500户，共{widgets.indicator_text('households_below_poverty_line', below_count)}，请下载完整名单。")
    below_file = f"{place}{scope.year}年人均纯收入低于贫困线户.csv"
    widgets.csv_download_of(m.below_poverty_line, (scope,), "下载名单（CSV）", below_file, key="below_csv", scope=scope)
widgets.provenance(("household_income", "households", "poverty_lines"), scope, key="below_src")

st.subheader(f"产业未覆盖户（{widgets.indicator_text('uncovered_households', kpis['uncovered_households'])}）")
st.caption("有劳动能力（含弱劳动能力）、本年度没有任何产业帮扶措施的建档立卡户（含已脱贫户），即距产业全覆盖的差距。")
left, right = st.columns(2)
with left:
    gap_by_township = data.call(m.gap_by_township, scope)
    if gap_by_township.height > 1:  # one 镇办 alone would be one bar: the table beside lists its villages
        widgets.chart(township_bar_chart, gap_by_township, "未覆盖户数", "各镇办产业未覆盖户数", "户")
    else:
        st.caption("各村未覆盖户数见右表，各村比较见下方“各村比较”。")
with right:
    by_village = data.call(m.gap_by_village, scope)
    st.markdown(f"**各村未覆盖户数**（{by_village.height}个村）")
    widgets.table(by_village, height=380, key="gap_village_table")
widgets.csv_download_of(
    coverage_gap, (scope,), "下载未覆盖户名单（CSV）", f"{place}{scope.year}年产业未覆盖户.csv", key="gap_csv", scope=scope
)
widgets.provenance(("households", "villages", "linkages"), scope, key="gap_src")

comparison.section(scope, "利益联结", place, key="linkage")

st.subheader("贫困户查询")
query = st.text_input("户编号、户主姓名或身份证号", key="lookup_query", placeholder="如 6110021082100174、王某甲或18位身份证号")
if query.strip():
    found = data.call(m.household_lookup, query.strip(), scope)
    if not found.matches:
        st.info(f"没有找到与“{markdown_literal(query.strip())}”相符的贫困户（只查找您有权查看的镇办），请检查户编号、姓名或身份证号。")
    else:
        if found.matches > found.households.height:
            st.caption(f"共{found.matches:,}户相符，显示前{found.households.height}户，请输入更完整的信息。")
        widgets.table(found.households, key="lookup_households")
        st.markdown(f"**利益联结**（各年度，共{found.linkages.height}项）")
        if found.linkages.is_empty():
            st.caption("以上贫困户在各年度都没有利益联结记录。")
        else:
            widgets.table(found.linkages, key="lookup_linkages")
        widgets.provenance(("households", "linkages"), scope, key="lookup_src")
