"""Township scope: a 牧护关镇 录入员 sees and imports only 牧护关镇, in metrics, exports and imports."""

import polars as pl
import pytest

from fupin_core.metrics import Scope
from fupin_core.metrics.indicators import overview_kpis
from fupin_core.metrics.overview import township_breakdown
from fupin_core.reports.summary import collect
from fupin_core.security import access
from fupin_core.security.access import Actor

MUHU, YECUN = "611002111", "611002101"
EDITOR = Actor("muhu", "editor", (MUHU,))
TWO_TOWNS = Actor("two", "viewer", (MUHU, YECUN))
ADMIN = Actor("admin", "admin")
NAMES = {MUHU: "牧护关镇", YECUN: "夜村镇"}


def test_scope_for_narrows_the_whole_district_to_the_actors_township():
    assert access.scope_for(EDITOR, 2017) == Scope(2017, (MUHU,))
    assert access.scope_for(EDITOR, 2017, MUHU) == Scope(2017, (MUHU,))
    assert access.scope_for(TWO_TOWNS, 2017) == Scope(2017, (MUHU, YECUN))
    assert access.scope_for(ADMIN, 2017) == Scope(2017, None)
    assert access.scope_for(ADMIN, 2017, YECUN) == Scope(2017, (YECUN,))


def test_scope_for_rejects_another_township():
    with pytest.raises(PermissionError, match="您只能查看牧护关镇的数据，无权查看夜村镇"):
        access.scope_for(EDITOR, 2017, YECUN, names=NAMES)


def test_metrics_through_scope_for_show_only_the_actors_township(sample_con):
    mine = overview_kpis(sample_con, access.scope_for(EDITOR, 2017))
    assert mine == overview_kpis(sample_con, Scope.of(2017, MUHU))
    assert mine["households_registered"] < overview_kpis(sample_con, Scope.of(2017))["households_registered"]
    assert township_breakdown(sample_con, access.scope_for(EDITOR, 2017))["镇办"].to_list() == ["牧护关镇"]


def test_exports_through_scope_for_hold_only_the_actors_township(sample_con):
    summary = collect(sample_con, access.scope_for(EDITOR, 2017))
    assert summary.place.endswith("牧护关镇")
    assert summary.kpis == overview_kpis(sample_con, Scope.of(2017, MUHU))
    for _, tables in summary.sheets:
        for filled in tables:
            if "镇办" in filled.frame.columns:
                assert set(filled.frame["镇办"].to_list()) <= {"牧护关镇"}, filled.title


def test_import_rows_of_another_township_are_refused_row_by_row():
    rows = [MUHU, YECUN, MUHU, None]
    assert access.out_of_scope_rows(EDITOR, rows) == [1, 3]
    assert access.out_of_scope_rows(ADMIN, rows) == []
    problems = access.scope_problems(EDITOR, rows, row_numbers=[5, 6, 7, 8], names=NAMES)
    assert problems == [
        (6, "第6行属于镇办“夜村镇”，不在您的权限范围（牧护关镇）内，不能导入；请删除该行或交由相应镇办上传"),
        (8, "第8行属于未知镇办，不在您的权限范围（牧护关镇）内，不能导入；请删除该行或交由相应镇办上传"),
    ]
    with pytest.raises(PermissionError, match="共2行超出您的权限范围：第2行属于镇办“夜村镇”"):
        access.check_rows_in_scope(EDITOR, rows, names=NAMES)
    access.check_rows_in_scope(EDITOR, [MUHU, MUHU])
    access.check_rows_in_scope(ADMIN, rows)


def test_viewers_cannot_import_even_their_own_township():
    with pytest.raises(PermissionError, match="无权上传导入数据"):
        access.check_rows_in_scope(Actor("look", "viewer", (MUHU,)), [MUHU])


def test_id_numbers_are_presented_masked_except_to_roles_allowed_to_see_them():
    frame = pl.DataFrame({"户主姓名": ["王某甲"], "户主身份证号": ["61100219900101123X"]})
    assert access.present(EDITOR, frame)["户主身份证号"].item() == "611002********123X"
    assert access.present(Actor("look", "viewer"), frame)["户主身份证号"].item() == "611002********123X"
    assert access.present(ADMIN, frame)["户主身份证号"].item() == "61100219900101123X"


def test_nobody_logged_in_may_do_nothing():
    with pytest.raises(PermissionError, match="请先登录"):
        access.scope_for(None, 2017)


def test_exports_are_checked_against_the_scope_and_audited(sample_db_path, tmp_path):
    import shutil

    import duckdb

    from fupin_core.security import audit
    from fupin_core.storage import schema

    path = tmp_path / "export.duckdb"
    shutil.copy(sample_db_path, path)
    con = duckdb.connect(str(path))
    try:
        schema.migrate(con)
        access.record_export(con, EDITOR, "牧护关镇2017年产业未覆盖户.csv", access.scope_for(EDITOR, 2017))
        entry = audit.entries(con).row(0, named=True)
        assert (entry["用户"], entry["操作"], entry["对象"], entry["详情"]) == (
            "muhu",
            "导出",
            "牧护关镇2017年产业未覆盖户.csv",
            "2017年；范围：牧护关镇",
        )
        for scope in (Scope.of(2017), Scope.of(2017, YECUN)):
            with pytest.raises(PermissionError, match="只能查看和导出本人范围内镇办的数据"):
                access.record_export(con, EDITOR, "全区.xlsx", scope)
        assert audit.entries(con).height == 1
    finally:
        con.close()


def _households(rows):
    from tests import tiny_data

    frame = tiny_data.frame("households")
    by_id = {r["household_id"]: r for r in frame.iter_rows(named=True)}
    return pl.DataFrame([{**by_id[hid], **changes} for hid, changes in rows], schema=frame.schema, orient="row")


def test_import_problems_name_each_row_outside_the_scope(tiny_con):
    from tests.tiny_data import T2, V1, V2

    yecun = Actor("yecun", "editor", (T2,))
    rows = _households(
        [
            ("H3", {"family_size": 3}),  # 夜村镇, stays there: fine
            ("H4", {"household_id": "H9", "village_code": V1}),  # a new household in 城关街道
            ("H1", {"village_code": V2}),  # moves a 城关街道 household into 夜村镇
        ]
    )
    assert access.import_problems(tiny_con, yecun, "households", rows, row_numbers=[4, 5, 6]) == [
        (5, "第5行属于镇办“城关街道”，不在您的权限范围（夜村镇）内，不能导入；请删除该行或交由相应镇办上传"),
        (6, "第6行要修改的现有记录属于城关街道，不在您的权限范围内，不能导入"),
    ]
    assert access.import_problems(tiny_con, ADMIN, "households", rows) == []
    with pytest.raises(PermissionError, match="无权上传导入数据"):
        access.import_problems(tiny_con, Actor("look", "viewer"), "households", rows)


def test_import_problems_name_each_row_in_a_locked_period(tiny_con):
    from fupin_core.security import locks
    from tests import tiny_data
    from tests.tiny_data import T2

    locks.lock(tiny_con, ADMIN, 2017, T2)
    linkages = tiny_data.frame("linkages")  # rows: 2017 城关街道, 2017 夜村镇, 2017 城关街道, 2016 夜村镇
    assert access.import_problems(tiny_con, ADMIN, "linkages", linkages) == [
        (2, "第2行涉及已区级审核锁定的2017年夜村镇数据，不能导入；如需修改请联系管理员解锁")
    ]
    # Registers count from their first year on: H4 (identified 2017) is in the locked 2017 figures, H5 (2018) is not.
    households = _households([("H4", {"family_size": 6}), ("H5", {"family_size": 2})])
    assert [row for row, _ in access.import_problems(tiny_con, ADMIN, "households", households)] == [1]
    locks.lock(tiny_con, ADMIN, 2017)  # the whole district
    assert [row for row, _ in access.import_problems(tiny_con, ADMIN, "linkages", linkages)] == [1, 2, 3]
    locks.lock(tiny_con, ADMIN, 2016, T2)
    assert [row for row, _ in access.import_problems(tiny_con, ADMIN, "linkages", linkages)] == [1, 2, 3, 4]


def test_rollback_as_an_actor_checks_owner_and_locks_and_is_audited(tiny_con):
    from fupin_core.security import audit, locks
    from fupin_core.storage import store
    from tests.tiny_data import T2

    batch = tiny_con.execute("SELECT batch_id FROM batches WHERE dataset = 'linkages'").fetchone()[0]
    owner = Actor("测试", "editor", (T2,))  # tiny_data commits every batch as user 测试
    with pytest.raises(PermissionError, match="只能回滚本人上传的批次"):
        access.rollback_batch(tiny_con, Actor("other", "editor", (T2,)), batch)
    locks.lock(tiny_con, ADMIN, 2017, T2)
    with pytest.raises(locks.PeriodLocked, match=f"批次 {batch} 涉及已区级审核锁定的2017年夜村镇数据，不能回滚"):
        access.rollback_batch(tiny_con, owner, batch)
    assert store.list_batches(tiny_con).filter(pl.col("batch_id") == batch)["status"].item() == "committed"
    locks.unlock(tiny_con, ADMIN, 2017, T2)
    access.rollback_batch(tiny_con, owner, batch)
    assert store.list_batches(tiny_con).filter(pl.col("batch_id") == batch)["status"].item() == "rolled_back"
    assert audit.entries(tiny_con, limit=1).select("用户", "操作", "对象").row(0) == ("测试", "回滚批次", f"批次 {batch}")


def test_only_an_administrator_uploads_the_poverty_line(tiny_con):
    rows = pl.DataFrame({"year": [2017], "line_yuan": [3200.0], "standard": ["省定扶贫标准"]})
    with pytest.raises(PermissionError, match="只有管理员可以上报"):
        access.import_problems(tiny_con, access.Actor("lu", "editor"), "poverty_lines", rows)
    assert access.import_problems(tiny_con, access.Actor("admin", "admin"), "poverty_lines", rows) == []
