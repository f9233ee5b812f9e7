"""Signed session tokens, so that a page refresh keeps a login without keeping the password.

A token is `base64url(JSON [username, logged_in_at, expires_at]) . hex(HMAC-SHA256)`. It says nothing
secret; the signature only proves this server issued it. The signing key is never in the database
(nor, therefore, in a backup): it is the environment variable FUPIN_SECRET_KEY, or else a key file
`<database file>.key` (mode 0600) created beside an embedded DuckDB file on first use. PostgreSQL
replicas must share FUPIN_SECRET_KEY. A token lives at most LIFETIME from the password login and is
never renewed; whether the user may still use it (disabled, logged out, password reset, role or scope
changed since the login) is checked by fupin_core.security.auth.resume_session against the database on every
run, so a revocation holds across restarts and replicas.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

KEY_ENV = "FUPIN_SECRET_KEY"
KEY_FILE_SUFFIX = ".key"
MIN_KEY_LENGTH = 32
LIFETIME = dt.timedelta(hours=12)
LEGACY_SETTING = "session_secret"  # where versions before issue 16 kept the key: in the database
# A key for a database that has no file (in-memory DuckDB, tests): this process only.
_PROCESS_KEY = secrets.token_bytes(32)
_KEY_LOCK = threading.Lock()

logger = logging.getLogger(__name__)


class TokenError(ValueError):
    """The token is forged, damaged or expired (message in Chinese)."""


class KeyUnavailable(RuntimeError):
    """No signing key can be found or made (message in Chinese: what the operator must do)."""


@dataclass(frozen=True)
class Claims:
    username: str
    issued_at: dt.datetime  # the password login this session comes from
    expires_at: dt.datetime


def _database_file(con: duckdb.DuckDBPyConnection) -> tuple[str, str | None]:
    """(backend type, file path or None) of the connection's current database."""
    row = con.execute("SELECT type, path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    kind, path = (row[0], row[1]) if row else ("duckdb", None)
    if kind != "duckdb" or not path or path == ":memory:":
        return kind, None
    return kind, path


def key_file_for(database_path: str | os.PathLike) -> Path:
    return Path(str(database_path) + KEY_FILE_SUFFIX)


def _read_or_create_key_file(path: Path) -> bytes:
    with _KEY_LOCK:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        os.chmod(path, 0o600)  # readable by others is as good as no key
        logger.warning("签名密钥文件 %s 的权限为 %o，已改为 600", path, mode)
    text = path.read_text(encoding="ascii").strip()
    if len(text) < MIN_KEY_LENGTH:
        raise KeyUnavailable(f"签名密钥文件 {path} 内容太短（至少{MIN_KEY_LENGTH}个字符），请删除它后重新启动以生成新密钥")
    return text.encode("ascii")


def signing_key(con: duckdb.DuckDBPyConnection) -> bytes:
    """The key that signs session tokens and backup manifests (never stored in the database)."""
    value = os.environ.get(KEY_ENV, "").strip()
    if value:
        if len(value) < MIN_KEY_LENGTH:
            raise KeyUnavailable(f"环境变量 {KEY_ENV} 太短：至少需要{MIN_KEY_LENGTH}个字符（可用 openssl rand -hex 32 生成）")
        return value.encode("utf-8")
    kind, path = _database_file(con)
    if kind == "postgres":
        raise KeyUnavailable(
            f"使用 PostgreSQL 时须设置环境变量 {KEY_ENV}（每个副本相同，至少{MIN_KEY_LENGTH}个字符，可用 openssl rand -hex 32 生成）"
        )
    if path is None:
        return _PROCESS_KEY
    return _read_or_create_key_file(key_file_for(path))


def durable_signing_key(con: duckdb.DuckDBPyConnection) -> bytes | None:
    """The signing key when it outlives this process (FUPIN_SECRET_KEY, or the key file beside a
    DuckDB file, created if missing); None for PostgreSQL without the variable or an in-memory store."""
    if os.environ.get(KEY_ENV, "").strip():
        return signing_key(con)
    _kind, path = _database_file(con)
    return signing_key(con) if path is not None else None


def _signature(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode("ascii"), hashlib.sha256).hexdigest()


def issue(con: duckdb.DuckDBPyConnection, username: str, *, now: dt.datetime | None = None) -> str:
    """A token for a password login made `now`; valid for LIFETIME and never renewed."""
    issued = now or dt.datetime.now()
    body = json.dumps([username, issued.isoformat(), (issued + LIFETIME).isoformat()], ensure_ascii=False)
    payload = base64.urlsafe_b64encode(body.encode("utf-8")).decode("ascii").rstrip("=")
    return f"{payload}.{_signature(signing_key(con), payload)}"


def verify(con: duckdb.DuckDBPyConnection, token: str, *, now: dt.datetime | None = None) -> Claims:
    """The claims of a genuine, unexpired token; else TokenError."""
    payload, _, signature = (token or "").strip().partition(".")
    try:
        payload.encode("ascii")
    except UnicodeEncodeError:
        raise TokenError("登录凭据无效，请重新登录") from None
    if not payload or not hmac.compare_digest(_signature(signing_key(con), payload), signature):
        raise TokenError("登录凭据无效，请重新登录")
    try:
        body = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8")
        username, issued, expires = json.loads(body)
        claims = Claims(str(username), dt.datetime.fromisoformat(issued), dt.datetime.fromisoformat(expires))
    except (ValueError, TypeError, binascii.Error):
        raise TokenError("登录凭据无效，请重新登录") from None
    at = now or dt.datetime.now()
    # The lifetime is this server's rule, not the token's: a token claiming a longer one ends all the same.
    if at >= min(claims.expires_at, claims.issued_at + LIFETIME):
        raise TokenError("登录已过期，请重新登录")
    return claims


def forget_legacy_secret(con: duckdb.DuckDBPyConnection) -> None:
    """Delete the signing secret versions before issue 16 kept in the settings table (and so in
    every backup): it no longer signs anything, and must not linger where readers of the file look."""
    con.execute("DELETE FROM settings WHERE key = ?", [LEGACY_SETTING])
