"""How anything is written to the store: one writer at a time per process, one transaction per change,
retried from scratch when it loses a race with another process or replica.

Every write of the project goes through `transaction()` or `write()`; no other module says BEGIN,
COMMIT or ROLLBACK. Transactions nest: an inner one (an audit entry written inside a user change)
joins the outer one, so the two commit or fail together.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import duckdb

from fupin_core.storage.retry import run_with_retry

T = TypeVar("T")

# One writer at a time inside a process (Streamlit serves sessions from several threads).
WRITE_LOCK = threading.RLock()
_open_transactions: dict[int, int] = {}  # id(connection) -> nesting depth, only touched under WRITE_LOCK


class Transaction:
    """The open transaction of a `with transaction(con) as tx:` block."""

    def __init__(self, *, nested: bool = False) -> None:
        self.discarded = False
        self.nested = nested

    def discard(self) -> None:
        """End the block with ROLLBACK instead of COMMIT (nothing worth keeping was written). Inside an
        enclosing transaction it does nothing: what was written stays part of that transaction."""
        self.discarded = not self.nested


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    # A failed COMMIT may already have ended the transaction; keep the original error, not this one.
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


@contextlib.contextmanager
def serialised() -> Iterator[None]:
    """The process's write turn without a transaction: for a check-then-write made of single
    statements that must each stand (a failed login is counted even though the login raises)."""
    with WRITE_LOCK:
        yield


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[Transaction]:
    """BEGIN, then COMMIT when the block ends, ROLLBACK when it raises (or calls tx.discard())."""
    with WRITE_LOCK:
        key = id(con)
        if _open_transactions.get(key):
            tx = Transaction(nested=True)
            _open_transactions[key] += 1
            try:
                yield tx  # part of the enclosing transaction: it commits or rolls back for both
            finally:
                _open_transactions[key] -= 1
            return
        tx = Transaction()
        con.execute("BEGIN TRANSACTION")
        _open_transactions[key] = 1
        try:
            yield tx
            con.execute("ROLLBACK" if tx.discarded else "COMMIT")
        except BaseException:
            rollback_quietly(con)
            raise
        finally:
            _open_transactions.pop(key, None)


def write(con: duckdb.DuckDBPyConnection, work: Callable[[Transaction], T]) -> T:
    """`work(tx)` inside one transaction, run again from the start when it loses a write conflict
    (fupin_core.storage.retry). Inside an enclosing transaction it simply joins it: the outermost
    write is the one that retries."""
    with WRITE_LOCK:
        if _open_transactions.get(id(con)):
            with transaction(con) as tx:
                return work(tx)

        def attempt() -> T:
            with transaction(con) as tx:
                return work(tx)

        return run_with_retry(attempt)


@contextlib.contextmanager
def snapshot(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One consistent view of every table for a long read (a backup), without taking the write turn."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise
