"""Pieces shared by the three 百千万 programme pages (光伏, 食用菌, 菊芋): the target in force, report
periods in Chinese, and the households a programme's projects reach, by linkage mechanism.

Linkages are placed by their project's 镇办/村 here (a programme page shows what its projects do).
"""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.catalog import LINK_MECHANISMS
from fupin_core.metrics.overview import target
from fupin_core.scope import Scope

# Shown as the 村 of a project run for a whole 镇办 (菌袋发放到户, 订单种植, a 集中式电站), and as the
# operator of a project that names none.
WHOLE_TOWNSHIP = "全镇"
NO_OPERATOR = "—"


def target_progress(con: duckdb.DuckDBPyConnection, industry: str, scope: Scope, achieved: float | None) -> dict:
    """The programme's target for the scope (district target, or a 镇办's 任务分解; None: no target) and
    how much of it `achieved` is — the same figures as the registry's *_progress indicators."""
    t = target(con, industry, scope)
    goal = t["value"] if t else None
    return {
        "target": goal,
        "target_year": t["year"] if t else None,
        "progress": round(achieved / goal, 6) if goal and achieved is not None else None,
    }


def period_label(period: str) -> str:
    """'2017' -> '2017年', '2017Q3' -> '2017年3季度', '2017-09' -> '2017年9月'."""
    year, rest = period[:4], period[4:]
    if rest.startswith("Q"):
        return f"{year}年{int(rest[1:])}季度"
    if rest.startswith("-"):
        return f"{year}年{int(rest[1:])}月"
    return f"{year}年"


def with_period_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """Add 报告期 (Chinese) beside 报告期代码, keeping the frame's order."""
    labels = [period_label(p) for p in frame["报告期代码"].to_list()]
    return frame.insert_column(frame.columns.index("报告期代码") + 1, pl.Series("报告期", labels, dtype=pl.String))


def _mechanism_rank(mechanism: str) -> int:
    return LINK_MECHANISMS.index(mechanism) if mechanism in LINK_MECHANISMS else len(LINK_MECHANISMS)


def linked_breakdown(con: duckdb.DuckDBPyConnection, scope: Scope, industry: str, by: tuple[str, ...] = ("mechanism",)) -> dict:
    """Households earning (收益金额 > 0) in year Y from `industry`'s projects and their income in 元:
    per value of the linkage columns `by` (联结方式; or 联结方式 and 细分类型, keyed by a tuple), a
    household linked two ways counting under each; and under None the whole (each household once).
    One scan of the linkages for both: counting distinct households is the costly part, and a
    programme page shows the whole and the breakdown side by side."""
    cond, params = scope.where("p.township_code", "p.village_code")
    columns = ", ".join(f"l.{column}" for column in by)  # column names of this module's callers, never user input
    rows = con.execute(
        f"""
        SELECT {columns}, GROUPING({columns}), count(DISTINCT l.household_id), coalesce(CAST(sum(l.income_yuan) AS DOUBLE), 0)
        FROM linkages AS l JOIN projects AS p ON p.project_id = l.project_id
        WHERE p.industry = ? AND l.year = ? AND l.income_yuan > 0 {cond}
        GROUP BY GROUPING SETS (({columns}), ())
        """,
        [industry, scope.year, *params],
    ).fetchall()
    found: dict = {None: (0, 0.0)}
    for *values, whole, n, amount in rows:
        found[None if whole else values[0] if len(by) == 1 else tuple(values)] = (int(n), float(amount))
    return found


def by_mechanism_frame(found: dict[str | None, tuple[int, float]], always: tuple[str, ...] = ()) -> pl.DataFrame:
    """The per-联结方式 table of `linked_breakdown`: 联结方式, 户数, 收益金额(万元), 户均收益(元). `always`
    lists mechanisms shown even when nobody earns through them (as 0 rows), first and in that order;
    then any other, in catalog order."""
    named = {m: v for m, v in found.items() if m is not None}
    mechanisms = sorted(set(named) | set(always), key=lambda m: (always.index(m) if m in always else len(always), _mechanism_rank(m), m))
    records = []
    for m in mechanisms:
        households, amount = named.get(m, (0, 0.0))
        records.append((m, households, round(amount / 10_000, 4), round(amount / households, 2) if households else None))
    return pl.DataFrame(
        records,
        schema={"联结方式": pl.String, "户数": pl.Int64, "收益金额(万元)": pl.Float64, "户均收益(元)": pl.Float64},
        orient="row",
    )


def totals_of(found: dict[str | None, tuple[int, float]], mechanism: str | None = None) -> dict:
    """Distinct households and their income (元) of a `linked_breakdown`: the whole, or one 联结方式."""
    households, income = found.get(mechanism, (0, 0.0))
    return {"households": households, "income_yuan": round(income, 2)}


def linked_by_mechanism(con: duckdb.DuckDBPyConnection, scope: Scope, industry: str, always: tuple[str, ...] = ()) -> pl.DataFrame:
    """Households earning (收益金额 > 0) in year Y from `industry`'s projects, per 联结方式 (see
    by_mechanism_frame). A household linked two ways counts under each; the page's total is the whole
    of the same `linked_breakdown` (`totals_of`)."""
    return by_mechanism_frame(linked_breakdown(con, scope, industry), always)


def projects_with_output_sql(output_sql: str, columns: str, cond: str) -> str:
    """A programme's project list of year Y: each project built by Y (建设年度 ≤ Y) or with output
    reported in Y, with its 镇办 `t`, village `v`, operator `e` and year-Y output `o` (`output_sql`,
    one row per project_id) for `columns` to choose from. Parameters in order: those of `output_sql`
    and `columns`, then the industry and the year, then the scope's (`cond`)."""
    return f"""
        WITH output AS ({output_sql})
        SELECT {columns}
        FROM projects AS p
        JOIN townships AS t ON t.township_code = p.township_code
        LEFT JOIN villages AS v ON v.village_code = p.village_code
        LEFT JOIN entities AS e ON e.credit_code = p.operator_credit_code
        LEFT JOIN output AS o ON o.project_id = p.project_id
        WHERE ((p.industry = ? AND p.build_year <= ?) OR o.project_id IS NOT NULL) {cond}
        ORDER BY p.township_code, p.village_code NULLS FIRST, p.project_id
        """


def output_totals(con: duckdb.DuckDBPyConnection, scope: Scope, year_output_sql: str, measures: tuple[str, ...]) -> tuple:
    """The sums of `measures` (columns of `year_output_sql`: one row per project, the year bound as its
    one parameter) over the projects in scope, then how many projects reported output."""
    cond, params = scope.where("p.township_code", "p.village_code")
    sums = ", ".join(f"coalesce(sum(o.{m}), 0)" for m in measures)
    return con.execute(
        f"SELECT {sums}, count(*) FROM ({year_output_sql}) AS o JOIN projects AS p ON p.project_id = o.project_id WHERE TRUE {cond}",
        [scope.year, *params],
    ).fetchone()
