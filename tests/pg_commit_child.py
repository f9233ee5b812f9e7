"""Child process of test_pg_concurrency: commit BATCHES batches of linkages into one PostgreSQL store.

Usage: python -m tests.pg_commit_child URL WORKER BATCHES ROWS START_AT
Waits until the wall clock reaches START_AT (so two children start together), then prints one JSON
line: the batch ids it committed, how many write conflicts it retried, and when it started/ended.
"""

from __future__ import annotations

import json
import sys
import time

import polars as pl

from fupin_core.security import audit
from fupin_core.storage import db, retry, store
from tests import tiny_data


def linkage_rows(worker: int, batch: int, rows: int) -> pl.DataFrame:
    """`rows` linkages with keys of their own (worker and batch in the household id); income 1 元 each."""
    template = tiny_data.frame("linkages").head(1)
    return pl.concat([template] * rows).with_columns(
        pl.Series("household_id", [f"W{worker}-B{batch}-{i}" for i in range(rows)]),
        pl.lit(1.0).alias("income_yuan"),
    )


def main(url: str, worker: int, batches: int, rows: int, start_at: float) -> None:
    retries = 0
    backoff = retry.backoff_delay

    def counted_backoff(attempt: int, **kw) -> float:
        nonlocal retries
        retries += 1
        return backoff(attempt, **kw)

    retry.backoff_delay = counted_backoff
    con = db.connect(url)
    frames = [linkage_rows(worker, b, rows) for b in range(batches)]
    time.sleep(max(0.0, start_at - time.time()))
    started = time.time()
    ids = []
    for b, frame in enumerate(frames):
        ids.append(store.commit_rows(con, "linkages", frame, user=f"worker{worker}", file_name=f"w{worker}_{b}.xlsx").batch_id)
        audit.record(con, f"worker{worker}", "commit", f"批次 {ids[-1]}")  # audit ids must not repeat either
    ended = time.time()
    con.close()
    print(json.dumps({"batch_ids": ids, "retries": retries, "started": started, "ended": ended}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
