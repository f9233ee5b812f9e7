"""storage.writes: every write is one transaction in the process's write turn; inner transactions join
the outer one; a discarded transaction leaves nothing; a lost write conflict is retried from scratch."""

from __future__ import annotations

import duckdb
import pytest

from fupin_core.storage import writes


def _settings(con) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM settings").fetchall())


def test_a_transaction_commits_and_an_error_rolls_back(fresh_con, backend):
    with writes.transaction(fresh_con):
        fresh_con.execute("INSERT INTO settings VALUES ('a', '1')")
    with pytest.raises(ValueError), writes.transaction(fresh_con):
        fresh_con.execute("INSERT INTO settings VALUES ('b', '2')")
        raise ValueError("stop")
    assert _settings(fresh_con) == {"a": "1"}


def test_an_inner_transaction_joins_the_outer_one(fresh_con, backend):
    with pytest.raises(ValueError), writes.transaction(fresh_con):
        with writes.transaction(fresh_con):  # e.g. the audit entry of a user change
            fresh_con.execute("INSERT INTO settings VALUES ('inner', 'x')")
        raise ValueError("the outer change fails")
    assert _settings(fresh_con) == {}  # the inner write went with it


def test_discard_ends_with_rollback_but_not_inside_another_transaction(fresh_con, backend):
    with writes.transaction(fresh_con) as tx:
        fresh_con.execute("INSERT INTO settings VALUES ('gone', 'x')")
        tx.discard()
    assert _settings(fresh_con) == {}
    with writes.transaction(fresh_con):
        fresh_con.execute("INSERT INTO settings VALUES ('kept', 'x')")
        with writes.transaction(fresh_con) as inner:
            inner.discard()  # cannot undo what the outer transaction wrote
    assert _settings(fresh_con) == {"kept": "x"}


def test_write_retries_a_lost_conflict_from_the_start(fresh_con, backend, monkeypatch):
    monkeypatch.setattr("fupin_core.storage.retry.time.sleep", lambda _s: None)
    attempts = []

    def work(_tx):
        attempts.append(1)
        fresh_con.execute("INSERT INTO settings VALUES (?, 'x')", [f"try{len(attempts)}"])
        if len(attempts) < 3:
            raise duckdb.TransactionException("TransactionContext Error: Conflict on update!")  # a replica won
        return len(attempts)

    assert writes.write(fresh_con, work) == 3
    assert _settings(fresh_con) == {"try3": "x"}  # the lost attempts left nothing behind
