"""The rows of a restored store checked with the rules imports and user management apply, before the
restore commits: a backup whose Parquet files were edited (every user an administrator restricted to
a 镇办, an unknown role, a 村 of no 镇办, a value outside its list) is refused as a whole.

Checks, per table: users (role, user name, scope codes that exist, administrators district-wide, an
argon2 hash); every dataset's current table (required values, enumerations, non-negative numbers,
references to existing codes, one row per natural key, one household per 身份证号, batch ids that exist); batches (status);
period locks (镇办 codes). Messages are Chinese and name the table and the row's key.
"""

from __future__ import annotations

import duckdb

from fupin_core.catalog import DATASETS, dataset
from fupin_core.security import auth

MAX_LISTED = 20


def problems(con: duckdb.DuckDBPyConnection) -> list[str]:
    found: list[str] = []
    found += _user_problems(con)
    for ds in DATASETS:
        found += _dataset_problems(con, ds)
    bad_status = con.execute("SELECT batch_id, status FROM batches WHERE status NOT IN ('committed', 'rolled_back') LIMIT 5").fetchall()
    found += [f"表 batches 批次 {b}：状态“{s}”无效" for b, s in bad_status]
    bad_locks = con.execute(
        "SELECT DISTINCT l.township_code FROM period_locks AS l WHERE l.township_code IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM townships AS t WHERE t.township_code = l.township_code) LIMIT 5"
    ).fetchall()
    found += [f"表 period_locks：镇办代码 {c} 不存在" for (c,) in bad_locks]
    return found


def _user_problems(con: duckdb.DuckDBPyConnection) -> list[str]:
    known = {r[0] for r in con.execute("SELECT township_code FROM townships").fetchall()}
    out = []
    rows = con.execute("SELECT username, role, townships, password_hash, disabled, failed_attempts FROM users").fetchall()
    for username, role, townships, password_hash, disabled, failed in rows:
        where = f"表 users 用户「{str(username)[:32]}」"
        if not auth._USERNAME.match(str(username or "")):
            out.append(f"{where}：用户名不符合规则")
        if role not in auth.ROLES:
            out.append(f"{where}：角色“{role}”无效（应为 {'、'.join(auth.ROLES)} 之一）")
        codes = auth.parse_townships(townships)
        if role == "admin" and codes:
            out.append(f"{where}：管理员的范围必须是全区，不能限定镇办")
        unknown = [c for c in codes or () if c not in known]
        if unknown:
            out.append(f"{where}：镇办代码 {'、'.join(unknown[:5])} 不存在")
        if not str(password_hash or "").startswith("$argon2"):
            out.append(f"{where}：密码散列不是 argon2 格式")
        if disabled is None or failed is None or failed < 0:
            out.append(f"{where}：账户状态无效")
    return out


def _label(ds, key_values) -> str:
    return "、".join(f"{ds.header_of(k)} {v}" for k, v in zip(ds.natural_key, key_values, strict=True))


def _dataset_problems(con: duckdb.DuckDBPyConnection, ds) -> list[str]:
    table = f'"{ds.table}"'
    keys = ", ".join(f'"{k}"' for k in ds.natural_key)
    out = []

    def listed(sql: str, params: list, message) -> None:
        for row in con.execute(sql + " LIMIT 5", params).fetchall():
            out.append(f"表 {ds.table}（{ds.title}）{_label(ds, row[: len(ds.natural_key)])}：{message(row)}")

    for col in ds.columns:
        name = f'"{col.name}"'
        if col.required:
            listed(f"SELECT {keys} FROM {table} WHERE {name} IS NULL", [], lambda _r, c=col: f"必填项“{c.header}”为空")
        if col.enum:
            listed(
                f"SELECT {keys}, {name} FROM {table} WHERE {name} IS NOT NULL AND NOT list_contains(?, CAST({name} AS VARCHAR))",
                [list(col.enum)],
                lambda r, c=col: f"“{c.header}”的值“{r[-1]}”不在允许的值中",
            )
        if "non_negative" in col.checks:
            listed(f"SELECT {keys}, {name} FROM {table} WHERE {name} < 0", [], lambda r, c=col: f"“{c.header}”不能为负数（{r[-1]}）")
        if col.references:
            ref = dataset(col.references[0])
            listed(
                f"SELECT {keys}, {name} FROM {table} AS x WHERE {name} IS NOT NULL "
                f'AND NOT EXISTS (SELECT 1 FROM "{ref.table}" AS r WHERE r."{col.references[1]}" = x.{name})',
                [],
                lambda r, c=col, t=ref.title: f"{c.header} {r[-1]} 在{t}中不存在",
            )
    listed(f"SELECT {keys}, count(*) FROM {table} GROUP BY {keys} HAVING count(*) > 1", [], lambda r: f"同一编号有{r[-1]}行")
    for col in ds.columns:
        if "id_card" in col.checks and len(ds.natural_key) == 1:  # one 身份证号, one household
            listed(
                f'SELECT min({keys}), count(*) FROM {table} WHERE "{col.name}" IS NOT NULL GROUP BY "{col.name}" HAVING count(*) > 1',
                [],
                lambda r, c=col: f"{c.header}与另外{r[-1] - 1}户相同",
            )
    listed(
        f"SELECT {keys}, batch_id FROM {table} AS x WHERE NOT EXISTS (SELECT 1 FROM batches AS b WHERE b.batch_id = x.batch_id)",
        [],
        lambda r: f"批次 {r[-1]} 不存在",
    )
    return out
