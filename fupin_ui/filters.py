"""The global filters (年度, 镇办) in the sidebar, shared by every page.

The chosen values live under plain session keys (`filter_year`, `filter_township`) that survive page
switches; the widgets are re-seeded from them on every run and copy back on change.

They are also kept in the page address (`?year=2016&township=611002111`): the first run of a browser
session (F5, a bookmark, a link opened after login) takes them from the address, and every run writes
the chosen ones back, so the address always names the view on screen.
"""

from __future__ import annotations

import streamlit as st

from fupin_core.metrics import Scope
from fupin_core.metrics.overview import available_years, townships
from fupin_core.security import access, rounds
from fupin_core.storage import schema
from fupin_ui import auth_ui, data

ALL = "全区"
YEAR, TOWNSHIP = "filter_year", "filter_township"
# Query parameters of the page address; ADDRESS_READ marks a session that has taken them once (later
# runs only write them: a page switch clears the address, the session keeps the filters).
YEAR_PARAM, TOWNSHIP_PARAM = "year", "township"
ADDRESS_READ = "filter_address_read"
# More villages than this are not offered in one list (a province's 27,600 take a select box seconds
# to draw, and nobody scrolls them): the page asks for a 镇办 first. One chosen 镇办 lists its villages
# however many (there is no smaller choice to ask for).
MAX_VILLAGES_LISTED = 1_000


def _from_address(years: list[int], codes: list[str]) -> None:
    """The first run of a session: 年度 and 镇办 from the address, where they are ones this user may choose."""
    if st.session_state.get(ADDRESS_READ):
        return
    st.session_state[ADDRESS_READ] = True
    year = st.query_params.get(YEAR_PARAM)
    if year is not None and year.strip().isdigit() and int(year) in years:
        st.session_state[YEAR] = int(year)
    township = st.query_params.get(TOWNSHIP_PARAM)
    if township is not None and township.strip() in codes:
        st.session_state[TOWNSHIP] = township.strip() or None


def _to_address() -> None:
    """Write the chosen 年度 and 镇办 into the address (only when they differ: no needless history)."""
    wanted = {YEAR_PARAM: str(st.session_state[YEAR])}
    if st.session_state.get(TOWNSHIP):
        wanted[TOWNSHIP_PARAM] = st.session_state[TOWNSHIP]
    for name in (YEAR_PARAM, TOWNSHIP_PARAM):
        if name not in wanted:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != wanted[name]:
            st.query_params[name] = wanted[name]


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
    _from_address(years, codes)
    if st.session_state.get(YEAR) not in years:
        st.session_state[YEAR] = 2017 if 2017 in years else max(years)
    if (st.session_state.get(TOWNSHIP) or "") not in codes:
        st.session_state[TOWNSHIP] = codes[0] or None
    _to_address()
    st.session_state["year_select"] = st.session_state[YEAR]
    st.session_state["township_select"] = st.session_state.get(TOWNSHIP) or ""
    if st.session_state.get(data.FIGURES) not in rounds.FIGURES_NOTES:
        st.session_state[data.FIGURES] = rounds.FIGURES_SUBMITTED
    st.session_state["figures_select"] = st.session_state[data.FIGURES]
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
        st.radio(
            "数字口径",
            list(FIGURES_LABELS),
            key="figures_select",
            format_func=FIGURES_LABELS.get,
            on_change=_keep_figures,
            horizontal=True,
        )
        st.caption(rounds.FIGURES_NOTES[st.session_state[data.FIGURES]])


FIGURES_LABELS = {rounds.FIGURES_SUBMITTED: "含已上报", rounds.FIGURES_APPROVED: "仅已审核"}


def _keep_figures() -> None:
    st.session_state[data.FIGURES] = st.session_state["figures_select"]


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
