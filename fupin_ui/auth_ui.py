"""The login gate: first-start 创建管理员 form, login form, logout button and the acting user.

A login is kept as a signed session token (fupin_core.security.session_tokens) in st.session_state and in a
same-site cookie of this site (never in the page address, so a copied link logs nobody in), so a
page refresh keeps the session. The token is checked on the server on every run against the user's
current state in the database, so a logout, password reset, disabling or role change ends every
session of that user at once, on every replica. The token is never renewed: a session ends 12 hours
after the password login at the latest. No password is kept anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import streamlit as st

from fupin_core.formatting import markdown_literal
from fupin_core.metrics import Scope
from fupin_core.security import access, auth, session_tokens
from fupin_core.security.access import Actor
from fupin_ui import data, downloads, nav

USER, TOKEN, ACTOR, NOTICE = "auth_user", "auth_token", "auth_actor", "auth_notice"
SET_COOKIE, SET_COOKIE_CLEAR = "auth_set_cookie", "auth_clear_cookie"
LOGGED_OUT, FRESH_LOGIN, LANDING = "auth_logged_out", "auth_fresh_login", nav.LANDING
COOKIE = "fupin_session"
LEGACY_QUERY = "t"  # where versions before issue 16 put the token: removed from any address it is in


def gate() -> Actor:
    """The logged-in actor; otherwise show the first-start or login form and stop this run."""
    with data.cursor() as cur:
        try:
            session_tokens.signing_key(cur)
        except session_tokens.KeyUnavailable as exc:  # PostgreSQL without FUPIN_SECRET_KEY: say what to set
            st.error(f"应用尚未配置完成，暂时不能登录：{markdown_literal(exc)}")
            st.stop()
        if not auth.has_admin(cur):
            _show(_first_start_page, "创建管理员", "setup")
        actor = _session_actor(cur)
    if actor is None:
        _show(_login_page, "登录", "login")
    st.session_state[ACTOR] = actor
    # The run right after a password login: a forbidden page in the address (left by the previous
    # user, e.g. 用户管理) sends this user to their first page instead (fupin_ui.nav).
    st.session_state[LANDING] = st.session_state.pop(FRESH_LOGIN, False)
    if st.session_state.get(SET_COOKIE):
        _cookie_script(st.session_state.pop(SET_COOKIE), session_tokens.LIFETIME.total_seconds())
    return actor


def _cookie_script(value: str, max_age: float) -> None:
    """Set (or with max_age 0 delete) the session cookie in the browser. Same-site only, Secure over
    HTTPS; the value is a signed token (base64url and hex, nothing to escape)."""
    script = (
        "<script>(function(){var secure = window.location.protocol === 'https:' ? '; Secure' : '';"
        f"document.cookie = {json.dumps(COOKIE)} + '=' + {json.dumps(value)} + '; Path=/; SameSite=Strict; Max-Age={int(max_age)}' + secure;"
        "})();</script>"
    )
    with st.sidebar:
        st.html(script, unsafe_allow_javascript=True)


def _leave_pages_directory_mode() -> None:
    """A fresh server's very first request that names a page (a bookmark after a restart) runs that
    page file alone, in Streamlit's old pages/-folder mode: no login gate, a menu of file names.
    Switch that mode off and run again, so app.py serves the same address through st.navigation."""
    from streamlit.runtime.pages_manager import PagesManager  # the flag st.navigation itself clears

    if PagesManager.uses_pages_directory and not nav.navigation_built():
        PagesManager.uses_pages_directory = False
        st.rerun()


def actor() -> Actor | None:
    """The acting user of this run (set by gate); every page asks for it first."""
    _leave_pages_directory_mode()
    if ACTOR not in st.session_state:
        with data.cursor() as cur:
            current = _session_actor(cur)
        if current is None:
            return None
        st.session_state[ACTOR] = current
    return st.session_state[ACTOR]


def require(action: str) -> Actor:
    """Every page checks the login and the role again: stop with a Chinese message unless allowed."""
    current = actor()
    if current is None:
        st.warning("请先登录。[打开登录页](./)")
        st.stop()
    if not current.can(action):
        st.error(f"您没有权限访问此页面（需要“{auth.ACTION_LABELS[action]}”权限），如有需要请联系管理员。")
        st.stop()
    return current


def session_bound(make: Callable[[], bytes]) -> Callable[[], bytes]:
    """Deferred download data (st.download_button(data=..., on_click="ignore")) built only when
    clicked and only while the session that offered it is still valid (not logged out or revoked);
    the served file expires after fupin_ui.downloads.LIFETIME_SECONDS, or at logout."""
    token = st.session_state.get(TOKEN)

    def _download() -> bytes:
        with data.cursor() as cur:
            auth.resume_session(cur, token or "")  # raises when this session has ended: no file
        return make()

    return downloads.expiring(_download)


def audited(make: Callable[[], bytes], file_name: str, scope: Scope | None = None) -> Callable[[], bytes]:
    """Like session_bound, and checks the export right and writes the audit entry when clicked."""
    current = actor()

    def _download() -> bytes:
        with data.cursor() as cur:
            access.record_export(cur, current, file_name, scope)
        return make()

    return session_bound(_download)


def _browser_cookie() -> str | None:
    """The session cookie the browser sent when this session connected (not after a logout here)."""
    if st.session_state.get(LOGGED_OUT):
        return None
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no browser behind this session (AppTest, bare mode)
        return None
    return value if isinstance(value, str) else None


def _session_actor(cur) -> Actor | None:
    if LEGACY_QUERY in st.query_params:
        del st.query_params[LEGACY_QUERY]  # an old link's token is ignored and leaves the address
    token = st.session_state.get(TOKEN) or _browser_cookie()
    if not token:
        return None
    try:
        user = auth.resume_session(cur, token)
    except (auth.AuthError, session_tokens.TokenError) as exc:
        _forget()
        st.session_state[LOGGED_OUT] = True  # the cookie is spent: do not try it again this session
        st.session_state[SET_COOKIE_CLEAR] = True
        st.session_state[NOTICE] = str(exc)
        return None
    st.session_state[USER] = user.username
    st.session_state[TOKEN] = token
    return Actor.of(user)


def _remember(cur, user: auth.User) -> None:
    """After a password login: a new token for this session and the browser's cookie."""
    st.session_state[USER] = user.username
    st.session_state[TOKEN] = auth.issue_session(cur, user)
    st.session_state[SET_COOKIE] = st.session_state[TOKEN]
    st.session_state[FRESH_LOGIN] = True
    st.session_state.pop(LOGGED_OUT, None)


def _forget() -> None:
    for key in (USER, TOKEN, ACTOR):
        st.session_state.pop(key, None)


def _show(page_fn, title: str, url_path: str) -> None:
    """Only the form runs, whatever address was opened. Every page's address is known to this hidden
    navigation, so a bookmarked page gets the form (not Streamlit's English "Page not found") and,
    after the login reruns, opens itself; an explicit navigation also keeps Streamlit from offering
    the pages/ directory to a stranger."""
    form = st.Page(page_fn, title=title, url_path=url_path, default=True)
    known = [st.Page(spec.path, title=spec.title, url_path=spec.url_path) for spec in nav.PAGE_SPECS]
    nav.hidden_navigation([form, *known])
    page_fn()
    st.stop()


def _centered():
    return st.columns([1, 2, 1])[1]


def _login_page() -> None:
    if st.session_state.pop(SET_COOKIE_CLEAR, False):
        _cookie_script("", 0)  # the browser forgets the ended session's token
    with _centered():
        st.title("产业扶贫追踪")
        st.subheader("登录")
        if st.session_state.get(NOTICE):
            st.info(st.session_state.pop(NOTICE))
        with st.form("login_form"):
            username = st.text_input("用户名", key="login_username")
            password = st.text_input("密码", type="password", key="login_password")
            submitted = st.form_submit_button("登录", type="primary")
        if submitted:
            with data.cursor() as cur:
                try:
                    user = auth.authenticate(cur, username, password)
                except auth.AuthError as exc:
                    st.error(markdown_literal(exc))
                    return
                _remember(cur, user)
            st.rerun()
        st.caption("忘记密码请联系管理员重置。")


def _first_start_page() -> None:
    with _centered():
        st.title("产业扶贫追踪")
        st.subheader("创建管理员")
        st.write("这是第一次启动：请创建管理员账户。管理员可以添加其他用户（录入员、浏览者）并分配镇办范围。")
        with st.form("setup_form"):
            username = st.text_input("用户名", key="setup_username", placeholder="如 admin 或 张三")
            display_name = st.text_input("姓名（可选）", key="setup_display_name")
            password = st.text_input("密码", type="password", key="setup_password", help=f"至少{auth.MIN_PASSWORD_LENGTH}个字符")
            again = st.text_input("再次输入密码", type="password", key="setup_password_again")
            submitted = st.form_submit_button("创建管理员并登录", type="primary")
        if submitted:
            if password != again:
                st.error("两次输入的密码不一致，请重新输入")
                return
            with data.cursor() as cur:
                try:
                    user = auth.create_first_admin(cur, username, password, display_name)
                except auth.AuthError as exc:
                    st.error(markdown_literal(exc))
                    return
                _remember(cur, user)
            st.rerun()


def _logout(username: str) -> None:
    with data.cursor() as cur:
        auth.logout(cur, username)  # server-side: every session of this user ends, on every replica
    downloads.drop_session_files()  # files this session downloaded stop being served at once
    _forget()
    # Nothing of this user (filters, an upload preview …) stays for whoever logs in next here.
    st.session_state.clear()
    st.session_state[LOGGED_OUT] = True
    st.session_state[SET_COOKIE_CLEAR] = True


def sidebar_user(current: Actor, township_names: dict[str, str]) -> None:
    """Who is logged in, their role and scope, and the 退出登录 button."""
    scope = "全区" if current.townships is None else "、".join(township_names.get(c, c) for c in current.townships)
    with st.sidebar:
        st.divider()
        st.caption(
            f"当前用户：{markdown_literal(current.display_name or current.username)}（{current.role_label}，{markdown_literal(scope)}）"
        )
        st.button("退出登录", key="logout_button", on_click=_logout, args=(current.username,))
