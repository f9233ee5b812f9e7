"""The Store: one opened database and everything done with it as a whole — opening (is it there, is it
ours, wait while another process holds it, migrate), cursors for reading, the write turn, and the
small lookups every layer needs. The app keeps one per process, the CLI one per command.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import duckdb

from fupin_core.storage import db, schema, store, writes

T = TypeVar("T")


class StoreMissing(ValueError):
    """Nothing to open at the address, or a database of another program (Chinese message)."""


def is_fupin_store(con: duckdb.DuckDBPyConnection) -> bool:
    sql = (
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name IN ('schema_migrations', 'townships')"
    )
    return con.execute(sql).fetchone()[0] == 2


def township_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """镇办 code -> name, for messages and labels (the store's own townships table)."""
    return dict(con.execute("SELECT township_code, township_name FROM townships").fetchall())


def _connect_waiting(url: str | None, read_only: bool, wait_s: float) -> duckdb.DuckDBPyConnection:
    """While another process holds the DuckDB file, try again for `wait_s` seconds."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return db.connect(url, read_only=read_only)
        except db.DatabaseBusy as exc:
            if not wait_s:
                raise
            if time.monotonic() >= deadline:
                raise db.DatabaseBusy(f"数据库正忙，请稍后重试（{exc}）") from None
            time.sleep(0.2)


class Store:
    def __init__(self, con: duckdb.DuckDBPyConnection, location: db.StorageURL) -> None:
        self.con = con
        self.location = location

    @classmethod
    def open(
        cls, url: str | None = None, *, read_only: bool = False, existing: bool = True, wait_s: float = 0.0, migrate: bool = True
    ) -> Store:
        """Open the store at `url` (default FUPIN_DB). `existing`: refuse an address where nothing was
        initialised, or a database without this program's tables, with a message saying what to run.
        A writable store is migrated (a database of an older version gets its new tables)."""
        location = db.resolve_url(url)
        if existing and not db.exists(url):
            raise StoreMissing(f"数据库 {location.display} 不存在，请先运行 fupin init --sample 或 fupin init")
        con = _connect_waiting(url, read_only, wait_s)
        try:
            if existing and not is_fupin_store(con):
                raise StoreMissing(f"{location.display} 不是 fupin 数据库（没有本程序的表），请检查 --db，或先运行 fupin init")
            if migrate and not read_only:
                schema.migrate(con)
        except BaseException:
            con.close()
            raise
        return cls(con, location)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one operation (safe across Streamlit's threads; close it when done)."""
        return self.con.cursor()

    def write(self, work: Callable[[writes.Transaction], T]) -> T:
        """`work` in one transaction, in this process's write turn, retried on a write conflict."""
        return writes.write(self.con, work)

    def transaction(self):
        return writes.transaction(self.con)

    def data_version(self) -> tuple:
        with self.cursor() as cur:
            return store.data_version(cur)

    def township_names(self) -> dict[str, str]:
        with self.cursor() as cur:
            return township_names(cur)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
