"""项目库: projects by stage (申报 → … → 资产移交), the projects stuck in a stage beyond its limit, and
one project's timeline with its 公告公示."""

import streamlit as st

from fupin_core.catalog import PROJECT_STAGES
from fupin_core.formatting import markdown_literal
from fupin_core.metrics import indicators, projects_lib
from fupin_ui import data, filters, widgets

scope = filters.scope()
place = filters.place_name()
on = projects_lib.as_of(scope.year)

st.title(f"{markdown_literal(place)}{scope.year}年项目库")
st.caption(f"各项目截至{on:%Y年%m月%d日}所处的阶段；阶段和公告公示在“数据上报”中以“项目阶段”“公告公示”数据集上报。")

kpis = data.call(indicators.values, scope, keys=("projects_in_library", "stuck_projects", "unsettled_assets", "assets"))
cols = st.columns(4)
widgets.kpi_card(cols[0], kpis, "projects_in_library")
widgets.kpi_card(cols[1], kpis, "stuck_projects")
widgets.kpi_card(cols[2], kpis, "unsettled_assets")
widgets.kpi_card(cols[3], kpis, "assets")

st.subheader("各阶段项目数")
counts = data.call(projects_lib.stage_counts, scope)
widgets.table(counts, key="library_stages", total=("项目数(个)",))

st.subheader("停滞项目")
with st.expander("各阶段时限（天）"):
    st.caption("项目停在某一阶段超过时限即列为停滞；这里的修改只影响本页清单，总览和报告按默认时限统计。")
    limit_cols = st.columns(len(projects_lib.STAGE_LIMIT_DAYS))
    limits = tuple(
        (stage, int(column.number_input(stage, min_value=1, max_value=3650, value=days, step=30, key=f"limit_{stage}")))
        for column, (stage, days) in zip(limit_cols, projects_lib.STAGE_LIMIT_DAYS.items(), strict=True)
    )
stuck = data.call(projects_lib.stuck_projects, scope, limits)
if stuck.is_empty():
    st.success("所选范围内没有停滞项目。")
else:
    st.caption(f"共{stuck.height}个项目超过所处阶段的时限，按超期天数从多到少排列。")
    widgets.table(stuck, key="library_stuck", first=("超期天数", "当前阶段", "停留天数"), last=("项目编号",))
    widgets.csv_download(stuck, "下载停滞项目（CSV）", f"{place}{scope.year}年停滞项目.csv", key="library_stuck_csv", scope=scope)
widgets.provenance(("project_stages", "projects"), scope, key="library_stuck_src")

st.subheader("项目进度")
current = data.call(projects_lib.current_stages, scope)
if current.is_empty():
    st.info("所选范围本年度还没有项目阶段记录。")
else:
    widgets.table(current, key="library_current", first=("项目名称", "当前阶段", "阶段日期", "停留天数"), last=("项目编号",))
    names = dict(zip(current["项目编号"].to_list(), current["项目名称"].to_list(), strict=True))
    chosen = st.selectbox("选择项目查看时间线", list(names), format_func=lambda pid: f"{names[pid]}（{pid}）", key="library_project")
    line = data.call(projects_lib.timeline, chosen)
    done = set(line["阶段"].to_list())
    st.caption("　→　".join(f"{stage}{'✓' if stage in done else ''}" for stage in PROJECT_STAGES))
    # 公示天数 decides whether a 公示 was long enough: beside its stage, before the long 公示内容/地点 texts,
    # which are narrowed (the full text shows on hover) so the table needs no sideways scrolling at 1440 px.
    narrow = {name: st.column_config.Column(name, width=170) for name in ("公示内容", "公示地点")}
    widgets.table(line, key="library_timeline", first=("阶段", "日期", "公示天数(天)", "公示开始", "公示结束", "文号"),
                  last=("公示内容", "公示地点"), formats=narrow, empty="该项目没有阶段记录")  # fmt: skip
