"""Child process of test_sigkill_rollback: open the store, say "ROLLING BACK", roll a batch back, say "DONE".

Run as `python -m tests.ingest.sigkill_rollback_child URL BATCH_ID`; the test kills it with SIGKILL
at some moment after "ROLLING BACK".
"""

import sys

from fupin_core.storage import db, store

if __name__ == "__main__":
    url, batch_id = sys.argv[1], int(sys.argv[2])
    con = db.connect(url)
    print("ROLLING BACK", flush=True)
    store.rollback_batch(con, batch_id, user="测试")
    print("DONE", flush=True)
    con.close()
