"""Child process of test_sigkill: dry-run a file, say "COMMITTING", commit it, say "DONE".

Run as `python -m tests.ingest.sigkill_child DB FILE`; the test kills it with SIGKILL at some
moment after "COMMITTING".
"""

import sys
from pathlib import Path

import duckdb

from fupin_core.ingest import pipeline

if __name__ == "__main__":
    db_path, file_path = sys.argv[1], Path(sys.argv[2])
    con = duckdb.connect(db_path)
    preview = pipeline.prepare(con, "linkages", file_path.read_bytes(), file_path.name)
    assert preview.errors.is_empty(), preview.errors.head()
    print("COMMITTING", flush=True)
    outcome = pipeline.commit(con, preview, user="测试")
    print("DONE", outcome.batch_id, outcome.rows_written, flush=True)
    con.close()
