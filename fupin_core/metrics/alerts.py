"""需要关注 on 总览: the lists a bureau must act on, each counted and pointing to its page.

Each count is an indicator of the registry (metrics/indicators.py), computed from the same list its
page shows, so 总览, that page, the xlsx and the Word report can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from fupin_core.metrics.indicators import BY_KEY


@dataclass(frozen=True)
class AlertKind:
    key: str  # the indicator that counts it
    title: str  # short: it is a link label in a quarter-width column
    page: str  # the url_path of the page that lists them


ALERT_KINDS: tuple[AlertKind, ...] = (
    AlertKind("exited_below_poverty_line", "脱贫户收入未达标", "linkage"),
    AlertKind("weak_stations", "电站发电偏低", "pv"),
    AlertKind("overdue_dividends", "分红逾期", "entities"),
    AlertKind("low_spending_projects", "支出偏低", "funds"),
    AlertKind("overdue_townships", "上报逾期镇办", "rounds"),
    AlertKind("stuck_projects", "项目停滞", "projects_lib"),
    AlertKind("unsettled_assets", "资产未确权移交", "assets"),
    AlertKind("troubled_assets", "资产闲置损毁", "assets"),
    AlertKind("distribution_gap_projects", "收益分配差额", "assets"),
)


def alerts(kpis: dict) -> pl.DataFrame:
    """One row per alert kind from the registry's values: key, 提醒, 数量 (None = 未上报), 单位, 说明, page."""
    records = [
        {"key": k.key, "提醒": k.title, "数量": kpis[k.key], "单位": BY_KEY[k.key].unit, "说明": BY_KEY[k.key].definition, "page": k.page}
        for k in ALERT_KINDS
    ]
    schema = {"key": pl.String, "提醒": pl.String, "数量": pl.Int64, "单位": pl.String, "说明": pl.String, "page": pl.String}
    return pl.DataFrame(records, schema=schema)
