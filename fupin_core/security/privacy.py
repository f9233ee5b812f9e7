"""Masking of personal ID numbers (居民身份证号) for pages, exports, logs and the audit log.

A masked number keeps the 6-digit area code and the last 4 characters: 611002********123X. Which
columns hold ID numbers comes from the catalog (columns checked as "id_card").
"""

from __future__ import annotations

import re

import polars as pl

from fupin_core.catalog import DATASETS

MASK = "*"
# 18-digit numbers (last may be X) and the old 15-digit ones, not inside a longer run of digits.
_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")

ID_COLUMNS: frozenset[str] = frozenset(
    name for ds in DATASETS for col in ds.columns if "id_card" in col.checks for name in (col.name, col.header)
)


def mask_id_number(value: str | None) -> str | None:
    """611002199001011234 -> 611002********1234; short or empty values are masked entirely."""
    if value is None:
        return None
    text = str(value).strip()
    if len(text) < 11:
        return MASK * len(text)
    return text[:6] + MASK * (len(text) - 10) + text[-4:]


def mask_text(text: str | None) -> str | None:
    """Mask every ID number inside free text (audit details, log lines, error messages)."""
    if text is None:
        return None
    return _ID_PATTERN.sub(lambda m: mask_id_number(m.group(1)), str(text))


def mask_frame(frame: pl.DataFrame, columns: frozenset[str] | set[str] = ID_COLUMNS) -> pl.DataFrame:
    """`frame` with every ID-number column (stored name or Chinese header) masked."""
    present = [c for c in frame.columns if c in columns]
    if not present:
        return frame
    return frame.with_columns(_masked(pl.col(c).cast(pl.Utf8).str.strip_chars()).alias(c) for c in present)


def _masked(text: pl.Expr) -> pl.Expr:
    """Vectorised mask_id_number (same result, no Python call per row)."""
    length = text.str.len_chars()
    middle = text.str.slice(6, length - 10).str.replace_all(".", MASK, literal=False)
    return (
        pl.when(length >= 11)
        .then(pl.concat_str(text.str.slice(0, 6), middle, text.str.slice(-4)))
        .otherwise(text.str.replace_all(".", MASK, literal=False))
    )


# Columns of free text that may quote an ID number (file names such as 611002198001010037_测试.csv).
FILE_NAME_COLUMNS: frozenset[str] = frozenset({"文件", "文件名", "file_name"})


def mask_text_columns(frame: pl.DataFrame, columns: frozenset[str] | set[str] = FILE_NAME_COLUMNS) -> pl.DataFrame:
    """`frame` with every ID number inside the text of `columns` masked (mask_text per cell)."""
    present = [c for c in frame.columns if c in columns and frame.schema[c] == pl.String]
    if not present:
        return frame
    return frame.with_columns(pl.col(c).map_elements(mask_text, return_dtype=pl.String).alias(c) for c in present)
