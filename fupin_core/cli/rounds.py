"""`fupin round open|list|status|approve|return`: 上报任务 from the server's shell (as the local
administrator, like `fupin user`); `--json` for scripts."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json

import polars as pl

from fupin_core.catalog import BY_KEY
from fupin_core.security import access, rounds
from fupin_core.storage.handle import Store


def export_cursor(con, including_submitted: bool):
    """What `fupin export` reads: approved data only (rounds.approved_cursor) unless asked otherwise."""
    return contextlib.nullcontext(con) if including_submitted else rounds.approved_cursor(con)


def parse_deadline(text: str) -> dt.datetime:
    """2018-01-31 (the end of that day) or 2018-01-31 18:00."""
    text = text.strip()
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return dt.datetime.combine(dt.datetime.strptime(text, "%Y-%m-%d").date(), dt.time(23, 59))
    except ValueError:
        raise ValueError(f"截止时间“{text}”无法识别，请写成 2018-01-31 或 2018-01-31 18:00") from None


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="seconds") if value else None


def round_record(rnd: rounds.Round) -> dict:
    return {
        "round_id": rnd.round_id,
        "title": rnd.title,
        "year": rnd.year,
        "period_kind": rnd.period_kind,
        "period_no": rnd.period_no,
        "period": rnd.period_label,
        "datasets": list(rnd.datasets),
        "townships": list(rnd.townships),
        "deadline": _time(rnd.deadline),
        "opened_by": rnd.opened_by,
        "opened_at": _time(rnd.opened_at),
    }


STATUS_KEYS = {
    "镇办代码": "township",
    "镇办": "township_name",
    "dataset": "dataset",
    "状态": "state",
    "逾期": "timing",
    "上报时间": "submitted_at",
    "上报人": "submitted_by",
    "行数": "rows",
    "新增": "new",
    "更新": "updated",
    "变化较大": "big_changes",
    "审核人": "reviewed_by",
    "审核时间": "reviewed_at",
    "退回意见": "comment",
}


def status_records(board: pl.DataFrame) -> list[dict]:
    return [{STATUS_KEYS[k]: (v if v != "" else None) for k, v in row.items() if k in STATUS_KEYS} for row in board.iter_rows(named=True)]


def _print_round(rnd: rounds.Round) -> None:
    print(f"上报任务 {rnd.round_id}：{rnd.title}（{rnd.period_label}，截止{rnd.deadline:%Y-%m-%d %H:%M}）")
    print(f"  数据集：{'、'.join(BY_KEY[k].title for k in rnd.datasets)}；镇办：{len(rnd.townships)}个")


def cmd_open(args: argparse.Namespace) -> int:
    if args.quarter and args.month:
        raise ValueError("--quarter 和 --month 只能选一个")
    kind, number = ("quarter", args.quarter) if args.quarter else (("month", args.month) if args.month else ("year", None))
    with Store.open(args.db) as opened:  # a database from before migration 8 gets the round tables
        con = opened.con
        rnd = rounds.open_round(
            con, access.local_admin(), year=args.year, datasets=args.dataset, townships=args.township,
            deadline=parse_deadline(args.deadline), period_kind=kind, period_no=number, title=args.title,
        )  # fmt: skip
    if args.json:
        print(json.dumps(round_record(rnd), ensure_ascii=False))
    else:
        print("已开启", end="")
        _print_round(rnd)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with Store.open(args.db) as opened:
        con = opened.con
        found = rounds.rounds(con)
    if args.json:
        print(json.dumps([round_record(r) for r in found], ensure_ascii=False))
    elif not found:
        print("还没有上报任务")
    for rnd in found if not args.json else ():
        _print_round(rnd)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with Store.open(args.db) as opened:
        con = opened.con
        rnd = rounds.get_round(con, args.round_id)
        board = rounds.board(con, rnd)
    if args.json:
        print(json.dumps(round_record(rnd) | {"cells": status_records(board)}, ensure_ascii=False))
        return 0
    _print_round(rnd)
    for row in board.iter_rows(named=True):
        when = (
            f"，{row['上报时间']} {row['上报人']}，{row['行数']}行（新增{row['新增']}、更新{row['更新']}、变化较大{row['变化较大']}）"
            if row["上报时间"]
            else ""
        )
        late = f"【{row['逾期']}】" if row["逾期"] else ""
        print(f"  {row['镇办']}\t{row['数据集']}\t{row['状态']}{late}{when}")
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    with Store.open(args.db) as opened:
        con = opened.con
        rounds.approve(con, access.local_admin(), args.round_id, args.township)
        rnd = rounds.get_round(con, args.round_id)
    if args.json:
        print(json.dumps({"round_id": rnd.round_id, "township": args.township, "state": rounds.APPROVED, "locked_year": rnd.year}))
    else:
        print(f"已审核通过上报任务 {rnd.round_id} 中镇办 {args.township} 的上报，并锁定其{rnd.year}年数据")
    return 0


def _row_comment(text: str) -> tuple[str, str]:
    key, sep, comment = text.partition("=")
    if not sep or not key.strip() or not comment.strip():
        raise ValueError(f"逐行意见“{text}”应写成 行键=意见，如 --row 'H6 / 2018=工资性收入多填一个0'")
    return key.strip(), comment.strip()


def cmd_return(args: argparse.Namespace) -> int:
    row_comments = [(args.dataset, *_row_comment(r)) for r in args.row or ()]
    with Store.open(args.db) as opened:
        con = opened.con
        rounds.return_submission(con, access.local_admin(), args.round_id, args.township, {args.dataset: args.comment or ""}, row_comments)
    if args.json:
        print(json.dumps({"round_id": args.round_id, "township": args.township, "dataset": args.dataset, "state": rounds.RETURNED}))
    else:
        print(f"已退回上报任务 {args.round_id} 中镇办 {args.township} 的“{BY_KEY[args.dataset].title}”（逐行意见{len(row_comments)}条）")
    return 0


def add_parsers(sub, add_db) -> None:
    """Register `fupin round …` on the main parser's subparsers (`add_db` adds --db)."""
    p = sub.add_parser("round", help="上报任务：开启、列出、查看进度、审核通过、退回")
    round_sub = p.add_subparsers(dest="round_command", required=True)
    keys = [ds.key for ds in rounds.round_datasets()]

    p = round_sub.add_parser("open", help="开启上报任务")
    p.add_argument("--year", type=int, required=True, help="报告期年度")
    p.add_argument("--quarter", type=int, choices=range(1, 5), help="季度上报任务：第几季度")
    p.add_argument("--month", type=int, choices=range(1, 13), help="月度上报任务：几月")
    p.add_argument(
        "--dataset", action="append", required=True, choices=keys, metavar="数据集", help=f"须上报的数据集，可重复：{'、'.join(keys)}"
    )
    p.add_argument("--township", action="append", metavar="CODE", help="须上报的镇办代码（9位），可重复；不填为全部镇办")
    p.add_argument("--deadline", required=True, help="截止时间：2018-01-31（当天结束）或 2018-01-31 18:00")
    p.add_argument("--title", help="任务名称（默认“2018年数据上报”）")
    p.add_argument("--json", action="store_true")
    add_db(p)
    p.set_defaults(func=cmd_open)

    p = round_sub.add_parser("list", help="列出上报任务")
    p.add_argument("--json", action="store_true")
    add_db(p)
    p.set_defaults(func=cmd_list)

    p = round_sub.add_parser("status", help="某个上报任务的进度：各镇办×数据集的状态")
    p.add_argument("round_id", type=int)
    p.add_argument("--json", action="store_true")
    add_db(p)
    p.set_defaults(func=cmd_status)

    p = round_sub.add_parser("approve", help="审核通过一个镇办的上报（并锁定该镇办该年度）")
    p.add_argument("round_id", type=int)
    p.add_argument("--township", required=True, metavar="CODE")
    p.add_argument("--json", action="store_true")
    add_db(p)
    p.set_defaults(func=cmd_approve)

    p = round_sub.add_parser("return", help="退回一个镇办某数据集的上报，附意见")
    p.add_argument("round_id", type=int)
    p.add_argument("--township", required=True, metavar="CODE")
    p.add_argument("--dataset", required=True, choices=keys, metavar="数据集")
    p.add_argument("--comment", help="对整个文件的意见")
    p.add_argument("--row", action="append", metavar="行键=意见", help="对某一行的意见，可重复（行键见 status 或“上报任务”页）")
    p.add_argument("--json", action="store_true")
    add_db(p)
    p.set_defaults(func=cmd_return)
