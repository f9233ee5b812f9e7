"""What one summary export contains (title, place, the registry's figures, every table), gathered once
and then written by whichever format is asked for (xlsx, docx, csv)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from fupin_core.metrics import indicators
from fupin_core.metrics.indicators import overview_kpis
from fupin_core.metrics.overview import townships
from fupin_core.metrics.trends import previous_scope
from fupin_core.reports import names, tables
from fupin_core.reports.tables import Filled
from fupin_core.scope import Scope
from fupin_core.storage import store


@dataclass(frozen=True)
class Summary:
    scope: Scope
    place: str  # 商州区 / 商州区夜村镇: titles and file names
    area: str  # 全区 / 夜村镇: how the narrative names it
    kpis: dict
    sheets: list[tuple[str, list[Filled]]]
    sample: bool
    today: dt.date
    previous: dict | None = None  # last year's indicators (与上年相比)

    @property
    def note(self) -> str:
        text = f"统计年度：{self.scope.year}年　范围：{self.place}　导出日期：{self.today:%Y年%m月%d日}"
        return text + ("　（示例数据，非正式统计）" if self.sample else "")

    def tables_of(self, sheet: str) -> list[Filled]:
        return dict(self.sheets)[sheet]


def check_scope(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """A clear message for a 镇办 code that does not exist (rather than an empty export)."""
    known = set(townships(con)["镇办代码"].to_list())
    unknown = [code for code in scope.townships or () if code not in known]
    if unknown:
        raise ValueError(f"镇办代码 {'、'.join(unknown)} 不存在，请检查（应为9位统计用区划代码，如 611002101）")


def collect(
    con: duckdb.DuckDBPyConnection, scope: Scope, sheet_names: Sequence[str] | None = None, today: dt.date | None = None
) -> Summary:
    check_scope(con, scope)
    place = names.place(con, scope)
    chosen = tables.sheets(sheet_names)
    with indicators.shared_queries():
        return Summary(
            scope=scope,
            place=place,
            area=names.area_word(con, scope),
            kpis=overview_kpis(con, scope),
            previous=overview_kpis(con, previous_scope(scope)),
            sheets=[(s.name, tables.fill_sheet(s, con, scope, place)) for s in chosen],
            sample=store.has_sample_data(con),
            today=today or dt.date.today(),
        )
