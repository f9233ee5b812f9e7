"""Headers of a file -> catalog columns: exact headers, the catalog's synonyms, and mappings made by hand.

A mapping made by hand can be saved under a source name (the cooperative or township that sends
the file) and is applied again to the next file from the same source.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb

from fupin_core.catalog import Dataset
from fupin_core.storage.store import WRITE_LOCK

# Headers that are never data: silently ignored (序号 columns, our own fix-list columns).
IGNORED_HEADERS = frozenset({"序号", "编号序号", "行号", "原行号", "问题说明", "备注", "说明"})
IGNORE = ""  # a manual mapping to this value means "ignore the column"

_UNIT_SUFFIX = re.compile(r"\([^()]*\)$")


def clean_header(text: str | None) -> str:
    """Header text compared without spaces, line breaks, full-width forms or required-field stars."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"\s+", "", text)
    return text.strip("*:：")


@lru_cache(maxsize=64)
def header_lookup(ds: Dataset) -> tuple[dict[str, str], set[str]]:
    """(clean header -> column name, the set of exact headers). Ambiguous variants are left out."""
    exact = {clean_header(c.header): c.name for c in ds.columns}
    variants: dict[str, set[str]] = {}
    for col in ds.columns:
        names = [*col.synonyms, _UNIT_SUFFIX.sub("", clean_header(col.header))]
        for name in names:
            variants.setdefault(clean_header(name), set()).add(col.name)
    lookup = {text: next(iter(cols)) for text, cols in variants.items() if len(cols) == 1 and text not in exact}
    lookup.update(exact)
    return lookup, set(exact)


@dataclass(frozen=True)
class Mapping:
    """Which column of the file (0-based index) holds which catalog column."""

    columns: dict[int, str]  # file column -> catalog column name
    headers: dict[int, str]  # file column -> header text as written in the file
    unknown: tuple[int, ...] = ()  # file columns with a header that maps to nothing
    missing: tuple[str, ...] = ()  # required catalog columns that no file column holds
    conflicts: tuple[tuple[str, tuple[int, ...]], ...] = ()  # one catalog column claimed by several file columns
    manual: dict[str, str] = field(default_factory=dict)  # the manual choices applied (clean header -> column)

    @property
    def by_column(self) -> dict[str, int]:
        return {name: index for index, name in self.columns.items()}

    def header_of(self, ds: Dataset, column: str) -> str:
        index = self.by_column.get(column)
        return self.headers[index] if index is not None else ds.header_of(column)


def auto_map(headers: list[str | None], ds: Dataset, manual: dict[str, str] | None = None) -> Mapping:
    """Map a header row. `manual` (clean header -> column name, or IGNORE) overrides the catalog."""
    manual = {clean_header(k): v for k, v in (manual or {}).items()}
    lookup, exact = header_lookup(ds)
    claims: dict[str, list[int]] = {}
    shown: dict[int, str] = {}
    unknown = []
    for index, raw in enumerate(headers):
        text = clean_header(raw)
        if not text:
            continue
        shown[index] = str(raw).strip()
        if text in manual:
            if manual[text] != IGNORE:
                claims.setdefault(manual[text], []).append(index)
            continue
        if text in lookup:
            claims.setdefault(lookup[text], []).append(index)
        elif text not in IGNORED_HEADERS:
            unknown.append(index)
    columns: dict[int, str] = {}
    conflicts = []
    for name, indexes in claims.items():
        if len(indexes) > 1:
            # The exact header wins over synonyms; otherwise the user has to choose.
            exact_ones = [i for i in indexes if clean_header(headers[i]) in exact or clean_header(headers[i]) in manual]
            if len(exact_ones) == 1:
                indexes = exact_ones
            else:
                conflicts.append((name, tuple(indexes)))
                continue
        columns[indexes[0]] = name
    held = set(columns.values()) | {name for name, _ in conflicts}
    missing = tuple(c.name for c in ds.columns if c.required and c.name not in held)
    return Mapping(columns, shown, tuple(unknown), missing, tuple(conflicts), manual)


def match_count(cells: list[str | None], ds: Dataset) -> int:
    """How many distinct catalog columns a row's cells name (to recognise the header row)."""
    lookup, _ = header_lookup(ds)
    return len({lookup[t] for t in (clean_header(c) for c in cells) if t in lookup})


# --- saved mappings (table header_mappings, migration 3) --------------------------------------


def save_mapping(con: duckdb.DuckDBPyConnection, source: str, ds: Dataset, manual: dict[str, str], *, user: str) -> None:
    """Replace the saved mapping of (source, dataset) with `manual`."""
    source = source.strip()
    if not source:
        raise ValueError("请填写来源名称（例如报送单位），以便下次选用")
    with WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM header_mappings WHERE source = ? AND dataset = ?", [source, ds.key])
            for header, column in manual.items():
                con.execute(
                    "INSERT INTO header_mappings VALUES (?, ?, ?, ?, ?, current_timestamp)",
                    [source, ds.key, clean_header(header), column, user],
                )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise


def load_mapping(con: duckdb.DuckDBPyConnection, source: str, dataset_key: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT header, column_name FROM header_mappings WHERE source = ? AND dataset = ? ORDER BY header",
        [source, dataset_key],
    ).fetchall()
    return dict(rows)


def saved_sources(con: duckdb.DuckDBPyConnection, dataset_key: str) -> list[str]:
    rows = con.execute("SELECT DISTINCT source FROM header_mappings WHERE dataset = ? ORDER BY source", [dataset_key]).fetchall()
    return [r[0] for r in rows]
