"""The `fupin` command: init, serve, kpi, batches, import/rollback, export, datadict, indicators, users, backup/restore."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl

from fupin_core.cli import users as user_cli
from fupin_core.ingest import cli_commands as ingest_cli
from fupin_core.ingest import read
from fupin_core.maintenance import backup
from fupin_core.metrics import Scope, indicators
from fupin_core.security import access, session_tokens
from fupin_core.storage import db, schema

APP_PATH = Path(__file__).resolve().parent.parent / "app.py"


class CliError(Exception):
    """A usage or environment problem, reported as one Chinese line with exit status 2."""


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="数据库地址或文件路径（默认 FUPIN_DB 或 duckdb:///data/fupin.duckdb）")


def cmd_init(args: argparse.Namespace) -> int:
    storage = db.resolve_url(args.db)
    if args.if_missing and storage.target != ":memory:" and db.exists(args.db):
        print(f"数据库已存在：{storage.display}（未做改动）")
        return 0
    if args.force and storage.path is not None:
        for suffix in ("", ".wal", ".wal.checkpoint", ".wal.recovery", db.REPAIR_PENDING):
            Path(str(storage.path) + suffix).unlink(missing_ok=True)
    con = db.connect(args.db)
    try:
        applied = schema.migrate(con)
        _prepare_signing_key(con)
        if args.sample:
            has_rows = con.execute("SELECT count(*) FROM batches").fetchone()[0]
            if has_rows:
                raise CliError(f"数据库 {storage.display} 中已有数据，未载入示例数据（如需重建请加 --force）")
            counts = sample_load(con, args.scale)
            print(f"已载入示例数据（规模 {args.scale}）：" + "，".join(f"{k} {v}行" for k, v in counts.items()))
        print(f"数据库就绪：{storage.display}（本次执行迁移 {len(applied)} 项）")
    finally:
        con.close()
    return 0


def _prepare_signing_key(con) -> None:
    """The session signing key (a key file beside a DuckDB file, or FUPIN_SECRET_KEY), made once here;
    the secret older versions kept in the database is deleted (backups must not carry one)."""
    session_tokens.forget_legacy_secret(con)
    try:
        session_tokens.signing_key(con)
    except session_tokens.KeyUnavailable as exc:
        print(f"提示：{exc}", file=sys.stderr)


def sample_load(con, scale: int) -> dict[str, int]:
    from fupin_core.ingest import sample  # numpy-heavy; only needed here

    return sample.load_sample(con, scale=scale)


def cmd_serve(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.db:
        env[db.ENV_VAR] = args.db
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP_PATH),
        "--server.port", str(args.port), "--server.address", args.address,
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.maxUploadSize", str(read.max_upload_mb()),
    ]  # fmt: skip
    print(f"应用地址：http://{args.address}:{args.port}")
    return subprocess.call(command, env=env, cwd=APP_PATH.parent)


def _open_existing(url: str | None, *, read_only: bool = True):
    if not db.exists(url):
        raise CliError(f"数据库 {db.resolve_url(url).display} 不存在，请先运行 fupin init --sample 或 fupin init")
    con = db.connect(url, read_only=read_only)
    if not _is_fupin_store(con):
        con.close()
        raise CliError(f"{db.resolve_url(url).display} 不是 fupin 数据库（没有本程序的表），请检查 --db，或先运行 fupin init")
    if not read_only:
        schema.migrate(con)  # as the app does on start: a database from an older version gets its tables
    return con


def _is_fupin_store(con) -> bool:
    sql = (
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name IN ('schema_migrations', 'townships')"
    )
    return con.execute(sql).fetchone()[0] == 2


def _check_place(con, township: str | None, village: str | None = None) -> None:
    """An unknown 镇办 or 村 code is an error, not a report of zeros."""
    if township is not None and not con.execute("SELECT count(*) FROM townships WHERE township_code = ?", [township]).fetchone()[0]:
        raise CliError(f"镇办代码 {township} 不存在，请核对（应为9位数字，如 611002111）")
    if village is not None:
        row = con.execute("SELECT township_code FROM villages WHERE village_code = ?", [village]).fetchone()
        if row is None:
            raise CliError(f"村代码 {village} 不存在，请核对（应为12位数字，如 611002111201）")
        if township is not None and row[0] != township:
            raise CliError(f"村代码 {village} 不属于镇办 {township}")


def cmd_kpi(args: argparse.Namespace) -> int:
    con = _open_existing(args.db)
    try:
        _check_place(con, args.township, args.village)
        kpis = indicators.values(con, Scope.of(args.year, args.township, args.village))
    finally:
        con.close()
    if args.json:
        # The figures as reported (rates as fractions to 0.1 %), the same as the pages and exports show.
        print(
            json.dumps(
                {"year": kpis["year"]} | {i.key: indicators.rounded(i.key, kpis[i.key]) for i in indicators.INDICATORS}, ensure_ascii=False
            )
        )
    else:
        for ind in indicators.INDICATORS:
            print(f"{ind.name}：{indicators.display(ind.key, kpis[ind.key])}")
    return 0


def cmd_batches(args: argparse.Namespace) -> int:
    from fupin_core.ingest.history import batch_records, batch_table

    con = _open_existing(args.db)
    try:
        records = batch_records(con) if args.json else None
        frame = None if args.json else batch_table(con).drop("sha256")
    finally:
        con.close()
    if args.json:
        print(json.dumps(records, ensure_ascii=False))
    else:
        with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200):
            print(frame)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from fupin_core.reports import summary

    con = _open_existing(args.db, read_only=False)  # the export is written to the audit log
    try:
        _check_place(con, args.township)
        scope = Scope.of(args.year, args.township)
        path = summary.export_to_file(con, scope, args.format, args.out)
        access.record_export(con, access.local_admin(), path.name, scope)
    finally:
        con.close()
    print(f"已导出：{path}")
    return 0


def _write_or_print(text: str, out: str | None) -> int:
    """A generated document: to the file `out`, or to standard output."""
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


def cmd_datadict(args: argparse.Namespace) -> int:
    from fupin_core.reports import datadict

    return _write_or_print(datadict.render(), args.out)


def cmd_indicators(args: argparse.Namespace) -> int:
    return _write_or_print(indicators.render_markdown(), args.out)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fupin", description="产业扶贫追踪")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="创建（或升级）数据库，可载入示例数据")
    _add_db(p)
    p.add_argument("--sample", action="store_true", help="载入商州区示例数据")
    p.add_argument("--scale", type=int, default=1, help="示例数据规模倍数（100 约为一个省）")
    p.add_argument("--if-missing", action="store_true", help="数据库文件已存在时什么也不做")
    p.add_argument("--force", action="store_true", help="删除已有数据库文件后重建")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("serve", help="启动网页应用")
    _add_db(p)
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("kpi", help="输出某年度的关键指标")
    _add_db(p)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--township", help="镇办代码（9位）")
    p.add_argument("--village", help="村代码（12位）")
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    p.set_defaults(func=cmd_kpi)

    p = sub.add_parser("batches", help="列出上传批次")
    _add_db(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_batches)
    ingest_cli.add_parsers(sub)  # import, rollback

    p = sub.add_parser("export", help="导出项目汇总表、进度报告或主要指标")
    export_sub = p.add_subparsers(dest="export_what", required=True)
    p = export_sub.add_parser(
        "summary",
        help="某年度的产业扶贫汇总",
        description="xlsx：项目汇总表（总览及光伏、食用菌、菊芋、三变改革、经营主体与投资、利益联结、资金各一张表）；"
        "docx：进度报告（文字、表格和图表）；csv：主要指标表（指标、数值、单位，UTF-8 带 BOM）。",
    )
    _add_db(p)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--township", help="镇办代码（9位）；不填为全区")
    p.add_argument("--format", required=True, choices=("xlsx", "docx", "csv"), help="xlsx 汇总表 | docx 进度报告 | csv 主要指标表")
    p.add_argument("--out", help="输出文件；给目录或不填时用中文默认文件名（如 商州区产业扶贫项目汇总表_2017_20261128.xlsx）")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("datadict", help="输出数据字典（Markdown）")
    p.add_argument("--out", help="写入文件")
    p.set_defaults(func=cmd_datadict)

    p = sub.add_parser("indicators", help="输出指标口径（Markdown，docs/INDICATORS.md）")
    p.add_argument("--out", help="写入文件")
    p.set_defaults(func=cmd_indicators)

    user_cli.add_parser(sub, _add_db)
    backup.add_parsers(sub, _add_db)  # backup, restore
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if hasattr(args, "db"):
            db.check_store_url(args.db)  # a CSV or :memory: given as --db: refused before anything is written
        return args.func(args)
    except (db.DatabaseBusy, session_tokens.KeyUnavailable, backup.BackupError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except (CliError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except duckdb.Error as exc:
        # A damaged database file, or one from another program: one Chinese line, no traceback.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"错误：数据库无法读取（文件可能已损坏，或不是本程序的数据库）：{first}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"错误：无法读写文件 {exc.filename or ''}：{exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
