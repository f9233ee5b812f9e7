"""用户管理, 审核锁定 and 审计日志 under AppTest, as the administrator."""

import duckdb
import pytest

from fupin_core.security import auth, locks
from tests.app.conftest import TEST_PASSWORD


def _open(app, path):
    app.switch_page(path).run()
    assert not app.exception, app.exception
    return app


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _db(app_db):
    return duckdb.connect(str(app_db))


def test_users_page_lists_and_adds_users(app, app_db):
    at = _open(app, "pages/users.py")
    assert at.title[0].value == "用户管理"
    assert at.dataframe[0].value["用户名"].tolist() == ["admin"]
    at.text_input(key="new_username").input("muhu")
    at.text_input(key="new_display_name").input("牧护关镇录入员")
    at.selectbox(key="new_role").set_value("editor")
    at.multiselect(key="new_townships").set_value(["611002111"])
    at.text_input(key="new_password").input(TEST_PASSWORD)
    at.text_input(key="new_password_again").input(TEST_PASSWORD)
    _button(at, "新增用户").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "已新增用户「muhu」（录入员）"
    table = at.dataframe[0].value
    assert table.loc[table["用户名"] == "muhu", ["角色", "范围"]].values.tolist() == [["录入员", "牧护关镇"]]
    con = _db(app_db)
    try:
        assert auth.authenticate(con, "muhu", TEST_PASSWORD).townships == ("611002111",)
    finally:
        con.close()


def test_users_page_refuses_a_short_password(app, app_db):
    at = _open(app, "pages/users.py")
    at.text_input(key="new_username").input("look")
    at.text_input(key="new_password").input("short")
    at.text_input(key="new_password_again").input("short")
    _button(at, "新增用户").click().run()
    assert at.error[0].value == f"密码至少需要{auth.MIN_PASSWORD_LENGTH}个字符"
    assert at.dataframe[0].value["用户名"].tolist() == ["admin"]


def test_users_page_changes_role_and_scope_and_ends_sessions(app, app_db):
    con = _db(app_db)
    try:
        user = auth.create_user(con, "muhu", TEST_PASSWORD, "editor", ["611002111"])
        token = auth.issue_session(con, user)
    finally:
        con.close()
    at = _open(app, "pages/users.py")
    at.selectbox(key="change_user").set_value("muhu")
    at.selectbox(key="change_role").set_value("viewer")
    at.multiselect(key="change_townships").set_value([])
    _button(at, "变更角色和范围").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "已将「muhu」改为浏览者，其原有登录已失效"
    table = at.dataframe[0].value
    assert table.loc[table["用户名"] == "muhu", ["角色", "范围"]].values.tolist() == [["浏览者", "全区"]]
    con = _db(app_db)
    try:
        with pytest.raises(auth.AuthError, match="权限已变更"):
            auth.resume_session(con, token)
    finally:
        con.close()


def test_locks_page_locks_and_unlocks_a_township_year(app, app_db):
    at = _open(app, "pages/locks.py")
    assert at.title[0].value == "审核锁定"
    at.selectbox(key="lock_year").set_value(2017)
    at.selectbox(key="lock_township").set_value("611002111").run()
    _button(at, "锁定 2017年 牧护关镇").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "已锁定2017年牧护关镇"
    assert at.dataframe[0].value[["年度", "镇办"]].values.tolist() == [[2017, "牧护关镇"]]
    con = _db(app_db)
    try:
        with pytest.raises(locks.PeriodLocked):
            locks.check_unlocked(con, 2017, ["611002111"])
    finally:
        con.close()
    _button(at, "解锁 2017年 牧护关镇").click().run()
    assert at.success[0].value == "已解锁2017年牧护关镇"
    # No active lock: our own empty text instead of an empty table (Streamlit writes "empty" in it).
    assert "（当前没有锁定的年度和镇办）" in [c.value for c in at.caption]
    assert len(at.dataframe) == 1 and at.dataframe[0].value["状态"].tolist() == ["已解锁"]


def test_audit_page_shows_and_filters_the_log(app):
    at = _open(app, "pages/locks.py")
    at.selectbox(key="lock_year").set_value(2017).run()
    _button(at, "锁定 2017年 全区").click().run()
    at = _open(at, "pages/audit.py")
    assert at.title[0].value == "审计日志"
    log = at.dataframe[0].value
    assert log["操作"].tolist()[:1] == ["审核锁定"]
    assert set(log["操作"]) == {"审核锁定", "新增用户"}
    at.selectbox(key="audit_action").set_value("user_add").run()
    assert at.dataframe[0].value["对象"].tolist() == ["admin"]
    assert at.get("download_button")[0].proto.label == "下载审计日志（CSV）"


def test_users_page_whole_district_is_an_explicit_choice(app, app_db):
    """镇办范围 offers "全区" as a choice of its own (chosen by default); nothing chosen, or 全区 together
    with a 镇办, is refused in Chinese instead of silently meaning the whole district."""
    at = _open(app, "pages/users.py")
    scope = at.multiselect(key="new_townships")
    assert scope.value == [""] and scope.options[0] == "全区"
    assert scope.proto.placeholder == "选择“全区”或镇办"

    def add(name: str, picked: list[str]):
        at.text_input(key="new_username").input(name)
        at.selectbox(key="new_role").set_value("viewer")
        at.multiselect(key="new_townships").set_value(picked)
        at.text_input(key="new_password").input(TEST_PASSWORD)
        at.text_input(key="new_password_again").input(TEST_PASSWORD)
        _button(at, "新增用户").click().run()
        assert not at.exception, at.exception

    add("nobody", [])
    assert at.error[0].value == "请选择镇办范围：“全区”，或一个或几个镇办"
    add("both", ["", "611002111"])
    assert at.error[0].value == "镇办范围不能同时选“全区”和具体镇办，请只保留其一"
    add("quanqu", [""])
    assert at.success[0].value == "已新增用户「quanqu」（浏览者）"
    table = at.dataframe[0].value
    assert table.loc[table["用户名"] == "quanqu", "范围"].tolist() == ["全区"]
    assert set(table["用户名"]) == {"admin", "quanqu"}  # the refused ones were not added
    con = _db(app_db)
    try:
        assert auth.authenticate(con, "quanqu", TEST_PASSWORD).townships is None
    finally:
        con.close()


def test_audit_page_shows_a_whole_entry_in_the_detail_view(app, app_db):
    """A 详情 too long for its column is readable whole below the table, as plain text."""
    long_detail = "；".join(f"第{i}行：**不是Markdown** 的说明文字，原样显示" for i in range(1, 30))
    con = _db(app_db)
    try:
        from fupin_core.security import audit

        audit.record(con, "admin", "export", "导出长文件名.xlsx", long_detail)
    finally:
        con.close()
    at = _open(app, "pages/audit.py")
    log = at.dataframe[0].value
    assert log["详情"].tolist()[0] == long_detail
    entry = at.selectbox(key="audit_entry")
    assert entry.value == 0 and "导出长文件名.xlsx" in entry.format_func(0)
    assert long_detail in [t.value for t in at.text]  # st.text: never rendered as Markdown
    entry.set_value(len(log) - 1).run()
    oldest = log.iloc[-1]
    assert oldest["详情"] in [t.value for t in at.text] or "—" in [t.value for t in at.text]
