"""Per-village summaries of the household pass, kept once per data version and year (issue 18).

Several pages aggregate the same per-household figures of a year over the whole household table:
whether a household has a linkage of Y, its linked income (收益金额 > 0), its reported total income
against the poverty line, its labour capacity. At province scale that pass costs seconds, so it is
done once per data version (store.data_version: changes with every commit or rollback) and year, and
its per-village counts are stored in `summary_village_year` (migration 10) for every session, process
and replica to read. A 镇办 or village scope is a sum over those rows.

The summary is an implementation detail behind fupin_core.metrics (overview.household_kpis,
township_breakdown, the coverage gap per village, linkage.summary / income_by_township /
income_bands): the indicator registry still defines every figure, and each function keeps its
computation from the rows, used when no summary can be had (a read-only connection, a store from
before migration 10, a poverty line other than the year's) and compared with the summary by
tests/metrics/test_summaries.py after random uploads and rollbacks.

Built lazily: the first call for a year after a change builds it (one pass, the cost the first page
used to pay on every process and for every scope), inside one transaction that also takes the
store's write turn, so replicas on one PostgreSQL never build the same rows twice.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator

import duckdb

from fupin_core.catalog import WORKING_CAPACITIES
from fupin_core.metrics import scope_keys
from fupin_core.metrics.poverty_line import poverty_line
from fupin_core.security import row_places
from fupin_core.storage import db
from fupin_core.storage.summary_tables import (
    ASSET_TABLE,
    ASSET_TABLE_MIGRATION,
    BAND_SHARES,
    BANDS,
    BATCH_TABLE,
    BATCH_TABLE_MIGRATION,
    CATEGORY_TABLE,
    ROW_TABLES,
    STATE_TABLE,
    TABLE,
)
from fupin_core.storage.writes import write

# Rows of an older data version stay this long after a newer one is built, so a reader that checked
# the older version a moment before still finds its rows.
STALE_GRACE_SECONDS = 300

logger = logging.getLogger(__name__)
_disabled = contextvars.ContextVar("summaries_disabled", default=False)


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Compute every figure from the rows inside this block (the reference the tests compare with)."""
    token = _disabled.set(True)
    try:
        yield
    finally:
        _disabled.reset(token)


def band_bounds(line: float) -> list[float]:
    return [round(line * share, 2) for share in BAND_SHARES]


# Per household of year Y (parameters: Y, Y): `lk`, its linkages (any, and income > 0) and `inc`, its
# reported income. One text for the summary and for the computation from the rows (overview), so the
# two cannot drift apart.
HOUSEHOLD_YEAR_CTES = """lk AS (
            SELECT household_id, bool_or(income_yuan > 0) AS earned, sum(income_yuan) FILTER (WHERE income_yuan > 0) AS income
            FROM linkages WHERE year = ? GROUP BY household_id
        ),
        inc AS (
            SELECT household_id, labourers, employed_labourers,
                   coalesce(wage_income_yuan, 0) + coalesce(business_income_yuan, 0)
                   + coalesce(property_income_yuan, 0) + coalesce(transfer_income_yuan, 0) AS total_income
            FROM household_income WHERE year = ?
        )"""


def _build_sql() -> str:
    working = ", ".join("?" for _ in WORKING_CAPACITIES)
    band = " ".join(f"WHEN linked_per_person < ? THEN {i}" for i in range(BANDS - 1))
    bands = ", ".join(f"count(*) FILTER (WHERE earned AND band = {i})" for i in range(BANDS))
    band_people = ", ".join(f"coalesce(sum(family_size) FILTER (WHERE earned AND band = {i}), 0)" for i in range(BANDS))
    # The same expressions as overview.household_kpis and linkage._households_income_sql.
    return f"""
        INSERT INTO {TABLE}
        WITH {HOUSEHOLD_YEAR_CTES},
        hh AS (
            SELECT v.township_code, h.village_code, h.family_size, h.exit_year, h.identified_year <= ? AS registered,
                   h.labour_capacity IN ({working}) AS capable, h.labour_capacity IS NULL AS labour_unknown,
                   lk.household_id IS NOT NULL AS supported, coalesce(lk.earned, FALSE) AS earned, lk.income,
                   inc.household_id IS NOT NULL AS income_reported, inc.labourers, inc.employed_labourers,
                   CASE WHEN h.family_size > 0 THEN inc.total_income / h.family_size END AS income_per_person,
                   CASE WHEN h.family_size > 0 THEN CAST(lk.income AS DOUBLE) / h.family_size END AS linked_per_person
            FROM households AS h
            JOIN villages AS v ON v.village_code = h.village_code
            LEFT JOIN lk ON lk.household_id = h.household_id
            LEFT JOIN inc ON inc.household_id = h.household_id
        ),
        banded AS (SELECT *, CASE {band} ELSE {BANDS - 1} END AS band FROM hh)
        SELECT ?, ?, ?, ?, township_code, village_code,
            count(*) FILTER (WHERE registered),
            coalesce(sum(family_size) FILTER (WHERE registered), 0),
            count(*) FILTER (WHERE exit_year <= ?),
            coalesce(sum(family_size) FILTER (WHERE exit_year <= ?), 0),
            count(*) FILTER (WHERE exit_year = ?),
            coalesce(sum(family_size) FILTER (WHERE exit_year = ?), 0),
            count(*) FILTER (WHERE registered AND (exit_year IS NULL OR exit_year > ?)),
            coalesce(sum(family_size) FILTER (WHERE registered AND (exit_year IS NULL OR exit_year > ?)), 0),
            count(*) FILTER (WHERE registered AND capable),
            coalesce(sum(family_size) FILTER (WHERE registered AND capable), 0),
            count(*) FILTER (WHERE registered AND capable AND supported),
            coalesce(sum(family_size) FILTER (WHERE registered AND capable AND supported), 0),
            count(*) FILTER (WHERE registered AND labour_unknown),
            count(*) FILTER (WHERE supported),
            count(*) FILTER (WHERE earned),
            coalesce(sum(family_size) FILTER (WHERE earned), 0),
            count(*) FILTER (WHERE registered AND income_reported),
            count(*) FILTER (WHERE registered AND income_reported AND family_size > 0),
            count(*) FILTER (WHERE registered AND income_per_person < ?),
            count(*) FILTER (WHERE registered AND exit_year <= ? AND income_per_person < ?),
            {bands}, {band_people},
            coalesce(sum(income) FILTER (WHERE earned), 0),
            sum(labourers) FILTER (WHERE registered),
            sum(employed_labourers) FILTER (WHERE registered)
        FROM banded
        GROUP BY township_code, village_code
    """


def _build_params(version: tuple, year: int, line: float) -> list:
    y = year
    return [y, y, y, *WORKING_CAPACITIES, *band_bounds(line), *version, y, y, y, y, y, y, y, line, y, line]


# The linkage breakdowns kept per village (metrics.pivot.aggregate with one of these dimensions reads
# them): dimension name -> (the linkage or project column it labels by, as pivot.DIMENSIONS does, and
# the 联结方式 it is limited to). Households count once per (village, category); a household lives in
# one village, so the counts of a 镇办 or the district are sums of village rows, exactly.
CATEGORY_DIMENSIONS: dict[str, tuple[str, str | None]] = {
    "联结方式": ("mechanism", None),
    "产业": ("industry", None),
    "细分类型": ("sub_type", "公益岗位"),
}


def category_dimension(name: str, equals: dict[str, str] | None) -> str | None:
    """The summarised dimension that answers a one-dimension breakdown, or None."""
    if name not in CATEGORY_DIMENSIONS:
        return None
    only = CATEGORY_DIMENSIONS[name][1]
    return name if (equals or {}) == ({"联结方式": only} if only else {}) else None


def _category_build(version: tuple, year: int) -> tuple[str, list]:
    cells, params = [], [year]
    for name, (column, only) in CATEGORY_DIMENSIONS.items():
        cells.append(
            "SELECT township_code, village_code, household_id, family_size, income_yuan, ? AS dimension, "
            f"{column} AS category FROM base" + (" WHERE mechanism = ?" if only else "")
        )
        params += [name, only] if only else [name]
    sql = f"""
        INSERT INTO {CATEGORY_TABLE}
        WITH base AS (
            SELECT v.township_code, h.village_code, l.household_id, h.family_size, l.income_yuan, l.mechanism, l.sub_type, p.industry
            FROM linkages AS l
            JOIN households AS h ON h.household_id = l.household_id
            JOIN villages AS v ON v.village_code = h.village_code
            JOIN townships AS t ON t.township_code = v.township_code
            LEFT JOIN projects AS p ON p.project_id = l.project_id
            WHERE l.income_yuan > 0 AND l.year = ?
        ),
        cells AS ({" UNION ALL ".join(cells)}),
        per_household AS (
            SELECT township_code, village_code, dimension, category, household_id,
                   max(family_size) AS family_size, sum(income_yuan) AS income, count(*) AS n
            FROM cells GROUP BY township_code, village_code, dimension, category, household_id
        )
        SELECT ?, ?, ?, ?, township_code, village_code, dimension, category,
               count(*), coalesce(sum(family_size), 0), coalesce(sum(income), 0), sum(n)
        FROM per_household
        GROUP BY township_code, village_code, dimension, category
    """
    return sql, [*params, *version, year]


# Per asset of year Y (parameter: Y): the linkages with income that cite it. One text for the summary
# and for the computation from the rows (assets.reconciliation).
ASSET_REACHED_SQL = """SELECT asset_id, sum(income_yuan) AS reached, count(DISTINCT household_id) AS households
            FROM linkages WHERE year = ? AND income_yuan > 0 AND asset_id IS NOT NULL GROUP BY asset_id"""


def _asset_build(version: tuple, year: int) -> tuple[str, list]:
    return f"INSERT INTO {ASSET_TABLE} SELECT ?, ?, ?, ?, asset_id, reached, households FROM ({ASSET_REACHED_SQL})", [*version, year, year]


# 来源 (metrics.provenance) of a 镇办: the current rows of these datasets per batch and 镇办. They are
# the household-sized ones, placed through households and villages; the others place cheaply.
PROVENANCE_DATASETS = ("households", "linkages", "household_income")


def _batch_build(version: tuple, year: int, dataset_key: str) -> tuple[str, list]:
    source, township = row_places.current_rows_with_township(dataset_key)
    sql = f"""INSERT INTO {BATCH_TABLE}
              SELECT ?, ?, ?, ?, ?, t.batch_id, {township}, count(*) FROM {source} GROUP BY t.batch_id, {township}"""
    return sql, [*version, year, dataset_key]


def _version(con: duckdb.DuckDBPyConnection) -> tuple:
    from fupin_core.storage.store import data_version  # store imports catalog only; late to keep metrics light

    return tuple(int(v) for v in data_version(con))


def _state(con: duckdb.DuckDBPyConnection, version: tuple, year: int):
    return con.execute(
        f"SELECT line_yuan FROM {STATE_TABLE} WHERE v_count = ? AND v_max = ? AND v_rolled = ? AND year = ?", [*version, year]
    ).fetchone()


# State `o` was replaced a while ago: another version's summary was built after it, at least
# STALE_GRACE_SECONDS ago (bound: the seconds). Counted from the replacement, not from o's own build:
# a reader that looked up o just before a commit (a trend or a ranking reads one version throughout)
# still finds its rows for that long.
_REPLACED = f"""EXISTS (SELECT 1 FROM {STATE_TABLE} AS n
                        WHERE NOT (n.v_count = o.v_count AND n.v_max = o.v_max AND n.v_rolled = o.v_rolled)
                          AND n.built_at > o.built_at AND n.built_at < current_timestamp - to_seconds(?))"""


def _build(con: duckdb.DuckDBPyConnection, year: int) -> None:
    """Build the rows of `year` at the current data version (if nobody has), in one transaction that
    holds the store's write turn; drop rows of older versions built a while ago."""
    from fupin_core.storage.store import _take_write_turn

    def attempt(_tx) -> None:  # one transaction (storage.writes), retried from the start on a write conflict
        _take_write_turn(cur)
        version = _version(cur)
        if _state(cur, version, year) is None:
            line = poverty_line(cur, year)[0]
            for table in ROW_TABLES:
                cur.execute(
                    f"""DELETE FROM {table} AS s WHERE EXISTS (
                            SELECT 1 FROM {STATE_TABLE} AS o
                            WHERE o.v_count = s.v_count AND o.v_max = s.v_max AND o.v_rolled = s.v_rolled
                              AND NOT (o.v_count = ? AND o.v_max = ? AND o.v_rolled = ?) AND {_REPLACED})""",
                    [*version, STALE_GRACE_SECONDS],
                )
            cur.execute(
                f"DELETE FROM {STATE_TABLE} AS o WHERE NOT (o.v_count = ? AND o.v_max = ? AND o.v_rolled = ?) AND {_REPLACED}",
                [*version, STALE_GRACE_SECONDS],
            )
            cur.execute(_build_sql(), _build_params(version, year, line))
            cur.execute(*_category_build(version, year))
            cur.execute(*_asset_build(version, year))
            for dataset_key in PROVENANCE_DATASETS:
                cur.execute(*_batch_build(version, year, dataset_key))
            cur.execute(f"INSERT INTO {STATE_TABLE} VALUES (?, ?, ?, ?, ?, current_timestamp)", [*version, year, line])

    # A cursor of its own: a transaction of its own, whatever the caller's connection is in the middle of.
    cur = con.cursor()
    try:
        write(cur, attempt)
    finally:
        cur.close()


# The tables a summary is built from. A cursor on which one of them is a temporary table (the
# approved-only figures of security.rounds.approved_cursor) reads other rows than the summary holds.
SOURCE_TABLES = ("households", "villages", "linkages", "household_income")
CATEGORY_SOURCE_TABLES = ("households", "villages", "townships", "linkages", "projects")
ASSET_SOURCE_TABLES = ("linkages",)
BATCH_SOURCE_TABLES = ("households", "villages", "linkages", "household_income")


def shadowed(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] = SOURCE_TABLES) -> bool:
    # Once per connection within a scope_keys.shared() block: duckdb_tables() lists PostgreSQL's whole
    # catalog (~5 ms a call, several per page), and a cursor's temporary tables are made when it is.
    def ask() -> bool:
        marks = ", ".join("?" for _ in tables)
        sql = f"SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name IN ({marks})"
        return bool(con.execute(sql, list(tables)).fetchone()[0])

    return scope_keys.once(con, ("shadowed", tables), ask)


def _migrated(con: duckdb.DuckDBPyConnection, version: int) -> bool:
    # Asked of the migrations table, not by a failing read (a failed statement would end a caller's
    # transaction) nor of duckdb_tables() (which lists PostgreSQL's whole catalog: ~10 ms a call).
    return bool(con.execute("SELECT count(*) FROM schema_migrations WHERE version = ?", [version]).fetchone()[0])


def relation(con: duckdb.DuckDBPyConnection, year: int, line: float) -> tuple[str, list] | None:
    """A FROM item (SQL, parameters) with the summary rows of `year` at the current data version,
    built first if needed; None when no summary can be used (the caller computes from the rows):
    a read-only or busy connection, a store from before migration 10, `line` not the year's line, or
    a cursor that reads the approved state of some source table instead of the stored one.
    Looked up once per connection, year and line within a scope_keys.shared() block."""
    if _disabled.get():
        return None
    return scope_keys.once(con, ("summary", int(year), float(line)), lambda: _relation(con, year, line))


def _relation(con: duckdb.DuckDBPyConnection, year: int, line: float) -> tuple[str, list] | None:
    year = int(year)
    try:
        if shadowed(con):
            return None
        version = _version(con)
        state = _state(con, version, year)
    except duckdb.Error:  # no summary tables yet (not migrated), or no batches table
        return None
    if state is None:
        try:
            _build(con, year)
        except duckdb.Error as exc:  # read-only store, inside someone's transaction, lost a write race
            logger.info("未能生成 %s 年度汇总（改为按明细计算）：%s", year, str(exc).splitlines()[0] if str(exc) else exc)
            return None
        try:
            version = _version(con)
            state = _state(con, version, year)
        except duckdb.Error:
            return None
        if state is None:  # a commit came between the build and this read: the rows, this once
            return None
    if float(state[0]) != float(line):
        return None
    return f"(SELECT * FROM {TABLE} WHERE v_count = ? AND v_max = ? AND v_rolled = ? AND year = ?)", [*version, year]


def _companion(con, year: int, table: str, columns: str, sources: tuple[str, ...], migration: int | None) -> tuple[str, list] | None:
    """The rows of `table` (built with the household summary of `year`, same version) as a FROM item,
    or None when the caller must compute from the rows: a cursor that shadows one of `sources`, a
    store from before `migration`, or no household summary to be had."""
    if _disabled.get():
        return None
    try:
        usable = scope_keys.once(
            con, ("companion", table), lambda: not shadowed(con, sources) and (migration is None or _migrated(con, migration))
        )
    except duckdb.Error:
        return None
    source = relation_of_year(con, year) if usable else None
    if source is None:
        return None
    return f"(SELECT {columns} FROM {table} WHERE v_count = ? AND v_max = ? AND v_rolled = ? AND year = ?)", source[1]


def category_relation(con: duckdb.DuckDBPyConnection, year: int) -> tuple[str, list] | None:
    """Like `relation`, the per-category rows of `year` (columns township_code, village_code, dimension,
    category, households, people, income, links); None when the caller must compute from the rows."""
    return _companion(con, year, CATEGORY_TABLE, "*", CATEGORY_SOURCE_TABLES, None)


def asset_relation(con: duckdb.DuckDBPyConnection, year: int) -> tuple[str, list] | None:
    """Like `relation`, the per-asset rows of `year` (columns asset_id, reached, households: the
    year's linkages with income that cite the asset); None when the caller must compute from the rows."""
    return _companion(con, year, ASSET_TABLE, "asset_id, reached, households", ASSET_SOURCE_TABLES, ASSET_TABLE_MIGRATION)


def batch_relation(con: duckdb.DuckDBPyConnection, year: int) -> tuple[str, list] | None:
    """Like `relation`, the per-batch, per-镇办 row counts (columns dataset, batch_id, township_code,
    rows) at the current data version, kept with the summary of `year`; None when the caller must
    count the rows."""
    columns = "dataset, batch_id, township_code, rows"
    return _companion(con, year, BATCH_TABLE, columns, BATCH_SOURCE_TABLES, BATCH_TABLE_MIGRATION)


def relation_of_year(con: duckdb.DuckDBPyConnection, year: int) -> tuple[str, list] | None:
    """`relation` for a figure that does not depend on the poverty line (the year's line is used)."""

    try:
        line = poverty_line(con, year)[0]
    except duckdb.Error:
        return None
    return relation(con, year, line)


# Keys bound as an IN list so that PostgreSQL reads the matching rows by index: beyond this many, binding
# and planning the list costs more than it saves (484 villages, ~50,000 households: 1.1 s on DuckDB), and
# the query reads by its village filter instead.
MAX_BOUND_KEYS = 5_000
# On PostgreSQL the other way streams the year's rows of every such village over the wire, so binding
# more pays: 脱贫不达标 of a province's first page, 19,149 households bound, 1.7 s → 0.75 s (on DuckDB
# the same list took 0.06 s read by villages and 0.23 s bound).
MAX_BOUND_KEYS_POSTGRES = 25_000


def bound_keys_cap(con: duckdb.DuckDBPyConnection) -> int:
    return MAX_BOUND_KEYS_POSTGRES if db.backend_of(con) == "postgres" else MAX_BOUND_KEYS


def candidate_households(
    con: duckdb.DuckDBPyConnection, villages: list[str], year: int, condition: str = "TRUE", params: tuple = ()
) -> list[str] | None:
    """The households of a list's first villages registered by `year` that meet `condition` (SQL over
    the households table, with `params`), to bind as an IN list; None when there are more than
    bound_keys_cap (the query then reads by its villages)."""
    if not villages:
        return []
    marks, cap = ", ".join("?" for _ in villages), bound_keys_cap(con)
    rows = con.execute(
        f"SELECT household_id FROM households WHERE village_code IN ({marks}) AND identified_year <= ? AND {condition} LIMIT ?",
        [*villages, year, *params, cap + 1],
    ).fetchall()
    return [r[0] for r in rows] if len(rows) <= cap else None


def first_villages(
    con: duckdb.DuckDBPyConnection,
    source: tuple[str, list],
    counted: str,
    scope_cond: tuple[str, list],
    limit: int,
    reported_only: bool = False,
) -> list[str]:
    """The villages, in (镇办, 村) code order, that hold the first `limit` rows of a household list
    ordered by 镇办, 村 and 户编号, from the list's count per village (`counted`, an expression of
    the summary's columns): a list's first page then reads those villages only. `reported_only`:
    only 镇办 that reported linkages for the year (the coverage gap)."""
    relation, params = source
    cond, scope_params = scope_cond
    reported = (
        "AND s.township_code IN (SELECT township_code FROM summary GROUP BY township_code HAVING sum(supported) > 0)"
        if reported_only
        else ""
    )
    rows = con.execute(
        f"""WITH summary AS {relation},
            counted AS (
                SELECT s.township_code, s.village_code, {counted} AS n
                FROM summary AS s JOIN townships AS t ON t.township_code = s.township_code
                WHERE {counted} > 0 {reported} {cond}
            ),
            running AS (
                SELECT village_code, sum(n) OVER (ORDER BY township_code, village_code ROWS UNBOUNDED PRECEDING) - n AS before
                FROM counted
            )
            SELECT village_code FROM running WHERE before < ? ORDER BY village_code""",
        [*params, *scope_params, limit],
    ).fetchall()
    return [r[0] for r in rows]
