"""Who is acting, and what they may see and change: enforced in fupin_core, not only in the UI.

- `require(actor, action)`: the role may do `action` (auth.PERMISSIONS), else PermissionError.
- `scope_for(actor, year, township)`: the metrics Scope for a request, narrowed to the actor's 镇办.
- `check_rows_in_scope(actor, townships_of_rows)`: one Chinese message per row of another 镇办.
- `import_problems(con, actor, dataset, rows)`: per-row scope and period-lock problems of an import.
- `require_rollback(actor, batch_owner)`: own batches with rollback_own, any with rollback_any;
  `rollback_batch(con, actor, batch_id)` does the whole checked, audited rollback.
- `require_scope(actor, scope)` / `record_export(con, actor, file_name, scope)`: exports stay inside the
  actor's 镇办 and each download is written to the audit log.
- `present(actor, frame)`: ID numbers masked unless the role may view_full_id.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from fupin_core.catalog import BY_KEY
from fupin_core.scope import Scope
from fupin_core.security import audit, auth, privacy


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    townships: tuple[str, ...] | None = None  # None = the whole district
    display_name: str = ""

    @classmethod
    def of(cls, user: auth.User) -> Actor:
        return cls(user.username, user.role, user.townships, user.display_name)

    @property
    def role_label(self) -> str:
        return auth.ROLE_LABELS[self.role]

    def can(self, action: str) -> bool:
        return auth.allowed(self.role, action)

    def covers(self, township: str | None) -> bool:
        """Whether the actor may see/change `township` (None = the whole district)."""
        if self.townships is None:
            return True
        return township is not None and township in self.townships


def local_admin() -> Actor:
    """Whoever runs the `fupin` command on the server: it can open the database file anyway."""
    return Actor(f"命令行:{getpass.getuser()}", "admin", None, "命令行")


def require(actor: Actor, action: str) -> None:
    if actor is None:
        raise PermissionError("请先登录")
    if not actor.can(action):
        raise PermissionError(f"{actor.role_label}「{actor.username}」无权{auth.ACTION_LABELS[action]}，如有需要请联系管理员")


def _names(names: Mapping[str, str] | None, codes) -> str:
    return "、".join((names or {}).get(c, c) for c in codes)


def scope_for(
    actor: Actor, year: int, township: str | None = None, village: str | None = None, *, names: Mapping[str, str] | None = None
) -> Scope:
    """The Scope of a request by `actor`: a 镇办 outside their scope is refused; the whole district
    becomes all of their 镇办."""
    require(actor, "view")
    if actor.townships is None:
        return Scope.of(year, township, village)
    if township is None:
        return Scope(int(year), actor.townships, village or None)
    if township not in actor.townships:
        raise PermissionError(f"您只能查看{_names(names, actor.townships)}的数据，无权查看{_names(names, [township])}")
    return Scope.of(year, township, village)


def out_of_scope_rows(actor: Actor, townships_of_rows: Sequence[str | None]) -> list[int]:
    """Positions (0-based) of rows whose 镇办 is outside the actor's scope (an unknown 镇办 counts)."""
    if actor.townships is None:
        return []
    return [i for i, code in enumerate(townships_of_rows) if not actor.covers(code)]


def scope_problems(
    actor: Actor,
    townships_of_rows: Sequence[str | None],
    *,
    row_numbers: Sequence[int] | None = None,
    names: Mapping[str, str] | None = None,
) -> list[tuple[int, str]]:
    """(row number, Chinese message) per row the actor may not import. Row numbers default to
    position + 1; pass the file's own row numbers when known."""
    allowed_names = _names(names, actor.townships or ())
    problems = []
    for i in out_of_scope_rows(actor, townships_of_rows):
        row = row_numbers[i] if row_numbers is not None else i + 1
        code = townships_of_rows[i]
        where = f"镇办“{_names(names, [code])}”" if code else "未知镇办"
        problems.append((row, f"第{row}行属于{where}，不在您的权限范围（{allowed_names}）内，不能导入；请删除该行或交由相应镇办上传"))
    return problems


def check_rows_in_scope(
    actor: Actor,
    townships_of_rows: Sequence[str | None],
    *,
    row_numbers: Sequence[int] | None = None,
    names: Mapping[str, str] | None = None,
) -> None:
    """Raise PermissionError listing every row (first 20) of a 镇办 outside the actor's scope."""
    require(actor, "upload")
    problems = scope_problems(actor, townships_of_rows, row_numbers=row_numbers, names=names)
    if problems:
        shown = "；".join(message for _, message in problems[:20])
        more = f"；另有{len(problems) - 20}行同样超出范围" if len(problems) > 20 else ""
        raise PermissionError(f"共{len(problems)}行超出您的权限范围：{shown}{more}")


def import_problems(con, actor: Actor, dataset_key: str, rows: pl.DataFrame, *, row_numbers=None) -> list[tuple[int, str]]:
    """Everything that forbids `actor` to import `rows` (catalog column names), one Chinese message per
    row: a 镇办 outside their scope (of the row or of the stored version it would replace) and
    periods locked after review. Raises PermissionError when the role may not upload at all."""
    from fupin_core.security import locks, row_places

    require(actor, "upload")
    dataset = BY_KEY[dataset_key]
    if dataset.admin_only and actor.role != "admin":
        raise PermissionError(f"「{dataset.title}」是全区统一的标准，只有管理员可以上报")
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, rows.height + 1))
    names = dict(con.execute("SELECT township_code, township_name FROM townships").fetchall())
    problems = dict(scope_problems(actor, row_places.townships(con, dataset_key, rows), row_numbers=numbers, names=names))
    if actor.townships is not None:
        stored = row_places.current_versions(con, dataset_key, rows)
        if stored.height:
            places = row_places.townships(con, dataset_key, stored.drop(row_places.INDEX))
            for i, place in zip(stored[row_places.INDEX].to_list(), places, strict=True):
                if not actor.covers(place) and numbers[i] not in problems:
                    problems[numbers[i]] = (
                        f"第{numbers[i]}行要修改的现有记录属于{_names(names, [place]) if place else '其他镇办'}，不在您的权限范围内，不能导入"
                    )
    for number, message in locks.row_problems(con, dataset_key, rows, row_numbers=numbers):
        problems.setdefault(number, message)
    return sorted(problems.items())


def rollback_batch(con, actor: Actor, batch_id: int) -> None:
    """Roll a batch back as `actor`: own/any rule, period locks, then store.rollback_batch and the audit entry."""
    from fupin_core.security import locks
    from fupin_core.storage import store

    row = con.execute("SELECT user_name, dataset FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
    if row is None:
        raise store.StoreError(f"没有编号为 {batch_id} 的批次")
    require_rollback(actor, row[0])
    locks.check_batch_unlocked(con, batch_id)
    store.rollback_batch(con, batch_id, user=actor.username)
    audit.record(con, actor.username, "rollback", f"批次 {batch_id}", f"数据集：{row[1]}；上传人：{row[0]}")


def require_rollback(actor: Actor, batch_owner: str | None) -> None:
    """Any batch with rollback_any; one's own batches with rollback_own."""
    if actor is not None and actor.can("rollback_any"):
        return
    if actor is not None and actor.can("rollback_own") and batch_owner == actor.username:
        return
    if actor is not None and actor.can("rollback_own"):
        raise PermissionError(f"{actor.role_label}只能回滚本人上传的批次（该批次由「{batch_owner}」上传）")
    require(actor, "rollback_any")


def require_scope(actor: Actor, scope: Scope) -> None:
    """Refuse a Scope reaching beyond the actor's 镇办 (e.g. one not built by scope_for)."""
    require(actor, "view")
    if actor.townships is None:
        return
    if scope.townships is None or not set(scope.townships) <= set(actor.townships):
        raise PermissionError(f"{actor.role_label}「{actor.username}」只能查看和导出本人范围内镇办的数据")


def record_export(con, actor: Actor, file_name: str, scope: Scope | None = None) -> None:
    """Check that `actor` may export (what `scope` covers) and write the audit entry for a download."""
    require(actor, "export")
    detail = ""
    if scope is not None:
        require_scope(actor, scope)
        detail = f"{scope.year}年；范围：{audit.scope_label(con, scope.townships)}"
    audit.record(con, actor.username, "export", file_name, detail)


def present(actor: Actor, frame: pl.DataFrame) -> pl.DataFrame:
    """What `actor` may see of `frame`: ID-number columns masked unless the role may view_full_id."""
    if actor is not None and actor.can("view_full_id"):
        return frame
    return privacy.mask_frame(frame)
