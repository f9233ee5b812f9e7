"""Local accounts: users with an argon2 password hash, a role and a township scope; login with lock-out.

Roles and what each may do are ONE declarative table (PERMISSIONS); fupin_core.security.access applies it to
an acting user, the UI builds its page list from it. No password is ever stored or logged in clear.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb
import polars as pl
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from fupin_core.security import audit, session_tokens
from fupin_core.storage.store import WRITE_LOCK

ROLES = ("admin", "editor", "viewer")
ROLE_LABELS = {"admin": "管理员", "editor": "录入员", "viewer": "浏览者"}

ACTION_LABELS = {
    "view": "查看数据",
    "upload": "上传导入数据",
    "rollback_own": "回滚本人上传的批次",
    "rollback_any": "回滚任何批次",
    "export": "导出",
    "lock": "审核锁定与解锁",
    "manage_users": "管理用户",
    "view_audit": "查看审计日志",
    "view_full_id": "查看完整身份证号",
}
ACTIONS = tuple(ACTION_LABELS)

# The one table of who may do what. Scope (which 镇办) is separate: fupin_core.security.access.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(ACTIONS),
    "editor": frozenset({"view", "upload", "rollback_own", "export"}),
    "viewer": frozenset({"view", "export"}),
}

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[0-9A-Za-z_.\-\u4e00-\u9fff]{2,32}$")
_TOWNSHIP_CODE = re.compile(r"^\d{9}$")

_hasher = PasswordHasher()
# Verified when the user name is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("不存在的用户")


class AuthError(ValueError):
    """A login or account problem, with a Chinese message for the user."""


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    townships: tuple[str, ...] | None  # None = the whole district
    disabled: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    created_at: dt.datetime
    sessions_valid_after: dt.datetime

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def allowed(role: str, action: str) -> bool:
    if action not in ACTION_LABELS:
        raise KeyError(f"未知操作：{action}")
    return action in PERMISSIONS.get(role, frozenset())


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now()


def parse_townships(text: str | None) -> tuple[str, ...] | None:
    codes = tuple(c.strip() for c in (text or "").split(",") if c.strip())
    return codes or None


_COLUMNS = "username, display_name, role, townships, disabled, failed_attempts, locked_until, created_at, sessions_valid_after"


def _user(row) -> User:
    name, display, role, townships, disabled, failed, locked_until, created, valid_after = row
    return User(name, display or name, role, parse_townships(townships), bool(disabled), int(failed), locked_until, created, valid_after)


def get_user(con: duckdb.DuckDBPyConnection, username: str) -> User | None:
    row = con.execute(f"SELECT {_COLUMNS} FROM users WHERE username = ?", [username]).fetchone()
    return _user(row) if row else None


def list_users(con: duckdb.DuckDBPyConnection) -> list[User]:
    return [_user(r) for r in con.execute(f"SELECT {_COLUMNS} FROM users ORDER BY created_at, username").fetchall()]


def users_table(con: duckdb.DuckDBPyConnection, township_names: dict[str, str] | None = None) -> pl.DataFrame:
    """The user list with Chinese headers, for the 用户管理 page and `fupin user list`."""
    names = township_names or {}
    rows = [
        {
            "用户名": u.username,
            "姓名": u.display_name,
            "角色": u.role_label,
            "范围": "全区" if u.townships is None else "、".join(names.get(c, c) for c in u.townships),
            "状态": "已停用" if u.disabled else ("已锁定" if u.locked_until and u.locked_until > dt.datetime.now() else "正常"),
            "创建时间": u.created_at.strftime("%Y-%m-%d %H:%M"),
        }
        for u in list_users(con)
    ]
    schema = dict.fromkeys(("用户名", "姓名", "角色", "范围", "状态", "创建时间"), pl.Utf8)
    return pl.DataFrame(rows, schema=schema)


def has_admin(con: duckdb.DuckDBPyConnection) -> bool:
    """True when an enabled administrator exists (else the app asks to create one)."""
    row = con.execute("SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled").fetchone()
    return bool(row[0])


def _require_manager(by) -> None:
    if by is not None and not allowed(by.role, "manage_users"):
        raise PermissionError(f"{ROLE_LABELS.get(by.role, by.role)}「{by.username}」无权管理用户，请联系管理员")


def _by_name(by) -> str:
    return by.username if by is not None else "首次启动"


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"密码至少需要{MIN_PASSWORD_LENGTH}个字符")
    if password.strip() != password:
        raise AuthError("密码首尾不能是空格")


def _check_townships(con: duckdb.DuckDBPyConnection, townships) -> tuple[str, ...] | None:
    codes = tuple(dict.fromkeys(c.strip() for c in townships or () if c and c.strip()))
    bad = [c for c in codes if not _TOWNSHIP_CODE.match(c)]
    if bad:
        raise AuthError(f"镇办代码 {'、'.join(bad)} 格式不对：应为9位数字（如 611002111）")
    known = {r[0] for r in con.execute("SELECT township_code FROM townships").fetchall()}
    unknown = [c for c in codes if known and c not in known]
    if unknown:
        raise AuthError(f"镇办代码 {'、'.join(unknown)} 不存在，请核对")
    return codes or None


def create_user(
    con: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    role: str,
    townships=None,
    display_name: str | None = None,
    *,
    by=None,
    now: dt.datetime | None = None,
) -> User:
    """Add a user. `by` (an access.Actor) must be allowed to manage users; None = first start or CLI."""
    _require_manager(by)
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise AuthError("用户名应为2至32个字符，只能包含汉字、字母、数字、下划线、点或连字符")
    if role not in ROLES:
        raise AuthError(f"角色应为 {'、'.join(f'{r}（{ROLE_LABELS[r]}）' for r in ROLES)} 之一，收到：{role}")
    check_password(password)
    codes = _check_townships(con, townships)
    if role == "admin" and codes:
        raise AuthError("管理员的范围是全区，不能限定镇办")
    password_hash = _hasher.hash(password)
    at = _now(now)
    with WRITE_LOCK:
        if get_user(con, username):
            raise AuthError(f"用户名「{username}」已存在")
        con.execute(
            "INSERT INTO users VALUES (?, ?, ?, ?, ?, FALSE, 0, NULL, ?, ?)",
            [username, (display_name or "").strip() or username, role, ",".join(codes or ()), password_hash, at, at],
        )
        scope = audit.scope_label(con, codes)
        audit.record(con, _by_name(by), "user_add", username, f"角色：{ROLE_LABELS[role]}；范围：{scope}", now=at)
    return get_user(con, username)


def create_first_admin(con: duckdb.DuckDBPyConnection, username: str, password: str, display_name: str | None = None) -> User:
    """First start: only while no administrator exists (so the form cannot be replayed later)."""
    with WRITE_LOCK:
        if has_admin(con):
            raise AuthError("管理员已经存在，请直接登录")
        return create_user(con, username, password, "admin", None, display_name)


# Every failed login gets this one text, so that nobody can tell from it whether a user name exists,
# is disabled or locked (the audit log keeps the real reason for the administrators).
LOGIN_FAILED = (
    f"登录失败：用户名或密码错误，或该账户目前不能登录（连续输错{MAX_FAILED_ATTEMPTS}次密码将锁定{LOCKOUT.seconds // 60}分钟）。"
    "如需帮助请联系管理员"
)


def authenticate(con: duckdb.DuckDBPyConnection, username: str, password: str, *, now: dt.datetime | None = None) -> User:
    """The user when the password is right; else AuthError(LOGIN_FAILED). 5 failures in a row lock the
    account 15 minutes. The password is verified on every path, so the time taken tells nothing either."""
    at = _now(now)
    username = (username or "").strip()
    with WRITE_LOCK:
        row = con.execute("SELECT password_hash FROM users WHERE username = ?", [username]).fetchone()
        user = get_user(con, username)
        if user is None:
            _verify(_DUMMY_HASH, password)
            shown = username[:40] or "（空）"  # whatever was typed, kept short
            audit.record(con, shown, "login_failure", shown, "用户名不存在", now=at)
            raise AuthError(LOGIN_FAILED)
        password_ok = _verify(row[0], password)
        if user.disabled:
            audit.record(con, username, "login_failure", username, "账户已停用", now=at)
            raise AuthError(LOGIN_FAILED)
        if user.locked_until and user.locked_until > at:
            audit.record(con, username, "login_failure", username, "账户锁定中", now=at)
            raise AuthError(LOGIN_FAILED)
        if not password_ok:
            failed = user.failed_attempts + 1
            locked_until = at + LOCKOUT if failed >= MAX_FAILED_ATTEMPTS else None
            con.execute(
                "UPDATE users SET failed_attempts = ?, locked_until = ? WHERE username = ?",
                [0 if locked_until else failed, locked_until, username],
            )
            audit.record(con, username, "login_failure", username, f"密码错误（第{failed}次）", now=at)
            if locked_until:
                audit.record(con, username, "account_locked", username, f"连续{failed}次密码错误，锁定{LOCKOUT.seconds // 60}分钟", now=at)
            raise AuthError(LOGIN_FAILED)
        if _hasher.check_needs_rehash(row[0]):
            con.execute("UPDATE users SET password_hash = ? WHERE username = ?", [_hasher.hash(password), username])
        con.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE username = ?", [username])
        audit.record(con, username, "login_success", username, "", now=at)
    return get_user(con, username)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _existing(con: duckdb.DuckDBPyConnection, username: str) -> User:
    user = get_user(con, username)
    if user is None:
        raise AuthError(f"用户「{username}」不存在")
    return user


def _other_enabled_admins(con: duckdb.DuckDBPyConnection, username: str) -> int:
    sql = "SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled AND username <> ?"
    return int(con.execute(sql, [username]).fetchone()[0])


def disable(con: duckdb.DuckDBPyConnection, username: str, *, by=None, now: dt.datetime | None = None) -> None:
    """Disable an account and end its sessions for good (enabling it again does not bring them back).
    The last administrator stays enabled."""
    _require_manager(by)
    at = _now(now)
    with WRITE_LOCK:
        user = _existing(con, username)
        if user.role == "admin" and not _other_enabled_admins(con, username):
            raise AuthError("不能停用唯一的管理员，请先添加另一位管理员")
        con.execute("UPDATE users SET disabled = TRUE, sessions_valid_after = ? WHERE username = ?", [at, username])
        audit.record(con, _by_name(by), "user_disable", username, "", now=at)


def change_role(
    con: duckdb.DuckDBPyConnection, username: str, role: str, townships=None, *, by=None, now: dt.datetime | None = None
) -> User:
    """Give a user another role and/or 镇办 scope; their open sessions end (they log in again under the
    new rights). The last administrator keeps the administrator role."""
    _require_manager(by)
    if role not in ROLES:
        raise AuthError(f"角色应为 {'、'.join(f'{r}（{ROLE_LABELS[r]}）' for r in ROLES)} 之一，收到：{role}")
    codes = _check_townships(con, townships)
    if role == "admin" and codes:
        raise AuthError("管理员的范围是全区，不能限定镇办")
    at = _now(now)
    with WRITE_LOCK:
        user = _existing(con, username)
        if user.role == "admin" and role != "admin" and not user.disabled and not _other_enabled_admins(con, username):
            raise AuthError("不能取消唯一的管理员的管理员角色，请先添加另一位管理员")
        con.execute(
            "UPDATE users SET role = ?, townships = ?, sessions_valid_after = ? WHERE username = ?",
            [role, ",".join(codes or ()), at, username],
        )
        scope = audit.scope_label(con, codes)
        audit.record(con, _by_name(by), "user_change_role", username, f"角色：{ROLE_LABELS[role]}；范围：{scope}", now=at)
    return get_user(con, username)


def enable(con: duckdb.DuckDBPyConnection, username: str, *, by=None, now: dt.datetime | None = None) -> None:
    _require_manager(by)
    with WRITE_LOCK:
        _existing(con, username)
        con.execute("UPDATE users SET disabled = FALSE, failed_attempts = 0, locked_until = NULL WHERE username = ?", [username])
        audit.record(con, _by_name(by), "user_enable", username, "", now=_now(now))


def reset_password(con: duckdb.DuckDBPyConnection, username: str, new_password: str, *, by=None, now: dt.datetime | None = None) -> None:
    """Set a new password; clears a lock-out and ends every session signed before now."""
    _require_manager(by)
    check_password(new_password)
    password_hash = _hasher.hash(new_password)
    at = _now(now)
    with WRITE_LOCK:
        _existing(con, username)
        con.execute(
            "UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL, sessions_valid_after = ? WHERE username = ?",
            [password_hash, at, username],
        )
        audit.record(con, _by_name(by), "user_reset_password", username, "", now=at)


def issue_session(con: duckdb.DuckDBPyConnection, user: User, *, now: dt.datetime | None = None) -> str:
    return session_tokens.issue(con, user.username, now=now)


def resume_session(con: duckdb.DuckDBPyConnection, token: str, *, now: dt.datetime | None = None) -> User:
    """The user a session token was signed for, if the token is genuine, unexpired and still valid
    for that user: not disabled, and no logout, password reset, disabling or role/scope change since
    the login it comes from (users.sessions_valid_after, read from the database on every run)."""
    claims = session_tokens.verify(con, token, now=now)
    user = get_user(con, claims.username)
    if user is None or user.disabled:
        raise AuthError("登录已失效，请重新登录")
    if claims.issued_at < user.sessions_valid_after:
        raise AuthError("登录已失效（已退出登录、密码已重置或权限已变更），请重新登录")
    return user


def logout(con: duckdb.DuckDBPyConnection, username: str, *, now: dt.datetime | None = None) -> None:
    """End every session of `username`: a token left in a link or the browser history stops working."""
    at = _now(now)
    with WRITE_LOCK:
        con.execute("UPDATE users SET sessions_valid_after = ? WHERE username = ?", [at, username])
        audit.record(con, username, "logout", username, "", now=at)
