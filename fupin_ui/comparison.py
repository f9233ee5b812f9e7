"""年度对比 on a page: its main indicators over the years, and places compared (镇办, or the villages
of the chosen 镇办) with a scorecard of the chosen 镇办; every figure from the indicator registry."""

from __future__ import annotations

import streamlit as st

from fupin_core.charts import trends as charts
from fupin_core.formatting import markdown_literal
from fupin_core.metrics import Scope, indicators, trends
from fupin_core.security import access
from fupin_ui import auth_ui, data, widgets

CHARTS_A_ROW = 2


def previous_kpis(scope: Scope, keys: tuple[str, ...] | None = None) -> dict:
    """Last year's indicators for the same place (the KPI cards' change against last year); `keys`:
    only these (their queries alone run)."""
    return data.call(indicators.values, trends.previous_scope(scope), keys=keys)


def cards(scope: Scope, keys: tuple[str, ...]) -> tuple[dict, dict]:
    """The registry's values of a page's cards `keys`, this year and last year. Only the queries these
    indicators need run: a programme page does not compute the whole registry twice to show six cards."""
    return data.call(indicators.values, scope, keys=keys), previous_kpis(scope, keys)


def _whole(scope: Scope) -> Scope:
    """The places the acting user may compare a 镇办 with: the district, or all of their 镇办."""
    return access.scope_for(auth_ui.require("view"), scope.year, None)


def section(scope: Scope, programme: str, place: str, *, key: str) -> None:
    keys = trends.PROGRAMME_KEYS[programme]
    st.subheader("历年变化")
    frame = data.call(trends.trend, scope, keys)
    years = frame["年度"].n_unique() if frame.height else 0
    if years < 2:
        st.caption(f"{scope.year}年以前没有数据，暂无历年变化。")
    else:
        st.caption(f"各指标从有数据的第一年到{scope.year}年（实心大点），与各年度页面的指标卡一致；有目标的指标以虚线标出目标。")
        built = widgets.charts(charts.trend_charts, frame, scope.year)
        for start in range(0, len(built), CHARTS_A_ROW):
            for column, spec in zip(st.columns(CHARTS_A_ROW), built[start : start + CHARTS_A_ROW], strict=False):
                with column:
                    widgets.draw(spec)
    _compare(scope, keys, place, key)


def _compare(scope: Scope, keys: tuple[str, ...], place: str, key: str) -> None:
    rankings = data.call(trends.rankings, scope, keys)
    level = rankings[0].level if rankings else ("村" if scope.one_township else "镇办")
    st.subheader(f"各{level}比较")
    if not rankings:
        st.caption("本页的指标不在村一级统计，没有可比较的指标。")
    elif rankings[0].too_many:
        st.info(f"共{rankings[0].too_many:,}个镇办，一张图比较不清：请在左侧选择一个镇办，比较它的各村。")
    elif rankings[0].frame.height < 2:
        # Never a chart of one bar: there is nothing to compare with.
        st.caption(f"{markdown_literal(place)}只有{rankings[0].frame.height}个{level}，没有可比较的{level}。")
    else:
        by_key = {r.key: r for r in rankings}
        chosen = st.selectbox("比较的指标", list(by_key), format_func=lambda k: indicators.indicator(k).name, key=f"{key}_ranking_key")
        reported = by_key[chosen].frame["数值"].drop_nulls().len()
        if reported > 1:
            widgets.chart(charts.ranking_chart, by_key[chosen])
        else:  # one bar is no comparison
            name = indicators.indicator(chosen).name
            st.caption(f"只有{reported}个{level}上报了{name}，不作比较（其余为未上报）。")
        table = trends.comparison_table(rankings)
        with st.expander(f"各{level}各项指标及名次"):
            widgets.table(table, key=f"{key}_comparison")
            widgets.csv_download(
                table, f"下载各{level}比较（CSV）", f"{place}{scope.year}年各{level}比较.csv", key=f"{key}_comparison_csv", scope=scope
            )
    if scope.one_township and scope.village is None:
        st.markdown(f"**{markdown_literal(place)}成绩单**（与上年相比；名次为在各镇办中的名次，数值相同名次并列）")
        # This year's and last year's values of `keys` (cached), and the 镇办 ranking the district view shares.
        whole = _whole(scope)
        ranks = data.call(trends.rankings, Scope(scope.year, whole.townships, None), keys)
        current, previous = cards(scope, keys)
        card = trends.scorecard_frame(scope, keys, current, previous, ranks)
        widgets.table(card, key=f"{key}_scorecard", first=("指标", "数值", "单位", "排名", "较上年", "变化"))
        widgets.csv_download(card, "下载成绩单（CSV）", f"{place}{scope.year}年成绩单.csv", key=f"{key}_scorecard_csv", scope=scope)
