"""Signed session tokens: a refresh keeps the login; expiry, tampering, logout and resets end it."""

import datetime as dt

import pytest

from fupin_core import auth, schema, session_tokens

T0 = dt.datetime(2026, 1, 5, 9, 0)
PASSWORD = "牧护关-2017a"


@pytest.fixture
def user(tiny_con):
    return auth.create_user(tiny_con, "muhu", PASSWORD, "editor", ["611002101"], now=T0)


def test_token_carries_the_user_and_no_password(tiny_con, user):
    token = session_tokens.issue(tiny_con, "muhu", now=T0)
    claims = session_tokens.verify(tiny_con, token, now=T0 + dt.timedelta(hours=1))
    assert (claims.username, claims.issued_at, claims.expires_at) == ("muhu", T0, T0 + session_tokens.LIFETIME)
    assert PASSWORD not in token
    assert auth.resume_session(tiny_con, token, now=T0 + dt.timedelta(hours=1)) == user


def test_secret_is_created_once_and_kept_in_settings(tiny_con):
    first = session_tokens.server_secret(tiny_con)
    assert len(first) == 32
    assert session_tokens.server_secret(tiny_con) == first
    assert schema.get_setting(tiny_con, session_tokens.SECRET_KEY) == first.hex()


def test_expired_token_is_refused(tiny_con, user):
    token = session_tokens.issue(tiny_con, "muhu", now=T0)
    with pytest.raises(session_tokens.TokenError, match="已过期"):
        session_tokens.verify(tiny_con, token, now=T0 + session_tokens.LIFETIME)


def test_refresh_gives_a_fresh_lifetime(tiny_con, user):
    token = session_tokens.issue(tiny_con, "muhu", now=T0)
    later = T0 + session_tokens.LIFETIME - dt.timedelta(minutes=1)
    fresh = session_tokens.refresh(tiny_con, token, now=later)
    assert fresh != token
    assert session_tokens.verify(tiny_con, fresh, now=later + dt.timedelta(hours=11)).expires_at == later + session_tokens.LIFETIME


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


def test_token_for_another_user_cannot_be_forged_without_the_secret(tiny_con, user):
    other_db_token = session_tokens.issue(tiny_con, "admin", now=T0)
    schema.set_setting(tiny_con, session_tokens.SECRET_KEY, "00" * 32)  # a different server
    with pytest.raises(session_tokens.TokenError):
        session_tokens.verify(tiny_con, other_db_token, now=T0)


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
    auth.disable(tiny_con, "muhu")
    with pytest.raises(auth.AuthError, match="已停用"):
        auth.resume_session(tiny_con, token, now=T0 + dt.timedelta(minutes=12))
