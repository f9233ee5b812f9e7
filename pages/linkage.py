"""利益联结: linked households by mechanism and programme, linked income against the poverty line,
the coverage gap by 镇办 and village, and a household lookup."""

import streamlit as st

from fupin_core.charts import linkage as charts
from fupin_core.charts.overview import township_bar_chart
from fupin_core.formatting import markdown_literal, number
from fupin_core.metrics import linkage as m
from fupin_core.metrics.overview import coverage_gap, overview_kpis
from fupin_ui import data, filters, widgets

LINKED_SOURCES = ("linkages", "households", "projects")
scope = filters.scope()
place = filters.place_name()
s = data.call(m.summary, scope)
line = s["poverty_line_yuan"]

st.title(f"{markdown_literal(place)}{scope.year}年利益联结")
cols = st.columns(5)
cols[0].metric("带动增收户数", f"{s['linked_households']:,}户")
cols[1].metric("带动增收人数", f"{s['linked_people']:,}人")
cols[2].metric("联结收益合计", f"{number(s['linked_income_yuan'] / 10_000)}万元")
cols[3].metric("人均联结收益", f"{number(s['income_per_person_yuan'])}元", help=f"{scope.year}年贫困线为每人每年{line:,.0f}元")
cols[4].metric("低于贫困线户数", f"{s['below_line_households']:,}户", help="人均联结收益仍低于贫困线的带动增收户")

st.subheader("按联结方式和产业")
st.caption("带动增收户：本年度有收益金额大于0的利益联结的贫困户。一户可有多种联结方式、多个产业，各项户数之和可大于带动增收户数。")
mechanisms, programmes = data.call(m.by_mechanism, scope), data.call(m.by_programme, scope)
left, right = st.columns(2)
with left:
    widgets.chart(charts.households_chart(mechanisms, "联结方式", "各联结方式带动增收户数"))
    widgets.table(mechanisms, key="mechanism_table")
with right:
    widgets.chart(charts.households_chart(programmes, "产业", "各产业带动增收户数"))
    widgets.table(programmes, key="programme_table")
posts = data.call(m.welfare_posts, scope)
if posts.height:
    st.markdown("**公益岗位**（按岗位类型）")
    widgets.table(posts, key="posts_table")
widgets.provenance(LINKED_SOURCES, scope, key="mechanism_src")

st.subheader("人均联结收益与贫困线")
st.caption(
    f"人均联结收益 = 本年度各项利益联结收益之和 ÷ 家庭人口（不含其他收入）；{scope.year}年贫困线为每人每年{line:,.0f}元"
    "（国家现行农村贫困标准按当年价格）。"
)
left, right = st.columns(2)
with left:
    widgets.chart(charts.income_vs_line_chart(data.call(m.income_by_township, scope)))
with right:
    widgets.chart(charts.income_band_chart(data.call(m.income_bands, scope)))
below_count = s["below_line_households"]
with st.expander(f"人均联结收益仍低于贫困线的带动增收户（{below_count:,}户）"):
    widgets.table(data.call(m.below_poverty_line, scope, limit=500), height=300, key="below_table")
    if below_count > 500:
        st.caption(f"表中显示前500户，共{below_count:,}户，请下载完整名单。")
    below_file = f"{place}{scope.year}年人均联结收益低于贫困线户.csv"
    widgets.csv_download_of(m.below_poverty_line, (scope,), "下载名单（CSV）", below_file, key="below_csv", scope=scope)
    widgets.provenance(LINKED_SOURCES, scope, key="below_src")

gap_count = data.call(overview_kpis, scope)["uncovered_households"]
st.subheader(f"产业未覆盖户（{gap_count:,}户）")
st.caption("年初尚未脱贫、本年度没有任何产业收益的建档立卡户，即距产业全覆盖的差距。")
left, right = st.columns(2)
with left:
    widgets.chart(township_bar_chart(data.call(m.gap_by_township, scope), "未覆盖户数", "各镇办产业未覆盖户数", "户"))
with right:
    by_village = data.call(m.gap_by_village, scope)
    st.markdown(f"**各村未覆盖户数**（{by_village.height}个村）")
    widgets.table(by_village, height=380, key="gap_village_table")
widgets.csv_download_of(
    coverage_gap, (scope,), "下载未覆盖户名单（CSV）", f"{place}{scope.year}年产业未覆盖户.csv", key="gap_csv", scope=scope
)
widgets.provenance(("households", "villages", "linkages"), scope, key="gap_src")

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
