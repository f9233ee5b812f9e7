"""上报任务: a round with three 镇办 — one on time, one late, one returned and resubmitted — gives the
right states, overdue alerts, audit entries, approved figures and locks."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from fupin_core.metrics import Scope, indicators
from fupin_core.metrics.alerts import alerts
from fupin_core.security import audit, locks, rounds
from fupin_core.security.access import Actor
from fupin_core.storage import store
from tests.tiny_data import T1, T2

T3, V4 = "611002111", "611002111201"
ADMIN = Actor("admin", "admin")
EDITOR_T1 = Actor("ed1", "editor", (T1,))
EDITOR_T3 = Actor("ed3", "editor", (T3,))


def _income(household: str, total: float, year: int = 2018) -> dict:
    return {"household_id": household, "year": year, "wage_income_yuan": total, "business_income_yuan": 0.0,
            "property_income_yuan": 0.0, "transfer_income_yuan": 0.0, "labourers": 1, "employed_labourers": 1}  # fmt: skip


def _upload(con, user: str, rows: list[dict]) -> int:
    frame = pl.DataFrame(rows, schema_overrides={"year": pl.Int64, "labourers": pl.Int64, "employed_labourers": pl.Int64})
    return store.commit_rows(con, "household_income", frame, user=user, file_name=f"{user}.xlsx").batch_id


@pytest.fixture
def three(tiny_con):
    """tiny_data plus a third 镇办 (牧护关镇) with one household H6, loaded before any round."""
    store.commit_rows(tiny_con, "townships", pl.DataFrame([{"township_code": T3, "township_name": "牧护关镇"}]), user="测试", kind="sample")
    village = {"village_code": V4, "village_name": "丁村", "township_code": T3, "is_poverty_village": "是",
               "is_deep_poverty_village": "否", "exit_year": None}  # fmt: skip
    store.commit_rows(tiny_con, "villages", pl.DataFrame([village]), user="测试", kind="sample")
    household = {"household_id": "H6", "head_name": "己某", "head_id_number": "611002195001060011", "village_code": V4, "family_size": 2,
                 "household_kind": "一般贫困户", "main_cause": "因病", "identified_year": 2016, "exit_year": None,
                 "labour_capacity": "有劳动能力"}  # fmt: skip
    store.commit_rows(tiny_con, "households", pl.DataFrame([household]), user="测试", kind="sample")
    return tiny_con


def _states(con, rnd) -> dict[str, str]:
    return {c.township: c.state for c in rounds.cells(con, rnd)}


def _timing(con, rnd, now=None) -> dict[str, str]:
    return {c.township: c.timing for c in rounds.cells(con, rnd, now=now)}


def _approved_income_households(con) -> set[str]:
    with rounds.approved_cursor(con) as cur:
        return {r[0] for r in cur.execute("SELECT household_id FROM household_income WHERE year = 2018").fetchall()}


def test_round_with_three_townships(three):
    con = three
    deadline = dt.datetime.now() + dt.timedelta(hours=1)
    with pytest.raises(PermissionError):
        rounds.open_round(con, EDITOR_T1, year=2018, datasets=["household_income"], townships=[T1, T2, T3], deadline=deadline)
    rnd = rounds.open_round(con, ADMIN, year=2018, datasets=["household_income"], townships=[T1, T2, T3], deadline=deadline)
    assert rnd.title == "2018年数据上报" and rnd.townships == (T1, T2, T3)
    assert _states(con, rnd) == {T1: "未上报", T2: "未上报", T3: "未上报"}
    assert rounds.overdue_townships(con, Scope.of(2018)) == 0

    # 城关街道 on time: H1 as in 2017; H2's income falls from 10,000 to 3,000 元 (flagged, −70 %).
    _upload(con, "ed1", [_income("H1", 9500.0), _income("H2", 3000.0)])
    # 牧护关镇 on time, then returned with a comment on the file and one on H6's row.
    _upload(con, "ed3", [_income("H6", 50000.0)])
    assert _states(con, rnd) == {T1: "已上报", T2: "未上报", T3: "已上报"}
    review = rounds.review_rows(con, rnd, T1, "household_income")
    assert review["变化"].to_list() == ["新增", "新增"]
    assert review.filter(pl.col("行键") == "H2 / 2018")["变化较大"].item() == "家庭纯收入(元)比上期-70%"
    assert review.filter(pl.col("行键") == "H1 / 2018")["变化较大"].item() == ""
    board = rounds.board(con, rnd)
    assert board.filter(pl.col("镇办代码") == T1).select("状态", "上报人", "行数", "新增", "变化较大").row(0) == ("已上报", "ed1", 2, 2, 1)

    with pytest.raises(PermissionError):
        rounds.return_submission(con, EDITOR_T3, rnd.round_id, T3, {"household_income": "自己退回"})
    rounds.return_submission(
        con,
        ADMIN,
        rnd.round_id,
        T3,
        {"household_income": "H6 收入明显偏高，请核对"},
        [("household_income", "H6 / 2018", "工资性收入多填一个0")],
    )
    assert _states(con, rnd) == {T1: "已上报", T2: "未上报", T3: "已退回"}
    (returned,) = rounds.returned_for(con, EDITOR_T3)
    assert (returned.township, returned.dataset, returned.comment) == (T3, "household_income", "H6 收入明显偏高，请核对")
    assert returned.rows.rows() == [("H6 / 2018", "工资性收入多填一个0")]
    assert rounds.returned_for(con, EDITOR_T1) == []
    # Neither the returned nor the submitted (unreviewed) rows are in the approved figures.
    assert _approved_income_households(con) == set()
    with pytest.raises(rounds.RoundError, match="已退回"):
        rounds.approve(con, ADMIN, rnd.round_id, T3)

    # Resubmitted (fixed), before the deadline.
    _upload(con, "ed3", [_income("H6", 5000.0)])
    assert _states(con, rnd)[T3] == "已上报"
    review = rounds.review_rows(con, rnd, T3, "household_income")
    assert review.select("行键", "变化").rows() == [("H6 / 2018", "新增")]  # against the approved state: still new
    assert rounds.returned_for(con, EDITOR_T3) == []

    # The deadline passes with 夜村镇 silent: overdue, counted on 总览 需要关注.
    rnd = rounds.set_deadline(con, ADMIN, rnd.round_id, dt.datetime.now())
    assert _timing(con, rnd) == {T1: "", T2: "逾期未报", T3: ""}
    assert rounds.overdue_townships(con, Scope.of(2018)) == 1
    assert rounds.overdue_townships(con, Scope.of(2018, T1)) == 0
    kpis = indicators.values(con, Scope.of(2018))
    assert kpis["overdue_townships"] == 1
    shown = dict(zip(*alerts(kpis)[["key", "数量"]].get_columns(), strict=True))
    assert shown["overdue_townships"] == 1
    assert rounds.overdue_list(con, Scope.of(2018))["镇办"].to_list() == ["夜村镇"]

    # 夜村镇 late.
    _upload(con, "ed2", [_income("H3", 5200.0), _income("H4", 6000.0)])
    assert _states(con, rnd) == {T1: "已上报", T2: "已上报", T3: "已上报"}
    assert _timing(con, rnd) == {T1: "", T2: "逾期上报", T3: ""}
    assert rounds.overdue_townships(con, Scope.of(2018)) == 0

    # An editor cannot approve; approving 城关街道 locks exactly 2018 城关街道.
    with pytest.raises(PermissionError):
        rounds.approve(con, EDITOR_T1, rnd.round_id, T1)
    assert locks.active_locks(con) == set()
    rounds.approve(con, ADMIN, rnd.round_id, T1)
    assert locks.active_locks(con) == {(2018, T1)}
    assert _states(con, rnd) == {T1: "已审核", T2: "已上报", T3: "已上报"}
    assert _approved_income_households(con) == {"H1", "H2"}
    with pytest.raises(locks.PeriodLocked):
        locks.check_unlocked(con, 2018, [T1])
    locks.check_unlocked(con, 2018, [T2, T3])
    locks.check_unlocked(con, 2017, [T1])
    with pytest.raises(rounds.RoundError, match="已经审核通过"):
        rounds.approve(con, ADMIN, rnd.round_id, T1)

    rounds.approve(con, ADMIN, rnd.round_id, T2)
    rounds.approve(con, ADMIN, rnd.round_id, T3)
    assert locks.active_locks(con) == {(2018, T1), (2018, T2), (2018, T3)}
    assert _approved_income_households(con) == {"H1", "H2", "H3", "H4", "H6"}
    with rounds.approved_cursor(con) as cur:
        assert cur.execute("SELECT wage_income_yuan FROM household_income WHERE household_id = 'H6' AND year = 2018").fetchone()[0] == 5000

    logged = audit.entries(con).reverse().select("操作", "对象").rows()  # oldest first
    assert [a for a, _ in logged] == [
        "开启上报任务", "退回上报", "修改截止时间", "审核锁定", "审核通过", "审核锁定", "审核通过", "审核锁定", "审核通过",
    ]  # fmt: skip
    assert logged[1] == ("退回上报", f"上报任务 {rnd.round_id}：牧护关镇")


def test_returned_rows_stay_out_of_approved_figures_until_approved(three):
    """A correction of existing (approved) data: while returned, the approved figures keep the old value."""
    con = three
    rnd = rounds.open_round(
        con, ADMIN, year=2017, datasets=["household_income"], townships=[T1], deadline=dt.datetime.now() + dt.timedelta(days=3)
    )
    # H1 (exited in 2016, 3 people) reports 1,000 元 instead of 9,500: below the 2,952 元 line.
    _upload(con, "ed1", [_income("H1", 1000.0, 2017)])
    rows = rounds.review_rows(con, rnd, T1, "household_income")
    assert rows.select("变化", "差异").row(0) == (
        "更新",
        "工资性收入(元)：6,000 → 1,000；生产经营性净收入(元)：2,000 → 0；财产性收入(元)：500 → 0；转移性收入(元)：1,000 → 0；劳动力人数：2 → 1",
    )
    rounds.return_submission(con, ADMIN, rnd.round_id, T1, {"household_income": "请核对"})
    scope = Scope.of(2017, T1)
    with rounds.approved_cursor(con) as cur:
        approved = indicators.values(cur, scope)
        assert cur.execute("SELECT wage_income_yuan FROM household_income WHERE household_id = 'H1' AND year = 2017").fetchone()[0] == 6000
    submitted = indicators.values(con, scope)
    # Approved: only H2 (2,500 元 a person) is below the line; including the returned rows H1 is too.
    assert (approved["households_below_poverty_line"], submitted["households_below_poverty_line"]) == (1, 2)
    assert (approved["exited_below_poverty_line"], submitted["exited_below_poverty_line"]) == (1, 2)


def test_round_checks_its_input(three):
    con = three
    later = dt.datetime.now() + dt.timedelta(days=1)
    with pytest.raises(rounds.RoundError, match="不能由镇办上报"):
        rounds.open_round(con, ADMIN, year=2018, datasets=["poverty_lines"], townships=None, deadline=later)
    with pytest.raises(rounds.RoundError, match="第1至4季度"):
        rounds.open_round(con, ADMIN, year=2018, datasets=["pv_output"], townships=None, deadline=later, period_kind="quarter")
    with pytest.raises(rounds.RoundError, match="已过"):
        rounds.open_round(con, ADMIN, year=2018, datasets=["linkages"], townships=None, deadline=dt.datetime(2000, 1, 1))
    with pytest.raises(rounds.RoundError, match="不存在"):
        rounds.open_round(con, ADMIN, year=2018, datasets=["linkages"], townships=["999999999"], deadline=later)
    rnd = rounds.open_round(con, ADMIN, year=2018, datasets=["linkages"], townships=None, deadline=later)
    assert set(rnd.townships) == {T1, T2, T3}
    with pytest.raises(rounds.RoundError, match="只有已上报的数据可以退回"):
        rounds.return_submission(con, ADMIN, rnd.round_id, T1, {"linkages": "没有上报"})
    with pytest.raises(rounds.RoundError, match="未上报"):
        rounds.approve(con, ADMIN, rnd.round_id, T1)


def test_quarter_round_takes_only_its_quarter(three):
    con = three
    rnd = rounds.open_round(
        con, ADMIN, year=2018, datasets=["pv_output"], townships=[T1], deadline=dt.datetime.now() + dt.timedelta(days=1),
        period_kind="quarter", period_no=3,
    )  # fmt: skip
    assert rnd.period_label == "2018年第3季度"
    assert [rnd.covers_period(p) for p in ("2018Q3", "2018-08", "2018Q2", "2018-10", "2018", "2017Q3")] == [
        True, True, False, False, False, False,
    ]  # fmt: skip


def test_an_editor_sees_only_their_townships_tasks(three):
    con = three
    rounds.open_round(
        con, ADMIN, year=2018, datasets=["household_income"], townships=[T1, T3], deadline=dt.datetime.now() + dt.timedelta(days=1)
    )
    rounds.open_round(con, ADMIN, year=2018, datasets=["linkages"], townships=[T2], deadline=dt.datetime.now() + dt.timedelta(days=1))
    assert [r.townships for r in rounds.rounds(con, EDITOR_T1)] == [(T1,)]
    assert rounds.my_tasks(con, EDITOR_T1)["镇办"].to_list() == ["城关街道"]
    assert len(rounds.rounds(con, ADMIN)) == 2


def test_comments_reach_the_editor_with_id_numbers_masked(three):
    con = three
    rnd = rounds.open_round(
        con, ADMIN, year=2018, datasets=["household_income"], townships=[T3], deadline=dt.datetime.now() + dt.timedelta(days=1)
    )
    _upload(con, "ed3", [_income("H6", 5000.0)])
    rounds.return_submission(
        con,
        ADMIN,
        rnd.round_id,
        T3,
        {"household_income": "户主611002195001060011的收入请核对"},
        [("household_income", "H6 / 2018", "611002195001060011 不符")],
    )
    (returned,) = rounds.returned_for(con, EDITOR_T3)
    assert returned.comment == "户主611002********0011的收入请核对"
    assert returned.rows["意见"].to_list() == ["611002********0011 不符"]
    assert rounds.board(con, rnd)["退回意见"].to_list() == ["户主611002********0011的收入请核对"]
    assert "611002195001060011" not in audit.entries(con)["详情"].str.join("").item()
