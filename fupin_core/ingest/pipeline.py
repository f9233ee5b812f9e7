"""The upload path: read -> find header -> map columns -> normalise -> validate -> preview -> commit.

`prepare` is the dry run: it writes nothing and returns a Preview (counts of new / updated /
unchanged / rejected rows and every problem with the row number as the user sees it in Excel).
`commit` writes the preview's rows as one atomic batch through fupin_core.storage.store: strict by default
(nothing when any row has an error), partial on request (the valid rows only).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import polars as pl

from fupin_core.catalog import Dataset, dataset
from fupin_core.ingest import header, read
from fupin_core.ingest.header import ROW, HeaderNotFound
from fupin_core.ingest.mapping import Mapping, auto_map
from fupin_core.ingest.normalize import normalize
from fupin_core.ingest.validate import ERROR, RAW, WARNING, empty_problems, validate
from fupin_core.storage import store

Progress = Callable[[float, str], None]
# (connection, dataset key, rows with catalog columns, their row numbers) -> [(row number, message)]:
# rows the acting user may not import (another 镇办, a locked period); see fupin_core.ingest.guard.
Check = Callable[[duckdb.DuckDBPyConnection, str, pl.DataFrame, list[int]], list[tuple[int, str]]]


class NoTable(read.UnreadableFile):
    """The file is readable but holds no table of this dataset (no header row found)."""


@dataclass
class Preview:
    """The result of a dry run; everything the page, the CLI and `commit` need."""

    dataset: Dataset
    file_name: str
    sha256: str
    content: bytes
    kind: str
    sheet: str | None
    sheets: tuple[str, ...]
    encoding: str | None
    header_row: int  # Excel row of the header
    mapping: Mapping
    raw: pl.DataFrame  # ROW + the file's columns c0..cN as read, data rows only
    rows: pl.DataFrame  # ROW + typed catalog columns
    problems: pl.DataFrame  # row, cell, column, header, value, severity, message, suggestion, confirm
    changes: pl.DataFrame  # ROW, change (new / updated / unchanged) of the rows without errors
    skipped: dict[str, int] = field(default_factory=dict)
    classified_at: tuple | None = None  # store.data_version when `changes` were computed
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (STAGE_LABELS)

    @property
    def rows_read(self) -> int:
        return self.raw.height

    @property
    def errors(self) -> pl.DataFrame:
        return self.problems.filter(pl.col("severity") == ERROR)

    @property
    def warnings(self) -> pl.DataFrame:
        return self.problems.filter(pl.col("severity") == WARNING)

    @property
    def blocked(self) -> bool:
        """A problem of the whole file (a required column missing): no row can be imported."""
        return bool(self.mapping.missing or self.mapping.conflicts)

    @property
    def rejected_rows(self) -> set[int]:
        if self.blocked:
            return set(self.raw.get_column(ROW).to_list())
        return set(self.errors.get_column("row").drop_nulls().to_list())

    def count(self, change: str) -> int:
        return int((self.changes.get_column("change") == change).sum()) if self.changes.height else 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": self.count("new"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "rejected": self.rows_read - self.changes.height,
        }

    @property
    def needs_confirmation(self) -> bool:
        """Warnings the user must confirm before committing (e.g. a 统一社会信用代码 check character)."""
        return bool(self.problems.get_column("confirm").any())

    def valid_rows(self) -> pl.DataFrame:
        keep = self.changes.get_column(ROW)
        if keep.len() == self.rows.height:  # no row rejected (both in row order)
            return self.rows
        return self.rows.filter(pl.col(ROW).is_in(keep.implode()))


@dataclass(frozen=True)
class CommitOutcome:
    committed: bool
    batch_id: int | None
    rows_written: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    message: str
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (STAGE_LABELS)


# The stages of an import, in order, as `fupin import --verbose` and the 数据上报 page name them.
STAGE_LABELS = {
    "read": "读取与解码文件",
    "header": "识别表头与列对应",
    "normalise": "规范数据格式",
    "validate": "校验（含代码核对、重复检查）",
    "classify": "与已有数据比对（新增/更新/未变）",
    "audit_upload": "记录上传日志",
    "labels": "准备写入的行",
    "write_history": "写入历史版本表",
    "store_file": "保存原始文件",
    "write_current": "写入当前数据表",
    "commit": "提交事务",
    "audit_commit": "记录导入日志",
}


def stage_lines(*timings: dict[str, float]) -> list[str]:
    """“读取与解码文件：0.31 秒” per stage that ran, in the order of an import, then the total."""
    merged: dict[str, float] = {}
    for part in timings:
        for stage, seconds in part.items():
            merged[stage] = merged.get(stage, 0.0) + seconds
    lines = [f"{label}：{merged[stage]:.2f} 秒" for stage, label in STAGE_LABELS.items() if stage in merged]
    if lines:
        lines.append(f"合计：{sum(merged.values()):.2f} 秒")
    return lines


def _noop(_fraction: float, _text: str) -> None:
    return None


def _choose_sheet(data: bytes, file_name: str, ds: Dataset, sheet: str | None) -> tuple[read.Grid, int]:
    """The chosen sheet, or else the first visible sheet with a header row of this dataset."""
    grid = read.read_grid(data, file_name, sheet)
    try:
        return grid, header.locate(grid.cells, ds)
    except HeaderNotFound as first_failure:
        if sheet is not None or grid.kind == "csv":
            raise NoTable(str(first_failure)) from None
        for other in grid.sheets[1:]:
            candidate = read.read_grid(data, file_name, other)
            try:
                return candidate, header.locate(candidate.cells, ds)
            except HeaderNotFound:
                continue
        raise NoTable(str(first_failure)) from None


def _file_problems(ds: Dataset, grid: read.Grid, mapping: Mapping, header_row: int, found: header.DataRows) -> pl.DataFrame:
    """Problems of the file as a whole, reported on the header row (or on the row concerned)."""
    items: list[tuple[int | None, str | None, str, str, str | None]] = []
    for name in mapping.missing:
        items.append((header_row, name, ERROR, f"缺少必填列“{ds.header_of(name)}”", "请使用模板中的列名，或在页面上手工指定哪一列是它"))
    for name, indexes in mapping.conflicts:
        cols = "、".join(f"{read.column_letter(i)}列“{mapping.headers[i]}”" for i in indexes)
        items.append((header_row, name, ERROR, f"有多列都对应“{ds.header_of(name)}”：{cols}", "请删去多余的列，或手工指定对应关系"))
    if found.frame.is_empty():
        items.append((header_row, None, ERROR, "表头下面没有数据行", "请在表头下方逐行填写数据"))
    absent = [c for c in ds.columns if not c.required and c.name not in mapping.columns.values()]
    if absent and not found.frame.is_empty():
        names = "、".join(c.header for c in absent)
        items.append((header_row, None, WARNING, f"文件中没有以下选填列：{names}", "已有记录保留原值，新记录这些项为空"))
    unknown = [f"{read.column_letter(i)}列“{mapping.headers[i]}”" for i in mapping.unknown]
    if unknown:
        items.append(
            (
                header_row,
                None,
                WARNING,
                f"以下列不在“{ds.title}”模板中，已忽略：{'、'.join(unknown)}",
                "如其中有需要的数据，请手工指定对应的列",
            )
        )
    for row in _rows_beyond_header(found):
        if grid.kind == "csv":
            items.append((row, None, ERROR, "这一行的值比表头多（表头右侧还有内容）", "数字中的千分位逗号须加引号，或改为不带逗号的数字"))
        else:
            items.append((row, None, WARNING, "表头右侧的单元格中有内容，已忽略", None))
    for index, fields in grid.overlong_rows.items():
        if index > found.header_index:
            items.append((index + 1, None, ERROR, f"这一行有{fields}个值，比表头多", "数字中的千分位逗号须加引号，或改为不带逗号的数字"))
    by_index = mapping.by_column
    for fill in grid.merged_fills:
        name = next((n for n, i in by_index.items() if i == fill.column), None)
        if name and fill.first_row > found.header_index:
            rows = f"第{fill.first_row + 1}至{fill.last_row + 1}行"
            items.append(
                (
                    fill.first_row + 1,
                    name,
                    WARNING,
                    f"{rows}是合并单元格，已把“{fill.value}”填入每一行",
                    "请核对；上传的表格最好不用合并单元格",
                )
            )
    if not items:
        return empty_problems()
    return pl.DataFrame(
        [(r, c, None, s, m, g, False) for r, c, s, m, g in items],
        schema=empty_problems().schema,
        orient="row",
    )


def _rows_beyond_header(found: header.DataRows) -> list[int]:
    """Rows with values in columns to the right of the last header cell."""
    last = max((i for i, h in enumerate(found.headers) if h is not None and str(h).strip()), default=-1)
    extra = [f"c{i}" for i in range(last + 1, len(found.headers))]
    if not extra or found.frame.is_empty():
        return []
    has_value = pl.any_horizontal([pl.col(c).str.strip_chars().fill_null("") != "" for c in extra])
    return found.frame.filter(has_value).get_column(ROW).head(1000).to_list()


def _numeric_id_rows(data: bytes, grid: read.Grid, ds: Dataset, mapping: Mapping) -> dict[str, pl.Series]:
    out = {}
    if grid.kind != "xlsx":
        return out
    for name, index in mapping.by_column.items():
        if "id_card" in ds.column(name).checks:
            rows = read.numeric_cell_rows(data, grid.sheet, index)
            out[name] = pl.Series([r + 1 for r in rows], dtype=pl.Int64)
    return out


def _fill_absent_from_current(con: duckdb.DuckDBPyConnection, ds: Dataset, rows: pl.DataFrame, absent: list[str]) -> pl.DataFrame:
    """An optional column left out of the file keeps each existing row's current value."""
    if not absent or rows.is_empty():
        return rows
    candidates = store.rows_that_may_exist(con, ds, rows)
    if candidates.is_empty():
        return rows
    keys = list(ds.natural_key)
    con.register("ingest_keys", store.as_arrow(candidates.select(keys)))
    try:
        cols = ", ".join(f'c."{n}"' for n in [*keys, *absent])
        on = " AND ".join(f'c."{k}" = k."{k}"' for k in keys)
        current = con.execute(f'SELECT {cols} FROM "{ds.table}" AS c JOIN ingest_keys AS k ON {on}').pl()
    finally:
        con.unregister("ingest_keys")
    if current.is_empty():
        return rows
    current = current.cast({c.name: rows.schema[c.name] for c in ds.columns if c.name in current.columns})
    return rows.drop(absent).join(current, on=keys, how="left").select(rows.columns)


def prepare(
    con: duckdb.DuckDBPyConnection,
    dataset_key: str,
    data: bytes,
    file_name: str,
    *,
    sheet: str | None = None,
    manual: dict[str, str] | None = None,
    progress: Progress = _noop,
    check: Check | None = None,
) -> Preview:
    """Dry run: everything about the file, nothing written. Raises read.UnreadableFile (or NoTable)."""
    ds = dataset(dataset_key)
    timings: dict[str, float] = {}
    clock = [time.perf_counter()]

    def stage_done(stage: str) -> None:
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - clock[0]
        clock[0] = now

    progress(0.05, "正在读取文件…")
    grid, header_index = _choose_sheet(data, file_name, ds, sheet)
    stage_done("read")
    progress(0.3, "正在识别表头和数据行…")
    found = header.data_rows(grid.cells, ds, header_index)
    mapping = auto_map(found.headers, ds, manual)
    header_row = header_index + 1
    mapped = found.frame.select(pl.col(ROW), *[pl.col(f"c{i}").alias(name) for i, name in mapping.columns.items()])
    stage_done("header")
    progress(0.45, "正在规范数据格式…")
    typed = normalize(mapped, ds, _numeric_id_rows(data, grid, ds, mapping))
    present = set(mapping.columns.values())
    frame = typed.with_columns([mapped.get_column(n).alias(RAW + n) for n in present])
    stage_done("normalise")
    progress(0.6, "正在校验…")
    problems = pl.concat([_file_problems(ds, grid, mapping, header_row, found), validate(con, ds, frame, present)])
    rows = typed.select(ROW, *ds.column_names)
    if check is not None and not mapping.missing and rows.height:
        problems = pl.concat([problems, _check_problems(con, ds, rows, check)])
    preview = Preview(
        ds, file_name, hashlib.sha256(data).hexdigest(), data, grid.kind, grid.sheet, grid.sheets, grid.encoding, header_row, mapping,
        found.frame, rows, problems, pl.DataFrame(schema={ROW: pl.Int64, "change": pl.String}),
        {"title": sum(1 for r in grid.cells.head(header_index).iter_rows() if any(v and str(v).strip() for v in r)),
         "blank": found.skipped_blank, "not_data": found.skipped_not_data},
        timings=timings,
    )  # fmt: skip
    stage_done("validate")
    progress(0.8, "正在与已有数据比对…")
    if not preview.blocked:
        rejected = preview.rejected_rows
        valid = rows.filter(~pl.col(ROW).is_in(list(rejected))) if rejected else rows
        absent = [c.name for c in ds.columns if c.name not in present]
        valid = _fill_absent_from_current(con, ds, valid, absent)
        preview.rows = pl.concat([valid, rows.filter(pl.col(ROW).is_in(list(rejected)))]).sort(ROW) if rejected else valid
        if valid.height:
            preview.classified_at = store.data_version(con)
            # Every row of a key repeated in the file was rejected above, so the valid rows hold each key once.
            labels = store.change_labels(con, ds, valid.rename({ROW: "source_row"}), keys_unique=True)
            preview.changes = labels.select(pl.col("source_row").alias(ROW), "change")
    preview.problems = _with_headers(preview.problems, ds, mapping)
    stage_done("classify")
    progress(1.0, "校验完成")
    return preview


def _check_problems(con: duckdb.DuckDBPyConnection, ds: Dataset, rows: pl.DataFrame, check: Check) -> pl.DataFrame:
    found = check(con, ds.key, rows.drop(ROW), rows.get_column(ROW).to_list())
    if not found:
        return empty_problems()
    return pl.DataFrame(
        [(row, None, None, ERROR, message, None, False) for row, message in found], schema=empty_problems().schema, orient="row"
    )


def _with_headers(problems: pl.DataFrame, ds: Dataset, mapping: Mapping) -> pl.DataFrame:
    """Add the column's header as written in the file, and the cell ("C7") when the column is in it."""
    names = {c.name: mapping.header_of(ds, c.name) for c in ds.columns}
    letters = {name: read.column_letter(index) for name, index in mapping.by_column.items()}
    letter = pl.col("column").replace_strict(letters, default=None, return_dtype=pl.String)
    return problems.with_columns(
        pl.col("column").replace_strict(names, default=None, return_dtype=pl.String).alias("header"),
        pl.concat_str([letter, pl.col("row").cast(pl.String)]).alias("cell"),
    ).select("row", "cell", "column", "header", "value", "severity", "message", "suggestion", "confirm")


def commit(
    con: duckdb.DuckDBPyConnection, preview: Preview, *, user: str, partial: bool = False, check: Check | None = None
) -> CommitOutcome:
    """Write the preview as one batch. Strict (default): nothing unless every row is valid.
    `check` runs again on the rows about to be written (a period may have been locked since)."""
    counts = preview.counts
    rejected = counts["rejected"]
    if preview.blocked or (preview.changes.is_empty() and rejected):
        return CommitOutcome(False, None, 0, 0, 0, 0, rejected, "文件有错误，没有可导入的行，未写入任何数据")
    if rejected and not partial:
        return CommitOutcome(
            False, None, 0, 0, 0, 0, rejected, f"有{rejected}行错误，按严格模式未写入任何数据；请改正后重新上传，或选择只导入无误的行"
        )
    rows = preview.valid_rows().rename({ROW: "source_row"})
    if rows.is_empty():
        return CommitOutcome(False, None, 0, 0, 0, 0, rejected, "文件中没有可导入的行")
    if check is not None:
        refused = check(con, preview.dataset.key, rows.drop("source_row"), rows.get_column("source_row").to_list())
        if refused:
            return CommitOutcome(False, None, 0, 0, 0, 0, rejected, "未写入任何数据：" + "；".join(m for _, m in refused[:5]))
    timings: dict[str, float] = {}
    result = store.commit_rows(
        con,
        preview.dataset.key,
        rows,
        timings=timings,
        user=user,
        file_name=preview.file_name,
        sha256=preview.sha256,
        rows_read=preview.rows_read,
        rows_rejected=rejected,
        file_bytes=preview.content,
        known=_known_changes(preview, rows),
    )
    written = result.rows_new + result.rows_updated
    if result.batch_id is None:
        message = f"全部{result.rows_unchanged}行与现有数据相同，没有产生新版本"
    else:
        message = f"已导入为批次 {result.batch_id}：新增{result.rows_new}行，更新{result.rows_updated}行，未变{result.rows_unchanged}行"
        if rejected:
            message += f"，另有{rejected}行有错误未导入（见问题清单）"
    return CommitOutcome(
        True, result.batch_id, written, result.rows_new, result.rows_updated, result.rows_unchanged, rejected, message, timings
    )


def _known_changes(preview: Preview, rows: pl.DataFrame) -> store.KnownChanges | None:
    """The dry run's labels of exactly the rows being committed (partial mode commits fewer)."""
    if preview.classified_at is None:
        return None
    changes = preview.changes.filter(pl.col(ROW).is_in(rows.get_column("source_row").implode())).rename({ROW: "source_row"})
    return store.KnownChanges(changes, preview.classified_at, keys_unique=True)


def problem_records(frame: pl.DataFrame) -> list[dict]:
    """[{"row", "column", "message"}] with the suggestion folded into the message (CLI JSON)."""
    out = []
    for row, head, message, suggestion in frame.select("row", "header", "message", "suggestion").iter_rows():
        text = f"{message}（{suggestion}）" if suggestion else message
        out.append({"row": row, "column": head, "message": text})
    return out


def report(preview: Preview, outcome: CommitOutcome | None = None) -> dict:
    """The JSON object of `fupin import --json`."""
    counts = preview.counts
    return {
        "dataset": preview.dataset.key,
        "file": preview.file_name,
        "rows_read": preview.rows_read,
        "new": counts["new"],
        "updated": counts["updated"],
        "unchanged": counts["unchanged"],
        "rejected": counts["rejected"],
        "committed": outcome.rows_written if outcome else 0,
        "batch_id": outcome.batch_id if outcome else None,
        "errors": problem_records(preview.errors),
        "warnings": problem_records(preview.warnings),
    }
