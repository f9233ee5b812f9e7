"""上传记录: batch table with Chinese headers, original files by sha256, `fupin batches --json` records."""

from __future__ import annotations

from fupin_core.ingest import history, pipeline
from fupin_core.storage import store
from tests.ingest.make_corpus import LINK_HEAD, csv


def test_batch_table_and_original_file(tiny_con):
    content = csv([LINK_HEAD, ["H4", "P1", "分红", "", 2017, 100]])
    preview = pipeline.prepare(tiny_con, "linkages", content, "联结.csv")
    outcome = pipeline.commit(tiny_con, preview, user="王某")
    store.rollback_batch(tiny_con, outcome.batch_id, user="李某")
    table = history.batch_table(tiny_con)
    newest = table.row(0, named=True)
    assert table.columns[:5] == ["批次", "时间", "用户", "数据集", "文件"]
    assert {k: newest[k] for k in ("批次", "用户", "数据集", "文件", "读取行数", "新增", "状态", "回滚人")} == {
        "批次": outcome.batch_id, "用户": "王某", "数据集": "利益联结", "文件": "联结.csv", "读取行数": 1, "新增": 1,
        "状态": "已回滚", "回滚人": "李某",
    }  # fmt: skip
    assert table.row(1, named=True)["回滚人"] == "" and table.row(1, named=True)["状态"] == "已导入"
    assert history.stored_file(tiny_con, newest["sha256"]) == ("联结.csv", content)
    assert history.stored_file(tiny_con, "0" * 64) is None


def test_batch_table_of_one_uploader(tiny_con):
    content = csv([LINK_HEAD, ["H4", "P1", "分红", "", 2017, 100]])
    outcome = pipeline.commit(tiny_con, pipeline.prepare(tiny_con, "linkages", content, "联结.csv"), user="王某")
    assert history.batch_table(tiny_con, "王某")["批次"].to_list() == [outcome.batch_id]
    assert history.batch_table(tiny_con, "无此人").is_empty()
    assert history.batch_table(tiny_con).height == history.batch_table(tiny_con, "测试").height + 1


def test_batch_records_for_the_cli(tiny_con):
    records = history.batch_records(tiny_con)
    assert len(records) == 15
    assert list(records[0])[:4] == ["batch_id", "dataset", "file", "status"]
    assert (records[0]["batch_id"], records[0]["dataset"], records[0]["file"], records[0]["status"]) == (
        15,
        "household_income",
        "household_income.xlsx",
        "committed",
    )
    assert isinstance(records[0]["created_at"], str) and records[0]["rolled_back_at"] is None


def test_default_dataset_is_the_users_last_else_the_most_uploaded(tiny_con, fresh_con):
    """数据上报 opens on the dataset this user uploaded last, else the one uploaded most (not 镇办)."""
    import datetime as dt

    from fupin_core.ingest import history

    assert history.default_dataset(fresh_con, "a") == history.FIRST_DEFAULT_DATASET  # nothing uploaded yet
    first = (tiny_con.execute("SELECT coalesce(max(batch_id), 0) FROM batches").fetchone()[0] or 0) + 1
    for n, (dataset, user) in enumerate((("funds", "a"), ("funds", "b"), ("households", "a"))):
        tiny_con.execute(
            """INSERT INTO batches (batch_id, dataset, kind, file_name, user_name, created_at, rows_read, rows_new,
                                    rows_updated, rows_unchanged, rows_rejected, status)
               VALUES (?, ?, 'upload', 'x.csv', ?, ?, 1, 1, 0, 0, 0, 'committed')""",
            [first + n, dataset, user, dt.datetime(2017, 1, 1, 8, n)],
        )
    assert history.default_dataset(tiny_con, "a") == "households"  # a's last upload
    assert history.default_dataset(tiny_con, "b") == "funds"
    assert history.default_dataset(tiny_con, "c") == "funds"  # never uploaded: the most uploaded
