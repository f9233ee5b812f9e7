"""Downloads that do not outlive their purpose.

Streamlit serves a download's bytes from `/media/<id>` to anyone who has the address, and keeps them
until two later script runs find them unreferenced — on a quiet server, indefinitely (upstream
streamlit/streamlit#8148). Our downloads are deferred (built on click by the session that offered
them, see auth_ui.audited); `expiring` also removes the served file LIFETIME_SECONDS after it was
built, and `drop_session_files` removes a session's files at logout.

This reaches into Streamlit's in-memory media storage (pinned version 1.67): the file is found by the
identity of the bytes object we returned, which Streamlit stores as it is.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

LIFETIME_ENV = "FUPIN_DOWNLOAD_SECONDS"


def _lifetime() -> float:
    try:
        return max(1.0, float(os.environ.get(LIFETIME_ENV) or 60))
    except ValueError:
        return 60.0


LIFETIME_SECONDS = _lifetime()  # how long a built download stays fetchable (FUPIN_DOWNLOAD_SECONDS, default 60)

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_by_session: dict[str, list[bytes]] = {}


def _session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else None


def expiring(make: Callable[[], bytes], lifetime: float | None = None) -> Callable[[], bytes]:
    """`make` as deferred download data whose served file is removed `lifetime` seconds after it is built."""
    session = _session_id()  # captured now: the click runs outside the script thread

    def build() -> bytes:
        payload = make()
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        with _lock:
            _by_session.setdefault(session or "", []).append(payload)
        timer = threading.Timer(LIFETIME_SECONDS if lifetime is None else lifetime, _drop, args=(session or "", payload))
        timer.daemon = True
        timer.start()
        return payload

    return build


def _drop(session: str, payload: bytes) -> None:
    with _lock:
        held = _by_session.get(session, [])
        _by_session[session] = [p for p in held if p is not payload]
        if not _by_session[session]:
            _by_session.pop(session, None)
    _delete_served(payload)


def drop_session_files() -> None:
    """Stop serving every file this session has downloaded (at logout)."""
    with _lock:
        payloads = _by_session.pop(_session_id() or "", [])
    for payload in payloads:
        _delete_served(payload)


def _delete_served(payload: bytes) -> None:
    if not runtime.exists():
        return
    manager = runtime.get_instance().media_file_mgr
    try:
        with manager._lock:
            files = manager._storage._files_by_id
            for file_id, stored in list(files.items()):
                if stored.content is payload:
                    manager._storage.delete_file(file_id)
                    manager._file_metadata.pop(file_id, None)
    except AttributeError:  # a Streamlit whose media storage is laid out differently
        logger.warning("无法删除已下载文件的临时地址（Streamlit 媒体存储结构已变化），它将按 Streamlit 的规则过期")
