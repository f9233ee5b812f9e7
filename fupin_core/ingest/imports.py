"""One import service for the 数据上报 page and `fupin import`: check a file under the acting user's
rights (镇办 scope, locked periods), audit the upload, commit, audit the commit.

The page runs it in two steps (check, then commit when the user confirms); the CLI in one
(`import_file`). Either way the same checks and the same audit entries happen in the same order.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from fupin_core.catalog import Dataset
from fupin_core.ingest import guard, pipeline
from fupin_core.ingest.mapping import load_mapping
from fupin_core.security.access import Actor
from fupin_core.storage.handle import Store


@dataclass(frozen=True)
class ImportOptions:
    sheet: str | None = None  # None: the first sheet with a header
    manual: Mapping[str, str] = field(default_factory=dict)  # file header -> column, chosen by the user
    source: str | None = None  # a mapping saved on the page for this sender, applied under `manual`
    dry_run: bool = False
    partial: bool = False  # commit the valid rows even when others are wrong
    progress: pipeline.Progress = lambda _fraction, _text: None


@dataclass(frozen=True)
class ImportResult:
    preview: pipeline.Preview
    outcome: pipeline.CommitOutcome | None  # None for a dry run


def check_file(
    store: Store, actor: Actor, dataset: Dataset, file_name: str, data: bytes, options: ImportOptions, *, audit_upload: bool = True
) -> pipeline.Preview:
    """The dry run of `data` as `actor` would import it; with `audit_upload`, an "upload" audit entry.
    Raises read.UnreadableFile for a file that cannot be read (nothing is written then)."""
    with store.cursor() as cur:
        manual = {**(load_mapping(cur, options.source, dataset.key) if options.source else {}), **options.manual}
        preview = pipeline.prepare(
            cur, dataset.key, data, file_name, sheet=options.sheet, manual=manual or None,
            check=guard.import_check(actor), progress=options.progress,
        )  # fmt: skip
        if audit_upload:
            started = time.perf_counter()
            guard.record_upload(cur, actor, preview)
            preview.timings["audit_upload"] = time.perf_counter() - started
    return preview


def commit_checked(store: Store, actor: Actor, preview: pipeline.Preview, *, partial: bool) -> pipeline.CommitOutcome:
    """Commit a checked file as `actor` (the checks run again on the rows written) and audit the batch."""
    with store.cursor() as cur:
        outcome = pipeline.commit(cur, preview, user=actor.username, partial=partial, check=guard.import_check(actor))
        started = time.perf_counter()
        guard.record_commit(cur, actor, preview, outcome)
        outcome.timings["audit_commit"] = time.perf_counter() - started
    return outcome


def import_file(store: Store, actor: Actor, dataset: Dataset, file_name: str, data: bytes, options: ImportOptions) -> ImportResult:
    """Check, audit and (unless a dry run) commit `data` in one call."""
    preview = check_file(store, actor, dataset, file_name, data, options)
    outcome = None if options.dry_run else commit_checked(store, actor, preview, partial=options.partial)
    return ImportResult(preview, outcome)
