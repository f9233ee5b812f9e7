"""Bounded retry of write conflicts, and the conflict PostgreSQL really raises between two writers."""

from __future__ import annotations

import random
import threading

import duckdb
import pytest

from fupin_core.storage import db, retry, schema


class Conflict(Exception):
    pass


def test_a_serialisation_failure_is_retried_until_it_succeeds():
    calls, waits = [], []

    def work():
        calls.append(1)
        if len(calls) < 3:
            raise Conflict(
                'TransactionContext Error: Failed to execute query "UPDATE …": ERROR:  could not serialize access due to concurrent update'
            )
        return "done"

    assert retry.run_with_retry(work, sleep=waits.append) == "done"
    assert len(calls) == 3 and len(waits) == 2
    assert 0 < waits[0] <= retry.BASE_DELAY_S and waits[1] <= 2 * retry.BASE_DELAY_S


def test_other_errors_are_not_retried():
    calls = []

    def work():
        calls.append(1)
        raise ValueError("第3行 户编号 为空")

    with pytest.raises(ValueError, match="户编号"):
        retry.run_with_retry(work, sleep=lambda s: None)
    assert calls == [1]


def test_retries_are_bounded_with_a_chinese_message():
    calls, waits = [], []

    def work():
        calls.append(1)
        raise Conflict("ERROR: deadlock detected")

    with pytest.raises(retry.WriteConflict, match="请稍后再试") as caught:
        retry.run_with_retry(work, attempts=4, sleep=waits.append)
    assert len(calls) == 4 and len(waits) == 3
    assert isinstance(caught.value.__cause__, Conflict)


def test_backoff_grows_exponentially_and_is_capped():
    fixed = random.Random(7)
    delays = [retry.backoff_delay(n, rng=fixed) for n in range(1, 12)]
    assert all(d <= retry.MAX_DELAY_S for d in delays)
    assert delays[-1] >= retry.MAX_DELAY_S / 2  # capped, then jittered within [cap/2, cap]
    assert retry.backoff_delay(1, rng=fixed) <= retry.BASE_DELAY_S < retry.backoff_delay(4, rng=fixed)


def test_conflict_is_found_in_the_exception_chain():
    try:
        try:
            raise Conflict("Conflict on tuple deletion!")
        except Conflict as inner:
            raise RuntimeError("提交失败") from inner
    except RuntimeError as outer:
        assert retry.is_serialization_failure(outer)
    assert not retry.is_serialization_failure(RuntimeError("磁盘已满"))


def test_postgres_raises_a_retryable_conflict_for_two_writers_of_one_row(pg_server):
    """Replica A holds the batch counter row in an open transaction; replica B's update of the same
    row waits, then fails with the serialisation failure that store's retry recognises."""
    with pg_server.database("retry") as url:
        a, b = db.connect(url), db.connect(url)
        try:
            schema.migrate(a)
            a.execute("BEGIN TRANSACTION")
            a.execute("UPDATE id_counters SET last_value = last_value + 1 WHERE name = 'batch_id'")
            outcome: dict = {}

            def replica_b():
                b.execute("BEGIN TRANSACTION")
                try:
                    b.execute("UPDATE id_counters SET last_value = last_value + 1 WHERE name = 'batch_id'")
                    b.execute("COMMIT")
                    outcome["error"] = None
                except duckdb.Error as exc:
                    outcome["error"] = exc
                    b.execute("ROLLBACK")

            thread = threading.Thread(target=replica_b)
            thread.start()
            thread.join(timeout=1.0)
            assert thread.is_alive()  # B waits for A's row
            a.execute("COMMIT")
            thread.join(timeout=30)
            assert outcome["error"] is not None and retry.is_serialization_failure(outcome["error"]), outcome["error"]
            assert a.execute("SELECT last_value FROM id_counters WHERE name = 'batch_id'").fetchone()[0] == 1  # B's update did not count
        finally:
            a.close()
            b.close()
