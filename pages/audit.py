"""审计日志 (administrators only): who did what and when, filtered by user, action and date; CSV export."""

import datetime as dt

import streamlit as st

from fupin_core.security import audit
from fupin_ui import auth_ui, data, widgets

auth_ui.require("view_audit")

st.title("审计日志")
st.caption("记录登录（成功与失败）、上传、导入、回滚、导出、锁定与用户变更。身份证号一律以掩码记录。")

with data.cursor() as cur:
    known_users = audit.users_in_log(cur)
today = dt.date.today()
left, middle, right = st.columns(3)
user = left.selectbox("用户", [None, *known_users], format_func=lambda u: "全部用户" if u is None else u, key="audit_user")
action = middle.selectbox(
    "操作", [None, *audit.ACTION_LABELS], format_func=lambda a: "全部操作" if a is None else audit.ACTION_LABELS[a], key="audit_action"
)
period = right.date_input("日期", (today - dt.timedelta(days=30), today), key="audit_dates", format="YYYY-MM-DD")
date_from, date_to = (period[0], period[-1]) if isinstance(period, tuple) and period else (None, None)

with data.cursor() as cur:
    entries = audit.entries(cur, user=user, action=action, date_from=date_from, date_to=date_to)
st.caption(f"共{entries.height:,}条；表中的详情过长时只显示开头，选择一条即可在下方看到完整内容。")
shown = entries.head(1000)
widgets.table(shown, key="audit_table", first=("时间", "用户", "操作", "对象"), empty="所选条件下没有记录")
if entries.height > 1000:
    st.caption("表中显示最近1000条，请下载完整记录。")
if shown.height:
    rows = shown.rows(named=True)
    chosen = st.selectbox(
        "查看一条记录的完整详情",
        range(len(rows)),
        format_func=lambda i: f"{rows[i]['时间']}　{rows[i]['用户']}　{rows[i]['操作']}　{rows[i]['对象'] or ''}",
        key="audit_entry",
    )
    with st.container(border=True, key="audit_detail"):
        entry = rows[chosen]
        for label in ("时间", "用户", "操作", "对象", "详情"):
            left, right = st.columns([1, 9])
            left.markdown(f"**{label}**")
            right.text(entry[label] or "—")  # user-supplied text: shown as text, never Markdown
widgets.csv_download(entries, "下载审计日志（CSV）", f"审计日志_{today:%Y%m%d}.csv", key="audit_csv")
