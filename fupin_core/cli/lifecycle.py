"""`fupin export cards` (收益明白卡 of a village, docx, a page per household) and `fupin export assets`
(扶贫资产台账, xlsx or csv). Both are written to the audit log like every export."""

from __future__ import annotations

import argparse
from pathlib import Path

from fupin_core.cli.common import CliError, check_place
from fupin_core.metrics import Scope
from fupin_core.security import access
from fupin_core.storage.handle import Store

CARDS = "收益明白卡"
ASSET_REGISTER = "扶贫资产台账"


def _target(out: str | None, default_name: str) -> Path:
    if out is None:
        return Path(default_name)
    path = Path(out)
    return path / default_name if path.is_dir() else path


def cmd_cards(args: argparse.Namespace) -> int:
    from fupin_core.reports import cards, names  # Word and charts load only for an export

    opened = Store.open(args.db)  # writable: the export is written to the audit log
    con = opened.con
    try:
        check_place(con, None, args.village)
        township = con.execute("SELECT township_code FROM villages WHERE village_code = ?", [args.village]).fetchone()[0]
        found = cards.household_cards(con, args.year, village=args.village)
        if not found:
            raise CliError(f"村 {args.village} 在{args.year}年没有有收益的利益联结，没有收益明白卡可导出")
        place = names.district_name(con) + (cards.village_name(con, args.village) or args.village)
        path = _target(args.out, names.file_name(place, CARDS, args.year, "docx"))
        path.write_bytes(cards.cards_docx(found))
        access.record_export(con, access.local_admin(), path.name, Scope.of(args.year, township, args.village))
    finally:
        opened.close()
    print(f"已导出：{path}（{len(found)}户，每户一页）")
    return 0


def cmd_assets(args: argparse.Namespace) -> int:
    from fupin_core.metrics import assets
    from fupin_core.reports import names
    from fupin_core.reports.csv import csv_bytes
    from fupin_core.reports.list_xlsx import list_xlsx_bytes

    opened = Store.open(args.db)
    con = opened.con
    try:
        check_place(con, args.township)
        scope = Scope.of(args.year, args.township)
        frame = assets.register(con, scope)
        data = list_xlsx_bytes(frame, "资产台账") if args.format == "xlsx" else csv_bytes(frame)
        path = _target(args.out, names.file_name(names.place(con, scope), ASSET_REGISTER, args.year, args.format))
        path.write_bytes(data)
        access.record_export(con, access.local_admin(), path.name, scope)
    finally:
        opened.close()
    print(f"已导出：{path}（{frame.height}项资产）")
    return 0


def add_export_parsers(export_sub, add_db) -> None:
    p = export_sub.add_parser("cards", help="某村某年度的收益明白卡（docx，A4，每户一页）")
    add_db(p)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--village", required=True, help="村代码（12位）")
    p.add_argument("--out", help="输出文件或目录；不填时用中文默认文件名（如 商州区夜村镇某某村收益明白卡_2017_20261128.docx）")
    p.set_defaults(func=cmd_cards)
    p = export_sub.add_parser("assets", help="某年度的扶贫资产台账")
    add_db(p)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--township", help="镇办代码（9位）；不填为全区")
    p.add_argument("--format", required=True, choices=("xlsx", "csv"))
    p.add_argument("--out", help="输出文件或目录；不填时用中文默认文件名")
    p.set_defaults(func=cmd_assets)
