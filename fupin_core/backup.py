"""Portable backups: one Parquet file per table plus manifest.json, for both backends.

`backup(con, DIR)` reads every table of the store inside one transaction (one consistent snapshot,
also on PostgreSQL while replicas keep writing) and records, per table, its file, row count and
sha256, with the schema migration level and the app version. `restore(con, DIR)` checks all of that,
then loads the rows into an empty store in one transaction: either everything is restored or
nothing. A backup taken on embedded DuckDB restores into PostgreSQL and the other way round, which
is how a county moves its data to a shared server.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from fupin_core import __version__, db, schema

FORMAT = "fupin-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Filled by schema.migrate on a new store: restore keeps the target's migration record and replaces
# the counters (then moves them past every restored batch id).
MIGRATION_TABLE = "schema_migrations"
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_ROWS_PER_BATCH = 100_000


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message (Chinese) says why and what to do."""


def store_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The store's own tables (not temporary ones), by name."""
    names = [
        row[0]
        for row in con.execute(
            """SELECT table_name FROM duckdb_tables()
               WHERE database_name = current_database() AND schema_name = current_schema() AND NOT temporary
               ORDER BY table_name"""
        ).fetchall()
    ]
    for name in names:
        # Table names are formatted into SQL below: accept only the plain names fupin creates.
        if not _TABLE_NAME.match(name):
            raise BackupError(f"数据库中有无法识别的表名：{name!r}")
    return names


def migration_level(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute(f"SELECT coalesce(max(version), 0) FROM {MIGRATION_TABLE}").fetchone()[0])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _export_table(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> int:
    reader = con.execute(f'SELECT * FROM "{table}"').to_arrow_reader(_ROWS_PER_BATCH)
    rows = 0
    with pq.ParquetWriter(path, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows


def backup(con: duckdb.DuckDBPyConnection, directory: str | Path) -> dict:
    """Write every table of the store to `directory` (new or empty); return the manifest."""
    out = Path(directory)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"备份目录 {out} 已存在且不是空目录，请指定一个新目录")
    db.private_files()  # the Parquet files hold names and ID numbers: readable by the service user only
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    out.chmod(0o700)
    tables: dict[str, dict] = {}
    con.execute("BEGIN TRANSACTION")  # one snapshot of every table
    try:
        level = migration_level(con)
        for table in store_tables(con):
            path = out / f"{table}.parquet"
            rows = _export_table(con, table, path)
            path.chmod(0o600)
            tables[table] = {"file": path.name, "rows": rows, "sha256": _sha256(path)}
        con.execute("COMMIT")
    except Exception:
        _rollback_quietly(con)
        raise
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "schema_version": level,
        "source_backend": db.backend_of(con),
        "created_at": dt.datetime.now().isoformat(timespec="seconds"),
        "tables": tables,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def read_manifest(directory: str | Path) -> dict:
    """The manifest of a backup, after checking every file's presence, sha256 and row count."""
    folder = Path(directory)
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} 中没有 {MANIFEST}，不是 fupin 备份目录")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} 不是本程序能识别的备份格式")
    for table, entry in manifest["tables"].items():
        if not _TABLE_NAME.match(table):
            raise BackupError(f"备份中有无法识别的表名：{table!r}")
        file = folder / entry["file"]
        if not file.is_file():
            raise BackupError(f"备份文件缺失：{file}")
        if _sha256(file) != entry["sha256"]:
            raise BackupError(f"备份文件已损坏或被修改（校验值不符）：{file}")
        if pq.ParquetFile(file).metadata.num_rows != entry["rows"]:
            raise BackupError(f"备份文件行数与清单不符：{file}")
    return manifest


def _check_empty(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    for table in tables:
        if table in (MIGRATION_TABLE, schema.COUNTER_TABLE):
            continue
        rows = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        if rows:
            raise BackupError(f"目标数据库不是空的（表 {table} 已有 {rows} 行）：只能恢复到新建的空数据库")


def _rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):  # keep the original error
        con.execute("ROLLBACK")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [row[0] for row in con.execute(f'DESCRIBE "{table}"').fetchall()]


def restore(con: duckdb.DuckDBPyConnection, directory: str | Path, manifest: dict | None = None) -> dict[str, int]:
    """Load the backup in `directory` (its manifest already checked by read_manifest, or checked
    here) into the empty store; return rows restored per table."""
    folder = Path(directory)
    manifest = manifest or read_manifest(folder)
    schema.migrate(con)
    level = migration_level(con)
    if manifest["schema_version"] > level:
        raise BackupError(
            f"备份来自较新的程序版本（{manifest['app_version']}，迁移级别 {manifest['schema_version']}，"
            f"本程序为 {level}）：请先升级程序再恢复"
        )
    present = store_tables(con)
    unknown = sorted(set(manifest["tables"]) - set(present))
    if unknown:
        raise BackupError(f"备份中的表在本程序的数据库结构中不存在：{', '.join(unknown)}")
    _check_empty(con, present)
    restored: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for table, entry in manifest["tables"].items():
            if table == MIGRATION_TABLE:
                continue
            if table == schema.COUNTER_TABLE:
                con.execute(f'DELETE FROM "{table}"')
            file_columns = pq.ParquetFile(folder / entry["file"]).schema_arrow.names
            target_columns = _columns(con, table)
            extra = [c for c in file_columns if c not in target_columns]
            if extra:
                raise BackupError(f"备份中表 {table} 的列在本程序中不存在：{', '.join(extra)}")
            cols = ", ".join(f'"{c}"' for c in file_columns)
            con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM read_parquet(?)', [str(folder / entry["file"])])
            restored[table] = entry["rows"]
        # Counters of an older backup (or none at all): never hand out a restored id again.
        schema.advance_counters(con)
        con.execute("COMMIT")
    except Exception:
        _rollback_quietly(con)
        raise
    return restored


def add_parsers(sub, add_db) -> None:
    """`fupin backup DIR` and `fupin restore DIR` (registered by fupin_core.cli)."""
    p = sub.add_parser("backup", help="备份整个数据库到一个目录（每表一个 Parquet 文件和 manifest.json）")
    add_db(p)
    p.add_argument("directory", help="新的（或空的）备份目录")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="把备份目录恢复到一个空数据库（DuckDB 文件或 PostgreSQL 均可）")
    add_db(p)
    p.add_argument("directory", help="fupin backup 生成的目录")
    p.set_defaults(func=cmd_restore)


def _print_failure(exc: BackupError) -> int:
    import sys

    print(f"错误：{exc}", file=sys.stderr)
    return 2


def cmd_backup(args) -> int:
    storage = db.resolve_url(args.db)
    if not db.exists(args.db):
        return _print_failure(BackupError(f"数据库 {storage.display} 不存在或尚未初始化"))
    con = db.connect(args.db, read_only=True)
    try:
        manifest = backup(con, args.directory)
    except BackupError as exc:
        return _print_failure(exc)
    finally:
        con.close()
    total = sum(t["rows"] for t in manifest["tables"].values())
    print(
        f"已备份 {storage.display} 到 {args.directory}：{len(manifest['tables'])} 张表，共 {total} 行（迁移级别 {manifest['schema_version']}）"
    )
    return 0


def cmd_restore(args) -> int:
    storage = db.resolve_url(args.db)
    try:
        manifest = read_manifest(args.directory)  # before opening: a bad backup creates no database file
    except BackupError as exc:
        return _print_failure(exc)
    con = db.connect(args.db)
    try:
        restored = restore(con, args.directory, manifest)
    except BackupError as exc:
        return _print_failure(exc)
    finally:
        con.close()
    print(f"已从 {args.directory} 恢复到 {storage.display}：{len(restored)} 张表，共 {sum(restored.values())} 行")
    return 0
