"""区级审核锁定: after review an administrator locks a year for one 镇办 or the whole district.

Imports and rollbacks touching a locked period are refused (check_unlocked). Unlocking keeps the
lock row (unlocked_by / unlocked_at) and writes an audit entry, so every lock and unlock is on record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import polars as pl

from fupin_core.security import audit
from fupin_core.storage.store import WRITE_LOCK

DISTRICT = None  # township_code of a whole-district lock


class PeriodLocked(PermissionError):
    """The period is locked after review (message in Chinese)."""


def _require_lock_permission(actor) -> None:
    from fupin_core.security import access  # access imports auth, which imports audit; keep this module light

    access.require(actor, "lock")


def _township_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT township_code, township_name FROM townships").fetchall())


def _place(con: duckdb.DuckDBPyConnection, township: str | None) -> str:
    return "全区" if township is None else _township_names(con).get(township, township)


def _active(con: duckdb.DuckDBPyConnection, year: int, township: str | None):
    sql = "SELECT locked_by, locked_at FROM period_locks WHERE unlocked_at IS NULL AND year = ? AND township_code IS NOT DISTINCT FROM ?"
    return con.execute(sql, [int(year), township]).fetchone()


def lock(con: duckdb.DuckDBPyConnection, actor, year: int, township: str | None = DISTRICT, *, now: dt.datetime | None = None) -> None:
    """Lock `year` for `township` (None = the whole district). Only roles allowed to "lock"."""
    _require_lock_permission(actor)
    place = _place(con, township)
    at = now or dt.datetime.now()
    with WRITE_LOCK:
        if _active(con, year, township):
            raise ValueError(f"{year}年{place}已经锁定，无需重复锁定")
        con.execute("INSERT INTO period_locks VALUES (?, ?, ?, ?, NULL, NULL)", [int(year), township, actor.username, at])
        audit.record(con, actor.username, "lock", f"{year}年 {place}", "区级审核锁定", now=at)


def unlock(con: duckdb.DuckDBPyConnection, actor, year: int, township: str | None = DISTRICT, *, now: dt.datetime | None = None) -> None:
    _require_lock_permission(actor)
    place = _place(con, township)
    at = now or dt.datetime.now()
    with WRITE_LOCK:
        if not _active(con, year, township):
            raise ValueError(f"{year}年{place}没有锁定，无需解锁")
        con.execute(
            """UPDATE period_locks SET unlocked_by = ?, unlocked_at = ?
               WHERE unlocked_at IS NULL AND year = ? AND township_code IS NOT DISTINCT FROM ?""",
            [actor.username, at, int(year), township],
        )
        audit.record(con, actor.username, "unlock", f"{year}年 {place}", "解除区级审核锁定", now=at)


def active_locks(con: duckdb.DuckDBPyConnection) -> set[tuple[int, str | None]]:
    """{(year, township code or None for the district)} of every lock in force."""
    rows = con.execute("SELECT year, township_code FROM period_locks WHERE unlocked_at IS NULL").fetchall()
    return {(int(y), t) for y, t in rows}


def is_locked(locked: set[tuple[int, str | None]], year: int, township: str | None) -> bool:
    """Whether (year, township) falls under a lock of `active_locks`; township None = anywhere in the district."""
    if (int(year), None) in locked:
        return True
    if township is None:
        return any(y == int(year) for y, _ in locked)
    return (int(year), township) in locked


def check_unlocked(con: duckdb.DuckDBPyConnection, year: int, townships: Iterable[str | None] | None = None) -> None:
    """Raise PeriodLocked when `year` is locked for the district or any of `townships`.

    townships None = the operation may touch the whole district, so any lock of that year counts.
    """
    locked = active_locks(con)
    places = [None] if townships is None else list(dict.fromkeys(townships)) or [None]
    hit = [t for t in places if is_locked(locked, year, t)]
    if not hit:
        return
    names = _township_names(con)
    if (int(year), None) in locked:
        where = "全区"
    elif None in hit:  # a whole-district operation meets the locked 镇办 of that year
        where = "、".join(names.get(t, t) for y, t in sorted(locked, key=str) if y == int(year))
    else:
        where = "、".join(names.get(t, t) for t in sorted(hit))
    raise PeriodLocked(f"{year}年{where}的数据已经区级审核锁定，不能再导入或回滚；如需修改，请联系管理员在“审核锁定”页解锁")


def blocking_lock(locked: set[tuple[int, str | None]], period, township: str | None) -> tuple[int, str | None] | None:
    """The lock (year, 镇办 or None) that a row touching `period` in `township` runs into, if any.

    A district lock covers every row of its year; a 镇办 lock covers that 镇办's rows (district-wide
    rows such as targets are covered only by district locks)."""
    for year, place in sorted(locked, key=lambda lock: (lock[0], lock[1] or "")):
        if period.covers(year) and (place is None or place == township):
            return year, place
    return None


def row_problems(con: duckdb.DuckDBPyConnection, dataset_key: str, rows: pl.DataFrame, *, row_numbers=None) -> list[tuple[int, str]]:
    """(row number, Chinese message) for each incoming row that would change a locked period, either
    by itself or by replacing a stored version that lies in a locked period."""
    from fupin_core.security import row_places

    locked = active_locks(con)
    if not locked or rows.is_empty():
        return []
    names = _township_names(con)
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, rows.height + 1))
    hits: dict[int, tuple[int, str | None]] = {}
    for i, (period, place) in enumerate(
        zip(row_places.periods(dataset_key, rows), row_places.townships(con, dataset_key, rows), strict=True)
    ):
        if hit := blocking_lock(locked, period, place):
            hits[i] = hit
    stored = row_places.current_versions(con, dataset_key, rows)
    if stored.height:
        positions = stored[row_places.INDEX].to_list()
        old = stored.drop(row_places.INDEX)
        for i, period, place in zip(
            positions, row_places.periods(dataset_key, old), row_places.townships(con, dataset_key, old), strict=True
        ):
            if i not in hits and (hit := blocking_lock(locked, period, place)):
                hits[i] = hit
    return [
        (
            numbers[i],
            f"第{numbers[i]}行涉及已区级审核锁定的{year}年{'全区' if place is None else names.get(place, place)}数据，不能导入；如需修改请联系管理员解锁",
        )
        for i, (year, place) in sorted(hits.items())
    ]


def check_batch_unlocked(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """Refuse to roll back a batch whose rows (or the versions that would become current again) lie
    in a locked period."""
    from fupin_core.catalog import BY_KEY
    from fupin_core.security import row_places

    locked = active_locks(con)
    if not locked:
        return
    row = con.execute("SELECT dataset FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
    if row is None:
        return
    ds = BY_KEY[row[0]]
    cols = ", ".join(f'"{c}"' for c in ds.column_names)
    written = con.execute(f'SELECT {cols} FROM "{ds.history_table}" WHERE batch_id = ?', [batch_id]).pl()
    current = row_places.current_versions(con, ds.key, written).drop(row_places.INDEX)
    names = _township_names(con)
    for frame in (written, current):
        for period, place in zip(row_places.periods(ds.key, frame), row_places.townships(con, ds.key, frame), strict=True):
            if hit := blocking_lock(locked, period, place):
                where = "全区" if hit[1] is None else names.get(hit[1], hit[1])
                raise PeriodLocked(
                    f"批次 {batch_id} 涉及已区级审核锁定的{hit[0]}年{where}数据，不能回滚；如需回滚请联系管理员在“审核锁定”页解锁"
                )


def lock_table(con: duckdb.DuckDBPyConnection, *, active_only: bool = False) -> pl.DataFrame:
    """Locks with Chinese headers, newest first (also the unlocked ones unless active_only)."""
    where = "WHERE l.unlocked_at IS NULL" if active_only else ""
    return con.execute(
        f"""SELECT l.year AS 年度, coalesce(l.township_code, '') AS 镇办代码, coalesce(t.township_name, '全区') AS 镇办,
                   l.locked_by AS 锁定人, strftime(l.locked_at, '%Y-%m-%d %H:%M') AS 锁定时间,
                   coalesce(l.unlocked_by, '') AS 解锁人, coalesce(strftime(l.unlocked_at, '%Y-%m-%d %H:%M'), '') AS 解锁时间,
                   CASE WHEN l.unlocked_at IS NULL THEN '锁定中' ELSE '已解锁' END AS 状态
            FROM period_locks AS l LEFT JOIN townships AS t ON t.township_code = l.township_code
            {where}
            ORDER BY l.locked_at DESC, l.year DESC"""
    ).pl()
