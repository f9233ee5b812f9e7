"""The audit log: an entry for each action, filters, and never a full ID number."""

import datetime as dt

import pytest

from fupin_core.security import audit, auth, locks
from fupin_core.security.access import Actor, local_admin
from tests.tiny_data import T2

PASSWORD = "夜村镇-2017a"
ID_NUMBER = "611002195001030011"


def _last(con):
    return audit.entries(con, limit=1).row(0, named=True)


def test_an_entry_for_each_account_and_lock_action(tiny_con):
    admin = Actor("admin", "admin")
    steps = [
        (lambda: auth.create_first_admin(tiny_con, "admin", PASSWORD), ("首次启动", "新增用户", "admin")),
        (lambda: auth.create_user(tiny_con, "yecun", PASSWORD, "editor", [T2], by=admin), ("admin", "新增用户", "yecun")),
        (lambda: auth.authenticate(tiny_con, "yecun", PASSWORD), ("yecun", "登录成功", "yecun")),
        (lambda: pytest.raises(auth.AuthError, auth.authenticate, tiny_con, "yecun", "wrong-password"), ("yecun", "登录失败", "yecun")),
        (lambda: auth.logout(tiny_con, "yecun"), ("yecun", "退出登录", "yecun")),
        (lambda: auth.reset_password(tiny_con, "yecun", "新的密码-2018", by=admin), ("admin", "重置密码", "yecun")),
        (lambda: auth.disable(tiny_con, "yecun", by=admin), ("admin", "停用用户", "yecun")),
        (lambda: auth.enable(tiny_con, "yecun", by=admin), ("admin", "启用用户", "yecun")),
        (lambda: locks.lock(tiny_con, admin, 2017, T2), ("admin", "审核锁定", "2017年 夜村镇")),
        (lambda: locks.unlock(tiny_con, admin, 2017, T2), ("admin", "解除锁定", "2017年 夜村镇")),
    ]
    for count, (step, expected) in enumerate(steps, start=1):
        step()
        last = _last(tiny_con)
        assert (last["用户"], last["操作"], last["对象"]) == expected
        assert audit.entries(tiny_con).height == count


def test_failed_logins_of_unknown_users_and_lock_outs_are_logged(tiny_con):
    with pytest.raises(auth.AuthError):
        auth.authenticate(tiny_con, "stranger", "whatever-pass")
    assert _last(tiny_con)["详情"] == "用户名不存在"
    auth.create_user(tiny_con, "yecun", PASSWORD, "editor")
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(auth.AuthError):
            auth.authenticate(tiny_con, "yecun", "wrong-password")
    assert _last(tiny_con)["操作"] == "账户锁定"
    assert audit.entries(tiny_con, action="login_failure").height == auth.MAX_FAILED_ATTEMPTS + 1


def test_cli_actions_are_logged_under_the_shell_user(tiny_con):
    auth.create_user(tiny_con, "yecun", PASSWORD, "viewer", by=local_admin())
    assert _last(tiny_con)["用户"].startswith("命令行:")


def test_full_id_numbers_are_never_written(tiny_con):
    audit.record(tiny_con, "admin", "export", f"户主 {ID_NUMBER}", f"含 {ID_NUMBER} 与 {ID_NUMBER.lower()}")
    stored = tiny_con.execute("SELECT user_name || target || detail FROM audit_log").fetchone()[0]
    assert ID_NUMBER not in stored
    assert "611002********0011" in stored
    assert _last(tiny_con)["详情"] == "含 611002********0011 与 611002********0011"


def test_filters_by_user_action_and_date(tiny_con):
    day = dt.datetime(2026, 5, 10, 12, 0)
    audit.record(tiny_con, "a", "upload", "f.xlsx", now=day - dt.timedelta(days=1))
    audit.record(tiny_con, "a", "commit", "households", now=day)
    audit.record(tiny_con, "b", "rollback", "批次 3", now=day + dt.timedelta(days=1))
    assert audit.entries(tiny_con, user="a")["操作"].to_list() == ["导入提交", "上传文件"]
    assert audit.entries(tiny_con, action="rollback")["用户"].to_list() == ["b"]
    assert audit.entries(tiny_con, date_from=day.date(), date_to=day.date())["对象"].to_list() == ["households"]
    assert audit.entries(tiny_con, date_from=day.date())["操作"].to_list() == ["回滚批次", "导入提交"]
    assert audit.users_in_log(tiny_con) == ["a", "b"]


def test_unknown_action_is_refused(tiny_con):
    with pytest.raises(KeyError):
        audit.record(tiny_con, "a", "format_disk")
