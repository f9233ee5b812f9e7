"""Strings as typed in Chinese Excel/WPS -> typed values, over whole columns (polars expressions).

Handles spaces around values, full-width digits and letters, 千分位 separators, units written
after numbers, Excel date cells and serial numbers, the forms of 报告期, and ID numbers that Excel
turned into numbers (which are flagged, never repaired: their last digits are lost).
"""

from __future__ import annotations

import polars as pl

from fupin_core.catalog import Column, Dataset

FULL_WIDTH = [chr(0xFF01 + i) for i in range(94)] + ["\u3000"]
HALF_WIDTH = [chr(0x21 + i) for i in range(94)] + [" "]

# What people write into a cell to say "nothing here".
EMPTY_MARKS = ["-", "--", "—", "——", "－", "/", "／", "\\", "无", "空"]

BAD = "__bad__"  # prefix of the per-column "could not be parsed" flags
MANGLED = "__mangled__"  # prefix of the per-column "number mangled by Excel" flags (code columns)

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_EXCEL_EPOCH_DAYS = -25569  # 1899-12-30 relative to 1970-01-01


def is_free_text(col: Column) -> bool:
    """Names and descriptions: kept as written (only trimmed), unlike codes, numbers and enums."""
    return col.type == "text" and not col.enum and not col.checks and not col.references


def is_code(col: Column, ds: Dataset) -> bool:
    return col.type == "text" and not col.enum and (bool(col.checks) or bool(col.references) or col.name in ds.natural_key)


def _profile(frame: pl.DataFrame, ds: Dataset) -> dict[str, dict[str, bool]]:
    """Which clean-up steps each column needs at all, found in one or two parallel passes: on a large
    file most columns need none, and skipping a step is far cheaper than running it on every cell."""
    probes = {
        "space": r"\s",
        "full": r"[\x{FF01}-\x{FF5E}\x{3000}]",
        "sep": r"[,，¥￥]",
        "suffix": r"[^\d.]$",
        "sci": r"[Ee]\+",
        "dot": r"\.",
        "lower": r"[a-z]",
    }

    def wanted(col: Column) -> tuple[str, ...]:
        if col.type in ("int", "decimal"):
            return ("space", "full", "sep", "suffix")
        if is_code(col, ds):
            return ("space", "full", "sci", "dot", "lower")
        return ("space", "full")

    columns = [c for c in ds.columns if c.name in frame.columns]
    out: dict[str, dict[str, bool]] = {c.name: dict.fromkeys(probes, False) for c in ds.columns}
    if not columns or frame.is_empty():
        return out
    # First one scan per column for any of its probes: on a clean file that is the only scan.
    any_probe = [pl.col(c.name).str.contains("|".join(probes[p] for p in wanted(c))).any().alias(c.name) for c in columns]
    hits = frame.select(any_probe).row(0, named=True)
    flagged = [c for c in columns if hits[c.name]]
    exprs = [pl.col(c.name).str.contains(probes[probe]).any().alias(f"{c.name}|{probe}") for c in flagged for probe in wanted(c)]
    found = frame.select(exprs).row(0, named=True) if exprs else {}
    for key, hit in found.items():
        name, probe = key.split("|")
        out[name][probe] = bool(hit)
    return out


def _clean(col: Column, ds: Dataset, needs: dict[str, bool]) -> pl.Expr:
    expr = pl.col(col.name)
    if needs["full"] and not is_free_text(col):
        expr = expr.str.replace_many(FULL_WIDTH, HALF_WIDTH)
    if needs["space"] or needs["full"]:
        expr = expr.str.strip_chars()
        if is_code(col, ds) or col.type != "text" or col.enum:
            expr = expr.str.replace_all(r"\s+", "")
    return pl.when((expr != "") & ~expr.is_in(EMPTY_MARKS)).then(expr)


def _number(col: Column, cleaned: pl.Expr, needs: dict[str, bool]) -> pl.Expr:
    text = cleaned
    if needs["sep"]:
        text = text.str.replace_all(r"[,，¥￥]", "")
    if needs["suffix"] or needs["full"]:
        if col.unit and col.unit not in ("规模单位",):
            text = text.str.strip_suffix(col.unit)
        if "year" in col.checks:
            text = text.str.strip_suffix("年")
        if "percent" in col.checks:
            text = text.str.strip_suffix("%")
    return text.cast(pl.Float64, strict=False)


def _date(cleaned: pl.Expr) -> pl.Expr:
    day = cleaned.str.slice(0, 10)
    attempts = [cleaned.str.strptime(pl.Date, f, strict=False) for f in _DATE_FORMATS]
    attempts.append(day.str.strptime(pl.Date, "%Y-%m-%d", strict=False))  # "2017-12-20 00:00:00" from an Excel date cell
    serial = cleaned.cast(pl.Float64, strict=False)
    excel_serial = pl.when(serial.is_between(20000, 80000)).then((serial.floor().cast(pl.Int64) + _EXCEL_EPOCH_DAYS).cast(pl.Date))
    return pl.coalesce([*attempts, excel_serial])


def _period(cleaned: pl.Expr) -> pl.Expr:
    """2017 | 2017Q3 | 2017-09, from the many ways people write them."""
    text = cleaned.str.to_uppercase().str.replace(r"00:00:00$", "")  # a month typed into Excel becomes a date cell
    year = r"(20\d\d|19\d\d)"
    as_year = text.str.extract(rf"^{year}(?:\.0+|年|年度)?$", 1)
    quarter = text.str.extract_groups(rf"^{year}(?:年)?(?:-|/)?(?:Q|第)([1-4])(?:季度|季)?$")
    month = text.str.extract_groups(rf"^{year}(?:年|-|/|\.)(0?[1-9]|1[0-2])(?:月|-01|/01)?$")
    return pl.coalesce(
        [
            as_year,
            pl.when(quarter.struct.field("1").is_not_null()).then(
                pl.concat_str([quarter.struct.field("1"), pl.lit("Q"), quarter.struct.field("2")])
            ),
            pl.when(month.struct.field("1").is_not_null()).then(
                pl.concat_str([month.struct.field("1"), pl.lit("-"), month.struct.field("2").str.zfill(2)])
            ),
        ]
    )


def _mangled(col: Column, cleaned: pl.Expr, needs: dict[str, bool]) -> pl.Expr:
    """A code Excel stored as a number: scientific notation (6.11002E+17), or for numeric codes
    (ID numbers, 区划代码) a decimal point."""
    numeric_code = any(c in col.checks for c in ("id_card", "admin_code_9", "admin_code_12"))
    # Excel always writes the exponent with its sign (6.11002E+17); a credit code such as
    # 936110020000007E12 is a legal code, not a number.
    patterns = ([r"^\d(\.\d+)?E\+\d+$"] if needs["sci"] else []) + ([r"^\d+\.\d+$"] if numeric_code and needs["dot"] else [])
    if not patterns:
        return pl.lit(False)
    return cleaned.str.to_uppercase().str.contains("|".join(patterns)).fill_null(False)


def normalize(raw: pl.DataFrame, ds: Dataset, numeric_id_rows: dict[str, pl.Series] | None = None) -> pl.DataFrame:
    """`raw` holds String columns named by catalog column (absent ones are added as null).

    Returns the typed catalog columns plus, per column, a BAD flag (value present but not
    parseable) and for code columns a MANGLED flag (number mangled by Excel)."""
    missing = [c.name for c in ds.columns if c.name not in raw.columns]
    frame = raw.with_columns([pl.lit(None, pl.String).alias(n) for n in missing])
    needs = _profile(raw, ds)
    cleaned = frame.with_columns([_clean(c, ds, needs[c.name]).alias(c.name) for c in ds.columns])
    outputs: list[pl.Expr] = []
    for col in ds.columns:
        value = pl.col(col.name)
        if col.type in ("int", "decimal"):
            number = _number(col, value, needs[col.name])
            if col.type == "int":
                whole = number.round(0) == number
                typed = pl.when(whole).then(number).cast(pl.Int64, strict=False)
            else:
                typed = number
        elif col.type == "date":
            typed = _date(value)
        elif col.type == "period":
            typed = _period(value)
        elif ("id_card" in col.checks or "credit_code" in col.checks) and needs[col.name]["lower"]:
            typed = value.str.to_uppercase()
        else:
            typed = value
        outputs.append(typed.alias(col.name))
        outputs.append((value.is_not_null() & typed.is_null()).alias(BAD + col.name))
        if is_code(col, ds):
            flag = _mangled(col, value, needs[col.name])
            if numeric_id_rows and col.name in numeric_id_rows:
                flag = flag | pl.col("__row").is_in(numeric_id_rows[col.name].implode())
            outputs.append(flag.alias(MANGLED + col.name))
    keep = [c for c in cleaned.columns if c not in ds.column_names]
    return cleaned.select([*[pl.col(c) for c in keep], *outputs])
