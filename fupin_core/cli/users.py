"""`fupin user add|list|disable|enable|set-role|reset-password`: account management from the server's shell.

The password is never an argument (it would land in the shell history and the process list): it is
read twice from the terminal, or as two lines from stdin when stdin is not a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from fupin_core.security import access, auth
from fupin_core.storage import db, schema


def read_password(stdin=None) -> str:
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = getpass.getpass("密码：")
        second = getpass.getpass("再次输入密码：")
    else:
        lines = stdin.read().splitlines()
        if len(lines) < 2:
            raise ValueError("请从标准输入提供两行相同的密码（非终端时），例如：printf '%s\\n%s\\n' 密码 密码 | fupin user add …")
        first, second = lines[0], lines[1]
    if first != second:
        raise ValueError("两次输入的密码不一致")
    return first


def _open(url: str | None):
    if not db.exists(url):
        raise ValueError(f"数据库 {db.resolve_url(url).display} 不存在，请先运行 fupin init --sample 或 fupin init")
    con = db.connect(url)
    schema.migrate(con)  # a database from before the accounts migration gets its tables
    return con


def cmd_add(args: argparse.Namespace) -> int:
    con = _open(args.db)
    try:
        user = auth.create_user(con, args.name, read_password(), args.role, args.township, args.display_name, by=access.local_admin())
        names = dict(con.execute("SELECT township_code, township_name FROM townships").fetchall())
    finally:
        con.close()
    scope = "全区" if user.townships is None else "、".join(names.get(c, c) for c in user.townships)
    print(f"已新增用户 {user.username}（{user.role_label}，范围：{scope}）")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    con = _open(args.db)
    try:
        names = dict(con.execute("SELECT township_code, township_name FROM townships").fetchall())
        table = auth.users_table(con, names)
    finally:
        con.close()
    if args.json:
        print(json.dumps(table.to_dicts(), ensure_ascii=False))
    else:
        for row in table.iter_rows():
            print("\t".join(row))
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    con = _open(args.db)
    try:
        auth.disable(con, args.name, by=access.local_admin())
    finally:
        con.close()
    print(f"已停用用户 {args.name}")
    return 0


def cmd_enable(args: argparse.Namespace) -> int:
    con = _open(args.db)
    try:
        auth.enable(con, args.name, by=access.local_admin())
    finally:
        con.close()
    print(f"已启用用户 {args.name}（并清除输错密码的锁定）")
    return 0


def cmd_reset_password(args: argparse.Namespace) -> int:
    con = _open(args.db)
    try:
        auth.reset_password(con, args.name, read_password(), by=access.local_admin())
    finally:
        con.close()
    print(f"已重置用户 {args.name} 的密码")
    return 0


def cmd_set_role(args: argparse.Namespace) -> int:
    con = _open(args.db)
    try:
        user = auth.change_role(con, args.name, args.role, args.township, by=access.local_admin())
        names = dict(con.execute("SELECT township_code, township_name FROM townships").fetchall())
    finally:
        con.close()
    scope = "全区" if user.townships is None else "、".join(names.get(c, c) for c in user.townships)
    print(f"已将用户 {user.username} 改为{user.role_label}（范围：{scope}），其原有登录已失效")
    return 0


def add_parser(sub, add_db) -> None:
    """Register `fupin user …` on the main parser's subparsers (`add_db` adds --db)."""
    p = sub.add_parser("user", help="管理用户（新增、列出、停用、启用、重置密码）")
    user_sub = p.add_subparsers(dest="user_command", required=True)

    p = user_sub.add_parser("add", help="新增用户；密码从终端输入两次（或从标准输入读两行）")
    p.add_argument("name", help="用户名")
    p.add_argument("--role", required=True, choices=auth.ROLES, help="admin 管理员 | editor 录入员 | viewer 浏览者")
    p.add_argument("--township", action="append", metavar="CODE", help="镇办代码（9位），可重复；不填为全区")
    p.add_argument("--display-name", help="姓名")
    add_db(p)
    p.set_defaults(func=cmd_add)

    p = user_sub.add_parser("list", help="列出用户")
    p.add_argument("--json", action="store_true")
    add_db(p)
    p.set_defaults(func=cmd_list)

    for name, func, text in (("disable", cmd_disable, "停用用户"), ("enable", cmd_enable, "启用用户并清除锁定")):
        p = user_sub.add_parser(name, help=text)
        p.add_argument("name", help="用户名")
        add_db(p)
        p.set_defaults(func=func)

    p = user_sub.add_parser("set-role", help="变更角色和镇办范围（其原有登录随即失效）")
    p.add_argument("name", help="用户名")
    p.add_argument("--role", required=True, choices=auth.ROLES, help="admin 管理员 | editor 录入员 | viewer 浏览者")
    p.add_argument("--township", action="append", metavar="CODE", help="镇办代码（9位），可重复；不填为全区")
    add_db(p)
    p.set_defaults(func=cmd_set_role)

    p = user_sub.add_parser("reset-password", help="重置密码；新密码从终端输入两次（或从标准输入读两行）")
    p.add_argument("name", help="用户名")
    add_db(p)
    p.set_defaults(func=cmd_reset_password)
