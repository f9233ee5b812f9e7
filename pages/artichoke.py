"""菊芋: planted area against the 万亩 target by village, yield, purchases, and the households that
farm on order for the processing enterprises."""

import streamlit as st

from fupin_core.charts import artichoke as charts
from fupin_core.formatting import markdown_literal
from fupin_core.metrics import artichoke
from fupin_core.metrics.indicators import display_unit
from fupin_ui import comparison, data, filters, widgets

# Rows of a long list shown on the page; the download has all.
SHOWN = 500

scope = filters.scope()
place = filters.place_name()
whole = scope.townships is None and scope.village is None
summary = data.call(artichoke.artichoke_summary, scope)

st.title(f"{markdown_literal(place)}{scope.year}年菊芋产业")
st.caption("面积、产量和收购金额为所选年度的报送数；“全镇”指以镇办为单位组织的订单种植。")

kpis, previous = comparison.cards(scope, ("artichoke_mu", "artichoke_progress", "artichoke_target_mu"))
cols = st.columns(4)
widgets.kpi_card(cols[0], kpis, "artichoke_mu", previous=previous)
widgets.progress_card(cols[1], kpis, "artichoke_progress", "artichoke_target_mu", scope)
cols[2].metric("产量", display_unit(summary["yield_t"], "吨"))
cols[3].metric("收购金额", display_unit(summary["purchase_wan"], "万元"))
cols = st.columns(4)
cols[0].metric("订单农户", f"{summary['order_households']:,}户", help="本年度以订单收购获得收益的贫困户")
cols[1].metric("订单收益", display_unit(summary["order_income_yuan"] / 10_000, "万元"))
cols[2].metric("带动贫困户", f"{summary['households_reached']:,}户", help="本年度从菊芋项目获得收益的贫困户（不重复计）")
cols[3].metric("带动增收", display_unit(summary["household_income_yuan"] / 10_000, "万元"))

by_village = data.call(artichoke.area_by_village, scope)
left, right = st.columns(2)
with left:
    widgets.chart(charts.area_target_chart, data.call(artichoke.area_by_type, scope), summary["target_mu"], whole)
    widgets.chart(charts.linked_chart, summary["linked_by_mechanism"])
with right:
    if by_village.is_empty():
        st.info("所选范围本年度没有菊芋种植的报送数据。")
    else:
        widgets.chart(charts.village_area_chart, by_village)

comparison.section(scope, "菊芋", place, key="artichoke")

st.subheader("各村种植情况")
widgets.table(
    by_village.drop("镇办代码", "村代码", "地点"),
    key="artichoke_villages",
    total=("项目数(个)", "种植面积(亩)", "产量(吨)", "收购金额(万元)"),
)
widgets.provenance(("artichoke_output", "projects"), scope, key="artichoke_villages_src")

st.subheader("菊芋项目")
projects = data.call(artichoke.artichoke_projects, scope)
widgets.table(
    projects,
    key="artichoke_projects",
    first=("项目名称", "种植面积(亩)", "产量(吨)", "收购金额(万元)", "订单农户(户)"),
    last=("实施主体", "项目编号"),
    total=("建设规模(亩)", "种植面积(亩)", "产量(吨)", "收购金额(万元)", "订单农户(户)"),
)
widgets.provenance(("projects", "artichoke_output", "entities", "linkages"), scope, key="artichoke_projects_src")
widgets.csv_download(projects, "下载项目清单（CSV）", f"{place}{scope.year}年菊芋项目.csv", key="artichoke_projects_csv", scope=scope)

st.subheader(f"订单农户（{summary['order_households']:,}户）")
orders = data.call(artichoke.order_farming_households, scope, limit=SHOWN + 1)
widgets.table(orders.head(SHOWN), key="artichoke_orders", first=("户主姓名", "收益金额(元)"))
if orders.height > SHOWN:
    # A household selling to two projects has a row for each: rows, not households, are cut.
    st.caption(f"表中显示前{SHOWN}行，共{summary['order_households']:,}户，请下载完整名单。")
widgets.provenance(("linkages", "households", "projects"), scope, key="artichoke_orders_src")
order_file = f"{place}{scope.year}年菊芋订单农户.csv"
widgets.csv_download_of(
    artichoke.order_farming_households, (scope,), "下载订单农户名单（CSV）", order_file, key="artichoke_orders_csv", scope=scope
)
