"""Accounts: argon2 hashing, login with lock-out, first start, disable/enable, password reset."""

import datetime as dt

import pytest

from fupin_core.security import auth

T0 = dt.datetime(2026, 1, 5, 9, 0)
PASSWORD = "牧护关-2017a"


def _stored_hash(con, username):
    return con.execute("SELECT password_hash FROM users WHERE username = ?", [username]).fetchone()[0]


def test_argon2_hash_never_equals_password_and_verifies(tiny_con):
    auth.create_user(tiny_con, "muhu", PASSWORD, "editor", ["611002101"])
    stored = _stored_hash(tiny_con, "muhu")
    assert stored != PASSWORD and PASSWORD not in stored
    assert stored.startswith("$argon2id$")
    auth.create_user(tiny_con, "other", PASSWORD, "viewer")
    assert _stored_hash(tiny_con, "other") != stored  # salted: same password, different hash
    assert auth.authenticate(tiny_con, "muhu", PASSWORD).townships == ("611002101",)
    with pytest.raises(auth.AuthError, match="用户名或密码错误"):
        auth.authenticate(tiny_con, "muhu", PASSWORD + "x")


def _failure(con, username, password, now=None) -> str:
    with pytest.raises(auth.AuthError) as failed:
        auth.authenticate(con, username, password, now=now)
    return str(failed.value)


def test_every_failed_login_gets_one_message(tiny_con):
    """Issue 16, finding 9: wrong password, unknown name, disabled and locked accounts all read the
    same, so the message confirms no user name (the audit log keeps the real reason)."""
    auth.create_user(tiny_con, "admin", PASSWORD, "admin", now=T0)
    auth.create_user(tiny_con, "muhu", PASSWORD, "editor", now=T0)
    auth.create_user(tiny_con, "gone", PASSWORD, "viewer", now=T0)
    auth.disable(tiny_con, "gone", now=T0)
    messages = {
        "wrong password": _failure(tiny_con, "muhu", "wrong-password", T0),
        "unknown user": _failure(tiny_con, "nobody", PASSWORD, T0),
        "disabled, right password": _failure(tiny_con, "gone", PASSWORD, T0),
    }
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        _failure(tiny_con, "muhu", "wrong-password", T0)
    messages["locked, right password"] = _failure(tiny_con, "muhu", PASSWORD, T0)
    assert set(messages.values()) == {auth.LOGIN_FAILED}, messages
    reasons = [r[0] for r in tiny_con.execute("SELECT detail FROM audit_log WHERE action = 'login_failure' ORDER BY entry_id").fetchall()]
    assert {"用户名不存在", "账户已停用", "账户锁定中"} <= set(reasons)


def test_five_failures_lock_the_account_for_fifteen_minutes(tiny_con):
    auth.create_user(tiny_con, "muhu", PASSWORD, "editor", now=T0)
    for attempt in range(1, auth.MAX_FAILED_ATTEMPTS):
        _failure(tiny_con, "muhu", "wrong-password", T0)
        assert auth.get_user(tiny_con, "muhu").failed_attempts == attempt
    _failure(tiny_con, "muhu", "wrong-password", T0)
    assert auth.get_user(tiny_con, "muhu").locked_until == T0 + dt.timedelta(minutes=15)
    # Even the right password is refused while locked …
    assert _failure(tiny_con, "muhu", PASSWORD, T0 + dt.timedelta(minutes=14)) == auth.LOGIN_FAILED
    # … and accepted once the 15 minutes are over; the counter starts again from zero.
    user = auth.authenticate(tiny_con, "muhu", PASSWORD, now=T0 + dt.timedelta(minutes=15))
    assert user.failed_attempts == 0 and user.locked_until is None


def test_a_success_resets_the_failure_count(tiny_con):
    auth.create_user(tiny_con, "muhu", PASSWORD, "editor")
    for _ in range(auth.MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(auth.AuthError):
            auth.authenticate(tiny_con, "muhu", "wrong-password")
    auth.authenticate(tiny_con, "muhu", PASSWORD)
    _failure(tiny_con, "muhu", "wrong-password")
    assert auth.get_user(tiny_con, "muhu").failed_attempts == 1


def test_first_start_creates_one_administrator_only(fresh_con):
    assert not auth.has_admin(fresh_con)
    admin = auth.create_first_admin(fresh_con, "admin", PASSWORD, "区产业办")
    assert (admin.role, admin.townships, admin.display_name) == ("admin", None, "区产业办")
    assert auth.has_admin(fresh_con)
    with pytest.raises(auth.AuthError, match="管理员已经存在"):
        auth.create_first_admin(fresh_con, "intruder", PASSWORD)
    assert [u.username for u in auth.list_users(fresh_con)] == ["admin"]


def test_no_default_account_exists(fresh_con):
    assert auth.list_users(fresh_con) == []
    with pytest.raises(auth.AuthError):
        auth.authenticate(fresh_con, "admin", "admin")


@pytest.mark.parametrize(
    ("username", "password", "role", "townships", "message"),
    [
        ("a b", PASSWORD, "viewer", None, "用户名应为"),
        ("muhu", "short", "viewer", None, "密码至少需要8个字符"),
        ("muhu", PASSWORD, "boss", None, "角色应为"),
        ("muhu", PASSWORD, "editor", ["61100211"], "格式不对"),
        ("muhu", PASSWORD, "editor", ["611002999"], "不存在"),
        ("muhu", PASSWORD, "admin", ["611002101"], "管理员的范围是全区"),
    ],
)
def test_bad_accounts_are_refused_in_chinese(tiny_con, username, password, role, townships, message):
    with pytest.raises(auth.AuthError, match=message):
        auth.create_user(tiny_con, username, password, role, townships)
    assert auth.list_users(tiny_con) == []


def test_duplicate_user_name_is_refused(tiny_con):
    auth.create_user(tiny_con, "muhu", PASSWORD, "viewer")
    with pytest.raises(auth.AuthError, match="已存在"):
        auth.create_user(tiny_con, "muhu", PASSWORD, "editor")


def test_disable_enable_and_the_last_administrator(tiny_con):
    auth.create_user(tiny_con, "admin", PASSWORD, "admin")
    auth.create_user(tiny_con, "muhu", PASSWORD, "editor")
    with pytest.raises(auth.AuthError, match="唯一的管理员"):
        auth.disable(tiny_con, "admin")
    auth.disable(tiny_con, "muhu")
    assert _failure(tiny_con, "muhu", PASSWORD) == auth.LOGIN_FAILED
    assert auth.get_user(tiny_con, "muhu").disabled
    auth.enable(tiny_con, "muhu")
    assert auth.authenticate(tiny_con, "muhu", PASSWORD).username == "muhu"


def test_reset_password_replaces_the_old_one_and_clears_a_lock(tiny_con):
    auth.create_user(tiny_con, "muhu", PASSWORD, "editor", now=T0)
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(auth.AuthError):
            auth.authenticate(tiny_con, "muhu", "wrong-password", now=T0)
    auth.reset_password(tiny_con, "muhu", "新的密码-2018", now=T0)
    with pytest.raises(auth.AuthError):
        auth.authenticate(tiny_con, "muhu", PASSWORD, now=T0)
    assert auth.authenticate(tiny_con, "muhu", "新的密码-2018", now=T0).username == "muhu"


def test_users_table_in_chinese(tiny_con):
    auth.create_user(tiny_con, "admin", PASSWORD, "admin", display_name="区产业办")
    auth.create_user(tiny_con, "yecun", PASSWORD, "editor", ["611002101"])
    auth.disable(tiny_con, "yecun")
    table = auth.users_table(tiny_con, {"611002101": "夜村镇"})
    assert table.select("用户名", "姓名", "角色", "范围", "状态").rows() == [
        ("admin", "区产业办", "管理员", "全区", "正常"),
        ("yecun", "yecun", "录入员", "夜村镇", "已停用"),
    ]
