"""上报任务 under AppTest: the administrator opens a round, sees the board, returns a submission with a
comment on a row, the 录入员 sees it at the top of 数据上报 and only their own tasks, resubmits, the
administrator approves (board green, period locked). The sidebar and 导出 say which figures they show."""

from __future__ import annotations

import duckdb
from streamlit.testing.v1 import AppTest

from fupin_core.security import locks
from fupin_ui import auth_ui
from tests.app.conftest import APP, logged_in_app, session_token
from tests.sample_uploads import commit_income

MUHU, YECUN = "611002111", "611002101"  # 牧护关镇, 夜村镇


def _open(at, path):
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _board(at):
    frames = [d.value for d in at.dataframe if "状态" in d.value.columns and "逾期" in d.value.columns]
    assert frames, "页面上没有上报进度表"
    return frames[0]


def test_open_board_return_resubmit_approve(app, app_db):
    at = _open(app, "pages/rounds.py")
    assert at.title[0].value == "上报任务"
    assert "还没有上报任务。" in [i.value for i in at.info]
    at.number_input(key="round_year").set_value(2018)
    at.multiselect(key="round_datasets").set_value(["household_income"])
    at.checkbox(key="round_all_townships").uncheck().run()
    at.multiselect(key="round_townships").set_value([MUHU, YECUN])
    _button(at, "开启上报任务").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("已开启上报任务 1：2018年数据上报")
    board = _board(at)
    assert board[["镇办", "数据集", "状态"]].values.tolist() == [["夜村镇", "贫困户收入", "未上报"], ["牧护关镇", "贫困户收入", "未上报"]]
    assert {m.label: m.value for m in at.metric}["须上报镇办"] == "2个"

    household = commit_income(app_db, 90000.0)
    at.run()
    board = _board(at)
    row = board[board["镇办"] == "牧护关镇"].iloc[0]
    assert (row["状态"], row["上报人"], row["行数"], row["新增"]) == ("已上报", "muhu", 1, 1)
    # Review 牧护关镇: its row, then return with a comment on the file and one on the row.
    assert at.selectbox(key="review_township").value == MUHU
    review = next(d.value for d in at.dataframe if "行键" in d.value.columns)
    assert review[["行键", "变化"]].values.tolist() == [[f"{household} / 2018", "新增"]]
    at.text_area(key="review_file_comment").input("收入明显偏高，请核对")
    at.text_input(key="review_row_comment").input("工资性收入多填一个0").run()
    _button(at, "添加逐行意见").click().run()
    _button(at, "退回").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "已退回牧护关镇的“贫困户收入”"
    assert _board(at).set_index("镇办").loc["牧护关镇", "状态"] == "已退回"

    # The 录入员 of 牧护关镇: the returned submission with the comments first on 数据上报.
    editor = logged_in_app(app_db, "muhu", "editor", [MUHU])
    editor = _open(editor, "pages/upload.py")
    assert "已退回：2018年数据上报" in editor.error[0].value and "收入明显偏高，请核对" in editor.error[0].value
    notes = next(d.value for d in editor.dataframe if "意见" in d.value.columns)
    assert notes.values.tolist() == [[f"{household} / 2018", "工资性收入多填一个0"]]
    # Only their own 镇办's tasks, and no review.
    editor = _open(editor, "pages/rounds.py")
    assert _board(editor)["镇办"].tolist() == ["牧护关镇"]
    assert not [b for b in editor.button if b.label.startswith("审核通过")]
    assert "审核" not in [h.value for h in editor.subheader]

    commit_income(app_db, 9000.0)  # fixed and resubmitted
    editor = _open(editor, "pages/upload.py")
    assert not editor.error

    at.run()
    assert _board(at).set_index("镇办").loc["牧护关镇", "状态"] == "已上报"
    _button(at, "审核通过并锁定 2018年 牧护关镇").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "已审核通过牧护关镇的上报，并锁定2018年牧护关镇的数据"
    board = _board(at)
    assert board.set_index("镇办").loc["牧护关镇", "状态"] == "已审核"
    assert {m.label: m.value for m in at.metric}["已审核镇办"] == "1个"
    con = duckdb.connect(str(app_db))
    try:
        assert locks.active_locks(con) == {(2018, MUHU)}
    finally:
        con.close()


def test_figures_basis_is_said_in_the_sidebar_and_export(app, app_db):
    assert app.sidebar.radio(key="figures_select").value == "submitted"
    assert any("已上报但尚未审核" in c.value for c in app.sidebar.caption)
    at = _open(app, "pages/export.py")
    assert at.radio(key="export_basis").value == "approved"
    assert any("导出的数字只含已审核" in c.value for c in at.caption)
    # Chosen 仅已审核 (AppTest keeps the sidebar of the first run only, so a fresh session chooses it).
    approved = AppTest.from_file(APP, default_timeout=60)
    approved.session_state[auth_ui.TOKEN] = session_token(app_db)
    approved.session_state["figures_basis"] = "approved"
    approved.run()
    assert not approved.exception, approved.exception
    assert approved.sidebar.radio(key="figures_select").value == "approved"
    assert any("本页数字只含已审核" in c.value for c in approved.sidebar.caption)
