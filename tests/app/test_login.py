"""Login under AppTest: first start, login form, the session token (session and cookie, never the
address), logout, the landing page after logout, and the page list per role."""

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from fupin_core.security import auth, session_tokens
from fupin_core.security.access import Actor
from fupin_ui import auth_ui, nav
from tests.app.conftest import APP, TEST_PASSWORD, logged_in_app, session_token
from tests.security.test_permissions import PAGES

PAGE_FILES = {spec.title: spec.path for spec in nav.PAGE_SPECS}
# The role × page matrix is declared once, in tests/security/test_permissions.py.
EXPECTED_PAGES = {role: [t for t in PAGE_FILES if PAGES[(t, role)]] for role in ("admin", "editor", "viewer")}


def _fresh(app_db) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _login(at, username, password):
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    _button(at, "登录").click().run()
    assert not at.exception, at.exception
    return at


def _on_overview(at) -> bool:
    return bool(at.title) and at.title[0].value.endswith("产业扶贫总览")


def test_first_start_asks_for_an_administrator_then_logs_in(app_db):
    at = _fresh(app_db)
    assert [s.value for s in at.subheader] == ["创建管理员"]
    assert not _on_overview(at) and not at.metric
    at.text_input(key="setup_username").input("admin")
    at.text_input(key="setup_password").input(TEST_PASSWORD)
    at.text_input(key="setup_password_again").input(TEST_PASSWORD + "x")
    _button(at, "创建管理员并登录").click().run()
    assert at.error[0].value == "两次输入的密码不一致，请重新输入"
    at.text_input(key="setup_password_again").input(TEST_PASSWORD)
    _button(at, "创建管理员并登录").click().run()
    assert not at.exception, at.exception
    assert _on_overview(at)
    assert at.session_state[auth_ui.TOKEN] and not dict(at.query_params)  # the token is not in the address
    con = duckdb.connect(str(app_db))
    try:
        assert auth.has_admin(con)
        assert auth.get_user(con, "admin").role == "admin"
    finally:
        con.close()


def test_login_form_refuses_a_wrong_password_and_accepts_the_right_one(app_db):
    session_token(app_db)  # an administrator exists, so no first-start form
    session_token(app_db, "muhu", "editor", ["611002111"])
    at = _fresh(app_db)
    assert [s.value for s in at.subheader] == ["登录"]
    _login(at, "muhu", "wrong-password")
    assert at.error[0].value == auth.LOGIN_FAILED
    assert not _on_overview(at)
    _login(at, "muhu", TEST_PASSWORD)
    assert _on_overview(at)
    assert at.title[0].value.startswith("牧护关镇2017年")
    token = at.session_state[auth_ui.TOKEN]
    assert session_tokens.verify(duckdb.connect(str(app_db)), token).username == "muhu"
    assert not dict(at.query_params)


def test_a_copied_address_logs_nobody_in(app_db):
    """Issue 16, finding 3: the token is not in the page address, and a token put there (an old
    link from before the fix) is ignored and removed."""
    first = logged_in_app(app_db)
    token = first.session_state[auth_ui.TOKEN]
    assert token not in str(dict(first.query_params))
    elsewhere = AppTest.from_file(APP, default_timeout=60)  # another browser, the address pasted
    for name, value in first.query_params.items():
        elsewhere.query_params[name] = value
    elsewhere.query_params[auth_ui.LEGACY_QUERY] = token
    elsewhere.run()
    assert not elsewhere.exception
    assert [s.value for s in elsewhere.subheader] == ["登录"]
    assert auth_ui.LEGACY_QUERY not in elsewhere.query_params


@pytest.mark.parametrize("token", ["garbage", "eyJ4Ijo.0000"])
def test_a_bad_token_leads_to_the_login_form(app_db, token):
    session_token(app_db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[auth_ui.TOKEN] = token
    at.run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["登录"]
    assert at.info[0].value == "登录凭据无效，请重新登录"


def test_logout_ends_the_session_and_the_token(app_db):
    at = logged_in_app(app_db)
    token = at.session_state[auth_ui.TOKEN]
    assert at.session_state["filter_year"] == 2017
    _button(at.sidebar, "退出登录").click().run()
    # (AppTest reruns the page file without app.py, so look at the state rather than the screen.)
    assert auth_ui.USER not in at.session_state and auth_ui.TOKEN not in at.session_state
    assert "filter_year" not in at.session_state  # nothing of this user stays in the browser session
    assert at.warning[0].value.startswith("请先登录")
    again = AppTest.from_file(APP, default_timeout=60)  # the token replayed, e.g. from a saved cookie
    again.session_state[auth_ui.TOKEN] = token
    again.run()
    assert not again.exception
    assert [s.value for s in again.subheader] == ["登录"]
    assert again.info[0].value == "登录已失效（已退出登录、密码已重置或权限已变更），请重新登录"


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_page_list_per_role(app_db, role):
    at = logged_in_app(app_db, f"user_{role}", role)
    assert [spec.title for spec in nav.pages_for(role)] == EXPECTED_PAGES[role]
    # The navigation of this run offers exactly the role's pages: any other page cannot be opened.
    for title, path in PAGE_FILES.items():
        if title not in EXPECTED_PAGES[role]:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(path)
    for title in EXPECTED_PAGES[role]:
        at.switch_page(PAGE_FILES[title]).run()
        assert not at.exception, (title, at.exception)
        assert title in at.title[0].value or title == "总览", title


@pytest.mark.parametrize("path", ["pages/users.py", "pages/locks.py", "pages/audit.py"])
def test_sensitive_pages_check_the_role_again(app_db, path):
    page = AppTest.from_file(str(APP).replace("app.py", path), default_timeout=60)
    page.session_state[auth_ui.ACTOR] = Actor("look", "viewer")
    page.run()
    assert not page.exception
    assert page.error[0].value.startswith("您没有权限访问此页面")
    assert not page.title


def test_scoped_editor_is_offered_only_their_township(app_db):
    at = logged_in_app(app_db, "muhu", "editor", ["611002111"])
    assert at.sidebar.selectbox(key="township_select").options == ["牧护关镇"]
    assert at.title[0].value.startswith("牧护关镇2017年")
    assert "录入员，牧护关镇" in at.sidebar.caption[-1].value
