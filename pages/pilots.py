"""三变改革: the pilot villages (资源变资产、资金变股金、农民变股东), their dividends to households, and
linked income per person in pilot against non-pilot villages."""

import polars as pl
import streamlit as st

from fupin_core.charts import pilots as charts
from fupin_core.formatting import markdown_literal
from fupin_core.metrics.indicators import display_unit
from fupin_core.metrics.pilots import linked_income_by_pilot, pilot_dividends_by_year, pilot_totals, pilot_villages, shareholder_gaps
from fupin_ui import comparison, data, filters, widgets

scope = filters.scope()
place = filters.place_name()
totals = data.call(pilot_totals, scope)

st.title(f"{markdown_literal(place)}{scope.year}年三变改革试点")
st.caption("资源变资产、资金变股金、农民变股东：试点村的区级财政投入、折股量化资产、入股土地、股东和分红。")

kpis, previous = comparison.cards(scope, ("pilot_villages", "pilot_funds_wan"))
cols = st.columns(4)
widgets.kpi_card(cols[0], kpis, "pilot_villages", previous=previous)
widgets.kpi_card(cols[1], kpis, "pilot_funds_wan", previous=previous)
cols[2].metric("折股量化资产", display_unit(totals["quantified_assets_wan"], "万元"))
cols[3].metric("入股土地", display_unit(totals["land_shares_mu"], "亩"))
cols = st.columns(4)
cols[0].metric("股东户数", f"{totals['shareholder_households']:,}户")
cols[1].metric(
    "贫困户股东户数",
    f"{totals['poor_shareholder_households']:,}户",
    help=f"占股东户数的{display_unit(totals['poor_shareholder_share'], '%')}",
)
cols[2].metric(
    "试点村年度分红",
    display_unit(totals["annual_dividend_wan"], "万元"),
    help=f"分红年度为{scope.year}年的试点村报送的年度分红合计（全体股东）；其他年度的分红不沿用",
)
cols[3].metric(
    "本年分红到户（贫困户）",
    display_unit(totals["dividend_yuan"] / 10_000, "万元"),
    help=f"“三变”项目本年以分红方式带动{totals['dividend_households']:,}户贫困户增收（利益联结数据）",
)
st.caption(
    "试点村年度分红是集体经济组织分给全体股东（含非贫困户）和集体留存的总额，由试点村报送；分红到户只计贫困户从“三变”项目"
    "获得的分红（利益联结数据），两者口径不同，差额为非贫困户股东所得和集体留存。"
)

villages = data.call(pilot_villages, scope)
income = data.call(linked_income_by_pilot, scope)
left, right = st.columns(2)
with left:
    if villages.height:
        widgets.chart(charts.shareholders_chart, villages)
    else:
        st.info(f"{place}{scope.year}年没有“三变”改革试点村。")
with right:
    widgets.chart(charts.pilot_income_chart, income)
    dividends_by_year = data.call(pilot_dividends_by_year, scope)
    if dividends_by_year.height > 1:  # one year alone is a single bar: said in words instead
        widgets.chart(charts.pilot_dividends_chart, dividends_by_year)
    elif dividends_by_year.height == 1:
        year_row = dividends_by_year.row(0, named=True)
        st.caption(
            f"“三变”项目分红到户：{year_row['年度']}年{year_row['分红到户户数(户)']:,}户，"
            f"{display_unit(year_row['分红到户金额(万元)'], '万元')}（只有这一年的记录，不画历年图）。"
        )

comparison.section(scope, "三变", place, key="pilots")

st.subheader(f"试点村（{villages.height:,}个）")
gaps = data.call(shareholder_gaps, scope)
if not gaps.is_empty():
    st.warning(f"{gaps.height}个试点村的贫困户股东户数与分红到户户数不一致：")
    widgets.table(gaps, key="pilot_shareholder_gaps", first=("说明", "村"), last=("村代码",))
shown = villages.with_columns((pl.col("贫困户股东占比") * 100).round(1)).rename({"贫困户股东占比": "贫困户股东占比(%)"})
widgets.table(
    shown,
    key="pilot_table",
    first=(
        "村",
        "镇办",
        "年度分红(万元)",
        "分红到户金额(元)",
        "分红到户户数(户)",
        "股东户数(户)",
        "贫困户股东户数(户)",
        "贫困户股东占比(%)",
    ),
    last=("集体经济组织", "村代码"),
)
widgets.provenance(("pilots", "villages", "projects", "linkages"), scope, key="pilot_src")
widgets.csv_download(shown, "下载试点村表（CSV）", f"{place}{scope.year}年三变改革试点村.csv", key="pilot_csv", scope=scope)

st.subheader("试点村与非试点村带动增收对比")
st.caption("本年有产业收益的贫困户（与总览“带动增收”同一口径），按所在村是否为“三变”试点村分组；人均收益 = 收益金额 ÷ 带动增收人数。")
widgets.table(income, key="pilot_income_table")
widgets.provenance(("linkages", "households", "villages", "pilots"), scope, key="pilot_income_src")
