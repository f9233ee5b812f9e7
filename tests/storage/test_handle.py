"""storage.handle.Store: opening says what to run when there is nothing (or something else) at the
address, waits while another process holds the file, migrates a writable store; 镇办 names."""

from __future__ import annotations

import duckdb
import pytest

from fupin_core.storage import db, handle
from fupin_core.storage.handle import Store, StoreMissing
from tests import tiny_data
from tests.tiny_data import T1


def test_a_missing_store_names_the_command_to_run(tmp_path):
    with pytest.raises(StoreMissing, match="不存在，请先运行 fupin init"):
        Store.open(str(tmp_path / "none.duckdb"))
    assert not (tmp_path / "none.duckdb").exists()  # nothing created by looking


def test_a_database_of_another_program_is_refused(tmp_path):
    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(StoreMissing, match="不是 fupin 数据库"):
        Store.open(str(path))


def test_a_new_store_is_created_and_migrated_on_request(tmp_path):
    with Store.open(str(tmp_path / "new.duckdb"), existing=False) as opened:
        assert opened.con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] > 0


def test_open_waits_for_a_busy_file_then_says_so(tmp_path, monkeypatch):
    calls = []

    def busy(url, read_only=False):
        calls.append(url)
        raise db.DatabaseBusy("占用")

    monkeypatch.setattr(handle.db, "exists", lambda url=None: True)
    monkeypatch.setattr(handle.db, "connect", busy)
    with pytest.raises(db.DatabaseBusy, match="数据库正忙"):
        Store.open(str(tmp_path / "x.duckdb"), wait_s=0.5)
    assert len(calls) > 1  # tried again while waiting


def test_township_names_and_cursors(tmp_path):
    path = tmp_path / "tiny.duckdb"
    con = duckdb.connect(str(path))
    tiny_data.build(con)
    con.close()
    with Store.open(str(path), read_only=True) as opened:
        assert opened.township_names()[T1]
        with opened.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM townships").fetchone()[0] == len(opened.township_names())
        assert opened.data_version()[0] > 0
