"""The global filters (年度, 镇办) in the sidebar, shared by every page.

The chosen values live under plain session keys (`filter_year`, `filter_township`) that survive page
switches; the widgets are re-seeded from them on every run and copy back on change.
"""

from __future__ import annotations

import streamlit as st

from fupin_core import schema
from fupin_core.metrics import Scope
from fupin_core.metrics.overview import available_years, townships
from fupin_ui import data

ALL = "全区"
YEAR, TOWNSHIP = "filter_year", "filter_township"


def _keep(widget_key: str, state_key: str) -> None:
    st.session_state[state_key] = st.session_state[widget_key]


def sidebar() -> None:
    years = data.call(available_years) or [2017]
    frame = data.call(townships)
    codes = [None, *frame["镇办代码"].to_list()]
    names = dict(zip(frame["镇办代码"].to_list(), frame["镇办"].to_list(), strict=True))
    if st.session_state.get(YEAR) not in years:
        st.session_state[YEAR] = 2017 if 2017 in years else max(years)
    if st.session_state.get(TOWNSHIP) not in codes:
        st.session_state[TOWNSHIP] = None
    st.session_state["year_select"] = st.session_state[YEAR]
    st.session_state["township_select"] = st.session_state.get(TOWNSHIP)
    with st.sidebar:
        st.selectbox("年度", years, key="year_select", format_func=lambda y: f"{y}年", on_change=_keep, args=("year_select", YEAR))
        st.selectbox(
            "镇办",
            codes,
            key="township_select",
            format_func=lambda c: ALL if c is None else names.get(c, c),
            on_change=_keep,
            args=("township_select", TOWNSHIP),
        )


def scope() -> Scope:
    return Scope.of(st.session_state.get(YEAR, 2017), st.session_state.get(TOWNSHIP))


def place_name() -> str:
    """'商州区' or the chosen 镇办's name, for titles."""
    code = st.session_state.get(TOWNSHIP)
    if code:
        frame = data.call(townships)
        match = frame.filter(frame["镇办代码"] == code)
        if match.height:
            return match["镇办"][0]
    with data.cursor() as cur:
        return schema.get_setting(cur, "district_name") or "全区"
