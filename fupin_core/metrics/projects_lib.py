"""项目库: each project's stages (申报 → 入库 → 立项 → 实施 → 验收 → 报账 → 资产移交) as of the end of
the scope's year, its timeline with 公告公示, and the projects stuck in a stage beyond a set number of
days (需要关注).

A project is in the 项目库 of year Y once it has a stage dated on or before 31 December of Y; its
current stage is the latest of those. Projects are placed by their own 镇办/村 (as the funds are).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from fupin_core.catalog import PROJECT_STAGES
from fupin_core.metrics import scope_keys
from fupin_core.scope import Scope

FINAL_STAGE = PROJECT_STAGES[-1]
# Days a project may stay in a stage before it is listed as stuck (停滞): a 实施 takes up to a year,
# 验收 to 报账 and 报账 to 资产移交 are paperwork of weeks. The page lets a user set them.
STAGE_LIMIT_DAYS: dict[str, int] = {"申报": 90, "入库": 180, "立项": 90, "实施": 365, "验收": 90, "报账": 90}


def as_of(year: int, today: dt.date | None = None) -> dt.date:
    """The date a year's figures are taken at: 31 December, or today within the current year."""
    end = dt.date(int(year), 12, 31)
    today = today or dt.date.today()
    return min(end, today) if today.year == int(year) else end


def _stage_order_sql(column: str) -> tuple[str, list]:
    whens = " ".join(f"WHEN ? THEN {i}" for i in range(len(PROJECT_STAGES)))
    return f"CASE {column} {whens} END", list(PROJECT_STAGES)


def current_stages(con: duckdb.DuckDBPyConnection, scope: Scope, on: dt.date | None = None) -> pl.DataFrame:
    """One row per project of the 项目库 in scope: its latest stage on the scope's date and the days since."""
    on = on or as_of(scope.year)
    cond, params = scope.where("p.township_code", "p.village_code")
    keys, key_params = scope_keys.projects_in(con, scope, "s.project_id")
    # The same lists on the joined tables' own keys: on PostgreSQL only their rows cross (the filters above decide).
    projects, project_params = scope_keys.projects_in(con, scope, "p.project_id")
    villages, village_params = scope_keys.project_villages_in(con, scope, "v.village_code")
    order_sql, order = _stage_order_sql("s.stage")
    return con.execute(
        f"""
        WITH ranked AS (
            SELECT s.project_id, s.stage, s.stage_date, s.doc_number,
                   row_number() OVER (PARTITION BY s.project_id ORDER BY {order_sql} DESC) AS rn
            FROM project_stages AS s
            WHERE s.stage_date <= ? {keys}
        )
        SELECT p.project_id AS 项目编号, p.project_name AS 项目名称, p.industry AS 产业类别, t.township_name AS 镇办,
               v.village_name AS 村, r.stage AS 当前阶段, r.stage_date AS 阶段日期, r.doc_number AS 文号,
               CAST(date_diff('day', r.stage_date, CAST(? AS DATE)) AS BIGINT) AS 停留天数
        FROM ranked AS r
        JOIN projects AS p ON p.project_id = r.project_id {projects}
        LEFT JOIN townships AS t ON t.township_code = p.township_code
        LEFT JOIN villages AS v ON v.village_code = p.village_code {villages}
        WHERE r.rn = 1 {cond}
        ORDER BY p.township_code, p.project_id
        """,
        [*order, on, *key_params, on, *project_params, *village_params, *params],
    ).pl()


def stage_counts(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Projects per current stage, in the order of the 项目库 (stages without projects show 0)."""
    current = current_stages(con, scope)
    counts = dict(current.group_by("当前阶段").len().iter_rows())
    return pl.DataFrame({"阶段": list(PROJECT_STAGES), "项目数(个)": [counts.get(s, 0) for s in PROJECT_STAGES]})


def stuck_projects(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    limits: dict[str, int] | tuple[tuple[str, int], ...] | None = None,
    on: dt.date | None = None,
) -> pl.DataFrame:
    """Projects whose current stage has lasted longer than its limit (days), longest first. `limits`
    overrides some stages' limits (a dict, or (stage, days) pairs: hashable for the page's cache)."""
    return stuck_of(current_stages(con, scope, on), limits)


def stuck_of(current: pl.DataFrame, limits: dict[str, int] | tuple[tuple[str, int], ...] | None = None) -> pl.DataFrame:
    """The stuck projects among `current` (a current_stages frame)."""
    limits = {**STAGE_LIMIT_DAYS, **dict(limits or {})}
    limit = pl.col("当前阶段").replace_strict(limits, default=None, return_dtype=pl.Int64)
    return (
        current.with_columns(limit.alias("时限(天)"))
        .filter(pl.col("时限(天)").is_not_null() & (pl.col("停留天数") > pl.col("时限(天)")))
        .with_columns((pl.col("停留天数") - pl.col("时限(天)")).alias("超期天数"))
        .select("超期天数", "当前阶段", "停留天数", "时限(天)", "阶段日期", "项目名称", "镇办", "村", "产业类别", "项目编号")
        .sort("超期天数", "项目编号", descending=[True, False])
    )


def timeline(con: duckdb.DuckDBPyConnection, project_id: str) -> pl.DataFrame:
    """A project's stages in order, with their dates, 文号 and the 公告公示 at that stage."""
    order_sql, order = _stage_order_sql("s.stage")
    return con.execute(
        f"""
        SELECT s.stage AS 阶段, s.stage_date AS 日期, s.doc_number AS 文号,
               a.content AS 公示内容, a.place AS 公示地点, a.start_date AS 公示开始, a.end_date AS 公示结束,
               CAST(date_diff('day', a.start_date, a.end_date) + 1 AS BIGINT) AS "公示天数(天)"
        FROM project_stages AS s
        LEFT JOIN announcements AS a ON a.project_id = s.project_id AND a.stage = s.stage
        WHERE s.project_id = ?
        ORDER BY {order_sql}
        """,
        [project_id, *order],
    ).pl()


def projects_in_library(con: duckdb.DuckDBPyConnection, scope: Scope) -> int:
    return current_stages(con, scope).height
