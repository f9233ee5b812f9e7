"""Storage URL handling and connections.

A storage URL is one of
- `duckdb:///relative/or/absolute/path.duckdb`, `duckdb:///:memory:` or a plain file path: embedded
  DuckDB, one process owns the file;
- `postgresql://user:password@host:port/database`: a shared PostgreSQL. Each process opens an
  in-memory DuckDB, loads the pinned postgres extension from its pip package (offline, autoinstall
  and autoload off), ATTACHes the database as `store` and USEs it, so fupin_core's SQL runs unchanged
  and several app replicas and the CLI can work at the same time.
The default is `duckdb:///data/fupin.duckdb`, overridable by the FUPIN_DB environment variable or a
`--db` option.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from fupin_core.storage import recovery

DEFAULT_URL = "duckdb:///data/fupin.duckdb"
ENV_VAR = "FUPIN_DB"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
POSTGRES_EXTENSION_PACKAGE = "duckdb_extension_postgres_scanner"
STORE_CATALOG = "store"

logger = logging.getLogger(__name__)


class DatabaseBusy(RuntimeError):
    """The DuckDB file is held by another process (usually the running app)."""


class DatabaseUnavailable(DatabaseBusy):
    """The PostgreSQL store cannot be reached or opened; reported to the user like DatabaseBusy."""


@dataclass(frozen=True)
class StorageURL:
    backend: str  # "duckdb" | "postgres"
    target: str  # file path or ":memory:" (duckdb); the full postgresql:// URL (postgres)

    @property
    def path(self) -> Path | None:
        return None if self.backend != "duckdb" or self.target == ":memory:" else Path(self.target)

    @property
    def display(self) -> str:
        """The target for messages and logs: a PostgreSQL password is masked."""
        return _mask_passwords(self.target) if self.backend == "postgres" else self.target


def _mask_passwords(text: str) -> str:
    return re.sub(r"(://[^:/@\s]+:)[^@\s]*@", r"\1***@", text)


DUCKDB_MAGIC = b"DUCK"  # bytes 8–11 of every DuckDB database file


class NotADatabase(ValueError):
    """The storage address names something that is not a DuckDB file or a PostgreSQL URL (Chinese)."""


def is_duckdb_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(12)[8:12] == DUCKDB_MAGIC


def check_store_url(url: str | None = None) -> StorageURL:
    """The storage address of a command, refused (NotADatabase) unless it is a PostgreSQL URL or a
    DuckDB file, existing or to be created: never an in-memory database (whatever a command wrote
    there would be lost on exit) and never another kind of file (a CSV given by mistake)."""
    storage = resolve_url(url)
    if storage.backend == "postgres":
        return storage
    if storage.path is None:
        raise NotADatabase(
            "数据库地址不能是内存数据库（:memory:）：命令写入的内容在退出后会丢失；请给出 .duckdb 文件路径或 postgresql:// 地址"
        )
    if storage.path.is_dir():
        raise NotADatabase(f"{storage.target} 是一个目录，不是数据库文件；请给出 .duckdb 文件路径或 postgresql:// 地址")
    if storage.path.exists():
        try:
            ok = is_duckdb_file(storage.path)
        except OSError as exc:
            raise NotADatabase(f"无法读取数据库文件 {storage.target}：{exc.strerror or exc}") from None
        if not ok:
            raise NotADatabase(
                f"{storage.target} 不是 DuckDB 数据库文件（可能是 CSV、Excel 或其他文件）；请用 --db 给出 fupin 的 .duckdb 文件或 postgresql:// 地址"
            )
    return storage


def resolve_url(url: str | None = None) -> StorageURL:
    raw = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    if raw.startswith(POSTGRES_SCHEMES):
        return StorageURL("postgres", raw)
    if raw.startswith("duckdb://"):
        target = raw[len("duckdb://") :]
        # duckdb:///data/x.duckdb -> "data/x.duckdb" (relative); duckdb:////abs/x -> "/abs/x"
        if target.startswith("/"):
            target = target[1:]
        return StorageURL("duckdb", target or ":memory:")
    if "://" in raw:
        scheme = raw.split("://", 1)[0]
        raise ValueError(f"不支持的数据库地址：{scheme}://（支持 duckdb:///文件路径、文件路径或 postgresql://用户:密码@主机:端口/库名）")
    return StorageURL("duckdb", raw)


class StoreConnection:
    """An in-memory DuckDB connection with the PostgreSQL store attached and in USE.

    Behaves like the DuckDB connection it wraps; `cursor()` also selects the store, because `USE`
    is a per-connection setting and a plain cursor would look for tables in DuckDB's memory catalog.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def cursor(self) -> StoreConnection:
        # Wrapped as well: a cursor's own cursor (a summary built on a cursor of its own, inside a
        # page's cursor) must select the store too, or it would look for tables in memory.
        cur = self._con.cursor()
        cur.execute(f"USE {STORE_CATALOG}")
        return StoreConnection(cur)

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def __enter__(self) -> StoreConnection:
        return self

    def __exit__(self, *exc) -> None:
        self._con.close()


def postgres_extension_path() -> Path:
    """The postgres extension file inside the pinned pip package, for this exact DuckDB version."""
    message = (
        f"使用 PostgreSQL 需要安装与 DuckDB {duckdb.__version__} 配套的扩展：pip install 'fupin[postgres]'"
        f"（即 duckdb-extension-postgres-scanner=={duckdb.__version__}）"
    )
    spec = importlib.util.find_spec(POSTGRES_EXTENSION_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise DatabaseUnavailable(message)
    folder = Path(next(iter(spec.submodule_search_locations))) / "extensions" / f"v{duckdb.__version__}"
    found = sorted(folder.glob("postgres_scanner.duckdb_extension"))
    if not found:
        raise DatabaseUnavailable(message)
    return found[0]


def _sql_literal(text: str) -> str:
    # ATTACH and LOAD take no bound parameters; the URL and the path are quoted as SQL literals.
    return "'" + text.replace("'", "''") + "'"


def connect_postgres(storage: StorageURL, *, read_only: bool = False) -> StoreConnection:
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"})
    try:
        con.execute(f"LOAD {_sql_literal(str(postgres_extension_path()))}")
        options = "TYPE postgres, READ_ONLY" if read_only else "TYPE postgres"
        con.execute(f"ATTACH {_sql_literal(storage.target)} AS {STORE_CATALOG} ({options})")
        con.execute(f"USE {STORE_CATALOG}")
    except duckdb.Error as exc:
        con.close()
        reason = _mask_passwords(_first_line(exc))  # the driver's message repeats the URL
        raise DatabaseUnavailable(f"无法连接 PostgreSQL 数据库 {storage.display}：{reason}") from None
    except BaseException:
        con.close()
        raise
    return StoreConnection(con)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def connect(url: str | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store. Raises DatabaseBusy with a Chinese message when another process holds the
    DuckDB file, DatabaseUnavailable when PostgreSQL cannot be reached."""
    storage = resolve_url(url)
    if storage.backend == "postgres":
        return connect_postgres(storage, read_only=read_only)  # type: ignore[return-value]
    if storage.path is not None:
        private_files()
        if not read_only:
            storage.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _make_private(storage.target)
    try:
        if storage.path is not None:
            _repair_if_unclean(storage.target)
        con = duckdb.connect(storage.target, read_only=read_only)
        if storage.path is not None:
            _open_in_this_process.setdefault(os.path.realpath(storage.target), weakref.WeakSet()).add(con)
        return con
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise DatabaseBusy(
                f"数据库文件 {storage.target} 正被另一个程序（通常是正在运行的应用）占用，请先关闭应用或在应用页面中操作。"
            ) from exc
        raise


PRIVATE_SUFFIXES = ("", ".wal", ".key")


def private_files() -> None:
    """Files this process creates from now on (the database, its write-ahead log, backups, exports)
    are readable by the service user only: they hold names and ID numbers. Process-wide on purpose:
    DuckDB creates the .wal file itself, later, with the process's umask."""
    os.umask(0o077)


def _make_private(target: str) -> None:
    """A database file (and its WAL and key file) created world-readable by an older version: 0600."""
    for suffix in PRIVATE_SUFFIXES:
        path = Path(target + suffix)
        try:
            if path.exists() and path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
        except PermissionError:
            logger.warning("无法把 %s 的权限改为 600（不是该文件的所有者），请管理员手工修改", path)


# The connections this process has open, per file: a WAL beside a file this process holds is its own
# live one, not a crash's (all connections to one path share one DuckDB instance).
_open_in_this_process: dict[str, weakref.WeakSet] = {}
REPAIR_PENDING = ".repair-pending"


def _repair_if_unclean(target: str) -> None:
    """A file opened with its write-ahead log still there was not closed cleanly: a process may have
    died in the middle of a commit. Open it for writing once and put it back to its last complete
    batch (fupin_core.storage.recovery) before anyone reads it. A marker file stays until a repair has
    committed, so a repair that fails (its connection's close saves the replayed WAL and removes it)
    is tried again at the next open."""
    path = os.path.realpath(target)
    marker = Path(path + REPAIR_PENDING)
    if _open_in_this_process.get(path) or not (Path(path + ".wal").exists() or marker.exists()):
        return
    try:
        con = duckdb.connect(path)
    except duckdb.IOException:
        return  # held by another process (the open that follows says so) or on read-only media
    marker.touch()
    try:
        for message in recovery.repair(con):
            logger.warning("数据库 %s 上次未正常关闭，检查结果：%s", path, message)
        marker.unlink()
    except duckdb.Error:
        logger.exception("数据库 %s 上次未正常关闭，自动检查未能完成，下次打开时将重试", path)
    finally:
        con.close()


def backend_of(con) -> str:
    """The backend behind `con`: postgres for a connection made by connect_postgres (or a cursor of
    one), else duckdb."""
    if isinstance(con, StoreConnection):
        return "postgres"
    row = con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return "postgres" if row and row[0] == "postgres" else "duckdb"


@contextlib.contextmanager
def selective_reads(con) -> Iterator[None]:
    """Around a query whose pushed-down filters pick a few rows through an index (a list of ids): on
    PostgreSQL each table is then read by one scan instead of parallel ctid ranges, each of which would
    walk the same index again (the linkages of 2,000 households at scale 100: 1.3 s → 0.07 s). Whole-table
    reads keep the parallel ranges. Nothing changes on DuckDB."""
    if backend_of(con) != "postgres":
        yield
        return
    con.execute("SET pg_use_ctid_scan = false")  # this connection (cursor) only
    try:
        yield
    finally:
        # In a failed transaction RESET fails too: the query's own error is the one to see, and the
        # setting only affects how fast this cursor reads.
        with contextlib.suppress(duckdb.Error):
            con.execute("RESET pg_use_ctid_scan")


def exists(url: str | None = None) -> bool:
    """Whether the store is there to be opened: the DuckDB file exists, or (PostgreSQL) the database
    has been initialised (`fupin init` ran: the migrations table exists)."""
    storage = resolve_url(url)
    if storage.backend == "postgres":
        with connect_postgres(storage, read_only=True) as con:
            found = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = 'schema_migrations'"
            ).fetchone()[0]
        return bool(found)
    return storage.path is None or storage.path.exists()
