"""Signed session tokens: a refresh keeps the login; expiry, tampering, logout, resets, disabling
and role changes end it (issue 16, finding 2: the key is outside the database and its backups, the
lifetime is absolute, revocation is server-side)."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import stat

import duckdb
import pytest

from fupin_core.maintenance import backup
from fupin_core.security import auth, session_tokens
from fupin_core.storage import db, schema

T0 = dt.datetime(2026, 1, 5, 9, 0)
PASSWORD = "牧护关-2017a"


@pytest.fixture(autouse=True)
def _postgres_key(backend, monkeypatch):
    """PostgreSQL replicas share their key through the environment (there is no file beside a database)."""
    if backend == "postgres":
        monkeypatch.setenv(session_tokens.KEY_ENV, "k" * 40)


@pytest.fixture
def user(tiny_con):
    return auth.create_user(tiny_con, "muhu", PASSWORD, "editor", ["611002101"], now=T0)


def test_token_carries_the_user_and_no_password(tiny_con, user):
    token = session_tokens.issue(tiny_con, "muhu", now=T0)
    claims = session_tokens.verify(tiny_con, token, now=T0 + dt.timedelta(hours=1))
    assert (claims.username, claims.issued_at, claims.expires_at) == ("muhu", T0, T0 + session_tokens.LIFETIME)
    assert PASSWORD not in token
    assert auth.resume_session(tiny_con, token, now=T0 + dt.timedelta(hours=1)) == user


def test_expired_token_is_refused(tiny_con, user):
    token = session_tokens.issue(tiny_con, "muhu", now=T0)
    with pytest.raises(session_tokens.TokenError, match="已过期"):
        session_tokens.verify(tiny_con, token, now=T0 + session_tokens.LIFETIME)


def _signed(key: bytes, claims: list) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return payload + "." + hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def test_a_token_claiming_ten_years_ends_after_twelve_hours(tiny_con, user):
    """Even a correctly signed token cannot extend the lifetime: it is the server's rule, counted
    from the password login; and nothing renews a token."""
    key = session_tokens.signing_key(tiny_con)
    token = _signed(key, ["muhu", T0.isoformat(), (T0 + dt.timedelta(days=3650)).isoformat()])
    assert session_tokens.verify(tiny_con, token, now=T0 + dt.timedelta(hours=11)).username == "muhu"
    with pytest.raises(session_tokens.TokenError, match="已过期"):
        session_tokens.verify(tiny_con, token, now=T0 + session_tokens.LIFETIME)
    assert not hasattr(session_tokens, "refresh")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # signature changed
        lambda t: "eA" + t,  # payload changed
        lambda t: t.split(".")[0],  # no signature
        lambda t: "",
        lambda t: "牧护关." + t.split(".")[1],
    ],
)
def test_tampered_token_is_refused(tiny_con, user, tamper):
    token = session_tokens.issue(tiny_con, "muhu", now=T0)
    with pytest.raises(session_tokens.TokenError, match="无效"):
        session_tokens.verify(tiny_con, tamper(token), now=T0)


def test_token_for_another_user_cannot_be_forged_without_the_key(tiny_con, user, monkeypatch):
    other_server_token = session_tokens.issue(tiny_con, "admin", now=T0)
    monkeypatch.setenv(session_tokens.KEY_ENV, "0" * 64)  # a different server's key
    with pytest.raises(session_tokens.TokenError):
        session_tokens.verify(tiny_con, other_server_token, now=T0)


def test_logout_disable_and_reset_end_existing_sessions(tiny_con, user):
    token = auth.issue_session(tiny_con, user, now=T0)
    auth.logout(tiny_con, "muhu", now=T0 + dt.timedelta(minutes=5))
    with pytest.raises(auth.AuthError, match="已失效"):
        auth.resume_session(tiny_con, token, now=T0 + dt.timedelta(minutes=6))
    token = auth.issue_session(tiny_con, user, now=T0 + dt.timedelta(minutes=7))
    assert auth.resume_session(tiny_con, token, now=T0 + dt.timedelta(minutes=8)).username == "muhu"
    auth.reset_password(tiny_con, "muhu", "新的密码-2018", now=T0 + dt.timedelta(minutes=9))
    with pytest.raises(auth.AuthError, match="已失效"):
        auth.resume_session(tiny_con, token, now=T0 + dt.timedelta(minutes=10))
    token = auth.issue_session(tiny_con, user, now=T0 + dt.timedelta(minutes=11))
    auth.disable(tiny_con, "muhu", now=T0 + dt.timedelta(minutes=12))
    with pytest.raises(auth.AuthError, match="已失效"):
        auth.resume_session(tiny_con, token, now=T0 + dt.timedelta(minutes=13))
    auth.enable(tiny_con, "muhu", now=T0 + dt.timedelta(minutes=14))  # enabling again revives no old session
    with pytest.raises(auth.AuthError, match="已失效"):
        auth.resume_session(tiny_con, token, now=T0 + dt.timedelta(minutes=15))


@pytest.mark.parametrize(("role", "townships"), [("viewer", ["611002101"]), ("editor", None)])
def test_a_role_or_scope_change_ends_existing_sessions(tiny_con, user, role, townships):
    token = auth.issue_session(tiny_con, user, now=T0)
    changed = auth.change_role(tiny_con, "muhu", role, townships, now=T0 + dt.timedelta(minutes=1))
    assert (changed.role, changed.townships) == (role, tuple(townships) if townships else None)
    with pytest.raises(auth.AuthError, match="权限已变更"):
        auth.resume_session(tiny_con, token, now=T0 + dt.timedelta(minutes=2))
    fresh = auth.issue_session(tiny_con, changed, now=T0 + dt.timedelta(minutes=3))
    assert auth.resume_session(tiny_con, fresh, now=T0 + dt.timedelta(minutes=4)).role == role


def test_the_last_administrator_keeps_the_role(tiny_con):
    auth.create_user(tiny_con, "chief", PASSWORD, "admin", now=T0)
    assert [u.username for u in auth.list_users(tiny_con) if u.role == "admin"] == ["chief"]
    with pytest.raises(auth.AuthError, match="唯一的管理员"):
        auth.change_role(tiny_con, "chief", "viewer")


def test_the_key_is_a_private_file_beside_the_database_never_in_it(tmp_path, monkeypatch):
    """Finding 2: whoever reads the database or a backup finds no signing key there; the database,
    its key file and the backup's files are readable by the service user only."""
    monkeypatch.delenv(session_tokens.KEY_ENV, raising=False)
    path = tmp_path / "fupin.duckdb"
    con = db.connect(str(path))
    try:
        schema.migrate(con)
        token = session_tokens.issue(con, "muhu", now=T0)
        key_file = session_tokens.key_file_for(path)
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        key = key_file.read_text().strip().encode()
        assert session_tokens.signing_key(con) == key
        dumped = "".join(str(r) for r in con.execute("SELECT * FROM settings").fetchall())
        assert key.decode() not in dumped and session_tokens.LEGACY_SETTING not in dumped
        backup.backup(con, tmp_path / "backup")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    for file in [path, *(tmp_path / "backup").iterdir()]:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
        assert key not in file.read_bytes(), file
    assert stat.S_IMODE((tmp_path / "backup").stat().st_mode) == 0o700
    # After a restart (a new connection, a new process) the same key verifies the same token.
    con = db.connect(str(path))
    try:
        assert session_tokens.verify(con, token, now=T0).username == "muhu"
    finally:
        con.close()


def test_the_environment_variable_overrides_and_must_be_long(tmp_path, monkeypatch):
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    try:
        monkeypatch.setenv(session_tokens.KEY_ENV, "short")
        with pytest.raises(session_tokens.KeyUnavailable, match="至少需要32个字符"):
            session_tokens.signing_key(con)
        monkeypatch.setenv(session_tokens.KEY_ENV, "s" * 40)
        assert session_tokens.signing_key(con) == b"s" * 40
        assert not session_tokens.key_file_for(tmp_path / "x.duckdb").exists()
    finally:
        con.close()


def test_a_world_readable_database_file_is_made_private_when_opened(tmp_path):
    path = tmp_path / "old.duckdb"
    duckdb.connect(str(path)).close()
    os.chmod(path, 0o644)
    db.connect(str(path)).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
