"""镇村明细: the chosen 镇办's villages → a village's projects → a project's households."""

import streamlit as st

from fupin_core.formatting import markdown_literal, money_yuan
from fupin_core.metrics import drilldown
from fupin_core.metrics.indicators import indicator
from fupin_ui import data, filters, widgets

scope = filters.scope()
place = filters.place_name()
st.title(f"{markdown_literal(place)}{scope.year}年镇村明细")
if scope.townships is None or len(scope.townships) > 1:
    st.info("在左侧选择一个镇办，即可只看该镇办的村和项目。")

villages = data.call(drilldown.villages, scope)
st.subheader(f"各村情况（{villages.height:,}个村）")
st.caption(
    "；".join(
        f"{indicator(key).name}：{indicator(key).definition.rstrip('。')}"
        for key in ("households_registered", "linked_households", "uncovered_households", "coverage_rate")
    )
    + "；项目数：本村本年度及以前建设的项目。空白为未上报。"
)
widgets.table(
    villages,
    key="villages_table",
    first=("村", "镇办", "未覆盖户数", "产业覆盖率(%)", "带动增收户数", "建档立卡户数", "项目数"),
    last=("村代码",),
)
widgets.provenance(("villages", "households", "linkages", "projects"), scope, key="villages_src")

# A switch, not an expander: an expander runs its content folded too, and a province's projects
# with the households each reaches take most of a second to count.
if st.toggle("显示本范围全部项目", key="drill_all_projects"):
    projects_all = data.call(drilldown.township_projects, scope)
    widgets.table(
        projects_all,
        key="township_projects_table",
        first=("项目名称", "带动户数", "收益金额(元)", "镇办", "所在村"),
        last=("项目编号",),
    )
    widgets.provenance(("projects", "linkages"), scope, key="township_projects_src")

if villages.is_empty():
    st.info("当前范围内没有村。")
    st.stop()
if villages.height > filters.MAX_VILLAGES_LISTED and not scope.one_township:
    st.info(f"共{villages.height:,}个村，一个列表选不过来：请先在左侧选择一个镇办，再选村看它的项目和户。")
    st.stop()

names = dict(zip(villages["村代码"].to_list(), (villages["镇办"] + "·" + villages["村"]).to_list(), strict=True))
village = st.selectbox("选择村", list(names), format_func=names.get, key=f"drill_village_{'_'.join(scope.townships or ['all'])}")
projects = data.call(drilldown.village_projects, scope, village)
st.subheader(f"{markdown_literal(names[village])}的项目（{projects.height}个）")
st.caption("本村建设的项目，以及带动本村贫困户增收的其他项目（如镇办级订单种植）。")
if projects.is_empty():
    st.info("该村本年度没有项目，也没有带动本村贫困户增收的项目。")
    st.stop()
widgets.table(
    projects,
    key="village_projects_table",
    first=("项目名称", "带动本村户数", "本村收益金额(元)", "项目所在"),
    last=("项目编号",),
)
widgets.provenance(("projects", "linkages", "households"), scope, key="village_projects_src")

titles = dict(zip(projects["项目编号"].to_list(), projects["项目名称"].to_list(), strict=True))
project = st.selectbox("选择项目", list(titles), format_func=lambda p: f"{titles[p]}（{p}）", key=f"drill_project_{village}")
households = data.call(drilldown.project_households, scope, project)
summary = data.call(drilldown.project_summary, scope, project)
st.subheader(f"{markdown_literal(titles[project])}联结的贫困户")
st.caption(
    f"{scope.year}年共{summary['linkages']:,}项利益联结，其中{summary['linked_households']:,}户有收益，"
    f"收益合计{money_yuan(summary['income_yuan'])}。"
)
widgets.table(
    households,
    key="project_households_table",
    first=("户主姓名", "收益金额(元)", "联结方式", "细分类型"),
    last=("户编号", "户主身份证号"),
    empty="该项目本年度没有联结的贫困户",
)
widgets.csv_download(
    households, "下载名单（CSV）", f"{titles[project]}{scope.year}年联结贫困户.csv", key="project_households_csv", scope=scope
)
widgets.provenance(("linkages", "households"), scope, key="project_households_src")
