"""Places and file names of exports: 商州区产业扶贫项目汇总表_2017_20261128.xlsx."""

from __future__ import annotations

import datetime as dt
import re

import duckdb

from fupin_core.metrics.overview import townships
from fupin_core.scope import Scope
from fupin_core.storage import schema

SUMMARY = "产业扶贫项目汇总表"
REPORT = "产业扶贫工作进展情况报告"
KPIS = "产业扶贫主要指标"

# Characters Windows forbids in file names, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def district_name(con: duckdb.DuckDBPyConnection) -> str:
    return schema.get_setting(con, "district_name") or "全区"


def township_names(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[str]:
    """Names of the 镇办 the scope is limited to, in code order; empty for the whole district."""
    if scope.townships is None:
        return []
    frame = townships(con)
    names = dict(zip(frame["镇办代码"].to_list(), frame["镇办"].to_list(), strict=True))
    return [names.get(code, code) for code in sorted(scope.townships)]


def place(con: duckdb.DuckDBPyConnection, scope: Scope) -> str:
    """'商州区', or '商州区夜村镇' when one 镇办 is chosen (several: joined with 、)."""
    return district_name(con) + "、".join(township_names(con, scope))


def area_word(con: duckdb.DuckDBPyConnection, scope: Scope) -> str:
    """How the narrative names the area: 全区 for the district, else the 镇办's own name."""
    names = township_names(con, scope)
    return "、".join(names) if names else "全区"


def safe_file_name(text: str) -> str:
    """Place names come from uploaded data: keep them from breaking a Windows file name."""
    return _UNSAFE.sub("_", text)


def file_name(place_name: str, kind: str, year: int, ext: str, today: dt.date | None = None) -> str:
    day = (today or dt.date.today()).strftime("%Y%m%d")
    return safe_file_name(f"{place_name}{kind}_{year}_{day}.{ext}")
