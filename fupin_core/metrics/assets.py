"""扶贫资产: the register (台账) of assets the projects left, their value by type and owner per 镇办/村,
the assets not yet 确权 or 移交 after their project's 验收, idle or damaged ones, each asset's yearly
income and its 分配方案, 村集体经济收入 per village (破零, 薄弱村) and the reconciliation from an
asset's income down to households (应分 → 已分 → 到户, with the gaps named).

An asset is placed by the village it stands in (所在村) and counts in year Y when the project that made
it was built by Y (an asset without a project: when it was handed over by Y, or always if not yet).
The households' parts of a distribution reach them as linkages that cite the asset (利益联结.资产编号); the
村集体留存 part is the village collective's income (村集体经济收入) of the owner village.
"""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.catalog import ASSET_OWNER_TYPES, ASSET_TYPES, DISTRIBUTION_PARTS, HOUSEHOLD_PARTS
from fupin_core.metrics import scope_keys, summaries
from fupin_core.metrics.projects_lib import as_of
from fupin_core.scope import Scope
from fupin_core.storage import db

# 集体经济薄弱村: a village collective earning less than this in a year (万元); the page lets a user set it.
WEAK_COLLECTIVE_INCOME_WAN = 5.0
TROUBLED_STATUSES = ("闲置", "损毁")
# Half a 元: amounts are kept to the 分, so a larger difference is a real gap, not rounding.
GAP_TOLERANCE_YUAN = 0.5

_IN_YEAR = """(CASE WHEN p.project_id IS NOT NULL THEN p.build_year <= ?
                    ELSE a.transfer_date IS NULL OR a.transfer_date <= ? END)"""


def _in_scope(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[str, list]:
    cond, params = scope.where("v.township_code", "a.village_code")
    keys, key_params = scope_keys.villages_in(con, scope, "a.village_code")
    return f"{_IN_YEAR} {cond} {keys}", [scope.year, as_of(scope.year), *params, *key_params]


def _refs(con: duckdb.DuckDBPyConnection, scope: Scope) -> scope_keys.AssetRefs | None:
    """On PostgreSQL, what the scope's assets join (their projects, owner villages, income rows), bound
    as lists on those tables' own keys so PostgreSQL returns those rows alone, not the whole table (one
    镇办's asset indicators: 0.21 → 0.08 s at scale 100); the join conditions stay, so it is the same rows
    either way. Embedded DuckDB gains nothing from them (its joins read only what they keep) and would
    pay for reading the lists: None there, as for the whole district."""
    return scope_keys.asset_refs(con, scope) if db.backend_of(con) == "postgres" else None


def _bound(refs: scope_keys.AssetRefs | None, kind: str, column: str) -> tuple[str, list]:
    if refs is None:
        return "", []
    return {"project": refs.projects_in, "owner": refs.owners_in, "asset": refs.assets_in}[kind](column)


def register(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """资产台账: one row per asset in scope, owner and 移交 shown as of the end of the year."""
    where, params = _in_scope(con, scope)
    refs = _refs(con, scope)
    owners, owner_params = _bound(refs, "owner", "ov.village_code")
    projects, project_params = _bound(refs, "project", "p.project_id")
    return con.execute(
        f"""
        SELECT a.asset_name AS 资产名称, a.asset_type AS 资产类型, CAST(a.value_wan AS DOUBLE) AS "原值(万元)",
               t.township_name AS 镇办, v.village_name AS 所在村,
               CASE a.owner_type WHEN '村集体' THEN coalesce(ov.village_name, a.owner_village_code) || '集体'
                                 WHEN '农户' THEN '农户 ' || a.owner_household_id
                                 ELSE '未确权' END AS 确权主体,
               CASE WHEN a.transfer_date IS NULL OR a.transfer_date > ? THEN NULL ELSE a.transfer_date END AS 移交日期,
               a.caretaker AS 管护责任人, a.status AS 资产状态, p.project_name AS 来源项目, a.asset_id AS 资产编号,
               a.project_id AS 项目编号
        FROM assets AS a
        JOIN villages AS v ON v.village_code = a.village_code
        LEFT JOIN townships AS t ON t.township_code = v.township_code
        LEFT JOIN villages AS ov ON ov.village_code = a.owner_village_code {owners}
        LEFT JOIN projects AS p ON p.project_id = a.project_id {projects}
        WHERE {where}
        ORDER BY v.township_code, a.village_code, a.asset_id
        """,
        [as_of(scope.year), *owner_params, *project_params, *params],
    ).pl()


def totals(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """Asset count and value in scope; None where no asset was reported at all (未上报)."""
    return totals_of(register(con, scope))


def totals_of(frame: pl.DataFrame) -> dict:
    """totals() of a register frame."""
    if frame.is_empty():
        return {"assets": None, "asset_value_wan": None}
    return {"assets": frame.height, "asset_value_wan": float(frame["原值(万元)"].sum())}


def value_by(con: duckdb.DuckDBPyConnection, scope: Scope, by: str = "type") -> pl.DataFrame:
    """原值(万元) per 镇办 (per 村 when the scope is one or more 镇办) and asset type (`by="type"`) or
    owner (`by="owner"`: 村集体, 农户, 未确权), one column per type/owner, with a 合计 column."""
    return value_of(register(con, scope), scope, by)


def value_of(frame: pl.DataFrame, scope: Scope, by: str = "type") -> pl.DataFrame:
    """value_by() of a register frame (the 扶贫资产 page reads the register once for all its tables)."""
    place = "镇办" if scope.townships is None else "所在村"
    if by == "type":
        key, values = "资产类型", list(ASSET_TYPES)
    else:
        frame = frame.with_columns(
            pl.when(pl.col("确权主体") == "未确权")
            .then(pl.lit("未确权"))
            .when(pl.col("确权主体").str.starts_with("农户"))
            .then(pl.lit("农户"))
            .otherwise(pl.lit("村集体"))
            .alias("确权")
        )
        key, values = "确权", [*ASSET_OWNER_TYPES, "未确权"]
    if frame.is_empty():
        return pl.DataFrame(schema={place: pl.String, **{f"{v}(万元)": pl.Float64 for v in values}, "合计(万元)": pl.Float64})
    wide = frame.group_by(place, key).agg(pl.col("原值(万元)").sum()).pivot(on=key, index=place, values="原值(万元)")
    wide = wide.with_columns([pl.lit(0.0).alias(v) for v in values if v not in wide.columns]).fill_null(0.0)
    order = frame.select(place).unique(maintain_order=True)
    out = order.join(wide, on=place, how="left").select(place, *[pl.col(v).alias(f"{v}(万元)") for v in values])
    return out.with_columns(pl.sum_horizontal([f"{v}(万元)" for v in values]).alias("合计(万元)"))


def unsettled(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Assets whose project passed 验收 by the end of the year but that are not yet 确权 or 移交."""
    on = as_of(scope.year)
    where, params = _in_scope(con, scope)
    refs = _refs(con, scope)
    projects, project_params = _bound(refs, "project", "p.project_id")
    stages, stage_params = _bound(refs, "project", "s.project_id")
    return con.execute(
        f"""
        SELECT concat_ws('、', CASE WHEN a.owner_type IS NULL THEN '未确权' END,
                              CASE WHEN a.transfer_date IS NULL OR a.transfer_date > ? THEN '未移交' END) AS 问题,
               CAST(date_diff('day', s.stage_date, CAST(? AS DATE)) AS BIGINT) AS 验收后天数,
               s.stage_date AS 验收日期, a.asset_name AS 资产名称, a.asset_type AS 资产类型,
               CAST(a.value_wan AS DOUBLE) AS "原值(万元)", t.township_name AS 镇办, v.village_name AS 所在村,
               p.project_name AS 来源项目, a.asset_id AS 资产编号
        FROM assets AS a
        JOIN villages AS v ON v.village_code = a.village_code
        LEFT JOIN townships AS t ON t.township_code = v.township_code
        JOIN projects AS p ON p.project_id = a.project_id {projects}
        JOIN project_stages AS s ON s.project_id = a.project_id AND s.stage = '验收' AND s.stage_date <= ? {stages}
        WHERE (a.owner_type IS NULL OR a.transfer_date IS NULL OR a.transfer_date > ?) AND {where}
        ORDER BY 验收后天数 DESC, a.asset_id
        """,
        [on, on, *project_params, on, *stage_params, on, *params],
    ).pl()


def troubled(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Idle (闲置) or damaged (损毁) assets in scope."""
    return troubled_of(register(con, scope))


def troubled_of(frame: pl.DataFrame) -> pl.DataFrame:
    """troubled() of a register frame."""
    return frame.filter(pl.col("资产状态").is_in(TROUBLED_STATUSES)).select(
        "资产状态", "资产名称", "资产类型", "原值(万元)", "镇办", "所在村", "确权主体", "管护责任人", "来源项目", "资产编号"
    )


def distributions(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Each asset's income in the year and its 分配方案 (parts in 元), assets placed as in the register."""
    where, params = _in_scope(con, scope)
    refs = _refs(con, scope)
    projects, project_params = _bound(refs, "project", "p.project_id")
    incomes, income_params = _bound(refs, "asset", "d.asset_id")
    parts = ", ".join(f'CAST(d.{name} AS DOUBLE) AS "{label}(元)"' for name, label in DISTRIBUTION_PARTS)
    return con.execute(
        f"""
        SELECT a.asset_name AS 资产名称, t.township_name AS 镇办, v.village_name AS 所在村,
               CAST(d.income_yuan AS DOUBLE) AS "收益(元)", {parts}, CAST(d.distributed_yuan AS DOUBLE) AS "已分配(元)",
               d.approved_by AS 方案批准单位, d.approved_date AS 批准日期, d.publicity_start AS 公示开始, d.publicity_end AS 公示结束,
               a.asset_id AS 资产编号
        FROM asset_income AS d
        JOIN assets AS a ON a.asset_id = d.asset_id
        JOIN villages AS v ON v.village_code = a.village_code
        LEFT JOIN townships AS t ON t.township_code = v.township_code
        LEFT JOIN projects AS p ON p.project_id = a.project_id {projects}
        WHERE d.year = ? {incomes} AND {where}
        ORDER BY v.township_code, a.village_code, a.asset_id
        """,
        [*project_params, scope.year, *income_params, *params],
    ).pl()


def income_totals(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """The year's asset income and the parts (元); None when no distribution was reported (未上报)."""
    frame = distributions(con, scope)
    if frame.is_empty():
        return {"income_yuan": None, "distributed_yuan": None, **{name: None for name, _ in DISTRIBUTION_PARTS}}
    out = {"income_yuan": float(frame["收益(元)"].sum()), "distributed_yuan": float(frame["已分配(元)"].sum())}
    return out | {name: float(frame[f"{label}(元)"].sum()) for name, label in DISTRIBUTION_PARTS}


def collective_income(con: duckdb.DuckDBPyConnection, scope: Scope, threshold_wan: float = WEAK_COLLECTIVE_INCOME_WAN) -> pl.DataFrame:
    """村集体经济收入 of every village in scope for the year: the 村集体留存 of the distributions of the
    assets the village collective owns. Empty when no distribution at all was reported in the district
    for the year (未上报, not zero); otherwise a village without any is 0 (未破零)."""
    reported = con.execute("SELECT count(*) FROM asset_income WHERE year = ?", [scope.year]).fetchone()[0]
    cond, params = scope.where("v.township_code", "v.village_code")
    owners, owner_params = scope_keys.villages_in(con, scope, "a.owner_village_code")  # owned by the villages listed
    schema = {"情况": pl.String, "村集体经济收入(万元)": pl.Float64, "镇办": pl.String, "村": pl.String, "是否贫困村": pl.String,
              "资产数(项)": pl.Int64, "村代码": pl.String}  # fmt: skip
    if not reported:
        return pl.DataFrame(schema=schema)
    frame = con.execute(
        f"""
        WITH owned AS (
            SELECT a.owner_village_code AS village_code, count(DISTINCT a.asset_id) AS assets,
                   sum(coalesce(d.collective_retained_yuan, 0)) AS retained
            FROM assets AS a LEFT JOIN asset_income AS d ON d.asset_id = a.asset_id AND d.year = ?
            WHERE a.owner_type = '村集体' {owners}
            GROUP BY a.owner_village_code
        )
        SELECT CAST(coalesce(o.retained, 0) / 10000 AS DOUBLE) AS "村集体经济收入(万元)", t.township_name AS 镇办,
               v.village_name AS 村, v.is_poverty_village AS 是否贫困村, CAST(coalesce(o.assets, 0) AS BIGINT) AS "资产数(项)",
               v.village_code AS 村代码
        FROM villages AS v
        LEFT JOIN townships AS t ON t.township_code = v.township_code
        LEFT JOIN owned AS o ON o.village_code = v.village_code
        WHERE TRUE {cond}
        ORDER BY 1, v.township_code, v.village_code
        """,
        [scope.year, *owner_params, *params],
    ).pl()
    income = pl.col("村集体经济收入(万元)")
    status = pl.when(income <= 0).then(pl.lit("未破零")).when(income < threshold_wan).then(pl.lit("薄弱村")).otherwise(pl.lit("达标"))
    return frame.with_columns(status.alias("情况")).select(list(schema))


def collective_kpis(con: duckdb.DuckDBPyConnection, scope: Scope, threshold_wan: float = WEAK_COLLECTIVE_INCOME_WAN) -> dict:
    """The registry's 村集体经济 indicators."""
    counts = collective_counts(collective_income(con, scope, threshold_wan))
    return {key: value for key, value in counts.items() if key != "weak_only_villages"}


def collective_counts(frame: pl.DataFrame) -> dict:
    """collective_kpis() of a collective_income frame (the page's, at the threshold its user chose),
    and weak_only_villages: the 薄弱村 without those at zero, which the page shows apart."""
    if frame.is_empty():
        return {"collective_income_wan": None, "zero_income_villages": None, "weak_collective_villages": None, "weak_only_villages": None}
    return {
        "collective_income_wan": float(frame["村集体经济收入(万元)"].sum()),
        "zero_income_villages": frame.filter(pl.col("情况") == "未破零").height,
        "weak_collective_villages": frame.filter(pl.col("情况") != "达标").height,
        "weak_only_villages": frame.filter(pl.col("情况") == "薄弱村").height,
    }


def reconciliation(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """From each asset's income down to households for the year: 应分 (the income), 已分 (paid out under
    the 分配方案), 应到户 (the plan's household parts) and 到户 (the year's linkages with income that cite
    the asset by 资产编号), with each gap named in 说明. A linkage names its asset, so two assets of one
    project reconcile apart, and a project's other linkages (务工, 土地流转 …) never count."""
    where, params = _in_scope(con, scope)
    household = " + ".join(f"coalesce(d.{name}, 0)" for name in HOUSEHOLD_PARTS)
    # 到户 per asset: from the per-version summary when there is one (at province scale the year's
    # linkages are millions of rows, which PostgreSQL would stream on every open), else from the rows.
    reached, reached_params = summaries.asset_relation(con, scope.year) or (f"({summaries.ASSET_REACHED_SQL})", [scope.year])
    refs = _refs(con, scope)
    projects, project_params = _bound(refs, "project", "p.project_id")
    incomes, income_params = _bound(refs, "asset", "d.asset_id")
    frame = con.execute(
        f"""
        WITH reached AS {reached}
        SELECT a.asset_name AS 资产, p.project_name AS 项目名称, t.township_name AS 镇办, v.village_name AS 村,
               CAST(d.income_yuan AS DOUBLE) AS "应分(元)", CAST(d.distributed_yuan AS DOUBLE) AS "已分(元)",
               CAST({household} AS DOUBLE) AS "应到户(元)", CAST(coalesce(r.reached, 0) AS DOUBLE) AS "到户(元)",
               CAST(coalesce(r.households, 0) AS BIGINT) AS "到户户数(户)", a.asset_id AS 资产编号, a.project_id AS 项目编号
        FROM asset_income AS d
        JOIN assets AS a ON a.asset_id = d.asset_id
        JOIN villages AS v ON v.village_code = a.village_code
        LEFT JOIN townships AS t ON t.township_code = v.township_code
        LEFT JOIN projects AS p ON p.project_id = a.project_id {projects}
        LEFT JOIN reached AS r ON r.asset_id = a.asset_id
        WHERE d.year = ? {incomes} AND {where}
        ORDER BY v.township_code, a.village_code, a.asset_id
        """,
        [*reached_params, *project_params, scope.year, *income_params, *params],
    ).pl()
    frame = frame.with_columns(
        (pl.col("应分(元)") - pl.col("已分(元)")).alias("未分(元)"), (pl.col("应到户(元)") - pl.col("到户(元)")).alias("到户差额(元)")
    )
    # Words only for the rows with a gap (most reconcile): a province has tens of thousands of assets.
    gap = (pl.col("未分(元)") > GAP_TOLERANCE_YUAN) | (pl.col("到户差额(元)").abs() > GAP_TOLERANCE_YUAN)
    frame = frame.with_row_index("行")
    gaps = frame.filter(gap)
    notes = [_gap_note(r["未分(元)"], r["到户差额(元)"], r["应到户(元)"], r["到户(元)"]) for r in gaps.iter_rows(named=True)]
    noted = gaps.select("行", pl.Series("说明", notes, dtype=pl.String))
    frame = frame.join(noted, on="行", how="left", maintain_order="left").drop("行")
    return frame.select(
        "说明", "资产", "项目名称", "镇办", "村", "应分(元)", "已分(元)", "未分(元)", "应到户(元)", "到户(元)", "到户差额(元)", "到户户数(户)",
        "资产编号", "项目编号",
    )  # fmt: skip


def _yuan(value: float) -> str:
    return f"{value:,.2f}".removesuffix(".00")


def _gap_note(unpaid: float, short: float, planned: float, reached: float) -> str | None:
    """The gaps of a reconciliation row in words, or None when it reconciles."""
    parts = []
    if unpaid > GAP_TOLERANCE_YUAN:
        parts.append(f"未分配{_yuan(unpaid)}元")
    if short > GAP_TOLERANCE_YUAN:
        parts.append(f"到户少{_yuan(short)}元（方案到户{_yuan(planned)}元，注明本资产的利益联结{_yuan(reached)}元）")
    elif short < -GAP_TOLERANCE_YUAN:
        parts.append(f"利益联结比方案到户多{_yuan(-short)}元")
    return "；".join(parts) or None


def reconciliation_gaps(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """The assets with a gap (income not all distributed, or the household part not all reaching households)."""
    return reconciliation(con, scope).filter(pl.col("说明").is_not_null())


def dividend_reconciliation(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Dividends of investments (入股分红): per entity, the year's 实付分红 against the 分红 linkages of the
    projects it operates (到户); a difference is named in 说明 (e.g. dividends paid to the collective
    and not yet passed on to shareholders)."""
    cond, params = scope.where("e.township_code", "e.village_code")
    frame = con.execute(
        f"""
        WITH paid AS (
            SELECT i.entity_credit_code AS code, sum(d.paid_yuan) AS paid
            FROM dividends AS d JOIN investments AS i ON i.investment_id = d.investment_id
            WHERE d.year = ? GROUP BY i.entity_credit_code
        ), reached AS (
            SELECT p.operator_credit_code AS code, sum(l.income_yuan) AS reached, count(DISTINCT l.household_id) AS households
            FROM linkages AS l JOIN projects AS p ON p.project_id = l.project_id
            WHERE l.year = ? AND l.mechanism = '分红' AND l.income_yuan > 0 AND p.operator_credit_code IN (SELECT code FROM paid)
            GROUP BY p.operator_credit_code
        )
        SELECT e.entity_name AS 经营主体, t.township_name AS 镇办, CAST(pa.paid AS DOUBLE) AS "实付分红(元)",
               CAST(coalesce(r.reached, 0) AS DOUBLE) AS "分红到户(元)", CAST(coalesce(r.households, 0) AS BIGINT) AS "到户户数(户)",
               e.credit_code AS 统一社会信用代码
        FROM paid AS pa JOIN entities AS e ON e.credit_code = pa.code
        LEFT JOIN townships AS t ON t.township_code = e.township_code
        LEFT JOIN reached AS r ON r.code = pa.code
        WHERE TRUE {cond}
        ORDER BY e.township_code, e.credit_code
        """,
        [scope.year, scope.year, *params],
    ).pl()
    frame = frame.with_columns((pl.col("实付分红(元)") - pl.col("分红到户(元)")).alias("差额(元)"))
    notes = [
        f"到户少{_yuan(g)}元" if g > GAP_TOLERANCE_YUAN else f"到户多{_yuan(-g)}元" if g < -GAP_TOLERANCE_YUAN else None
        for g in frame["差额(元)"].to_list()
    ]
    return frame.with_columns(pl.Series("说明", notes, dtype=pl.String)).select(
        "说明", "经营主体", "镇办", "实付分红(元)", "分红到户(元)", "差额(元)", "到户户数(户)", "统一社会信用代码"
    )
