"""The global filters (年度, 镇办) in the sidebar, shared by every page.

The chosen values live under plain session keys (`filter_year`, `filter_township`) that survive page
switches; the widgets are re-seeded from them on every run and copy back on change.
"""

from __future__ import annotations

import streamlit as st

from fupin_core.metrics import Scope
from fupin_core.metrics.overview import available_years, townships
from fupin_core.security import access
from fupin_core.storage import schema
from fupin_ui import auth_ui, data

ALL = "全区"
YEAR, TOWNSHIP = "filter_year", "filter_township"


def _keep(widget_key: str, state_key: str) -> None:
    # The 镇办 widget shows "all" as "" (a None value would display as an empty choice).
    st.session_state[state_key] = st.session_state[widget_key] or None


def sidebar() -> None:
    years = data.call(available_years) or [2017]
    frame = data.call(townships)
    names = dict(zip(frame["镇办代码"].to_list(), frame["镇办"].to_list(), strict=True))
    # Only the acting user's 镇办; "all" ("") = the whole district, or all of a multi-镇办 scope.
    actor = auth_ui.actor()
    mine = [c for c in frame["镇办代码"].to_list() if actor is None or actor.covers(c)]
    codes = mine if actor is not None and actor.townships is not None and len(mine) == 1 else ["", *mine]
    all_label = ALL if actor is None or actor.townships is None else "全部（本人范围）"
    if st.session_state.get(YEAR) not in years:
        st.session_state[YEAR] = 2017 if 2017 in years else max(years)
    if (st.session_state.get(TOWNSHIP) or "") not in codes:
        st.session_state[TOWNSHIP] = codes[0] or None
    st.session_state["year_select"] = st.session_state[YEAR]
    st.session_state["township_select"] = st.session_state.get(TOWNSHIP) or ""
    with st.sidebar:
        st.selectbox("年度", years, key="year_select", format_func=lambda y: f"{y}年", on_change=_keep, args=("year_select", YEAR))
        st.selectbox(
            "镇办",
            codes,
            key="township_select",
            format_func=lambda c: names.get(c, c) if c else all_label,
            on_change=_keep,
            args=("township_select", TOWNSHIP),
        )


def scope() -> Scope:
    """The chosen 年度/镇办 as the acting user may see them (fupin_core.security.access.scope_for)."""
    frame = data.call(townships)
    names = dict(zip(frame["镇办代码"].to_list(), frame["镇办"].to_list(), strict=True))
    actor = auth_ui.require("view")  # also stops a page that runs before anyone logged in
    return access.scope_for(actor, st.session_state.get(YEAR, 2017), st.session_state.get(TOWNSHIP), names=names)


def place_name() -> str:
    """'商州区' or the chosen 镇办's name, for titles."""
    code = st.session_state.get(TOWNSHIP)
    if code:
        frame = data.call(townships)
        match = frame.filter(frame["镇办代码"] == code)
        if match.height:
            return match["镇办"][0]
    actor = auth_ui.actor()
    if actor is not None and actor.townships is not None:
        frame = data.call(townships)
        return "、".join(frame.filter(frame["镇办代码"].is_in(actor.townships))["镇办"].to_list())
    with data.cursor() as cur:
        return schema.get_setting(cur, "district_name") or "全区"
