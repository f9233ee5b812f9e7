"""区级审核锁定: a lock refuses imports/rollbacks of its year and 镇办; unlocking is recorded."""

import datetime as dt

import pytest

from fupin_core.security import audit, locks
from fupin_core.security.access import Actor
from tests.tiny_data import T1, T2

ADMIN = Actor("admin", "admin")
T0 = dt.datetime(2026, 3, 1, 10, 0)


def test_township_lock_blocks_that_township_and_year_only(tiny_con):
    locks.lock(tiny_con, ADMIN, 2017, T2)
    with pytest.raises(locks.PeriodLocked, match="2017年夜村镇的数据已经区级审核锁定"):
        locks.check_unlocked(tiny_con, 2017, [T2])
    with pytest.raises(locks.PeriodLocked, match="夜村镇"):
        locks.check_unlocked(tiny_con, 2017, [T1, T2])
    locks.check_unlocked(tiny_con, 2017, [T1])
    locks.check_unlocked(tiny_con, 2016, [T2])
    # An operation on the whole district touches the locked 镇办 too.
    with pytest.raises(locks.PeriodLocked, match="夜村镇"):
        locks.check_unlocked(tiny_con, 2017, None)


def test_district_lock_blocks_every_township_of_the_year(tiny_con):
    locks.lock(tiny_con, ADMIN, 2017)
    for townships in ([T1], [T2], None):
        with pytest.raises(locks.PeriodLocked, match="2017年全区"):
            locks.check_unlocked(tiny_con, 2017, townships)
    locks.check_unlocked(tiny_con, 2018, [T1])


def test_unlock_is_recorded_and_lifts_the_lock(tiny_con):
    locks.lock(tiny_con, ADMIN, 2017, T2, now=T0)
    with pytest.raises(ValueError, match="已经锁定"):
        locks.lock(tiny_con, ADMIN, 2017, T2)
    locks.unlock(tiny_con, ADMIN, 2017, T2, now=T0 + dt.timedelta(days=2))
    locks.check_unlocked(tiny_con, 2017, [T2])
    with pytest.raises(ValueError, match="没有锁定"):
        locks.unlock(tiny_con, ADMIN, 2017, T2)
    history = locks.lock_table(tiny_con)
    assert history.select("年度", "镇办", "锁定人", "锁定时间", "解锁人", "解锁时间", "状态").rows() == [
        (2017, "夜村镇", "admin", "2026-03-01 10:00", "admin", "2026-03-03 10:00", "已解锁")
    ]
    assert locks.lock_table(tiny_con, active_only=True).height == 0
    logged = audit.entries(tiny_con)
    assert logged.select("操作", "对象").rows() == [("解除锁定", "2017年 夜村镇"), ("审核锁定", "2017年 夜村镇")]


def test_a_township_can_be_locked_again_after_unlocking(tiny_con):
    locks.lock(tiny_con, ADMIN, 2017, T1)
    locks.unlock(tiny_con, ADMIN, 2017, T1)
    locks.lock(tiny_con, ADMIN, 2017, T1)
    assert locks.active_locks(tiny_con) == {(2017, T1)}
    assert locks.lock_table(tiny_con)["状态"].to_list() == ["锁定中", "已解锁"]


def test_is_locked_on_a_set_of_locks():
    locked = {(2017, T1)}
    assert locks.is_locked(locked, 2017, T1)
    assert not locks.is_locked(locked, 2017, T2)
    assert locks.is_locked(locked, 2017, None)
    assert not locks.is_locked(locked, 2018, None)
    assert locks.is_locked({(2017, None)}, 2017, T2)
