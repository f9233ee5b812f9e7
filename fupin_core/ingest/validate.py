"""Every check of a normalised frame, as whole-column polars expressions and DuckDB set operations.

The result is one problems frame (row as the user sees it in Excel, catalog column, value as
written, severity, Chinese message, suggestion). Python loops run only over the distinct bad values,
to word their messages and suggestions.
"""

from __future__ import annotations

import difflib

import duckdb
import polars as pl

from fupin_core import idcodes
from fupin_core.catalog import LEGACY_FUND_SOURCES, MAX_YEAR, Column, Dataset
from fupin_core.ingest import asset_links, references, rules, stage_order
from fupin_core.ingest.header import ROW
from fupin_core.ingest.normalize import BAD, MANGLED
from fupin_core.security import privacy

RAW = "__raw__"  # prefix of the columns holding each value as the user wrote it
MAX_TEXT = 200  # characters; longer is a paste gone wrong, not a code or a name
ERROR, WARNING = "error", "warning"
PROBLEM_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "severity": pl.String,
    "message": pl.String,
    "suggestion": pl.String,
    "confirm": pl.Boolean,
}
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def problems_where(
    frame: pl.DataFrame,
    mask: pl.Expr,
    column: str | None,
    message: pl.Expr | str,
    *,
    severity: str = ERROR,
    suggestion: pl.Expr | str | None = None,
    confirm: bool = False,
) -> pl.DataFrame:
    """One problem per row of `frame` where `mask` holds."""
    hit = frame.filter(mask)
    if hit.is_empty():
        return empty_problems()
    value = pl.col(RAW + column).str.strip_chars() if column and RAW + column in frame.columns else pl.lit(None, pl.String)
    as_expr = lambda x: pl.lit(x, pl.String) if x is None or isinstance(x, str) else x  # noqa: E731
    return hit.select(
        pl.col(ROW).cast(pl.Int64).alias("row"),
        pl.lit(column, pl.String).alias("column"),
        value.cast(pl.String).alias("value"),
        pl.lit(severity).alias("severity"),
        as_expr(message).cast(pl.String).alias("message"),
        as_expr(suggestion).cast(pl.String).alias("suggestion"),
        pl.lit(confirm).alias("confirm"),
    )


def _by_value(frame: pl.DataFrame, column: str, mask: pl.Expr, text_of, **kw) -> pl.DataFrame:
    """Problems whose wording depends on the value: `text_of(value)` -> (message, suggestion) or None,
    called once per distinct bad value."""
    values = frame.filter(mask).get_column(column).unique().drop_nulls().to_list()
    worded = {v: text_of(v) for v in values}
    worded = {v: w for v, w in worded.items() if w}
    if not worded:
        return empty_problems()
    keys = list(worded)
    messages = pl.col(column).replace_strict(keys, [w[0] for w in worded.values()], default=None, return_dtype=pl.String)
    suggestions = pl.col(column).replace_strict(keys, [w[1] for w in worded.values()], default=None, return_dtype=pl.String)
    return problems_where(frame, mask & pl.col(column).is_in(keys), column, messages, suggestion=suggestions, **kw)


# --- one column --------------------------------------------------------------------------------


def _type_message(col: Column) -> tuple[str, str | None]:
    if col.type == "int":
        hint = "填写整数" + (f"（单位：{col.unit}）" if col.unit and col.unit != "年" else "")
        return ("不是整数", hint if "year" not in col.checks else "年度写成四位数字，如 2017")
    if col.type == "decimal":
        hint = f"只填数字，单位为{col.unit}" if col.unit and col.unit != "规模单位" else "只填数字"
        return ("不是数字", hint)
    if col.type == "date":
        return ("不是有效的日期", "日期写成 2017-12-20（或设为 Excel 日期格式）")
    return ("报告期格式不对", "报告期写成 2017（全年）、2017Q3（季度）或 2017-09（月份）")


def _mangled_message(col: Column) -> str:
    return (
        f"{col.header}被 Excel 当作数字保存了（显示为科学计数法或末尾变成0），超过15位的数字会丢失末尾几位，原号码已无法恢复；"
        "请把这一列设为“文本”格式，重新录入完整号码"
    )


def _id_valid(value: pl.Expr) -> pl.Expr:
    digits = [value.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(17)]
    total = pl.sum_horizontal([d * w for d, w in zip(digits, _ID_WEIGHTS, strict=True)])
    check = (total % 11).replace_strict(list(range(11)), list("10X98765432"), default=None, return_dtype=pl.String)
    born = value.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    return (value.str.contains(r"^\d{17}[\dX]$") & born.is_not_null() & (check == value.str.slice(17, 1))).fill_null(False)


def _id_text(value: str) -> tuple[str, str | None] | None:
    problem = idcodes.id_problem(value)
    if problem is None:
        return None
    float_exact = value.isdigit() and len(value) >= 16 and str(int(float(value))) == value
    if value.isdigit() and len(value) >= 16 and (value.endswith("000") or float_exact):
        return (problem + "；看起来是被 Excel 当作数字保存后丢失了末尾数字", "把这一列设为“文本”格式，重新录入完整号码")
    return (problem, None)


def _column_problems(frame: pl.DataFrame, ds: Dataset, col: Column) -> list[pl.DataFrame]:
    name, value = col.name, pl.col(col.name)
    bad = pl.col(BAD + name)
    mangled = pl.col(MANGLED + name) if MANGLED + name in frame.columns else pl.lit(False)
    message, hint = _type_message(col)
    out = [
        problems_where(frame, bad & ~mangled, name, pl.format("“{}”" + message, pl.col(RAW + name).str.strip_chars()), suggestion=hint),
        problems_where(frame, mangled, name, _mangled_message(col)),
    ]
    if col.required:
        out.append(problems_where(frame, value.is_null() & ~bad & ~mangled, name, "必填，不能为空", suggestion=f"填写{col.header}"))
    present = value.is_not_null() & ~mangled
    if col.type == "text" or col.type == "period":
        out.append(problems_where(frame, present & (value.str.len_chars() > MAX_TEXT), name, pl.format("内容过长（{}个字）", value.str.len_chars()),
                                  suggestion="请检查是否把多行内容粘贴进了一个单元格"))  # fmt: skip
    if col.enum:
        allowed = "、".join(col.enum)

        def near(v: str, enum=col.enum, allowed=allowed, column=name) -> tuple[str, str]:
            if column == "fund_source" and v in LEGACY_FUND_SOURCES:
                # Files made with the template of an earlier version: the value is now a 资金类别.
                source, category = LEGACY_FUND_SOURCES[v]
                return (
                    f"“{v}”现在是资金类别，不是资金来源（允许：{allowed}）",
                    f"资金来源填资金的级次（如“{source}”），并在“资金类别”列填“{category}”",
                )
            close = difflib.get_close_matches(v, enum, n=1, cutoff=0.3)
            return (
                f"“{v}”不是允许的值（允许：{allowed}）",
                f"是否为“{close[0]}”？" if close else f"改为{allowed}之一（Excel 模板中可下拉选择）",
            )

        out.append(_by_value(frame, name, present & ~value.is_in(col.enum), near))
    checks = col.checks
    if "year" in checks:
        out.append(problems_where(frame, present & ~value.is_between(col.earliest_year, MAX_YEAR), name,
                                  pl.format("年度 {} 不在 {}–{} 之间", value, pl.lit(col.earliest_year), pl.lit(MAX_YEAR)),
                                  suggestion=f"填{col.earliest_year}–{MAX_YEAR}之间的四位年度"))  # fmt: skip
    if "non_negative" in checks:
        out.append(problems_where(frame, present & (value < 0), name, "不能为负数", suggestion="填0或正数"))
    if "positive" in checks:
        out.append(problems_where(frame, present & (value <= 0), name, "应大于0", suggestion="填大于0的数"))
    if "percent" in checks:
        out.append(
            problems_where(frame, present & ~value.is_between(0, 100), name, "应在0到100之间（单位为%）", suggestion="如年收益率6%填6")
        )
        out.append(problems_where(frame, present & (value > 0) & (value < 1), name, severity=WARNING,
                                  message=pl.format("收益率为 {}%，偏低", value), suggestion="若指 6% 请填 6，而不是 0.06"))  # fmt: skip
    for check, digits in (("admin_code_9", 9), ("admin_code_12", 12)):
        if check in checks:
            out.append(
                problems_where(
                    frame,
                    present & ~value.str.contains(rf"^\d{{{digits}}}$"),
                    name,
                    f"应为{digits}位数字的统计用区划代码",
                    suggestion="按统计用区划代码填写，可从“镇办”“村”数据集中查到",
                )
            )
    if "id_card" in checks:
        out.append(_by_value(frame, name, present & ~_id_valid(value), _id_text))
    if "credit_code" in checks:
        out.extend(_credit_code_problems(frame, name, present))
    return out


def _credit_code_problems(frame: pl.DataFrame, name: str, present: pl.Expr) -> list[pl.DataFrame]:
    values = frame.filter(present).get_column(name).unique().to_list()
    found = {v: p for v in values if (p := idcodes.credit_code_problem(v))}
    out = []
    for severity in (ERROR, WARNING):
        chosen = {v: msg for v, (sev, msg) in found.items() if sev == severity}
        if chosen:
            keys = list(chosen)
            message = pl.col(name).replace_strict(keys, list(chosen.values()), default=None, return_dtype=pl.String)
            out.append(
                problems_where(frame, present & pl.col(name).is_in(keys), name, message, severity=severity, confirm=severity == WARNING)
            )
    return out


# --- across rows and tables ----------------------------------------------------------------------


def _reference_problems(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, col: Column) -> pl.DataFrame:
    usable = frame.filter(pl.col(col.name).is_not_null() & ~pl.col(BAD + col.name))
    missing = references.missing_values(con, col, usable.get_column(col.name))
    if not missing:
        return empty_problems()
    hints = {v: references.suggestion(con, col, v) for v in missing[: references.SUGGEST_LIMIT]}
    suggestion = pl.col(col.name).replace_strict(list(hints), list(hints.values()), default=None, return_dtype=pl.String)
    return problems_where(frame, pl.col(col.name).is_in(missing), col.name, references.message(col), suggestion=suggestion)


def _duplicate_problems(frame: pl.DataFrame, ds: Dataset) -> pl.DataFrame:
    keys = list(ds.natural_key)
    complete = pl.all_horizontal([pl.col(k).is_not_null() for k in keys])
    # Most files repeat no key: sorted 64-bit row hashes with no two neighbours equal prove it (a
    # million rows: 0.05 s, where hashing a struct and counting each hash's occurrences took 0.2 s).
    hashes = frame.select(keys).filter(complete).hash_rows().sort()
    if hashes.len() < 2 or not (hashes.slice(1) == hashes.slice(0, hashes.len() - 1)).any():
        return empty_problems()
    # Rows whose key hash repeats are the only candidates (one pass over 64-bit hashes, far cheaper
    # on a large file than comparing the keys themselves); the exact test runs on those few rows.
    candidates = frame.filter(complete & pl.struct(keys).hash().is_duplicated())
    dup = candidates.filter(pl.struct(keys).is_duplicated())
    if dup.is_empty():
        return empty_problems()
    label = "+".join(ds.header_of(k) for k in keys)
    rows = pl.col(ROW).cast(pl.String).implode().over(keys).list.join("、")
    dup = dup.with_columns(rows.alias("__dup_rows"))
    return problems_where(dup, pl.lit(True), keys[0], pl.format("第{}行的{}相同：同一文件中重复", pl.col("__dup_rows"), pl.lit(label)),
                          suggestion="每个" + label + "只保留一行")  # fmt: skip


def _id_number_problems(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, ds: Dataset, col: Column) -> pl.DataFrame:
    """A 身份证号 belongs to one household: the same number under another 户编号, in this file or
    already in the database, is a row error naming where the other one is (镇办/村, number masked)."""
    key = ds.natural_key[0]
    usable = frame.filter(pl.col(col.name).is_not_null() & ~pl.col(BAD + col.name) & pl.col(key).is_not_null())
    if usable.is_empty():
        return empty_problems()
    masked = pl.col(col.name).map_elements(privacy.mask_id_number, return_dtype=pl.String)
    # In this file: the same number on rows of different 户编号.
    owners = pl.col(key).n_unique().over(col.name)
    rows = pl.col(ROW).cast(pl.String).implode().over(col.name).list.join("、")
    in_file = usable.filter(owners > 1).with_columns(rows.alias("__rows"), masked.alias("__masked"))
    found = [
        problems_where(
            in_file, pl.lit(True), col.name,
            pl.format("{} {} 在本文件第{}行登记给了不同的{}：一个身份证号只能登记一户", pl.lit(col.header), pl.col("__masked"), pl.col("__rows"), pl.lit(ds.header_of(key))),
            suggestion="核对身份证号，同一人只能是一户的户主",
        )
    ]  # fmt: skip
    # In the database: the number already registered to another household (not one this file changes).
    pairs = usable.select(pl.col(key).alias("k"), pl.col(col.name).alias("id")).unique()
    has_village = "village_code" in ds.column_names
    place = "coalesce(t.township_name, '') || coalesce(v.village_name, '')" if has_village else "''"
    joins = (
        "LEFT JOIN villages AS v ON v.village_code = h.village_code LEFT JOIN townships AS t ON t.township_code = v.township_code"
        if has_village
        else ""
    )
    con.register("ingest_id_pairs", pairs.to_arrow())
    try:
        taken = con.execute(
            f'SELECT p.k, p.id, min({place}) FROM ingest_id_pairs AS p JOIN "{ds.table}" AS h ON h."{col.name}" = p.id '
            f'{joins} WHERE h."{key}" <> p.k AND h."{key}" NOT IN (SELECT k FROM ingest_id_pairs) GROUP BY p.k, p.id'
        ).fetchall()
    finally:
        con.unregister("ingest_id_pairs")
    if taken:
        where = pl.DataFrame(
            {key: [r[0] for r in taken], col.name: [r[1] for r in taken], "__place": [r[2] or "另一个村" for r in taken]},
            schema={key: frame.schema[key], col.name: frame.schema[col.name], "__place": pl.String},
        )
        hit = usable.join(where, on=[key, col.name], how="inner").with_columns(masked.alias("__masked"))
        found.append(
            problems_where(
                hit, pl.lit(True), col.name,
                pl.format("{} {} 已登记为{}的另一户的户主：一个身份证号只能登记一户", pl.lit(col.header), pl.col("__masked"), pl.col("__place")),
                suggestion="核对身份证号；如确属迁移，请先更正原来那一户",
            )
        )  # fmt: skip
    found = [f for f in found if not f.is_empty()]
    return pl.concat(found) if found else empty_problems()


def _rule_problems(frame: pl.DataFrame, ds: Dataset) -> list[pl.DataFrame]:
    out = []
    for rule in rules.rules_of(ds).values():
        involved_ok = pl.all_horizontal([~pl.col(BAD + c.name) for c in ds.columns])
        out.append(
            problems_where(
                frame, rule.broken() & involved_ok, rule.column, rule.message(), suggestion=rule.suggestion() if rule.suggestion else None
            )
        )
    return out


def _outlier_problems(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, ds: Dataset) -> list[pl.DataFrame]:
    out = []
    for name, limit in rules.outlier_limits(con, ds, frame).items():
        unit = ds.column(name).unit
        out.append(
            problems_where(
                frame,
                (pl.col(name) > limit).fill_null(False),
                name,
                pl.format(
                    "金额 {} {}远高于本数据集常见的数值（一般不超过 {} {}）",
                    rules.number_text(name),
                    pl.lit(unit),
                    pl.lit(f"{limit / 10:,.0f}"),
                    pl.lit(unit),
                ),
                severity=WARNING,
                suggestion=f"请核对金额和单位（本列单位为{unit}）",
            )
        )
    return out


def validate(con: duckdb.DuckDBPyConnection, ds: Dataset, frame: pl.DataFrame, present: set[str]) -> pl.DataFrame:
    """All problems of `frame` (normalised, with RAW columns). Columns not in `present` (not in the
    file at all) are reported once by the pipeline, not on every row."""
    parts: list[pl.DataFrame] = []
    for col in ds.columns:
        if col.name in present:
            parts.extend(_column_problems(frame, ds, col))
            if col.references:
                parts.append(_reference_problems(con, frame, col))
    parts.append(_duplicate_problems(frame, ds))
    for col in ds.columns:
        if "id_card" in col.checks and col.name in present and len(ds.natural_key) == 1:
            parts.append(_id_number_problems(con, frame, ds, col))
    parts.extend(_rule_problems(frame, ds))
    parts.extend(stage_order.problems(con, ds, frame, problems_where))
    parts.extend(asset_links.problems(con, ds, frame, problems_where))
    parts.extend(_outlier_problems(con, frame, ds))
    parts = [p for p in parts if not p.is_empty()]
    if not parts:
        return empty_problems()
    return pl.concat(parts).sort("row", "severity", maintain_order=True)
