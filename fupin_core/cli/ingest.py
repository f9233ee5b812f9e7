"""`fupin import` and `fupin rollback` (their subparsers live in fupin_core.cli).

Exit status of import: 0 all rows valid (and committed unless --dry-run), 1 rows rejected (nothing
committed unless --partial), 2 unreadable file, busy database or bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fupin_core.catalog import BY_KEY
from fupin_core.ingest import imports, pipeline, read
from fupin_core.ingest.read import UnreadableFile
from fupin_core.security import access
from fupin_core.storage import store
from fupin_core.storage.handle import Store, StoreMissing

BUSY_WAIT_SECONDS = 10.0
MAX_LISTED = 50


def _fail(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return 2


def _print_stages(preview: pipeline.Preview, outcome: pipeline.CommitOutcome | None) -> None:
    """`--verbose`: the seconds of each stage of the import (where a large file spends its time)."""
    lines = pipeline.stage_lines(preview.timings, outcome.timings if outcome else {})
    if lines:
        print("各阶段用时：")
        for line in lines:
            print(f"  {line}")


def _print_text(preview: pipeline.Preview, outcome: pipeline.CommitOutcome | None, dry_run: bool) -> None:
    counts = preview.counts
    where = f"，工作表“{preview.sheet}”" if preview.sheet else ""
    print(f"{preview.file_name}{where}：表头在第{preview.header_row}行，读取{preview.rows_read}行")
    print(f"新增 {counts['new']} 行，更新 {counts['updated']} 行，未变 {counts['unchanged']} 行，有误 {counts['rejected']} 行")
    for label, frame in (("错误", preview.errors), ("提醒", preview.warnings)):
        for rec in pipeline.problem_records(frame.head(MAX_LISTED)):
            place = f"第{rec['row']}行" if rec["row"] else "文件"
            column = f"【{rec['column']}】" if rec["column"] else ""
            print(f"  {label}：{place}{column}{rec['message']}")
        if frame.height > MAX_LISTED:
            print(f"  ……共{frame.height}条{label}，完整清单请用 --json")
    if dry_run:
        print("试运行（--dry-run）：未写入任何数据")
    elif outcome is not None:
        print(outcome.message)


def cmd_import(args: argparse.Namespace) -> int:
    if args.dataset not in BY_KEY:
        return _fail(f"未知数据集：{args.dataset}（可用：{', '.join(BY_KEY)}）")
    path = Path(args.file)
    if not path.is_file():
        return _fail(f"找不到文件：{path}")
    try:
        read.check_size(path.stat().st_size)  # before reading it into memory
    except UnreadableFile as exc:
        return _fail(f"{path.name}：{exc}")
    data = path.read_bytes()
    try:
        opened = Store.open(args.db, wait_s=BUSY_WAIT_SECONDS)
    except StoreMissing as exc:
        return _fail(str(exc))
    try:
        options = imports.ImportOptions(sheet=args.sheet, source=args.source, dry_run=args.dry_run, partial=args.partial)
        result = imports.import_file(opened, access.local_admin(), BY_KEY[args.dataset], path.name, data, options)
        preview, outcome = result.preview, result.outcome
    except UnreadableFile as exc:
        if args.json:
            print(json.dumps({"dataset": args.dataset, "file": path.name, "error": str(exc)}, ensure_ascii=False))
        return _fail(f"{path.name}：{exc}")
    finally:
        opened.close()
    if args.json:
        report = pipeline.report(preview, outcome)
        if args.verbose:
            report["stage_seconds"] = {**preview.timings, **(outcome.timings if outcome else {})}
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print_text(preview, outcome, args.dry_run)
        if args.verbose:
            _print_stages(preview, outcome)
    return 1 if preview.counts["rejected"] or not preview.errors.is_empty() else 0


def cmd_rollback(args: argparse.Namespace) -> int:
    try:
        opened = Store.open(args.db, wait_s=BUSY_WAIT_SECONDS)
    except StoreMissing as exc:
        return _fail(str(exc))
    con = opened.con
    try:
        access.rollback_batch(con, access.local_admin(), args.batch_id)  # locked periods, audit entry
        row = con.execute("SELECT dataset, file_name FROM batches WHERE batch_id = ?", [args.batch_id]).fetchone()
    except (store.StoreError, PermissionError) as exc:
        return _fail(str(exc))
    finally:
        opened.close()
    title = BY_KEY[row[0]].title if row[0] in BY_KEY else row[0]
    print(f"已回滚批次 {args.batch_id}（{title}，{row[1] or '无文件名'}）：该批次之前的数据已恢复为当前数据")
    return 0


def add_parsers(sub) -> None:
    """The `import` and `rollback` subparsers (called from fupin_core.cli.build_parser)."""
    p = sub.add_parser("import", help="导入（上报）一个 Excel 或 CSV 文件", description=__doc__)
    p.add_argument("dataset", metavar="DATASET", help="数据集：" + "、".join(BY_KEY))
    p.add_argument("file", metavar="FILE", help="xlsx / xls / csv 文件")
    p.add_argument("--db", help="数据库地址或文件路径（默认 FUPIN_DB 或 duckdb:///data/fupin.duckdb）")
    p.add_argument("--sheet", help="工作表名称（默认第一个含表头的工作表）")
    p.add_argument("--dry-run", action="store_true", help="只校验，不写入")
    p.add_argument("--partial", action="store_true", help="有错误时仍导入无误的行")
    p.add_argument("--source", help="使用在页面上为该来源保存的列对应关系")
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    p.add_argument("--verbose", action="store_true", help="另外列出各阶段（读取、校验、比对、写入等）的用时")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("rollback", help="回滚一个上传批次")
    p.add_argument("batch_id", metavar="BATCH_ID", type=int)
    p.add_argument("--db", help="数据库地址或文件路径")
    p.set_defaults(func=cmd_rollback)
