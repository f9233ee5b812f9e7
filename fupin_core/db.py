"""Storage URL handling and connections.

A storage URL is `duckdb:///relative/or/absolute/path.duckdb`, `duckdb:///:memory:` or a plain file
path. The default is `duckdb:///data/fupin.duckdb`, overridable by the FUPIN_DB environment
variable or a `--db` option.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

DEFAULT_URL = "duckdb:///data/fupin.duckdb"
ENV_VAR = "FUPIN_DB"


class DatabaseBusy(RuntimeError):
    """The DuckDB file is held by another process (usually the running app)."""


@dataclass(frozen=True)
class StorageURL:
    backend: str  # "duckdb"
    target: str  # file path or ":memory:"

    @property
    def path(self) -> Path | None:
        return None if self.target == ":memory:" else Path(self.target)


def resolve_url(url: str | None = None) -> StorageURL:
    raw = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    if raw.startswith("duckdb://"):
        target = raw[len("duckdb://") :]
        # duckdb:///data/x.duckdb -> "data/x.duckdb" (relative); duckdb:////abs/x -> "/abs/x"
        if target.startswith("/"):
            target = target[1:]
        return StorageURL("duckdb", target or ":memory:")
    if "://" in raw:
        scheme = raw.split("://", 1)[0]
        raise ValueError(f"不支持的数据库地址：{scheme}://（目前支持 duckdb:/// 或文件路径）")
    return StorageURL("duckdb", raw)


def connect(url: str | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store. Raises DatabaseBusy with a Chinese message when another process holds it."""
    storage = resolve_url(url)
    if storage.path is not None and not read_only:
        storage.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(storage.target, read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise DatabaseBusy(
                f"数据库文件 {storage.target} 正被另一个程序（通常是正在运行的应用）占用，请先关闭应用或在应用页面中操作。"
            ) from exc
        raise


def exists(url: str | None = None) -> bool:
    storage = resolve_url(url)
    return storage.path is None or storage.path.exists()
