"""The audit log: who did what, when, to what. Every detail passes through privacy.mask_text first,
so a full ID number never reaches the log."""

from __future__ import annotations

import contextlib
import datetime as dt

import duckdb
import polars as pl

from fupin_core.security.privacy import mask_text
from fupin_core.storage import retry
from fupin_core.storage.store import WRITE_LOCK

COUNTER = "audit_entry"  # its row in id_counters

ACTION_LABELS = {
    "login_success": "登录成功",
    "login_failure": "登录失败",
    "account_locked": "账户锁定",
    "logout": "退出登录",
    "upload": "上传文件",
    "commit": "导入提交",
    "rollback": "回滚批次",
    "export": "导出",
    "lock": "审核锁定",
    "unlock": "解除锁定",
    "user_add": "新增用户",
    "user_disable": "停用用户",
    "user_enable": "启用用户",
    "user_reset_password": "重置密码",
    "user_change_role": "变更角色或范围",
}


def record(
    con: duckdb.DuckDBPyConnection, user: str, action: str, target: str = "", detail: str = "", *, now: dt.datetime | None = None
) -> None:
    """Append one entry. `action` is a key of ACTION_LABELS."""
    if action not in ACTION_LABELS:
        raise KeyError(f"未知的审计操作：{action}")
    values = [now or dt.datetime.now(), mask_text(user), action, mask_text(target or ""), mask_text(detail or "")]
    with WRITE_LOCK:
        retry.run_with_retry(lambda: _append(con, values))


def _append(con: duckdb.DuckDBPyConnection, values: list) -> None:
    """One transaction: take the next id from the counter row (migration 6), then insert. Replicas
    writing at once conflict on that row and one retries, so ids never repeat (max + 1 would)."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("UPDATE id_counters SET last_value = last_value + 1 WHERE name = ?", [COUNTER])
        entry_id = con.execute("SELECT last_value FROM id_counters WHERE name = ?", [COUNTER]).fetchone()[0]
        con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?)", [entry_id, *values])
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


def entries(
    con: duckdb.DuckDBPyConnection,
    *,
    user: str | None = None,
    action: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int | None = None,
) -> pl.DataFrame:
    """Entries newest first with Chinese headers (时间, 用户, 操作, 对象, 详情), filtered by user,
    action and an inclusive date range."""
    sql, params = "", []
    if user:
        sql += " AND user_name = ?"
        params.append(user)
    if action:
        sql += " AND action = ?"
        params.append(action)
    if date_from:
        sql += " AND logged_at >= ?"
        params.append(dt.datetime.combine(date_from, dt.time()))
    if date_to:
        sql += " AND logged_at < ?"
        params.append(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    limit_sql = ""
    if limit:
        limit_sql = " LIMIT ?"
        params.append(int(limit))
    frame = con.execute(
        f"""SELECT logged_at, user_name, action, target, detail FROM audit_log
            WHERE TRUE {sql} ORDER BY entry_id DESC{limit_sql}""",
        params,
    ).pl()
    return frame.select(
        pl.col("logged_at").dt.strftime("%Y-%m-%d %H:%M:%S").alias("时间"),
        pl.col("user_name").alias("用户"),
        pl.col("action").replace_strict(ACTION_LABELS, default=pl.col("action"), return_dtype=pl.Utf8).alias("操作"),
        pl.col("target").alias("对象"),
        pl.col("detail").alias("详情"),
    )


def scope_label(con: duckdb.DuckDBPyConnection, townships) -> str:
    """'全区' or the 镇办 names (codes when unknown), for audit details."""
    if not townships:
        return "全区"
    names = dict(con.execute("SELECT township_code, township_name FROM townships").fetchall())
    return "、".join(names.get(code, code) for code in townships)


def users_in_log(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT user_name FROM audit_log ORDER BY user_name").fetchall()]
