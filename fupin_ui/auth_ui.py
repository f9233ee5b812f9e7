"""The login gate: first-start 创建管理员 form, login form, logout button and the acting user.

A login is kept as a signed session token (fupin_core.session_tokens) in st.session_state and in
the URL query parameter `t`, so a page refresh keeps the session; the token is checked on the
server on every run (an HMAC, microseconds) against the user's current state, so a disabled
account or a logout elsewhere ends the session at once. No password is kept anywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from fupin_core import access, auth, session_tokens
from fupin_core.access import Actor
from fupin_core.metrics import Scope
from fupin_ui import data, nav

USER, TOKEN, TOKEN_AT, ACTOR, NOTICE = "auth_user", "auth_token", "auth_token_at", "auth_actor", "auth_notice"
QUERY = "t"
REFRESH_SECONDS = 3600  # re-sign the token hourly so an open session does not expire mid-work


def gate() -> Actor:
    """The logged-in actor; otherwise show the first-start or login form and stop this run."""
    with data.cursor() as cur:
        if not auth.has_admin(cur):
            _show(_first_start_page, "创建管理员", "setup")
        actor = _session_actor(cur)
    if actor is None:
        _show(_login_page, "登录", "login")
    st.session_state[ACTOR] = actor
    if st.query_params.get(QUERY) != st.session_state[TOKEN]:
        st.query_params[QUERY] = st.session_state[TOKEN]
    return actor


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


def audited(make: Callable[[], bytes], file_name: str, scope: Scope | None = None) -> Callable[[], bytes]:
    """Deferred download data that checks the export right and writes the audit entry only when the
    user actually downloads (st.download_button(data=audited(...), on_click="ignore"))."""
    current = actor()

    def _download() -> bytes:
        with data.cursor() as cur:
            access.record_export(cur, current, file_name, scope)
        return make()

    return _download


def _session_actor(cur) -> Actor | None:
    token = st.session_state.get(TOKEN) or st.query_params.get(QUERY)
    if not token:
        return None
    try:
        user = auth.resume_session(cur, token)
    except (auth.AuthError, session_tokens.TokenError) as exc:
        _forget()
        st.session_state[NOTICE] = str(exc)
        return None
    if st.session_state.get(TOKEN) != token or time.time() - st.session_state.get(TOKEN_AT, 0) > REFRESH_SECONDS:
        _remember(cur, user)  # first run of this browser session (or hourly): a freshly signed token
    return Actor.of(user)


def _remember(cur, user: auth.User) -> None:
    st.session_state[USER] = user.username
    st.session_state[TOKEN] = auth.issue_session(cur, user)
    st.session_state[TOKEN_AT] = time.time()
    st.query_params[QUERY] = st.session_state[TOKEN]


def _forget() -> None:
    for key in (USER, TOKEN, TOKEN_AT, ACTOR):
        st.session_state.pop(key, None)
    if QUERY in st.query_params:
        del st.query_params[QUERY]


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
                    st.error(str(exc))
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
                    st.error(str(exc))
                    return
                _remember(cur, user)
            st.rerun()


def _logout(username: str) -> None:
    with data.cursor() as cur:
        auth.logout(cur, username)
    _forget()
    # Nothing of this user (filters, an upload preview …) stays for whoever logs in next here.
    st.session_state.clear()


def sidebar_user(current: Actor, township_names: dict[str, str]) -> None:
    """Who is logged in, their role and scope, and the 退出登录 button."""
    scope = "全区" if current.townships is None else "、".join(township_names.get(c, c) for c in current.townships)
    with st.sidebar:
        st.divider()
        st.caption(f"当前用户：{current.display_name or current.username}（{current.role_label}，{scope}）")
        st.button("退出登录", key="logout_button", on_click=_logout, args=(current.username,))
