"""The upload path under the acting user: 镇办 scope, locked periods and the audit log."""

from __future__ import annotations

import polars as pl

from fupin_core.ingest import guard, pipeline
from fupin_core.security import access, audit, locks
from tests.ingest.make_corpus import LINK_HEAD, csv
from tests.tiny_data import T1, T2

ROWS = csv([LINK_HEAD, ["H2", "P1", "分红", "", 2018, 100], ["H3", "P4", "务工", "", 2018, 200]])  # H2 in 城关街道, H3 in 夜村镇
ADMIN = access.Actor("admin", "admin")


def test_an_editor_may_import_only_rows_of_their_township(tiny_con):
    editor = access.Actor("城关录入员", "editor", (T1,))
    check = guard.import_check(editor)
    preview = pipeline.prepare(tiny_con, "linkages", ROWS, "a.csv", check=check)
    assert preview.errors.select("row", "column").rows() == [(3, None)]
    assert "不在您的权限范围" in preview.errors.get_column("message")[0]
    assert preview.counts == {"new": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    outcome = pipeline.commit(tiny_con, preview, user=editor.username, partial=True, check=check)
    assert outcome.new == 1
    assert tiny_con.execute("SELECT household_id FROM linkages WHERE year = 2018").fetchall() == [("H2",)]


def test_a_locked_period_refuses_the_rows_and_a_lock_set_after_the_preview_stops_the_commit(tiny_con):
    check = guard.import_check(ADMIN)
    preview = pipeline.prepare(tiny_con, "linkages", ROWS, "a.csv", check=check)
    assert preview.errors.is_empty()
    locks.lock(tiny_con, ADMIN, 2018, T2)
    outcome = pipeline.commit(tiny_con, preview, user="admin", check=check)
    assert not outcome.committed and "锁定" in outcome.message
    assert tiny_con.execute("SELECT count(*) FROM linkages WHERE year = 2018").fetchone()[0] == 0
    again = pipeline.prepare(tiny_con, "linkages", ROWS, "a.csv", check=check)
    assert again.errors.select("row").to_series().to_list() == [3]


def test_upload_and_commit_are_audited(tiny_con):
    preview = pipeline.prepare(tiny_con, "linkages", ROWS, "台账.csv")
    guard.record_upload(tiny_con, ADMIN, preview)
    outcome = pipeline.commit(tiny_con, preview, user="admin")
    guard.record_commit(tiny_con, ADMIN, preview, outcome)
    log = audit.entries(tiny_con)
    assert set(log.select(pl.col("用户"), pl.col("操作"), pl.col("对象")).rows()) == {
        ("admin", "上传文件", "台账.csv"), ("admin", "导入提交", f"批次 {outcome.batch_id}"),
    }  # fmt: skip
    assert "新增2" in log.filter(pl.col("对象") == "台账.csv").get_column("详情").item()
