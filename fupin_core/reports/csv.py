"""Any polars frame as CSV bytes that Chinese Excel and WPS open correctly (UTF-8 with BOM).

Excel runs a CSV cell starting with =, +, -, @ (or a tab/CR) as a formula, so such text cells get
a leading apostrophe (OWASP's advice for CSV injection); numbers are written as numbers.
"""

from __future__ import annotations

import polars as pl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def is_risky(text: str) -> bool:
    """Would Excel/WPS take this cell text for a formula?"""
    return text.startswith(FORMULA_STARTS)


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    text_columns = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]")).then(pl.concat_str(pl.lit("'"), pl.col(c))).otherwise(pl.col(c)).alias(c)
        for c in text_columns
    )


def _plain_floats(frame: pl.DataFrame) -> pl.DataFrame:
    """1921.0 -> 1921 (whole numbers read as counts); other floats as they are."""
    return frame.with_columns(pl.col(c).cast(pl.String).str.replace(r"\.0$", "").alias(c) for c, t in frame.schema.items() if t.is_float())


def csv_bytes(frame: pl.DataFrame) -> bytes:
    return (BOM + _plain_floats(neutralise(frame)).write_csv()).encode("utf-8")
