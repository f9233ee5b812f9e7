"""数据上报: choose a dataset, get its template, upload a file, map columns, preview, fix, commit."""

import streamlit as st

from fupin_core.catalog import BY_KEY, DATASETS
from fupin_core.formatting import markdown_literal
from fupin_core.ingest import display, fixlist, history, imports, mapping, pipeline, templates
from fupin_core.ingest.read import UnreadableFile, column_letter, max_upload_mb, sheet_names
from fupin_core.security import access, rounds
from fupin_core.security.privacy import mask_text
from fupin_ui import auth_ui, data, nav, widgets

actor = auth_ui.require("upload")
st.title("数据上报")

# Returned submissions of this user's 镇办 (上报任务), with the reviewer's comments, first.
with data.cursor() as cur:
    returned = rounds.returned_for(cur, actor)
for item in returned:
    comment = f"：{item.comment}" if item.comment else ""
    st.error(
        markdown_literal(
            f"已退回：{item.round_title}（{item.period}，截止{item.deadline:%Y-%m-%d %H:%M}）{item.township_name}的“{item.dataset_title}”，"
            f"{item.returned_by}于{item.returned_at:%Y-%m-%d %H:%M}退回{comment}。请改正后重新上传该数据集。"
        ),
        icon=":material/undo:",
    )
    if item.rows.height:
        widgets.table(item.rows, key=f"returned_rows_{item.round_id}_{item.township}_{item.dataset}")

# After 确认导入: the batch's result and "上传下一个文件", not the same file checked again.
result = st.session_state.get("upload_result")
if result:
    st.success(markdown_literal(result["message"]))
    for col, (label, value) in zip(st.columns(4), result["counts"], strict=True):
        col.metric(label, value)
    st.caption(
        f"数据集：{result['dataset']}；文件：{markdown_literal(mask_text(result['file']))}。可在“上传记录”页查看该批次、下载原始文件或回滚。"
    )
    if result.get("stages"):
        st.caption("各阶段用时：" + "；".join(result["stages"]))
    left, right = st.columns(2)
    if left.button("上传下一个文件", type="primary", key="upload_next"):
        del st.session_state["upload_result"]
        st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1  # a fresh, empty uploader
        for stale in ("upload_preview", "upload_signature"):
            st.session_state.pop(stale, None)
        st.rerun()
    right.page_link(nav.path_of("history"), label="查看上传记录", icon=":material/history:")
    st.stop()

if "upload_dataset" not in st.session_state:  # the dataset this user last uploaded, else the most uploaded
    with data.cursor() as cur:
        st.session_state["upload_dataset"] = history.default_dataset(cur, actor.username)
key = st.selectbox("数据集", [d.key for d in DATASETS], format_func=lambda k: BY_KEY[k].title, key="upload_dataset")
ds = BY_KEY[key]
st.caption(f"{ds.description} 每行以“{'+'.join(ds.header_of(k) for k in ds.natural_key)}”区分，再次上传同一编号会更新原记录。")
left, right = st.columns(2)
left.download_button(
    "下载 Excel 模板", lambda: templates.xlsx_template(key), file_name=templates.file_name(key, "xlsx"), key="tpl_xlsx", on_click="ignore"
)
right.download_button(
    "下载 CSV 模板", templates.csv_template(key), file_name=templates.file_name(key, "csv"), key="tpl_csv", on_click="ignore"
)

upload_round = st.session_state.get("upload_round", 0)
upload = st.file_uploader(
    f"上传文件（Excel .xlsx/.xls 或 CSV，不超过 {max_upload_mb()} MB）",
    type=["xlsx", "xls", "csv", "txt"],
    key="upload_file" if not upload_round else f"upload_file_{upload_round}",
    max_upload_size=max_upload_mb(),
)
if upload is None:
    st.info("请选择要上报的文件。文件可以有标题行、说明行和合计行，编码可以是 UTF-8 或 GBK。")
    st.stop()
content = upload.getvalue()
try:
    sheets = sheet_names(content, upload.name)
except UnreadableFile as exc:
    st.error(f"无法读取“{markdown_literal(mask_text(upload.name))}”：{markdown_literal(exc)}")
    st.stop()
sheet = (
    st.selectbox("工作表", [None, *sheets], format_func=lambda n: n or "自动（第一个含表头的工作表）", key="upload_sheet")
    if len(sheets) > 1
    else None
)

with data.cursor() as cur:
    sources = mapping.saved_sources(cur, key)
source = st.selectbox("列对应方案", ["（自动识别）", *sources], key="upload_source") if sources else None
manual = st.session_state.setdefault("upload_manual", {}).setdefault(key, {})
if source and source != "（自动识别）" and st.session_state.get("upload_source_loaded") != (key, source):
    with data.cursor() as cur:
        manual.update(mapping.load_mapping(cur, source, key))
    st.session_state["upload_source_loaded"] = (key, source)

signature = (upload.name, hash(content), key, sheet, tuple(sorted(manual.items())), data.data_version())
if st.session_state.get("upload_signature") != signature:
    with st.status("正在读取和校验文件…", expanded=True) as status:
        bar = st.progress(0.0)
        try:
            options = imports.ImportOptions(sheet=sheet, manual=manual, progress=lambda f, t: bar.progress(f, text=t))
            first_check = st.session_state.get("upload_audited") != signature[:2]  # one audit entry per file
            preview = imports.check_file(data.store(), actor, ds, upload.name, content, options, audit_upload=first_check)
            st.session_state["upload_audited"] = signature[:2]
        except UnreadableFile as exc:
            status.update(label="无法读取文件", state="error")
            st.error(f"无法读取“{markdown_literal(mask_text(upload.name))}”：{markdown_literal(exc)}")
            st.stop()
        status.update(label="读取和校验完成", state="complete", expanded=False)
    st.session_state["upload_preview"], st.session_state["upload_signature"] = preview, signature
preview = st.session_state["upload_preview"]
st.caption(display.skipped_text(preview))

choices = ["", *[c.name for c in ds.columns]]
conflicted = {i for _, indexes in preview.mapping.conflicts for i in indexes}
mappable = [
    i for i, h in preview.mapping.headers.items() if i in preview.mapping.unknown or i in conflicted or mapping.clean_header(h) in manual
]
with st.expander("列对应（文件中的列 → 模板中的列）", expanded=bool(preview.mapping.unknown or preview.blocked)):
    widgets.table(display.mapping_table(preview), key="mapping_table")
    for index in mappable:
        header = preview.mapping.headers[index]
        clean = mapping.clean_header(header)
        current = manual.get(clean, "")
        picked = st.selectbox(
            f"{column_letter(index)}列“{header}”对应", choices, index=choices.index(current) if current in choices else 0,
            format_func=lambda n: "（忽略此列）" if not n else ds.header_of(n), key=f"map_{key}_{index}",
        )  # fmt: skip
        if picked != current:
            manual[clean] = picked
            st.rerun()
    if manual:
        name = st.text_input("保存这套列对应，来源名称（如报送单位）", key="upload_source_name")
        if st.button("保存列对应", key="save_mapping"):
            with data.cursor() as cur:
                try:
                    mapping.save_mapping(cur, name, ds, manual, user=actor.username)
                    st.success(f"已保存“{markdown_literal(name)}”的列对应，下次可在“列对应方案”中选用")
                except ValueError as exc:
                    st.error(markdown_literal(exc))

for col, (label, value) in zip(st.columns(4), display.count_cards(preview), strict=True):
    col.metric(label, value)
mask = not actor.can("view_full_id")
errors, warnings = display.problem_table(preview, "error", mask_ids=mask), display.problem_table(preview, "warning", mask_ids=mask)
for title, table in (("错误", errors), ("提醒", warnings)):
    if table.height:
        st.subheader(f"{title}（{table.height:,}条）")
        widgets.table(table.head(1000), height=min(400, 40 + 35 * table.height), key=f"{title}_table")
if errors.height or warnings.height:
    st.download_button(
        "下载问题清单（Excel）", auth_ui.session_bound(lambda: fixlist.fix_list_xlsx(preview)),
        file_name=f"问题清单_{mask_text(upload.name.rsplit('.', 1)[0])}.xlsx",
        key="fix_list", on_click="ignore",
    )  # fmt: skip
st.subheader("预览（前200行）")
rows = access.present(actor, display.row_table(preview))
widgets.table(rows, height=min(300, 40 + 35 * rows.height), key="preview_table")

partial = st.checkbox("只导入无误的行（有误的行留在问题清单中，改正后再上传）", key="upload_partial", disabled=not errors.height)
confirmed = True
if preview.needs_confirmation:
    confirmed = st.checkbox("我已核对上面需要确认的提醒（如统一社会信用代码校验位），确认导入", key="upload_confirm")
blocked = preview.blocked or (errors.height and not partial) or not confirmed or not preview.changes.height
if errors.height and not partial:
    st.warning("有错误的行：按严格模式不能导入。请下载问题清单改正后重新上传，或勾选“只导入无误的行”。")
if st.button("确认导入", type="primary", disabled=bool(blocked), key="upload_commit"):
    outcome = imports.commit_checked(data.store(), actor, preview, partial=partial)
    data.invalidate()
    st.session_state["upload_result"] = {
        "message": outcome.message,
        "dataset": ds.title,
        "file": upload.name,
        "counts": [
            ("新增", f"{outcome.new:,}行"),
            ("更新", f"{outcome.updated:,}行"),
            ("未变", f"{outcome.unchanged:,}行"),
            ("有误未导入", f"{outcome.rejected:,}行"),
        ],
        "stages": pipeline.stage_lines(preview.timings, outcome.timings),
    }
    st.rerun()
