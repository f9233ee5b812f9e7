"""Portable backups: one Parquet file per table plus manifest.json, for both backends.

`backup(con, DIR)` reads every table of the store inside one transaction (one consistent snapshot,
also on PostgreSQL while replicas keep writing) and records, per table, its file, row count and
sha256, with the schema migration level and the app version. `restore(con, DIR)` checks all of that,
then loads the rows into an empty store in one transaction: either everything is restored or
nothing. A backup taken on embedded DuckDB restores into PostgreSQL and the other way round, which
is how a county moves its data to a shared server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from fupin_core import __version__
from fupin_core.maintenance import restore_checks
from fupin_core.security import session_tokens
from fupin_core.storage import db, schema, writes
from fupin_core.storage.summary_tables import DERIVED_TABLES

FORMAT = "fupin-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Filled by schema.migrate on a new store: restore keeps the target's migration record and replaces
# the counters (then moves them past every restored batch id).
MIGRATION_TABLE = "schema_migrations"
FUND_CATEGORY_MIGRATION = 7  # schema._m007_fund_categories
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_FILE_NAME = re.compile(r"^[a-z_][a-z0-9_]*\.parquet$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
SIGNATURE = "signature"
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
    # Summaries (fupin_core.metrics.summaries) are derived from the rest and rebuilt on demand.
    names = [name for name in names if name not in DERIVED_TABLES]
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
    with writes.snapshot(con):  # one consistent view of every table
        level = migration_level(con)
        for table in store_tables(con):
            path = out / f"{table}.parquet"
            rows = _export_table(con, table, path)
            path.chmod(0o600)
            tables[table] = {"file": path.name, "rows": rows, "sha256": _sha256(path)}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "schema_version": level,
        "source_backend": db.backend_of(con),
        "created_at": dt.datetime.now().isoformat(timespec="seconds"),
        "tables": tables,
    }
    key = session_tokens.durable_signing_key(con)
    if key is not None:  # with the server's key: an edited manifest (or file checksum) is detected
        manifest[SIGNATURE] = manifest_signature(key, manifest)
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def manifest_signature(key: bytes, manifest: dict) -> str:
    """HMAC-SHA256 over the manifest without its signature, in one canonical JSON form."""
    body = {k: v for k, v in manifest.items() if k != SIGNATURE}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def check_signature(manifest: dict, keys: list[bytes]) -> bool:
    """True when the manifest is signed by one of `keys`; False when it is not signed at all (a backup
    made without a key, or by a version before issue 16); BackupError when signed by none of them."""
    signature = manifest.get(SIGNATURE)
    if signature is None:
        return False
    if not keys:
        raise BackupError(
            f"备份清单带有签名，但找不到签发它的密钥：请设置环境变量 {session_tokens.KEY_ENV}，或用 --key-file 指定原数据库旁的 .key 文件"
        )
    if not any(hmac.compare_digest(manifest_signature(k, manifest), str(signature)) for k in keys):
        raise BackupError("备份清单的签名不符：备份在备份之后被修改过，或来自使用另一个密钥的服务器；未恢复任何数据")
    return True


def _load_json(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise BackupError(f"{path} 已损坏（不是 UTF-8 文本）") from None
    except json.JSONDecodeError as exc:
        raise BackupError(f"{path} 已损坏（第{exc.lineno}行第{exc.colno}列不是有效的 JSON）") from None
    if not isinstance(manifest, dict):
        raise BackupError(f"{path} 不是本程序能识别的备份清单")
    return manifest


def _check_structure(path: Path, manifest: dict) -> None:
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} 不是本程序能识别的备份格式")
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not tables:
        raise BackupError(f"{path} 已损坏：缺少表清单（tables）")
    if not isinstance(manifest.get("schema_version"), int) or not isinstance(manifest.get("app_version", ""), str):
        raise BackupError(f"{path} 已损坏：迁移级别或程序版本无效")
    for table, entry in tables.items():
        if not _TABLE_NAME.match(str(table)):
            raise BackupError(f"备份中有无法识别的表名：{str(table)[:60]!r}")
        if not isinstance(entry, dict):
            raise BackupError(f"{path} 已损坏：表 {table} 的条目无效")
        file, rows, sha = entry.get("file"), entry.get("rows"), entry.get("sha256")
        # Only a plain file name inside the backup folder: never a path elsewhere ("../../etc/x").
        if not isinstance(file, str) or not _FILE_NAME.match(file):
            raise BackupError(f"备份清单中表 {table} 的文件名无效（只能是备份目录中的 .parquet 文件）：{str(file)[:80]!r}")
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
            raise BackupError(f"{path} 已损坏：表 {table} 的行数无效")
        if not isinstance(sha, str) or not _SHA256.match(sha):
            raise BackupError(f"{path} 已损坏：表 {table} 的校验值无效")


def environment_keys() -> list[bytes]:
    value = os.environ.get(session_tokens.KEY_ENV, "").strip()
    return [value.encode("utf-8")] if value else []


def read_manifest(directory: str | Path, keys: list[bytes] | None = None) -> dict:
    """The manifest of a backup, after checking its structure, its signature (when it has one:
    against `keys`, default FUPIN_SECRET_KEY), and every file's place (inside the folder), sha256
    and row count."""
    folder = Path(directory)
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} 中没有 {MANIFEST}，不是 fupin 备份目录")
    manifest = _load_json(path)
    _check_structure(path, manifest)
    check_signature(manifest, environment_keys() if keys is None else keys)
    inside = folder.resolve()
    for entry in manifest["tables"].values():
        file = folder / entry["file"]
        if not file.is_file():
            raise BackupError(f"备份文件缺失：{file}")
        if file.resolve().parent != inside:  # a symbolic link out of the folder
            raise BackupError(f"备份文件 {file} 指向备份目录之外，已拒绝")
        if _sha256(file) != entry["sha256"]:
            raise BackupError(f"备份文件已损坏或被修改（校验值不符）：{file}")
        try:
            rows = pq.ParquetFile(file).metadata.num_rows
        except Exception:  # pyarrow reports a damaged file in several ways
            raise BackupError(f"备份文件已损坏，无法读取：{file}") from None
        if rows != entry["rows"]:
            raise BackupError(f"备份文件行数与清单不符：{file}")
    return manifest


def _check_empty(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    for table in tables:
        if table in (MIGRATION_TABLE, schema.COUNTER_TABLE):
            continue
        rows = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        if rows:
            raise BackupError(f"目标数据库不是空的（表 {table} 已有 {rows} 行）：只能恢复到新建的空数据库")


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
    with writes.transaction(con):
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
        if manifest["schema_version"] < FUND_CATEGORY_MIGRATION:
            # A backup from before 资金类别: its rows get the split an upgraded database got (migration 7).
            schema.split_legacy_fund_sources(con)
        # The same rules as imports and user management: an edited backup is refused as a whole.
        found = restore_checks.problems(con)
        if found:
            listed = "\n".join(f"  {p}" for p in found[: restore_checks.MAX_LISTED])
            more = f"\n  ……共{len(found)}处" if len(found) > restore_checks.MAX_LISTED else ""
            raise BackupError(f"备份中的数据未通过校验，未恢复任何数据：\n{listed}{more}")
        # Counters of an older backup (or none at all): never hand out a restored id again.
        schema.advance_counters(con)
    return restored


def manifest_keys(db_url: str | None, key_file: str | None) -> list[bytes]:
    """Keys a signed manifest may be checked with: FUPIN_SECRET_KEY, `key_file`, the target's key file."""
    keys = environment_keys()
    storage = db.resolve_url(db_url)
    candidates = [Path(key_file)] if key_file else []
    if storage.path is not None:
        candidates.append(session_tokens.key_file_for(storage.path))
    for file in candidates:
        try:
            keys.append(file.read_text(encoding="ascii").strip().encode("ascii"))
        except (OSError, UnicodeDecodeError):
            if file == Path(key_file or ""):
                raise BackupError(f"无法读取密钥文件 {file}") from None
    return keys
