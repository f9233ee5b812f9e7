"""需要关注 on 总览: the lists a bureau must act on, each counted and pointing to its page.

Each alert reuses its page's own metric, so 总览 and that page can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl

from fupin_core.metrics import entities, funds, linkage, pv
from fupin_core.metrics.scope import Scope


@dataclass(frozen=True)
class AlertKind:
    key: str
    title: str  # short: it is a link label in a quarter-width column
    unit: str
    explanation: str
    page: str  # the url_path of the page that lists them
    rows: Callable[[duckdb.DuckDBPyConnection, Scope], pl.DataFrame]


ALERT_KINDS: tuple[AlertKind, ...] = (
    AlertKind("below_line", "低于贫困线", "户", "已有产业联结、但人均联结收益仍低于当年贫困线的户", "linkage", linkage.below_poverty_line),
    AlertKind("weak_stations", "电站发电偏低", "座", "单位装机发电量低于同类电站中位数70%的光伏电站", "pv", pv.underperforming_stations),
    AlertKind("overdue_dividends", "分红逾期", "笔", "到期未足额兑现（或逾期才兑现）的分红", "entities", entities.overdue_dividends),
    AlertKind("low_spending", "支出偏低", "个", "资金支出率低于90%的项目", "funds", funds.low_spending_projects),
)


def alerts(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """One row per alert kind: key, 提醒, 数量, 单位, 说明, page (empty lists included, with 数量 0)."""
    records = [
        {"key": k.key, "提醒": k.title, "数量": k.rows(con, scope).height, "单位": k.unit, "说明": k.explanation, "page": k.page}
        for k in ALERT_KINDS
    ]
    schema = {"key": pl.String, "提醒": pl.String, "数量": pl.Int64, "单位": pl.String, "说明": pl.String, "page": pl.String}
    return pl.DataFrame(records, schema=schema)
