"""Two processes (think: two app replicas) import different batches into one PostgreSQL at the same
time: every batch commits, batch ids are distinct, and the totals are exact."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from fupin_core.storage import db, store
from tests import tiny_data

ROOT = Path(__file__).resolve().parents[1]
BATCHES, ROWS = 6, 300


def test_two_processes_commit_at_once(pg_server):
    with pg_server.database("concurrent", pg_server.template("tiny", tiny_data.build)) as url:
        con = db.connect(url)
        before_batches = store.list_batches(con).height
        before_history = con.execute("SELECT count(*) FROM linkages_history").fetchone()[0]
        before_income = con.execute("SELECT sum(income_yuan) FROM linkages").fetchone()[0]
        con.close()

        start_at = time.time() + 3.0  # both children have imported everything by then
        children = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.pg_commit_child", url, str(worker), str(BATCHES), str(ROWS), str(start_at)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for worker in (1, 2)
        ]
        outputs = [child.communicate(timeout=300) for child in children]
        for child, (_out, err) in zip(children, outputs, strict=True):
            assert child.returncode == 0, err
        reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]

        # The two import runs really overlapped in time (else this test would prove nothing).
        assert max(r["started"] for r in reports) < min(r["ended"] for r in reports)
        ids = [i for r in reports for i in r["batch_ids"]]
        assert None not in ids and len(set(ids)) == 2 * BATCHES

        con = db.connect(url)
        try:
            batches = store.list_batches(con)
            assert batches.height == before_batches + 2 * BATCHES
            assert batches["batch_id"].n_unique() == batches.height
            assert sorted(batches.filter(batches["user_name"].str.starts_with("worker"))["batch_id"].to_list()) == sorted(ids)
            assert con.execute("SELECT count(*) FROM linkages_history").fetchone()[0] == before_history + 2 * BATCHES * ROWS
            per_batch = dict(con.execute("SELECT batch_id, count(*) FROM linkages GROUP BY batch_id").fetchall())
            assert all(per_batch[i] == ROWS for i in ids)
            income = con.execute("SELECT sum(income_yuan) FROM linkages").fetchone()[0]
            assert float(income) == float(before_income) + 2 * BATCHES * ROWS  # 1 元 per new row
            assert con.execute("SELECT last_value FROM id_counters WHERE name = 'batch_id'").fetchone()[0] == max(batches["batch_id"])
            entries = con.execute("SELECT entry_id, target FROM audit_log WHERE user_name LIKE 'worker%'").fetchall()
            assert sorted(target for _, target in entries) == sorted(f"批次 {i}" for i in ids)
            all_ids = [row[0] for row in con.execute("SELECT entry_id FROM audit_log").fetchall()]
            assert len(set(all_ids)) == len(all_ids)
        finally:
            con.close()
        print(f"retried write conflicts: {[r['retries'] for r in reports]}")
