"""The projects and villages of a scope as bound lists, so a query filters a fact table on its own
key column (issue 18, PostgreSQL at province scale).

A 镇办 or village filter reaches funds, outputs, stages and assets through a join with projects or
villages. Embedded DuckDB reads only the columns it needs either way; attached to PostgreSQL, DuckDB
pushes a filter down only when it compares a table's own column with constants, so such a join
streams the whole fact table over the wire on every open (project_stages: 266,000 rows at scale 100
for the 26 projects of one 镇办). An `IN (?, …)` list on the fact table's own key column is pushed
down and is equivalent to the join filter, so every query that uses one keeps its join filter too.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import duckdb

from fupin_core.scope import Scope

T = TypeVar("T")
_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("scope_keys_memo", default=None)


@contextlib.contextmanager
def shared() -> Iterator[None]:
    """Within this block each scope's lists, and the summaries' version lookups, are read once (around
    work that reads one data version: one indicator registry, a trend over the years, a ranking of
    places). Nested blocks share the outermost one's memory."""
    token = _memo.set({} if _memo.get() is None else _memo.get())
    try:
        yield
    finally:
        _memo.reset(token)


def once(con: duckdb.DuckDBPyConnection, key: tuple, compute: Callable[[], T]) -> T:
    """`compute()` once per connection and `key` within a `shared()` block (every call outside one).
    Also used by metrics.summaries for its version lookups: on PostgreSQL each costs a round trip, and
    a ranking asks for them once per place."""
    memo = _memo.get()
    if memo is None:
        return compute()
    full = (con, *key)  # the object itself (hashed by identity): kept alive, its id never reused meanwhile
    if full not in memo:
        memo[full] = compute()
    return memo[full]


def _codes(con: duckdb.DuckDBPyConnection, scope: Scope, kind: str) -> list[str]:
    return once(con, ("scope", scope.townships, scope.village, kind), lambda: _read_codes(con, scope, kind))


def _read_codes(con: duckdb.DuckDBPyConnection, scope: Scope, kind: str) -> list[str]:
    if kind == "project_villages":
        cond, params = scope.where("township_code", "village_code")
        sql = f"SELECT DISTINCT village_code FROM projects WHERE village_code IS NOT NULL {cond} ORDER BY village_code"
    elif kind == "projects":
        cond, params = scope.where("township_code", "village_code")
        sql = f"SELECT project_id FROM projects WHERE TRUE {cond} ORDER BY project_id"
    else:
        cond, params = scope.where("township_code", "village_code")
        sql = f"SELECT village_code FROM villages WHERE TRUE {cond} ORDER BY village_code"
    return [r[0] for r in con.execute(sql, params).fetchall()]


def _in(column: str, codes: list[str]) -> tuple[str, list]:
    if not codes:
        return " AND FALSE", []
    return f" AND {column} IN ({', '.join('?' for _ in codes)})", codes


def projects_in(con: duckdb.DuckDBPyConnection, scope: Scope, column: str) -> tuple[str, list]:
    """(' AND column IN (?, …)', the ids of the projects placed in the scope), or ('', []) for the
    whole district. `column` comes from the calling query, never from user input."""
    if scope.townships is None and scope.village is None:
        return "", []
    return _in(column, _codes(con, scope, "projects"))


def villages_in(con: duckdb.DuckDBPyConnection, scope: Scope, column: str) -> tuple[str, list]:
    """Like projects_in, the codes of the villages in the scope."""
    if scope.townships is None and scope.village is None:
        return "", []
    return _in(column, _codes(con, scope, "villages"))


@dataclass(frozen=True)
class AssetRefs:
    """What the assets standing in a scope's villages join: their ids, the projects that made them and
    the villages owning them (确权到村集体), wherever those lie. Read at each asset query, not kept for
    a block: a LEFT JOIN bound to a list read before a commit would join a new asset's project as
    missing, where a stale list on the queried table would only leave the row out."""

    assets: list[str]
    projects: list[str]
    owners: list[str]

    def assets_in(self, column: str) -> tuple[str, list]:
        return _in(column, self.assets)

    def projects_in(self, column: str) -> tuple[str, list]:
        return _in(column, self.projects)

    def owners_in(self, column: str) -> tuple[str, list]:
        return _in(column, self.owners)


def asset_refs(con: duckdb.DuckDBPyConnection, scope: Scope) -> AssetRefs | None:
    """The scope's AssetRefs; None for the whole district (nothing to bind)."""
    if scope.townships is None and scope.village is None:
        return None
    keys, params = villages_in(con, scope, "village_code")
    rows = con.execute(f"SELECT asset_id, project_id, owner_village_code FROM assets WHERE TRUE {keys}", params).fetchall()
    return AssetRefs(
        sorted({a for a, _, _ in rows}), sorted({p for _, p, _ in rows if p is not None}), sorted({o for _, _, o in rows if o is not None})
    )


def project_villages_in(con: duckdb.DuckDBPyConnection, scope: Scope, column: str) -> tuple[str, list]:
    """Like villages_in, the villages the scope's projects name (a project placed in a 镇办 may name a
    village that belongs, or since a 区划调整 belongs, to another): for the village a project query joins."""
    if scope.townships is None and scope.village is None:
        return "", []
    return _in(column, _codes(con, scope, "project_villages"))
