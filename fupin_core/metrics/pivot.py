"""Pivot of the linkage data (利益联结): rows × columns × measure chosen from a declared whitelist.

The base rows are the linkages that brought income (收益金额 > 0, the 带动增收 definition of
docs/INDICATORS.md) of households in scope. Every cell is aggregated in SQL; only the SQL expressions
declared in DIMENSIONS (catalog columns) are formatted into the statement, everything else is bound.
户数 and 人数 count each household once per cell, so a total is not the sum of its cells when a
household links through several categories — totals are therefore queried, not added up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import polars as pl

from fupin_core.catalog import HOUSEHOLD_KINDS, INDUSTRIES, LINK_MECHANISMS, PROJECT_TYPES, WELFARE_POST_TYPES
from fupin_core.metrics import scope_keys, summaries
from fupin_core.scope import Scope

TOTAL = "合计"
NO_VALUE = "（无）"
MAX_COLUMN_CATEGORIES = 60


@dataclass(frozen=True)
class Dimension:
    name: str
    label_sql: str
    # Categories sort by order_sql (codes, years) or by their position in `enum` (catalog order).
    order_sql: str | None = None
    enum: tuple[str, ...] = ()

    def order(self) -> tuple[str, list]:
        if self.order_sql is not None:
            return self.order_sql, []
        whens = " ".join(f"WHEN ? THEN {i}" for i in range(len(self.enum)))
        return f"CASE {self.label_sql} {whens} ELSE {len(self.enum)} END", list(self.enum)


_PROJECT_TYPES = tuple(t for types in PROJECT_TYPES.values() for t in types) + ("其他",)

DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension("镇办", "t.township_name", "t.township_code"),
        # Village names repeat across 镇办, so a village is labelled with its 镇办.
        Dimension("村", "t.township_name || '·' || v.village_name", "v.village_code"),
        Dimension("联结方式", "l.mechanism", enum=LINK_MECHANISMS),
        Dimension("细分类型", "l.sub_type", enum=WELFARE_POST_TYPES),
        Dimension("产业", "p.industry", enum=INDUSTRIES),
        Dimension("项目类型", "p.project_type", enum=_PROJECT_TYPES),
        Dimension("贫困户属性", "h.household_kind", enum=HOUSEHOLD_KINDS),
        Dimension("年度", "l.year", "l.year"),
    )
}

# Measure -> how a cell's value is computed from its aggregates (户数, 人数, 收益金额, 联结笔数).
MEASURES: dict[str, pl.Expr] = {
    "收益金额(元)": pl.col("收益金额"),
    "户数": pl.col("户数"),
    "人数": pl.col("人数"),
    "联结笔数": pl.col("联结笔数"),
    "户均收益(元)": pl.when(pl.col("户数") > 0).then((pl.col("收益金额") / pl.col("户数")).round(2)),
    "人均收益(元)": pl.when(pl.col("人数") > 0).then((pl.col("收益金额") / pl.col("人数")).round(2)),
}
COUNTS = ("户数", "人数", "联结笔数")
ADDITIVE = ("收益金额(元)",)


def _dimension(name: str) -> Dimension:
    if name not in DIMENSIONS:
        raise ValueError(f"不支持按“{name}”分组，可选：{'、'.join(DIMENSIONS)}")
    return DIMENSIONS[name]


def aggregate(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    dims: tuple[str, ...] | list[str],
    equals: dict[str, str] | None = None,
    all_years: bool | None = None,
) -> pl.DataFrame:
    """户数, 人数, 收益金额, 联结笔数 of income-bringing linkages per combination of `dims`.

    The year is scope.year, or every year up to it when `all_years` (default: 年度 is one of the dims). `equals` narrows
    the rows to one category of a dimension (e.g. {"联结方式": "公益岗位"}). Rows come sorted by the
    dimensions' order; each dimension also gets a `<name>_序` column with its sort key.
    """
    chosen = [_dimension(d) for d in dims]
    filters = [(_dimension(name), value) for name, value in (equals or {}).items()]
    year_only = not (("年度" in dims) if all_years is None else all_years)
    if year_only:
        summarised = _from_summaries(con, scope, chosen, equals)
        if summarised is not None:
            return _labelled(summarised, chosen)
    select, params = [], []
    for i, dim in enumerate(chosen):
        order_sql, order_params = dim.order()
        select += [f"{dim.label_sql} AS d{i}", f"{order_sql} AS o{i}"]
        params += order_params
    cond, scope_params = scope.where("v.township_code", "h.village_code")
    year_cond = "l.year = ?" if year_only else "l.year <= ?"
    params += [scope.year, *scope_params]
    for dim, value in filters:
        cond += f" AND {dim.label_sql} = ?"
        params.append(value)
    keys = [f"{p}{i}" for i in range(len(chosen)) for p in ("d", "o")]
    group_keys = ", ".join(keys)
    sql = f"""
        WITH base AS (
            SELECT {", ".join([*select, "l.household_id", "h.family_size", "l.income_yuan"])}
            FROM linkages AS l
            JOIN households AS h ON h.household_id = l.household_id
            JOIN villages AS v ON v.village_code = h.village_code
            JOIN townships AS t ON t.township_code = v.township_code
            LEFT JOIN projects AS p ON p.project_id = l.project_id
            WHERE l.income_yuan > 0 AND {year_cond} {cond}
        ),
        per_household AS (
            SELECT {group_keys + ", " if keys else ""}household_id, max(family_size) AS family_size,
                   sum(income_yuan) AS income, count(*) AS n
            FROM base GROUP BY {group_keys + ", " if keys else ""}household_id
        )
        SELECT {group_keys + ", " if keys else ""}count(*) AS households, coalesce(sum(family_size), 0) AS people,
               coalesce(sum(income), 0) AS income, coalesce(sum(n), 0) AS n
        FROM per_household
        {"GROUP BY " + group_keys if keys else ""}
        {"ORDER BY " + ", ".join(f"o{i}, d{i}" for i in range(len(chosen))) if keys else ""}
    """
    return _labelled(con.execute(sql, params).pl(), chosen)


PLACES = ("镇办", "村")


def _from_summaries(
    con: duckdb.DuckDBPyConnection, scope: Scope, chosen: list[Dimension], equals: dict[str, str] | None
) -> pl.DataFrame | None:
    """The year's aggregates from the per-version summaries, where they answer them exactly; None when
    the rows must be read. A household lives in one village, so its distinct count per village adds up
    over villages and 镇办: the whole, a place (镇办 or 村), a summarised category
    (summaries.CATEGORY_DIMENSIONS), or a place × a summarised category."""
    places = [d for d in chosen if d.name in PLACES]
    categories = [d for d in chosen if d.name not in PLACES]
    if len(places) > 1 or len(categories) > 1:
        return None
    if categories and not summaries.category_dimension(categories[0].name, equals):
        return None
    if not categories and equals:
        return None
    with scope_keys.shared():  # both summaries of one data version, even if a commit comes in between
        return _read_summaries(con, scope, chosen, places, categories)


def _read_summaries(
    con: duckdb.DuckDBPyConnection, scope: Scope, chosen: list[Dimension], places: list[Dimension], categories: list[Dimension]
) -> pl.DataFrame | None:
    source = summaries.category_relation(con, scope.year)
    household = summaries.relation_of_year(con, scope.year)
    if source is None or household is None:
        return None
    category_rows, category_params = source
    cond, scope_params = scope.where("s.township_code", "s.village_code")
    select, group, order, params = [], [], [], []
    for i, dim in enumerate(chosen):
        # The summary's category under the dimension's own order; a place's labels as the rows give them.
        shown = replace(dim, label_sql="s.category") if dim in categories else dim
        order_sql, order_params = shown.order()
        select += [f"{shown.label_sql} AS d{i}", f"{order_sql} AS o{i}"]
        group += [f"d{i}", f"o{i}"]
        order += [f"o{i}", f"d{i}"]
        params += order_params
    head = ", ".join(select) + ", " if select else ""
    grouped = f"GROUP BY {', '.join(group)} ORDER BY {', '.join(order)}" if group else ""
    # Names of the places, when a place is a dimension (each table read costs PostgreSQL a scan).
    townships_sql = "JOIN townships AS t ON t.township_code = s.township_code"
    places_sql = f"JOIN villages AS v ON v.village_code = s.village_code {townships_sql}" if places else ""
    if categories:
        sql = f"""
            SELECT {head}sum(s.households) AS households, sum(s.people) AS people, sum(s.income) AS income, sum(s.links) AS n
            FROM {category_rows} AS s {places_sql}
            WHERE s.dimension = ? {cond}
            {grouped}
        """
        return con.execute(sql, [*params, *category_params, categories[0].name, *scope_params]).pl()
    # The whole or a place: 带动增收户 from the household summary, 联结笔数 as the sum over the 联结方式
    # rows (each linkage is counted in exactly one of them). The 镇办 joined in any case: the rows leave
    # out a village whose 镇办 is gone (the category summary is built the same way).
    household_rows, household_params = household
    links_cond, links_params = scope.where("c.township_code", "c.village_code")
    sql = f"""
        SELECT {head}coalesce(sum(s.earned), 0) AS households, coalesce(sum(s.earned_people), 0) AS people,
               coalesce(sum(s.earned_income), 0) AS income, coalesce(sum(c.links), 0) AS n
        FROM {household_rows} AS s {places_sql or townships_sql}
        LEFT JOIN (SELECT village_code, sum(links) AS links FROM {category_rows} AS c WHERE c.dimension = ? {links_cond}
                   GROUP BY village_code) AS c ON c.village_code = s.village_code
        WHERE s.earned > 0 {cond}
        {grouped}
    """
    params = [*params, *household_params, *category_params, "联结方式", *links_params, *scope_params]
    return con.execute(sql, params).pl()


def _labelled(frame: pl.DataFrame, chosen: list[Dimension]) -> pl.DataFrame:
    """The aggregates under their Chinese names and types (d0/o0 … become 产业/产业_序 …)."""
    renames = {"households": "户数", "people": "人数", "income": "收益金额", "n": "联结笔数"}
    for i, dim in enumerate(chosen):
        renames[f"d{i}"], renames[f"o{i}"] = dim.name, f"{dim.name}_序"
    frame = frame.rename(renames).with_columns(
        pl.col("户数").cast(pl.Int64),
        pl.col("人数").cast(pl.Int64),
        pl.col("联结笔数").cast(pl.Int64),
        pl.col("收益金额").cast(pl.Float64).round(2),
    )
    # Labels are text (a year too), and a missing one (no 细分类型) reads as （无）.
    return frame.with_columns(pl.col(d.name).cast(pl.String).fill_null(NO_VALUE) for d in chosen)


def _measure(frame: pl.DataFrame, measure: str) -> pl.DataFrame:
    return frame.with_columns(MEASURES[measure].alias(measure))


def pivot(con: duckdb.DuckDBPyConnection, scope: Scope, rows: str, columns: str | None, measure: str) -> pl.DataFrame:
    """`measure` by `rows` (one row per category) and `columns` (one column per category, or None),
    with a 合计 row and column. Names outside DIMENSIONS/MEASURES are refused with a ValueError."""
    if measure not in MEASURES:
        raise ValueError(f"不支持的统计指标“{measure}”，可选：{'、'.join(MEASURES)}")
    _dimension(rows)
    if columns is not None:
        _dimension(columns)
        if columns == rows:
            raise ValueError("行和列不能选同一个维度，请换一个列维度")
    # With 年度 on either axis every year up to the chosen one is shown, totals included.
    all_years = "年度" in (rows, columns)
    row_totals = _measure(aggregate(con, scope, (rows,), all_years=all_years), measure)
    grand = _measure(aggregate(con, scope, (), all_years=all_years), measure)
    if columns is None:
        table = row_totals.select(rows, measure)
        total = pl.DataFrame({rows: [TOTAL], measure: grand[measure].to_list()}, schema=table.schema)
        return pl.concat([table, total])
    column_totals = _measure(aggregate(con, scope, (columns,), all_years=all_years), measure)
    categories = column_totals[columns].to_list()
    if len(categories) > MAX_COLUMN_CATEGORIES:
        raise ValueError(
            f"列维度“{columns}”有{len(categories)}个类别，超过{MAX_COLUMN_CATEGORIES}个，请把它放在行上，或在左侧选择镇办缩小范围"
        )
    cells = _measure(aggregate(con, scope, (rows, columns), all_years=all_years), measure)
    dtype = pl.Int64 if measure in COUNTS else pl.Float64
    wide = cells.pivot(on=columns, index=rows, values=measure) if cells.height else pl.DataFrame({rows: row_totals[rows].head(0)})
    table = row_totals.select(rows, pl.col(measure).alias(TOTAL)).join(wide, on=rows, how="left", maintain_order="left")
    table = table.select(rows, *(_value(table, c, dtype, measure) for c in categories), pl.col(TOTAL).cast(dtype))
    total_row = {
        rows: [TOTAL],
        **{c: [v] for c, v in zip(categories, column_totals[measure].to_list(), strict=True)},
        TOTAL: [grand[measure][0]],
    }
    return pl.concat([table, pl.DataFrame(total_row, schema=table.schema)])


def _value(table: pl.DataFrame, category: str, dtype, measure: str) -> pl.Expr:
    """One category column; an empty cell of a count or sum is 0, of an average stays empty."""
    column = pl.col(category).cast(dtype) if category in table.columns else pl.lit(None, dtype).alias(category)
    return column.fill_null(0) if measure in COUNTS or measure in ADDITIVE else column
