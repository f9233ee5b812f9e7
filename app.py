"""产业扶贫追踪 — entry point: page config, navigation over pages/, global filters, sample notice."""

import streamlit as st

from fupin_core import store
from fupin_ui import data, filters, nav

st.set_page_config(page_title="产业扶贫追踪", layout="wide")

navigation = nav.navigation()
filters.sidebar()
with data.cursor() as cur:
    if store.has_sample_data(cur):
        st.sidebar.info("当前载入的是**示例数据**（商州区2017年公开数据复现，姓名与证件号均为虚构）。")
navigation.run()
