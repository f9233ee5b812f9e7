"""Retry a write transaction that lost a race with another writer.

On PostgreSQL (attached to DuckDB, which opens REPEATABLE READ transactions) two replicas writing
the same rows at once make one of them fail with a serialisation failure (SQLSTATE 40001, "could
not serialize access due to concurrent update"); embedded DuckDB reports a write-write conflict the
same way. The loser's transaction was rolled back whole, so running it again from the start is safe.
Retries are bounded, with exponential backoff and jitter so two losers do not collide again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

ATTEMPTS = 8
BASE_DELAY_S = 0.05
MAX_DELAY_S = 2.0

# Messages of conflicts that a fresh attempt resolves (PostgreSQL through DuckDB's postgres extension,
# and DuckDB's own optimistic concurrency control).
_CONFLICT_MARKERS = (
    "could not serialize access",
    "40001",
    "deadlock detected",
    "40p01",
    "write-write conflict",
    "conflict on tuple deletion",
    "conflict on update",
)


class WriteConflict(RuntimeError):
    """Still losing to concurrent writers after every attempt; the message is for the user."""


def is_serialization_failure(exc: BaseException) -> bool:
    """True when `exc` (or an exception it was raised from) is a retryable write conflict."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).lower()
        if any(marker in text for marker in _CONFLICT_MARKERS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def backoff_delay(attempt: int, *, base: float = BASE_DELAY_S, cap: float = MAX_DELAY_S, rng=random) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based): exponential, capped, jittered."""
    return min(cap, base * 2 ** (attempt - 1)) * rng.uniform(0.5, 1.0)


def run_with_retry(
    work: Callable[[], T],
    *,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, BaseException], None] | None = None,
) -> T:
    """Call `work()` (which opens and commits its own transaction) until it does not lose a write
    conflict; other errors propagate at once. Raises WriteConflict after `attempts` conflicts."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except Exception as exc:
            if not is_serialization_failure(exc):
                raise
            if attempt == attempts:
                raise WriteConflict(f"数据库正忙：其他用户同时在写入，已重试 {attempts} 次仍未成功，请稍后再试。") from exc
            if on_retry is not None:
                on_retry(attempt, exc)
            sleep(backoff_delay(attempt))
    raise AssertionError("unreachable")
