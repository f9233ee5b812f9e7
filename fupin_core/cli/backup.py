"""`fupin backup DIR` and `fupin restore DIR`: the commands around fupin_core.maintenance.backup."""

from __future__ import annotations

import sys

from fupin_core.maintenance import backup
from fupin_core.storage import db
from fupin_core.storage.handle import Store, StoreMissing


def add_parsers(sub, add_db) -> None:
    """`fupin backup DIR` and `fupin restore DIR`."""
    p = sub.add_parser("backup", help="备份整个数据库到一个目录（每表一个 Parquet 文件和 manifest.json）")
    add_db(p)
    p.add_argument("directory", help="新的（或空的）备份目录")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="把备份目录恢复到一个空数据库（DuckDB 文件或 PostgreSQL 均可）")
    add_db(p)
    p.add_argument("directory", help="fupin backup 生成的目录")
    p.add_argument("--key-file", help="签发备份清单的密钥文件（原数据库旁的 .key 文件；也可用环境变量 FUPIN_SECRET_KEY）")
    p.add_argument("--allow-unsigned", action="store_true", help="有密钥时也接受没有签名的（旧版本生成的）备份")
    p.set_defaults(func=cmd_restore)


def _print_failure(exc: backup.BackupError) -> int:
    print(f"错误：{exc}", file=sys.stderr)
    return 2


def cmd_backup(args) -> int:
    storage = db.resolve_url(args.db)
    try:
        opened = Store.open(args.db, read_only=True)
    except StoreMissing:
        return _print_failure(backup.BackupError(f"数据库 {storage.display} 不存在或尚未初始化"))
    try:
        manifest = backup.backup(opened.con, args.directory)
    except backup.BackupError as exc:
        return _print_failure(exc)
    finally:
        opened.close()
    total = sum(t["rows"] for t in manifest["tables"].values())
    print(
        f"已备份 {storage.display} 到 {args.directory}：{len(manifest['tables'])} 张表，共 {total} 行（迁移级别 {manifest['schema_version']}）"
    )
    return 0


def cmd_restore(args) -> int:
    storage = db.resolve_url(args.db)
    try:
        # Before opening: a bad backup creates no database file.
        keys = backup.manifest_keys(args.db, args.key_file)
        manifest = backup.read_manifest(args.directory, keys)
        if backup.SIGNATURE not in manifest and keys and not args.allow_unsigned:
            raise backup.BackupError(
                "备份清单没有签名，但已提供密钥：签名可能被人去掉了。如确为旧版本或无密钥时生成的备份，请加 --allow-unsigned 再恢复"
            )
    except backup.BackupError as exc:
        return _print_failure(exc)
    if backup.SIGNATURE not in manifest:
        print("提示：该备份没有签名（由旧版本或在没有密钥时生成），无法确认清单未被修改；数据仍会逐行校验。", file=sys.stderr)
    opened = Store.open(args.db, existing=False, migrate=False)  # restore migrates the new store itself
    try:
        restored = backup.restore(opened.con, args.directory, manifest)
    except backup.BackupError as exc:
        return _print_failure(exc)
    finally:
        opened.close()
    print(f"已从 {args.directory} 恢复到 {storage.display}：{len(restored)} 张表，共 {sum(restored.values())} 行")
    return 0
