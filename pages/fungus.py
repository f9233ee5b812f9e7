"""食用菌: bags against the 千万袋 target by 镇办/base and report period, fresh yield and sales, and
the households the projects reach by 联结方式."""

import streamlit as st

from fupin_core.charts import fungus as charts
from fupin_core.charts import trends as trend_charts
from fupin_core.formatting import markdown_literal
from fupin_core.metrics import fungus
from fupin_core.metrics.indicators import display_unit
from fupin_core.metrics.trends import period_series
from fupin_ui import comparison, data, filters, widgets

scope = filters.scope()
place = filters.place_name()
whole = scope.townships is None and scope.village is None
summary = data.call(fungus.fungus_summary, scope)

st.title(f"{markdown_literal(place)}{scope.year}年食用菌产业")
st.caption("菌袋、产量和销售为所选年度各报告期之和（同一项目同一年既报年度又报季度时只计年度数）。")

kpis, previous = comparison.cards(scope, ("fungus_bags_wan", "fungus_progress", "fungus_target_wan"))
cols = st.columns(4)
widgets.kpi_card(cols[0], kpis, "fungus_bags_wan", previous=previous)
widgets.progress_card(cols[1], kpis, "fungus_progress", "fungus_target_wan", scope)
cols[2].metric("鲜菇产量", display_unit(summary["fresh_yield_t"], "吨"))
cols[3].metric("销售收入", display_unit(summary["sales_wan"], "万元"))
cols = st.columns(4)
cols[0].metric("生产基地及发放项目", f"{summary['producing_projects']:,}个", help="本年度报送了生产数据的项目")
cols[1].metric("带动贫困户", f"{summary['households_reached']:,}户", help="本年度从食用菌项目获得收益的贫困户（不重复计）")
cols[2].metric("带动增收", display_unit(summary["household_income_yuan"] / 10_000, "万元"))

by_township = data.call(fungus.bags_by_township, scope)
by_base = data.call(fungus.bags_by_base, scope)
left, right = st.columns(2)
with left:
    widgets.chart(charts.bags_target_chart, by_township, summary["target_wan"], whole)
    # Every report period up to the chosen year as one series (per month, so year and quarter reports compare).
    by_period = period_series(data.call(fungus.output_by_period, scope), "生产菌袋(万袋)")
    widgets.chart(trend_charts.period_chart, by_period, "生产菌袋(万袋)", "万袋", "历年各报告期生产菌袋")
with right:
    if whole:
        widgets.chart(charts.township_bags_chart, by_township)
    else:
        widgets.chart(charts.base_bags_chart, by_base, list(fungus.PROJECT_KINDS))

comparison.section(scope, "食用菌", place, key="fungus")

st.subheader("生产基地与菌袋发放项目")
widgets.table(
    by_base,
    key="fungus_bases",
    first=("基地名称", "生产菌袋(万袋)", "鲜菇产量(吨)", "销售收入(万元)"),
    last=("实施主体", "项目编号"),
    total=("建设规模(万袋)", "生产菌袋(万袋)", "鲜菇产量(吨)", "销售收入(万元)"),
)
widgets.provenance(("projects", "fungus_output", "entities"), scope, key="fungus_bases_src")
widgets.csv_download(by_base, "下载基地清单（CSV）", f"{place}{scope.year}年食用菌基地.csv", key="fungus_bases_csv", scope=scope)

st.subheader("带动贫困户")
st.caption("食用菌项目的利益联结（菌袋发放、务工、分红等），只计本年度收益大于0的户；一户有几种方式时各计一次。")
linked = summary["linked_by_mechanism"]
left, right = st.columns(2)
with left:
    widgets.chart(charts.linked_chart, linked)
with right:
    widgets.table(linked, key="fungus_linked")
    widgets.provenance(("linkages", "projects"), scope, key="fungus_linked_src")
