"""菊芋: planted area against the 万亩 target by village, yield, purchases, and the households that
farm on order for the processing enterprises."""

import streamlit as st

from fupin_core.charts import artichoke as charts
from fupin_core.formatting import markdown_literal, money_wan, money_yuan, percent, smart_number
from fupin_core.metrics import artichoke
from fupin_ui import data, filters, widgets

scope = filters.scope()
place = filters.place_name()
whole = scope.townships is None and scope.village is None
summary = data.call(artichoke.artichoke_summary, scope)

st.title(f"{markdown_literal(place)}{scope.year}年菊芋产业")
st.caption("面积、产量和收购金额为所选年度的报送数；“全镇”指以镇办为单位组织的订单种植。")

cols = st.columns(4)
cols[0].metric("种植面积", f"{smart_number(summary['area_mu'], 1)}亩")
cols[1].metric(
    "完成目标" if whole else "占全区目标",
    percent(summary["progress"]),
    help=f"目标{smart_number(summary['target_mu'])}亩（{summary['target_year']}年）" if summary["target_mu"] else "尚未设定菊芋目标",
)
cols[2].metric("产量", f"{smart_number(summary['yield_t'], 1)}吨")
cols[3].metric("收购金额", money_wan(summary["purchase_wan"]))
cols = st.columns(4)
cols[0].metric("订单农户", f"{summary['order_households']:,}户", help="本年度以订单收购获得收益的贫困户")
cols[1].metric("订单收益", money_yuan(summary["order_income_yuan"]))
cols[2].metric("带动贫困户", f"{summary['households_reached']:,}户", help="本年度从菊芋项目获得收益的贫困户（不重复计）")
cols[3].metric("带动增收", money_yuan(summary["household_income_yuan"]))

by_village = data.call(artichoke.area_by_village, scope)
left, right = st.columns(2)
with left:
    widgets.chart(charts.area_target_chart(data.call(artichoke.area_by_type, scope), summary["target_mu"], whole))
    widgets.chart(charts.linked_chart(data.call(artichoke.linked_by_mechanism, scope)))
with right:
    if by_village.is_empty():
        st.info("所选范围本年度没有菊芋种植的报送数据。")
    else:
        widgets.chart(charts.village_area_chart(by_village))

st.subheader("各村种植情况")
widgets.table(by_village.drop("镇办代码", "村代码", "地点"), key="artichoke_villages")
widgets.provenance(("artichoke_output", "projects"), scope, key="artichoke_villages_src")

st.subheader("菊芋项目")
projects = data.call(artichoke.artichoke_projects, scope)
widgets.table(projects, key="artichoke_projects")
widgets.provenance(("projects", "artichoke_output", "entities", "linkages"), scope, key="artichoke_projects_src")
widgets.csv_download(projects, "下载项目清单（CSV）", f"{place}{scope.year}年菊芋项目.csv", key="artichoke_projects_csv", scope=scope)

st.subheader(f"订单农户（{summary['order_households']:,}户）")
orders = data.call(artichoke.order_farming_households, scope)
widgets.table(orders.head(500), key="artichoke_orders")
if orders.height > 500:
    st.caption(f"表中显示前500行，共{orders.height:,}行，请下载完整名单。")
widgets.provenance(("linkages", "households", "projects"), scope, key="artichoke_orders_src")
widgets.csv_download(orders, "下载订单农户名单（CSV）", f"{place}{scope.year}年菊芋订单农户.csv", key="artichoke_orders_csv", scope=scope)
