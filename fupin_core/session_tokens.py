"""Signed session tokens, so that a page refresh keeps a login without keeping the password.

A token is `base64url(JSON [username, issued_at, expires_at]) . hex(HMAC-SHA256)` under a random
server secret kept in the settings table. It says nothing secret; the signature only proves the
server issued it. Whether the user may still use it (disabled, logged out) is checked by
fupin_core.auth.resume_session.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

import duckdb

from fupin_core import schema
from fupin_core.store import WRITE_LOCK

SECRET_KEY = "session_secret"
LIFETIME = dt.timedelta(hours=12)


class TokenError(ValueError):
    """The token is forged, damaged or expired (message in Chinese)."""


@dataclass(frozen=True)
class Claims:
    username: str
    issued_at: dt.datetime
    expires_at: dt.datetime


def server_secret(con: duckdb.DuckDBPyConnection) -> bytes:
    """The signing secret, created on first use (so replicas sharing one database share it)."""
    value = schema.get_setting(con, SECRET_KEY)
    if value is None:
        with WRITE_LOCK:
            value = schema.get_setting(con, SECRET_KEY)
            if value is None:
                value = secrets.token_hex(32)
                schema.set_setting(con, SECRET_KEY, value)
    return bytes.fromhex(value)


def _signature(secret: bytes, payload: str) -> str:
    return hmac.new(secret, payload.encode("ascii"), hashlib.sha256).hexdigest()


def issue(con: duckdb.DuckDBPyConnection, username: str, *, now: dt.datetime | None = None, lifetime: dt.timedelta = LIFETIME) -> str:
    issued = now or dt.datetime.now()
    body = json.dumps([username, issued.isoformat(), (issued + lifetime).isoformat()], ensure_ascii=False)
    payload = base64.urlsafe_b64encode(body.encode("utf-8")).decode("ascii").rstrip("=")
    return f"{payload}.{_signature(server_secret(con), payload)}"


def verify(con: duckdb.DuckDBPyConnection, token: str, *, now: dt.datetime | None = None) -> Claims:
    """The claims of a genuine, unexpired token; else TokenError."""
    payload, _, signature = (token or "").strip().partition(".")
    try:
        payload.encode("ascii")
    except UnicodeEncodeError:
        raise TokenError("登录凭据无效，请重新登录") from None
    if not payload or not hmac.compare_digest(_signature(server_secret(con), payload), signature):
        raise TokenError("登录凭据无效，请重新登录")
    try:
        body = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8")
        username, issued, expires = json.loads(body)
        claims = Claims(str(username), dt.datetime.fromisoformat(issued), dt.datetime.fromisoformat(expires))
    except (ValueError, TypeError, binascii.Error):
        raise TokenError("登录凭据无效，请重新登录") from None
    if (now or dt.datetime.now()) >= claims.expires_at:
        raise TokenError("登录已过期，请重新登录")
    return claims


def refresh(con: duckdb.DuckDBPyConnection, token: str, *, now: dt.datetime | None = None) -> str:
    """A new token for the same user with a fresh lifetime (the old one must still be valid)."""
    claims = verify(con, token, now=now)
    return issue(con, claims.username, now=now)
