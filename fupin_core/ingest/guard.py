"""The upload path under the acting user: who may import which rows (fupin_core.security.access: 镇办 scope,
periods locked after review), rollback through access.rollback_batch, and the audit entries."""

from __future__ import annotations

import duckdb

from fupin_core.ingest.pipeline import Check, CommitOutcome, Preview
from fupin_core.security import access, audit, locks


def import_check(actor: access.Actor) -> Check:
    """access.import_problems as a pipeline check. For a whole-district actor with no locked period it
    cannot refuse anything, so it is skipped (it looks at every row, costly on a large file)."""

    def check(con: duckdb.DuckDBPyConnection, dataset_key: str, rows, row_numbers: list[int]) -> list[tuple[int, str]]:
        if actor.townships is None and not locks.active_locks(con):
            access.require(actor, "upload")
            return []
        return access.import_problems(con, actor, dataset_key, rows, row_numbers=row_numbers)

    return check


def record_upload(con: duckdb.DuckDBPyConnection, actor: access.Actor, preview: Preview) -> None:
    counts = preview.counts
    audit.record(
        con, actor.username, "upload", preview.file_name,
        f"{preview.dataset.title}；读取{preview.rows_read}行：新增{counts['new']}、更新{counts['updated']}、未变{counts['unchanged']}、有误{counts['rejected']}",
    )  # fmt: skip


def record_commit(con: duckdb.DuckDBPyConnection, actor: access.Actor, preview: Preview, outcome: CommitOutcome) -> None:
    if outcome.batch_id is not None:
        audit.record(
            con, actor.username, "commit", f"批次 {outcome.batch_id}", f"{preview.dataset.title}，{preview.file_name}：{outcome.message}"
        )
