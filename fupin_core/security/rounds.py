"""上报任务 (reporting rounds): the district asks the 镇办 for their data of a period by a deadline,
reviews each 镇办's submission, returns it with comments or approves it (which locks that 镇办 and
year with fupin_core.security.locks).

- A round: a period (year, quarter or month of a year), the datasets required, the 镇办 that must
  report, a deadline (report_rounds, report_round_townships; schema migration 8).
- A 镇办's submission of a dataset: the rows of committed upload batches made since the round opened
  whose 镇办 (row_places) is that 镇办 and whose period lies in the round's period.
- Each (镇办, dataset) is 未上报 / 已上报 / 已退回 / 已审核: the newest of its events decides — an upload
  (已上报), a return (已退回), an approval of the 镇办 (已审核). Returns and approvals are rows of
  report_round_reviews (with the per-file and per-row comments); every step is in the audit log.
- Approved figures: rows of a submission not (yet) approved are "pending". `approved_cursor` gives a
  cursor on which every dataset table reads as if the pending rows had never been uploaded (each key's
  newest version outside them), so every metric can be computed on approved data only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import polars as pl

from fupin_core.catalog import BY_KEY, DATASETS, Dataset
from fupin_core.security import audit, locks, row_places
from fupin_core.security.auth import require
from fupin_core.security.privacy import mask_text
from fupin_core.storage.handle import township_names
from fupin_core.storage.store import quoted_names
from fupin_core.storage.writes import transaction, write

NOT_SUBMITTED, SUBMITTED, RETURNED, APPROVED = "未上报", "已上报", "已退回", "已审核"
STATES = (NOT_SUBMITTED, SUBMITTED, RETURNED, APPROVED)
PERIOD_KINDS = {"year": "年度", "quarter": "季度", "month": "月度"}
OVERDUE, LATE = "逾期未报", "逾期上报"
# A change against the previous period this large (either way) is flagged for the reviewer.
BIG_CHANGE = 0.5
ROW_KEY_SEPARATOR = " / "


class RoundError(ValueError):
    """A round operation that cannot be done (message in Chinese)."""


@dataclass(frozen=True)
class Round:
    round_id: int
    title: str
    year: int
    period_kind: str  # year | quarter | month
    period_no: int | None  # quarter 1–4 or month 1–12
    datasets: tuple[str, ...]
    townships: tuple[str, ...]
    deadline: dt.datetime
    opened_by: str
    opened_at: dt.datetime

    @property
    def period_label(self) -> str:
        return period_label(self.year, self.period_kind, self.period_no)

    @property
    def label(self) -> str:
        return f"{self.title}（{self.period_label}，截止{self.deadline:%Y-%m-%d %H:%M}）"

    def covers_period(self, value) -> bool:
        """Whether a 报告期 value (2017, 2017Q3, 2017-09) lies in the round's period."""
        text = str(value).strip()
        if not text[:4].isdigit() or int(text[:4]) != self.year:
            return False
        if self.period_kind == "year":
            return True
        rest = text[4:]
        if rest[:1].upper() == "Q" and rest[1:].isdigit():
            quarter, month = int(rest[1:]), None
        elif rest[:1] == "-" and rest[1:].isdigit():
            month = int(rest[1:])
            quarter = (month - 1) // 3 + 1
        else:
            return False  # an annual report is not a quarter's or a month's
        if self.period_kind == "quarter":
            return quarter == self.period_no
        return month == self.period_no


def period_label(year: int, kind: str, number: int | None) -> str:
    if kind == "quarter":
        return f"{year}年第{number}季度"
    if kind == "month":
        return f"{year}年{number}月"
    return f"{year}年"


def round_datasets() -> list[Dataset]:
    """Datasets a 镇办 reports (rows with a 镇办, not the district-wide standards)."""
    return [
        ds
        for ds in DATASETS
        if not ds.admin_only and ds.key != "townships" and (row_places.TOWNSHIP in ds.column_names or ds.key in row_places.TOWNSHIP_VIA)
    ]


def _require_reviewer(actor) -> None:
    require(actor, "lock")  # 区级审核: the role that locks periods opens and reviews rounds


def _names(con) -> dict[str, str]:
    return township_names(con)


def _next_id(con, counter: str, table: str, column: str) -> int:
    """The next id from a row of id_counters (as store/audit do, so replicas never share an id),
    kept past every id in the table (a restored backup)."""
    con.execute(
        "INSERT INTO id_counters SELECT ?, 0 WHERE NOT EXISTS (SELECT 1 FROM id_counters WHERE name = ?)",
        [counter, counter],
    )
    con.execute(
        f"UPDATE id_counters SET last_value = greatest(last_value, (SELECT coalesce(max({column}), 0) FROM {table})) + 1 WHERE name = ?",
        [counter],
    )
    return int(con.execute("SELECT last_value FROM id_counters WHERE name = ?", [counter]).fetchone()[0])


def _transaction(con, work):
    return write(con, lambda _tx: work())


def open_round(
    con: duckdb.DuckDBPyConnection,
    actor,
    *,
    year: int,
    datasets: list[str],
    townships: list[str] | None,
    deadline: dt.datetime,
    period_kind: str = "year",
    period_no: int | None = None,
    title: str | None = None,
    now: dt.datetime | None = None,
) -> Round:
    """Open a round (administrators). `townships` None = every 镇办."""
    _require_reviewer(actor)
    if period_kind not in PERIOD_KINDS:
        raise RoundError(f"报告期类型应为年度、季度或月度，而不是“{period_kind}”")
    limit = {"quarter": 4, "month": 12}.get(period_kind)
    if limit and not (period_no and 1 <= int(period_no) <= limit):
        raise RoundError(f"{PERIOD_KINDS[period_kind]}上报任务须指定第1至{limit}{'季度' if period_kind == 'quarter' else '月'}")
    if period_kind == "year":
        period_no = None
    allowed = {ds.key: ds for ds in round_datasets()}
    chosen = list(dict.fromkeys(datasets))
    if not chosen:
        raise RoundError("请至少选择一个要上报的数据集")
    unknown = [k for k in chosen if k not in allowed]
    if unknown:
        raise RoundError(f"数据集“{'、'.join(unknown)}”不能由镇办上报，可选：{'、'.join(allowed)}")
    names = _names(con)
    places = list(names) if townships is None else list(dict.fromkeys(townships))
    missing = [t for t in places if t not in names]
    if missing or not places:
        raise RoundError(f"镇办代码 {'、'.join(missing)} 不存在" if missing else "请至少选择一个须上报的镇办")
    at = now or dt.datetime.now()
    if deadline <= at:
        raise RoundError(f"截止时间 {deadline:%Y-%m-%d %H:%M} 已过，请选择以后的时间")
    label = period_label(int(year), period_kind, period_no)
    title = (title or "").strip() or f"{label}数据上报"

    def work() -> int:
        round_id = _next_id(con, "report_round", "report_rounds", "round_id")
        con.execute(
            "INSERT INTO report_rounds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [round_id, title, int(year), period_kind, period_no, ",".join(chosen), deadline, actor.username, at],
        )
        for code in places:
            con.execute("INSERT INTO report_round_townships VALUES (?, ?)", [round_id, code])
        return round_id

    round_id = _transaction(con, work)
    audit.record(
        con, actor.username, "round_open", f"上报任务 {round_id}：{title}",
        f"{label}；数据集：{'、'.join(allowed[k].title for k in chosen)}；镇办：{len(places)}个；截止{deadline:%Y-%m-%d %H:%M}", now=at,
    )  # fmt: skip
    return get_round(con, round_id)


def set_deadline(con: duckdb.DuckDBPyConnection, actor, round_id: int, deadline: dt.datetime) -> Round:
    """Move a round's deadline (延期 or 提前), audited."""
    _require_reviewer(actor)
    old = get_round(con, round_id)
    with transaction(con):
        con.execute("UPDATE report_rounds SET deadline = ? WHERE round_id = ?", [deadline, round_id])
    audit.record(
        con, actor.username, "round_deadline", f"上报任务 {round_id}：{old.title}",
        f"截止时间由{old.deadline:%Y-%m-%d %H:%M}改为{deadline:%Y-%m-%d %H:%M}",
    )  # fmt: skip
    return get_round(con, round_id)


def _round_of(row, townships: tuple[str, ...]) -> Round:
    round_id, title, year, kind, number, datasets, deadline, by, at = row
    return Round(
        int(round_id), title, int(year), kind, None if number is None else int(number), tuple(datasets.split(",")), townships,
        deadline, by, at,
    )  # fmt: skip


def rounds(con: duckdb.DuckDBPyConnection, actor=None) -> list[Round]:
    """Every round, newest first; for an actor limited to some 镇办, only rounds that include one of
    them, with only those 镇办 (a 录入员 sees their own tasks)."""
    try:
        rows = con.execute("SELECT * FROM report_rounds ORDER BY round_id DESC").fetchall()
    except duckdb.CatalogException:  # a store from before migration 8, opened read-only (fupin kpi): no rounds
        return []
    members: dict[int, list[str]] = {}
    for round_id, code in con.execute("SELECT round_id, township_code FROM report_round_townships ORDER BY township_code").fetchall():
        members.setdefault(int(round_id), []).append(code)
    out = []
    for row in rows:
        places = tuple(members.get(int(row[0]), ()))
        if actor is not None and actor.townships is not None:
            places = tuple(t for t in places if actor.covers(t))
            if not places:
                continue
        out.append(_round_of(row, places))
    return out


def get_round(con: duckdb.DuckDBPyConnection, round_id: int, actor=None) -> Round:
    found = [r for r in rounds(con, actor) if r.round_id == int(round_id)]
    if not found:
        raise RoundError(f"没有编号为 {round_id} 的上报任务")
    return found[0]


def _row_key(ds: Dataset) -> pl.Expr:
    return pl.concat_str([pl.col(k).cast(pl.String).fill_null("") for k in ds.natural_key], separator=ROW_KEY_SEPARATOR).alias("row_key")


def _in_period(rnd: Round, ds: Dataset, rows: pl.DataFrame) -> list[bool]:
    if "period" in ds.natural_key and ds.column("period").type == "period":
        return [rnd.covers_period(v) for v in rows.get_column("period").to_list()]
    return [p.covers(rnd.year) for p in row_places.periods(ds.key, rows)]


SUBMISSION_SCHEMA = {
    "township": pl.String,
    "dataset": pl.String,
    "batch_id": pl.Int64,
    "row_key": pl.String,
    "source_row": pl.Int64,
    "user_name": pl.String,
    "created_at": pl.Datetime("us"),
}


def submission_rows(con: duckdb.DuckDBPyConnection, rnd: Round) -> pl.DataFrame:
    """Every stored row version of the round's submissions: township, dataset, batch_id, row_key,
    source_row, user_name, created_at (committed upload batches since the round opened, in the
    round's 镇办 and period)."""
    frames = []
    for key in rnd.datasets:
        ds = BY_KEY[key]
        batches = con.execute(
            """SELECT batch_id, user_name, created_at FROM batches
               WHERE dataset = ? AND kind = 'upload' AND status = 'committed' AND created_at >= ?""",
            [key, rnd.opened_at],
        ).pl()
        if batches.is_empty():
            continue
        ids = batches["batch_id"].to_list()
        rows = con.execute(
            f'SELECT {quoted_names(ds.column_names)}, batch_id, source_row FROM "{ds.history_table}" WHERE batch_id IN ({", ".join("?" for _ in ids)})',
            ids,
        ).pl()
        if rows.is_empty():
            continue
        places = row_places.townships(con, key, rows.select(ds.column_names))
        inside = _in_period(rnd, ds, rows)
        rows = rows.with_columns(
            pl.Series("township", places, dtype=pl.String), pl.Series("inside", inside, dtype=pl.Boolean), _row_key(ds)
        ).filter(pl.col("inside") & pl.col("township").is_in(list(rnd.townships)))
        frames.append(
            rows.join(batches, on="batch_id").select(
                "township", pl.lit(key).alias("dataset"), pl.col("batch_id").cast(pl.Int64), "row_key",
                pl.col("source_row").cast(pl.Int64), "user_name", pl.col("created_at").cast(pl.Datetime("us")),
            )
        )  # fmt: skip
    return pl.concat(frames) if frames else pl.DataFrame(schema=SUBMISSION_SCHEMA)


def _reviews(con, round_id: int) -> pl.DataFrame:
    return con.execute(
        """SELECT event_id, township_code AS township, dataset, row_key, action, comment, user_name, acted_at
           FROM report_round_reviews WHERE round_id = ? ORDER BY event_id""",
        [round_id],
    ).pl()


@dataclass(frozen=True)
class Cell:
    """One 镇办 × dataset of a round."""

    township: str
    dataset: str
    state: str
    submitted_at: dt.datetime | None
    submitted_by: str | None
    rows: int
    first_batch: int | None
    returned_comment: str | None
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    timing: str  # "", 逾期未报, 逾期上报


def cells(
    con: duckdb.DuckDBPyConnection, rnd: Round, *, now: dt.datetime | None = None, submissions: pl.DataFrame | None = None
) -> list[Cell]:
    """The state of every 镇办 × dataset of the round (see the module's doc)."""
    now = now or dt.datetime.now()
    subs = submission_rows(con, rnd) if submissions is None else submissions
    reviews = _reviews(con, rnd.round_id)
    approvals = reviews.filter(pl.col("action") == "approve")
    returns = reviews.filter((pl.col("action") == "return") & pl.col("row_key").is_null())
    out = []
    for township in rnd.townships:
        approved = approvals.filter(pl.col("township") == township).tail(1)
        approved_at = approved["acted_at"][0] if approved.height else None
        for key in rnd.datasets:
            mine = subs.filter((pl.col("township") == township) & (pl.col("dataset") == key))
            last_upload = mine["created_at"].max() if mine.height else None
            returned = returns.filter((pl.col("township") == township) & (pl.col("dataset") == key)).tail(1)
            returned_at = returned["acted_at"][0] if returned.height else None
            events = [(t, s) for t, s in ((last_upload, SUBMITTED), (returned_at, RETURNED), (approved_at, APPROVED)) if t is not None]
            state = max(events)[1] if events else NOT_SUBMITTED
            # The rows of the submission since the last approval (an approved 镇办 reopened after an unlock).
            current = mine.filter(pl.col("created_at") > approved_at) if approved_at is not None and state != APPROVED else mine
            last = current.sort("created_at").tail(1)
            if state in (NOT_SUBMITTED, RETURNED):
                timing = OVERDUE if now > rnd.deadline else ""
            else:
                timing = LATE if last_upload is not None and last_upload > rnd.deadline else ""
            reviewer = approved if state == APPROVED else (returned if state == RETURNED else None)
            out.append(
                Cell(
                    township, key, state,
                    last["created_at"][0] if last.height else None, last["user_name"][0] if last.height else None,
                    current["row_key"].n_unique() if current.height else 0,
                    int(current["batch_id"].min()) if current.height else None,
                    returned["comment"][0] if state == RETURNED and returned.height else None,
                    reviewer["user_name"][0] if reviewer is not None and reviewer.height else None,
                    reviewer["acted_at"][0] if reviewer is not None and reviewer.height else None,
                    timing,
                )
            )  # fmt: skip
    return out


def _cell(con, rnd: Round, township: str, dataset: str) -> Cell:
    if township not in rnd.townships:
        raise RoundError(f"镇办 {_names(con).get(township, township)} 不在上报任务“{rnd.title}”中")
    if dataset not in rnd.datasets:
        raise RoundError(f"数据集“{BY_KEY[dataset].title if dataset in BY_KEY else dataset}”不在上报任务“{rnd.title}”中")
    return next(c for c in cells(con, rnd) if c.township == township and c.dataset == dataset)


def return_submission(
    con: duckdb.DuckDBPyConnection,
    actor,
    round_id: int,
    township: str,
    file_comments: dict[str, str],
    row_comments: list[tuple[str, str, str]] = (),
) -> None:
    """Return a 镇办's submission of the datasets in `file_comments` ({dataset: comment on the file})
    with comments on single rows: [(dataset, row key, comment)]. Only 已上报 datasets can be returned."""
    _require_reviewer(actor)
    rnd = get_round(con, round_id)
    names = _names(con)
    datasets = list(dict.fromkeys([*file_comments, *(d for d, _, _ in row_comments)]))
    if not datasets:
        raise RoundError("请选择要退回的数据集，并写明退回意见")
    if not any((c or "").strip() for c in file_comments.values()) and not any((c or "").strip() for _, _, c in row_comments):
        raise RoundError("退回时请至少写一条意见（对整个文件或对某一行），录入员才知道要改什么")
    for key in datasets:
        cell = _cell(con, rnd, township, key)
        if cell.state != SUBMITTED:
            raise RoundError(f"{names.get(township, township)}的“{BY_KEY[key].title}”当前为{cell.state}，只有已上报的数据可以退回")
    at = dt.datetime.now()

    def work() -> int:
        event_id = _next_id(con, "round_review", "report_round_reviews", "event_id")
        for key in datasets:
            con.execute(
                "INSERT INTO report_round_reviews VALUES (?, ?, ?, ?, NULL, 'return', ?, ?, ?)",
                [event_id, round_id, township, key, (file_comments.get(key) or "").strip(), actor.username, at],
            )
        for key, row_key, comment in row_comments:
            if (comment or "").strip():
                con.execute(
                    "INSERT INTO report_round_reviews VALUES (?, ?, ?, ?, ?, 'return_row', ?, ?, ?)",
                    [event_id, round_id, township, key, row_key, comment.strip(), actor.username, at],
                )
        return event_id

    _transaction(con, work)
    commented = sum(1 for _, _, c in row_comments if (c or "").strip())
    audit.record(
        con, actor.username, "round_return", f"上报任务 {round_id}：{names.get(township, township)}",
        f"退回{'、'.join(BY_KEY[k].title for k in datasets)}；逐行意见{commented}条；"
        + "；".join(f"{BY_KEY[k].title}：{file_comments.get(k, '').strip()}" for k in datasets if (file_comments.get(k) or "").strip()),
        now=at,
    )  # fmt: skip


def approve(con: duckdb.DuckDBPyConnection, actor, round_id: int, township: str) -> None:
    """Approve a 镇办's whole submission: every dataset of the round must be 已上报. Locks the round's
    year for that 镇办 (fupin_core.security.locks; the existing locks are per year)."""
    _require_reviewer(actor)
    rnd = get_round(con, round_id)
    names = _names(con)
    place = names.get(township, township)
    if township not in rnd.townships:
        raise RoundError(f"镇办 {place} 不在上报任务“{rnd.title}”中")
    mine = [c for c in cells(con, rnd) if c.township == township]
    if all(c.state == APPROVED for c in mine):
        raise RoundError(f"{place}的上报已经审核通过")
    waiting = [f"“{BY_KEY[c.dataset].title}”{c.state}" for c in mine if c.state != SUBMITTED]
    if waiting:
        raise RoundError(f"{place}还有数据集不能审核：{'、'.join(waiting)}；全部已上报后才能审核通过")
    at = dt.datetime.now()
    already = locks.is_locked(locks.active_locks(con), rnd.year, township)
    if not already:
        locks.lock(con, actor, rnd.year, township, now=at)

    def work() -> None:
        event_id = _next_id(con, "round_review", "report_round_reviews", "event_id")
        con.execute(
            "INSERT INTO report_round_reviews VALUES (?, ?, ?, NULL, NULL, 'approve', '', ?, ?)",
            [event_id, round_id, township, actor.username, at],
        )

    _transaction(con, work)
    audit.record(
        con, actor.username, "round_approve", f"上报任务 {round_id}：{place}",
        f"{rnd.period_label}审核通过；{'已' if already else ''}锁定{rnd.year}年{place}", now=at,
    )  # fmt: skip


def board(con: duckdb.DuckDBPyConnection, rnd: Round, *, now: dt.datetime | None = None) -> pl.DataFrame:
    """The status board of a round: one row per 镇办 × dataset with Chinese headers."""
    subs = submission_rows(con, rnd)
    names = _names(con)
    records = []
    for cell in cells(con, rnd, now=now, submissions=subs):
        changes = changes_summary(con, rnd, cell, subs) if cell.rows else {"新增": 0, "更新": 0, "变化较大": 0}
        records.append(
            {
                "镇办": names.get(cell.township, cell.township),
                "数据集": BY_KEY[cell.dataset].title,
                "状态": cell.state,
                "逾期": cell.timing,
                "上报时间": cell.submitted_at.strftime("%Y-%m-%d %H:%M") if cell.submitted_at else "",
                "上报人": cell.submitted_by or "",
                "行数": cell.rows,
                **changes,
                "审核人": cell.reviewed_by or "",
                "审核时间": cell.reviewed_at.strftime("%Y-%m-%d %H:%M") if cell.reviewed_at else "",
                "退回意见": mask_text(cell.returned_comment or ""),  # shown to 录入员 too: ID numbers masked
                "镇办代码": cell.township,
                "dataset": cell.dataset,
            }
        )
    schema = {
        "镇办": pl.String, "数据集": pl.String, "状态": pl.String, "逾期": pl.String, "上报时间": pl.String, "上报人": pl.String,
        "行数": pl.Int64, "新增": pl.Int64, "更新": pl.Int64, "变化较大": pl.Int64, "审核人": pl.String, "审核时间": pl.String,
        "退回意见": pl.String, "镇办代码": pl.String, "dataset": pl.String,
    }  # fmt: skip
    return pl.DataFrame(records, schema=schema)


def _submission_keys(subs: pl.DataFrame, cell: Cell) -> pl.DataFrame:
    mine = subs.filter((pl.col("township") == cell.township) & (pl.col("dataset") == cell.dataset))
    if cell.first_batch is not None:
        mine = mine.filter(pl.col("batch_id") >= cell.first_batch)
    return mine


def _versions(con, ds: Dataset, keys: list[str], where: str, params: list) -> pl.DataFrame:
    """The newest committed version of each of `keys` (row keys) among history rows meeting `where`."""
    if not keys:
        return pl.DataFrame()
    frame = pl.DataFrame({"row_key": keys})
    key_expr = " || ? || ".join(f"coalesce(CAST(h.\"{k}\" AS VARCHAR), '')" for k in ds.natural_key)
    con.register("round_keys", frame.to_arrow())
    try:
        return con.execute(
            f"""SELECT * EXCLUDE (version_rank) FROM (
                    SELECT h.*, k.row_key, row_number() OVER (PARTITION BY k.row_key ORDER BY h.batch_id DESC) AS version_rank
                    FROM "{ds.history_table}" AS h
                    JOIN batches AS b ON b.batch_id = h.batch_id AND b.status = 'committed'
                    JOIN round_keys AS k ON k.row_key = ({key_expr})
                    WHERE {where}
                ) AS ranked WHERE version_rank = 1""",
            [*([ROW_KEY_SEPARATOR] * (len(ds.natural_key) - 1)), *params],
        ).pl()
    finally:
        con.unregister("round_keys")


def _numeric(ds: Dataset) -> list[str]:
    return [c.name for c in ds.columns if c.type in ("decimal", "int") and c.name not in ds.natural_key and "year" not in c.checks]


# The one figure of a row that a reviewer compares with the previous period (per dataset).
MEASURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "household_income": ("家庭纯收入(元)", ("wage_income_yuan", "business_income_yuan", "property_income_yuan", "transfer_income_yuan")),
    "linkages": ("收益金额(元)", ("income_yuan",)),
    "funds": ("下达(万元)", ("allocated_wan",)),
    "dividends": ("应付(元)", ("due_yuan",)),
}
# Any change of these (a station's capacity, a base's scale) is flagged.
ALWAYS_FLAGGED = {"projects": ("scale",)}


def _measure(ds: Dataset, row: dict) -> float | None:
    _label, columns = MEASURES[ds.key]
    values = [row.get(c) for c in columns if c in ds.column_names]
    if all(v is None for v in values):
        return None
    return float(sum(v or 0 for v in values))


def review_rows(
    con: duckdb.DuckDBPyConnection, rnd: Round, township: str, dataset: str, *, subs: pl.DataFrame | None = None, cell: Cell | None = None
) -> pl.DataFrame:
    """A submission's rows for review: 行键, 变化 (新增 / 更新), 差异 (what changed against the last
    approved version: the newest one from before the submission), 变化较大 (against the previous
    period, or a changed capacity), the file row number and the row's values with Chinese headers."""
    ds = BY_KEY[dataset]
    subs = submission_rows(con, rnd) if subs is None else subs
    if cell is None:
        cell = next(c for c in cells(con, rnd, submissions=subs) if c.township == township and c.dataset == dataset)
    mine = _submission_keys(subs, cell).sort("batch_id").unique("row_key", keep="last")
    if mine.is_empty():
        return pl.DataFrame(schema={"行键": pl.String, "变化": pl.String, "差异": pl.String, "变化较大": pl.String, "文件行号": pl.Int64})
    keys = mine["row_key"].to_list()
    newest = _versions(con, ds, keys, "h.batch_id <= ?", [int(mine["batch_id"].max())])
    before = _versions(con, ds, keys, "h.batch_id < ?", [int(cell.first_batch)])
    before_by_key = {r["row_key"]: r for r in before.iter_rows(named=True)} if before.height else {}
    previous = _previous_period(con, ds, newest) if ds.key in MEASURES else {}
    records = []
    source_rows = dict(zip(mine["row_key"].to_list(), mine["source_row"].to_list(), strict=True))
    for row in newest.iter_rows(named=True):
        old = before_by_key.get(row["row_key"])
        diffs = []
        flags = []
        if old is not None:
            for col in ds.columns:
                if row[col.name] != old[col.name]:
                    diffs.append(f"{col.header}：{_shown(old[col.name])} → {_shown(row[col.name])}")
                    if col.name in ALWAYS_FLAGGED.get(ds.key, ()):
                        flags.append(f"{col.header}变化")
                    elif col.name in _numeric(ds) and _big(old[col.name], row[col.name]):
                        flags.append(f"{col.header}{_percent(old[col.name], row[col.name])}")
        if ds.key in MEASURES and row["row_key"] in previous:
            now_value, then_value = _measure(ds, row), previous[row["row_key"]]
            if _big(then_value, now_value):
                flags.append(f"{MEASURES[ds.key][0]}比上期{_percent(then_value, now_value)}")
        records.append(
            {
                "行键": row["row_key"],
                "变化": "新增" if old is None else ("更新" if diffs else "未变"),
                "差异": "；".join(diffs),
                "变化较大": "；".join(flags),
                "文件行号": source_rows.get(row["row_key"]),
                **{col.header: row[col.name] for col in ds.columns},
            }
        )
    return pl.DataFrame(records, infer_schema_length=None).sort("文件行号", nulls_last=True)


def _shown(value) -> str:
    if value is None:
        return "空"
    if isinstance(value, float | decimal.Decimal):
        value = float(value)
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _big(old, new) -> bool:
    if old is None or new is None:
        return False
    old, new = float(old), float(new)
    if old == 0:
        return new != 0
    return abs(new - old) / abs(old) >= BIG_CHANGE


def _percent(old, new) -> str:
    old, new = float(old), float(new)
    if old == 0:
        return f"由0变为{_shown(new)}"
    return f"{(new - old) / abs(old):+.0%}"


def _previous_period(con, ds: Dataset, rows: pl.DataFrame) -> dict[str, float]:
    """{row key: the measure of the same key one year earlier} (current data)."""
    if "year" not in ds.natural_key or rows.is_empty():
        return {}
    prior = rows.select(*ds.natural_key, "row_key").with_columns(pl.col("year") - 1)
    con.register("round_prior", prior.to_arrow())
    try:
        on = " AND ".join(f'c."{k}" = p."{k}"' for k in ds.natural_key)
        found = con.execute(f'SELECT p.row_key, c.* FROM "{ds.table}" AS c JOIN round_prior AS p ON {on}').pl()
    finally:
        con.unregister("round_prior")
    return {r["row_key"]: value for r in found.iter_rows(named=True) if (value := _measure(ds, r)) is not None}


def changes_summary(con, rnd: Round, cell: Cell, subs: pl.DataFrame) -> dict[str, int]:
    rows = review_rows(con, rnd, cell.township, cell.dataset, subs=subs, cell=cell)
    if rows.is_empty():
        return {"新增": 0, "更新": 0, "变化较大": 0}
    return {
        "新增": int((rows["变化"] == "新增").sum()),
        "更新": int((rows["变化"] == "更新").sum()),
        "变化较大": int((rows["变化较大"] != "").sum()),
    }


def row_comments(con: duckdb.DuckDBPyConnection, round_id: int, township: str, dataset: str) -> pl.DataFrame:
    """The per-row comments of the latest return of a 镇办's dataset: 行键, 意见."""
    rows = con.execute(
        """SELECT row_key AS 行键, comment AS 意见 FROM report_round_reviews
           WHERE round_id = ? AND township_code = ? AND dataset = ? AND action = 'return_row'
             AND event_id = (SELECT max(event_id) FROM report_round_reviews
                             WHERE round_id = ? AND township_code = ? AND dataset = ? AND action = 'return')
           ORDER BY row_key""",
        [round_id, township, dataset, round_id, township, dataset],
    ).pl()
    # A comment may quote an ID number; the 录入员 reads it masked, as everywhere.
    return rows.with_columns(pl.col("意见").map_elements(mask_text, return_dtype=pl.String))


@dataclass(frozen=True)
class Returned:
    """A returned submission, for the 录入员 at the top of 数据上报."""

    round_id: int
    round_title: str
    period: str
    deadline: dt.datetime
    township: str
    township_name: str
    dataset: str
    dataset_title: str
    comment: str
    returned_by: str
    returned_at: dt.datetime
    rows: pl.DataFrame  # 行键, 意见


def returned_for(con: duckdb.DuckDBPyConnection, actor) -> list[Returned]:
    """The submissions in the actor's 镇办 that are 已退回 now, with the reviewer's comments."""
    names = _names(con)
    out = []
    for rnd in rounds(con, actor):
        for cell in cells(con, rnd):
            if cell.state != RETURNED:
                continue
            out.append(
                Returned(
                    rnd.round_id, rnd.title, rnd.period_label, rnd.deadline, cell.township, names.get(cell.township, cell.township),
                    cell.dataset, BY_KEY[cell.dataset].title, mask_text(cell.returned_comment or ""), cell.reviewed_by or "",
                    cell.reviewed_at, row_comments(con, rnd.round_id, cell.township, cell.dataset),
                )
            )  # fmt: skip
    return out


def my_tasks(con: duckdb.DuckDBPyConnection, actor, *, now: dt.datetime | None = None) -> pl.DataFrame:
    """The actor's tasks: per round and 镇办 in their scope, the deadline and each dataset's state."""
    names = _names(con)
    records = []
    for rnd in rounds(con, actor):
        for cell in cells(con, rnd, now=now):
            records.append(
                {
                    "上报任务": rnd.title, "报告期": rnd.period_label, "截止时间": f"{rnd.deadline:%Y-%m-%d %H:%M}",
                    "镇办": names.get(cell.township, cell.township), "数据集": BY_KEY[cell.dataset].title,
                    "状态": cell.state, "逾期": cell.timing,
                }
            )  # fmt: skip
    schema = {k: pl.String for k in ("上报任务", "报告期", "截止时间", "镇办", "数据集", "状态", "逾期")}
    return pl.DataFrame(records, schema=schema)


def overdue_list(con: duckdb.DuckDBPyConnection, scope, *, now: dt.datetime | None = None) -> pl.DataFrame:
    """镇办 in scope that have not reported (or not resubmitted) a dataset of a round of the scope's
    year by its deadline: 上报任务, 镇办, 数据集, 状态, 截止时间."""
    names = _names(con)
    now = now or dt.datetime.now()
    records = []
    for rnd in rounds(con):
        if rnd.year != scope.year or now <= rnd.deadline:  # nobody is overdue before the deadline
            continue
        for cell in cells(con, rnd, now=now):
            if cell.timing == OVERDUE and (scope.townships is None or cell.township in scope.townships):
                records.append(
                    {
                        "镇办": names.get(cell.township, cell.township), "上报任务": rnd.title, "数据集": BY_KEY[cell.dataset].title,
                        "状态": cell.state, "截止时间": f"{rnd.deadline:%Y-%m-%d %H:%M}", "镇办代码": cell.township,
                    }
                )  # fmt: skip
    schema = {k: pl.String for k in ("镇办", "上报任务", "数据集", "状态", "截止时间", "镇办代码")}
    return pl.DataFrame(records, schema=schema)


def overdue_townships(con: duckdb.DuckDBPyConnection, scope, *, now: dt.datetime | None = None) -> int:
    """The indicator overdue_townships: distinct 镇办 of overdue_list."""
    return overdue_list(con, scope, now=now)["镇办代码"].n_unique()


def state_version(con: duckdb.DuckDBPyConnection, *, now: dt.datetime | None = None) -> tuple:
    """Changes whenever a round is opened or changed, a submission reviewed or a deadline passes
    (a cache key: overdue counts depend on the clock too)."""
    try:
        return con.execute(
            """SELECT (SELECT count(*) FROM report_rounds), (SELECT coalesce(max(deadline), TIMESTAMP '1970-01-01') FROM report_rounds),
                      (SELECT count(*) FROM report_round_reviews), (SELECT count(*) FROM report_rounds WHERE deadline < ?)""",
            [now or dt.datetime.now()],
        ).fetchone()
    except duckdb.CatalogException:  # before migration 8
        return ()


# ---- approved figures -----------------------------------------------------------------------------


def pending_rows(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    """{dataset: (batch_id, row_key) of the row versions in submissions not approved (yet)}."""
    out: dict[str, list[pl.DataFrame]] = {}
    for rnd in rounds(con):
        subs = submission_rows(con, rnd)
        if subs.is_empty():
            continue
        for cell in cells(con, rnd, submissions=subs):
            if cell.state == APPROVED or cell.first_batch is None:
                continue
            mine = _submission_keys(subs, cell)
            out.setdefault(cell.dataset, []).append(mine.select("batch_id", "row_key"))
    return {k: pl.concat(v).unique() for k, v in out.items()}


def _qualified(con, table: str) -> str:
    row = con.execute(
        """SELECT database_name, schema_name FROM duckdb_tables()
           WHERE table_name = ? AND NOT temporary AND database_name = current_database()""",
        [table],
    ).fetchone()
    return f'"{row[0]}"."{row[1]}"."{table}"'


@contextlib.contextmanager
def approved_cursor(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only-by-convention cursor on which each dataset table with pending rows is a temporary
    table of its approved state: every key's newest committed version outside pending submissions.
    Never write through it."""
    cur = con.cursor()
    try:
        for key, pending in pending_rows(cur).items():
            ds = BY_KEY[key]
            marker = f"pending_{key}"
            cur.register(marker, pending.to_arrow())
            key_expr = " || ? || ".join(f"coalesce(CAST(h.\"{k}\" AS VARCHAR), '')" for k in ds.natural_key)
            current_key = key_expr.replace("h.", "c.")
            separators = [ROW_KEY_SEPARATOR] * (len(ds.natural_key) - 1)
            cols = quoted_names(ds.column_names)
            table, history = _qualified(cur, ds.table), _qualified(cur, ds.history_table)
            cur.execute(
                f"""CREATE OR REPLACE TEMP TABLE "{ds.table}" AS
                    SELECT {cols}, batch_id FROM {table} AS c
                    WHERE ({current_key}) NOT IN (SELECT row_key FROM {marker})
                    UNION ALL
                    SELECT {cols}, batch_id FROM (
                        SELECT h.*, row_number() OVER (PARTITION BY ({key_expr}) ORDER BY h.batch_id DESC) AS version_rank
                        FROM {history} AS h
                        JOIN batches AS b ON b.batch_id = h.batch_id AND b.status = 'committed'
                        WHERE ({key_expr}) IN (SELECT row_key FROM {marker})
                          AND NOT EXISTS (SELECT 1 FROM {marker} AS p WHERE p.batch_id = h.batch_id AND p.row_key = ({key_expr}))
                    ) AS ranked WHERE version_rank = 1""",
                [*separators, *separators, *separators, *separators],
            )
            cur.unregister(marker)
        yield cur
    finally:
        cur.close()


FIGURES_APPROVED, FIGURES_SUBMITTED = "approved", "submitted"
FIGURES_NOTES = {
    FIGURES_APPROVED: "本页数字只含已审核（及不属于上报任务）的数据，已上报待审核和已退回的数据不计入。",
    FIGURES_SUBMITTED: "本页数字含已上报但尚未审核的数据（上报任务中已退回的数据也暂时计入）。",
}
