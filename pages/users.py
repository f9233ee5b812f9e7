"""用户管理 (administrators only): the user list, add a user, disable/enable, reset a password."""

import streamlit as st

from fupin_core.formatting import markdown_literal
from fupin_core.metrics.overview import townships
from fupin_core.security import auth
from fupin_ui import auth_ui, data, widgets

WHOLE_DISTRICT = ""  # the 镇办范围 choice "全区" (no 镇办 code)


def township_scope(picked: list[str]) -> tuple[list[str], str | None]:
    """(镇办 codes, problem): [] for 全区; a problem when nothing or 全区 and 镇办 together are chosen."""
    if not picked:
        return [], "请选择镇办范围：“全区”，或一个或几个镇办"
    if WHOLE_DISTRICT in picked and len(picked) > 1:
        return [], "镇办范围不能同时选“全区”和具体镇办，请只保留其一"
    return [c for c in picked if c != WHOLE_DISTRICT], None


actor = auth_ui.require("manage_users")
frame = data.call(townships)
names = dict(zip(frame["镇办代码"].to_list(), frame["镇办"].to_list(), strict=True))

st.title("用户管理")
st.caption("管理员：全部功能；录入员：上传数据、回滚本人批次（限所属镇办）；浏览者：只读。镇办范围选“全区”或一个或几个镇办。")
with data.cursor() as cur:
    users = auth.users_table(cur, names)
widgets.table(users, key="users_table")


def _done(message: str) -> None:
    st.session_state["users_message"] = message
    st.rerun()


if st.session_state.get("users_message"):
    st.success(st.session_state.pop("users_message"))

add, change = st.tabs(["新增用户", "停用 / 启用 / 重置密码"])
with add, st.form("add_user_form", clear_on_submit=True, enter_to_submit=False):
    left, right = st.columns(2)
    username = left.text_input("用户名", key="new_username")
    display_name = right.text_input("姓名", key="new_display_name")
    role = left.selectbox("角色", auth.ROLES, index=2, format_func=auth.ROLE_LABELS.get, key="new_role")
    # "全区" is a choice of its own, not what an empty field silently means.
    picked = right.multiselect(
        "镇办范围",
        [WHOLE_DISTRICT, *names],
        default=[WHOLE_DISTRICT],
        format_func=lambda c: "全区" if c == WHOLE_DISTRICT else names[c],
        key="new_townships",
        placeholder="选择“全区”或镇办",
        select_all=False,
        help="选“全区”，或选一个或几个镇办（只能看到、导出和上传这些镇办的数据）",
    )
    password = left.text_input("初始密码", type="password", key="new_password", help=f"至少{auth.MIN_PASSWORD_LENGTH}个字符")
    again = right.text_input("再次输入密码", type="password", key="new_password_again")
    if st.form_submit_button("新增用户", type="primary"):
        scope, scope_problem = township_scope(picked)
        if scope_problem:
            st.error(scope_problem)
        elif password != again:
            st.error("两次输入的密码不一致")
        else:
            with data.cursor() as cur:
                try:
                    auth.create_user(cur, username, password, role, scope, display_name, by=actor)
                except (auth.AuthError, PermissionError) as exc:
                    st.error(markdown_literal(exc))
                else:
                    _done(f"已新增用户「{markdown_literal(username.strip())}」（{auth.ROLE_LABELS[role]}）")

with change:
    chosen = st.selectbox("用户", users["用户名"].to_list(), key="change_user")
    left, right = st.columns(2)
    with data.cursor() as cur:
        if left.button("停用", key="disable_user", disabled=chosen == actor.username, help="不能停用自己"):
            try:
                auth.disable(cur, chosen, by=actor)
            except (auth.AuthError, PermissionError) as exc:
                st.error(markdown_literal(exc))
            else:
                _done(f"已停用「{markdown_literal(chosen)}」，其登录立即失效")
        if right.button("启用 / 解除锁定", key="enable_user"):
            auth.enable(cur, chosen, by=actor)
            _done(f"已启用「{markdown_literal(chosen)}」并清除输错密码的锁定")
    with st.form("reset_password_form", clear_on_submit=True, enter_to_submit=False):
        new_password = st.text_input("新密码", type="password", key="reset_password")
        new_again = st.text_input("再次输入新密码", type="password", key="reset_password_again")
        if st.form_submit_button("重置密码"):
            if new_password != new_again:
                st.error("两次输入的密码不一致")
            else:
                with data.cursor() as cur:
                    try:
                        auth.reset_password(cur, chosen, new_password, by=actor)
                    except (auth.AuthError, PermissionError) as exc:
                        st.error(markdown_literal(exc))
                    else:
                        _done(f"已重置「{markdown_literal(chosen)}」的密码，其原有登录已失效")
    with st.form("change_role_form"):
        # A new role or scope ends the user's open sessions (they log in again under the new rights).
        left, right = st.columns(2)
        new_role = left.selectbox("新角色", auth.ROLES, format_func=auth.ROLE_LABELS.get, key="change_role")
        new_scope = right.multiselect("新镇办范围（不选为全区）", list(names), format_func=names.get, key="change_townships")
        if st.form_submit_button("变更角色和范围"):
            with data.cursor() as cur:
                try:
                    changed = auth.change_role(cur, chosen, new_role, new_scope, by=actor)
                except (auth.AuthError, PermissionError) as exc:
                    st.error(markdown_literal(exc))
                else:
                    _done(f"已将「{markdown_literal(chosen)}」改为{changed.role_label}，其原有登录已失效")
