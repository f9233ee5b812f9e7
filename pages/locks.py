"""审核锁定 (administrators only): lock a year for a 镇办 or the whole district after review; unlock."""

import streamlit as st

from fupin_core.formatting import markdown_literal
from fupin_core.metrics.overview import available_years, townships
from fupin_core.security import locks
from fupin_ui import auth_ui, data, widgets

actor = auth_ui.require("lock")
frame = data.call(townships)
names = dict(zip(frame["镇办代码"].to_list(), frame["镇办"].to_list(), strict=True))
years = data.call(available_years) or [2017]

st.title("审核锁定")
st.caption("区级审核通过后锁定某年度某镇办（或全区）的数据：锁定期间该年度的导入和回滚都会被拒绝。解锁同样记入审计日志。")

if st.session_state.get("locks_message"):
    st.success(st.session_state.pop("locks_message"))

left, middle = st.columns(2)
year = left.selectbox("年度", years, index=len(years) - 1, format_func=lambda y: f"{y}年", key="lock_year")
township = middle.selectbox("范围", [None, *names], format_func=lambda c: "全区" if c is None else names[c], key="lock_township")
place = "全区" if township is None else names[township]
lock_col, unlock_col = st.columns(2)
with data.cursor() as cur:
    for column, label, action, verb in ((lock_col, "锁定", locks.lock, "锁定"), (unlock_col, "解锁", locks.unlock, "解锁")):
        if column.button(f"{label} {year}年 {place}", key=f"lock_button_{label}", type="primary" if label == "锁定" else "secondary"):
            try:
                action(cur, actor, year, township)
            except (ValueError, PermissionError) as exc:
                st.error(markdown_literal(exc))
            else:
                st.session_state["locks_message"] = f"已{verb}{year}年{place}"
                st.rerun()
    active = locks.lock_table(cur, active_only=True)
    history = locks.lock_table(cur)

st.subheader(f"锁定中（{active.height}项）")
widgets.table(active.drop("解锁人", "解锁时间", "状态"), key="active_locks", empty="当前没有锁定的年度和镇办")
st.subheader("锁定与解锁记录")
widgets.table(history, key="lock_history", empty="还没有锁定或解锁的记录")
