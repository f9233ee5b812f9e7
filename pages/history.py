"""上传记录: every batch (time, user, dataset, file, counts, status); download the original; roll back."""

import polars as pl
import streamlit as st

from fupin_core.formatting import markdown_literal
from fupin_core.ingest import history
from fupin_core.security import access
from fupin_core.storage import store
from fupin_ui import auth_ui, data, widgets

actor = auth_ui.require("upload")
st.title("上传记录")
if st.session_state.get("history_message"):
    st.success(st.session_state.pop("history_message"))

# A 录入员 may roll back only their own batches, and sees only those; administrators see all.
uploaded_by = None if actor.can("rollback_any") else actor.username
batches = data.call(history.batch_table, uploaded_by)
if uploaded_by is not None:
    st.caption(f"这里列出您（{markdown_literal(actor.username)}）上传的批次；其他人的批次请联系管理员查看。")
if batches.is_empty():
    st.info("还没有任何上传批次。")
    st.stop()
widgets.table(batches.drop("sha256"), height=min(420, 40 + 35 * batches.height), key="batch_table")

ids = batches["批次"].to_list()
chosen = st.selectbox(
    "选择批次", ids, key="history_batch",
    format_func=lambda b: "批次 {批次}：{数据集}，{文件}（{状态}，{时间}）".format(**batches.filter(pl.col("批次") == b).row(0, named=True)),
)  # fmt: skip
batch = batches.filter(pl.col("批次") == chosen).row(0, named=True)

left, right = st.columns(2)


def _original() -> bytes:
    with data.cursor() as cur:
        found = history.stored_file(cur, batch["sha256"])
    return found[1] if found else "原始文件已不在数据库中".encode()


if batch["sha256"]:
    left.download_button(
        "下载原始文件", auth_ui.session_bound(_original), file_name=batch["文件"] or f"批次{chosen}",
        key="download_original", on_click="ignore",
    )  # fmt: skip
else:
    left.caption("该批次没有保存原始文件（例如示例数据）。")

if batch["状态"] == history.STATUS_LABELS["committed"]:
    with right:
        st.markdown(
            f"**回滚批次 {chosen}**：撤销该批次写入的{batch['新增']}行新增和{batch['更新']}行更新，之前的数据重新成为当前数据，所有指标恢复到导入前。"
        )
        sure = st.checkbox(
            f"我确认要回滚批次 {chosen}（{batch['数据集']}，{markdown_literal(batch['文件'] or '无文件名')}）",
            key=f"confirm_rollback_{chosen}",
        )
        if st.button("回滚", type="primary", disabled=not sure, key="rollback_button"):
            try:
                with data.cursor() as cur:
                    access.rollback_batch(cur, actor, chosen)  # own/any rule, locked periods, audit entry
            except (PermissionError, store.StoreError) as exc:
                st.error(markdown_literal(exc))
            else:
                data.invalidate()
                st.session_state["history_message"] = f"已回滚批次 {chosen}（{batch['数据集']}），之前的数据已恢复"
                st.rerun()
else:
    right.caption(f"批次 {chosen} 已于 {batch['回滚时间']} 由 {markdown_literal(batch['回滚人'])} 回滚。")
