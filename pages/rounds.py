"""上报任务: open a round (administrators), the status board (镇办 × 数据集), review a submission:
approve (locks that 镇办 and year) or return it with comments. A user limited to some 镇办 (录入员,
浏览者) sees only those 镇办's tasks, read-only."""

import datetime as dt

import polars as pl
import streamlit as st

from fupin_core.catalog import BY_KEY
from fupin_core.formatting import markdown_literal
from fupin_core.metrics.overview import townships
from fupin_core.security import rounds
from fupin_ui import auth_ui, data, nav, widgets

actor = auth_ui.require("view")  # the board is for everyone in scope; reviewing needs "lock"
reviewer = actor.can("lock")  # 区级审核: administrators
frame = data.call(townships)
names = dict(zip(frame["镇办代码"].to_list(), frame["镇办"].to_list(), strict=True))

st.title("上报任务")
st.caption(
    "每个上报任务要求各镇办在截止时间前上报某一报告期的数据；区级审核后退回（附意见）或审核通过。"
    "审核通过即锁定该镇办该年度的数据（见“审核锁定”）。"
)
if st.session_state.get("rounds_message"):
    st.success(markdown_literal(st.session_state.pop("rounds_message")))

if reviewer:
    with st.expander("开启上报任务", expanded=False):
        choices = {ds.key: ds.title for ds in rounds.round_datasets()}
        left, middle, right = st.columns(3)
        year = left.number_input("报告期年度", min_value=2010, max_value=2100, value=dt.date.today().year, step=1, key="round_year")
        kind = middle.selectbox("报告期", list(rounds.PERIOD_KINDS), format_func=rounds.PERIOD_KINDS.get, key="round_kind")
        number = None
        if kind == "quarter":
            number = right.selectbox("季度", [1, 2, 3, 4], format_func=lambda q: f"第{q}季度", key="round_quarter")
        elif kind == "month":
            number = right.selectbox("月份", list(range(1, 13)), format_func=lambda m: f"{m}月", key="round_month")
        chosen = st.multiselect(
            "须上报的数据集", list(choices), format_func=choices.get, key="round_datasets", placeholder="选择数据集", select_all=False
        )
        every = st.checkbox("全部镇办都须上报", value=True, key="round_all_townships")
        places = (
            None
            if every
            else st.multiselect(
                "须上报的镇办", list(names), format_func=names.get, key="round_townships", placeholder="选择镇办", select_all=False
            )
        )
        left, right = st.columns(2)
        due_day = left.date_input("截止日期", value=dt.date.today() + dt.timedelta(days=14), key="round_due_day", format="YYYY-MM-DD")
        due_time = right.time_input("截止时间", value=dt.time(18, 0), key="round_due_time")
        title = st.text_input("任务名称（可不填，默认如“2018年数据上报”）", key="round_title")
        if st.button("开启上报任务", type="primary", key="round_open"):
            try:
                with data.cursor() as cur:
                    opened = rounds.open_round(
                        cur, actor, year=int(year), datasets=chosen, townships=places, deadline=dt.datetime.combine(due_day, due_time),
                        period_kind=kind, period_no=number, title=title,
                    )  # fmt: skip
            except (rounds.RoundError, PermissionError) as exc:
                st.error(markdown_literal(exc))
            else:
                st.session_state["rounds_message"] = f"已开启上报任务 {opened.round_id}：{opened.title}"
                st.session_state["round_select"] = opened.round_id
                st.rerun()

with data.cursor() as cur:
    visible = rounds.rounds(cur, actor)  # a 录入员: only rounds of their 镇办, with only those 镇办
if not visible:
    st.info("还没有上报任务。" if reviewer else "您所在的镇办目前没有上报任务。")
    st.stop()

by_id = {r.round_id: r for r in visible}
if st.session_state.get("round_select") not in by_id:
    st.session_state["round_select"] = visible[0].round_id
round_id = st.selectbox("上报任务", list(by_id), format_func=lambda i: f"{i}：{by_id[i].label}", key="round_select")
rnd = by_id[round_id]

# Cached until an upload, a review or a deadline changes it (data.data_version); read on the stored data.
board = data.call_on(rounds.FIGURES_SUBMITTED, rounds.board, rnd)

per_township = board.group_by("镇办代码", maintain_order=True).agg(
    pl.col("状态").eq(rounds.APPROVED).all().alias("approved"), pl.col("逾期").eq(rounds.OVERDUE).any().alias("overdue")
)
cards = st.columns(4)
cards[0].metric("须上报镇办", f"{per_township.height}个")
cards[1].metric("已审核镇办", f"{int(per_township['approved'].sum())}个")
cards[2].metric("逾期未报镇办", f"{int(per_township['overdue'].sum())}个")
cards[3].metric("截止时间", f"{rnd.deadline:%Y-%m-%d %H:%M}")
st.caption(
    f"数据集：{'、'.join(BY_KEY[k].title for k in rnd.datasets)}；报告期：{rnd.period_label}；开启人：{markdown_literal(rnd.opened_by)}。"
)

st.subheader("上报进度")
STATE_COLOURS = {rounds.APPROVED: "#d9f2d9", rounds.RETURNED: "#fde2c8", rounds.SUBMITTED: "#dbe9f7"}
OVERDUE_COLOUR = "#f8d0d0"


def _row_style(row) -> list[str]:
    # Overdue red; otherwise by state: 已审核 green, 已退回 orange, 已上报 blue, 未上报 plain.
    colour = OVERDUE_COLOUR if row["逾期"] else STATE_COLOURS.get(row["状态"], "")
    return [f"background-color: {colour}" if colour else ""] * len(row)


shown = board.drop("镇办代码", "dataset")
st.dataframe(
    shown.to_pandas().style.apply(_row_style, axis=1),
    hide_index=True,
    width="stretch",
    height=widgets.useful_height(shown.height),
    key="round_board",
)
st.caption(
    "红色为逾期（截止时间已过仍未上报或退回后未重新上报，或逾期才上报），绿色为已审核，橙色为已退回，蓝色为已上报待审核。“变化较大”为与上期相比变化超过50%或装机（规模）改变的行数。"
)

if not reviewer:
    if actor.can("upload"):
        st.page_link(nav.path_of("upload"), label="去“数据上报”页上报或重新上报", icon=":material/upload:")
    st.stop()

st.subheader("审核")
submitted = board.filter(pl.col("行数") > 0)
if submitted.is_empty():
    st.info("还没有镇办上报本任务的数据。")
    st.stop()
codes = list(dict.fromkeys(submitted["镇办代码"].to_list()))
left, right = st.columns(2)
township = left.selectbox("镇办", codes, format_func=lambda c: names.get(c, c), key="review_township")
mine = board.filter(pl.col("镇办代码") == township)
datasets = mine.filter(pl.col("行数") > 0)["dataset"].to_list()
dataset = right.selectbox("数据集", datasets, format_func=lambda k: BY_KEY[k].title, key="review_dataset")
state = mine.filter(pl.col("dataset") == dataset)["状态"].item()
place = names.get(township, township)

review = data.call_on(rounds.FIGURES_SUBMITTED, rounds.review_rows, rnd, township, dataset)
st.markdown(
    f"**{markdown_literal(place)} · {BY_KEY[dataset].title}**：{state}，共{review.height}行"
    f"（新增{int((review['变化'] == '新增').sum())}行，更新{int((review['变化'] == '更新').sum())}行，"
    f"变化较大{int((review['变化较大'] != '').sum())}行）。“差异”为与上次审核通过（上报前）的数据相比。"
)
widgets.table(review, key="review_rows", first=("行键", "变化", "差异", "变化较大"), empty="没有行")

if state == rounds.APPROVED:
    st.success(f"{markdown_literal(place)}的上报已审核通过，{rnd.year}年数据已锁定。")
    st.stop()

approve_col, return_col = st.columns(2)
with approve_col:
    st.markdown(f"**审核通过**：{markdown_literal(place)}的全部数据集都已上报后，审核通过并锁定其{rnd.year}年数据。")
    if st.button(f"审核通过并锁定 {rnd.year}年 {markdown_literal(place)}", type="primary", key="review_approve"):
        try:
            with data.cursor() as cur:
                rounds.approve(cur, actor, rnd.round_id, township)
        except (rounds.RoundError, PermissionError, ValueError) as exc:
            st.error(markdown_literal(exc))
        else:
            data.invalidate()
            st.session_state["rounds_message"] = f"已审核通过{place}的上报，并锁定{rnd.year}年{place}的数据"
            st.rerun()

with return_col:
    st.markdown("**退回**：写明对整个文件的意见，或对某一行的意见（可添加多条）。")
    notes_key = f"review_row_notes_{rnd.round_id}_{township}_{dataset}"
    notes: list[tuple[str, str]] = st.session_state.setdefault(notes_key, [])
    file_comment = st.text_area("对文件的意见", key="review_file_comment")
    row_choice = st.selectbox("行", review["行键"].to_list(), key="review_row_key")
    row_comment = st.text_input("对这一行的意见", key="review_row_comment")
    if st.button("添加逐行意见", key="review_add_row_comment", disabled=not row_comment.strip()):
        notes.append((row_choice, row_comment.strip()))
        st.rerun()
    if notes:
        widgets.table(pl.DataFrame(notes, schema={"行键": pl.String, "意见": pl.String}, orient="row"), key="review_row_notes")
    if st.button("退回", key="review_return"):
        try:
            with data.cursor() as cur:
                rounds.return_submission(cur, actor, rnd.round_id, township, {dataset: file_comment}, [(dataset, k, c) for k, c in notes])
        except (rounds.RoundError, PermissionError) as exc:
            st.error(markdown_literal(exc))
        else:
            data.invalidate()
            st.session_state.pop(notes_key, None)
            st.session_state["rounds_message"] = f"已退回{place}的“{BY_KEY[dataset].title}”"
            st.rerun()
