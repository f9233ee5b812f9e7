"""产业扶贫追踪 — entry point: page config, login gate, navigation over pages/ per role, global filters."""

import streamlit as st

from fupin_core.metrics.overview import townships
from fupin_core.storage import store
from fupin_ui import auth_ui, data, filters, nav, style

st.set_page_config(page_title="产业扶贫追踪", layout="wide")
style.apply()

actor = auth_ui.gate()  # stops here with the login (or first-start) form until someone logs in
navigation = nav.navigation(actor.role)
filters.sidebar()
with data.cursor() as cur:
    if store.has_sample_data(cur):
        st.sidebar.info("当前载入的是**示例数据**（商州区2017年公开数据复现，姓名与证件号均为虚构）。")
frame = data.call(townships)
auth_ui.sidebar_user(actor, dict(zip(frame["镇办代码"].to_list(), frame["镇办"].to_list(), strict=True)))
navigation.run()
