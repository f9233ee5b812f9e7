"""`fupin backup` / `fupin restore`: a restored store gives identical KPIs and batches, on both
backends and across them; damaged or mismatched backups and non-empty targets are refused."""

from __future__ import annotations

import itertools
import json
import shutil
from contextlib import ExitStack

import polars as pl
import pytest

from fupin_core import __version__, cli
from fupin_core.ingest import sample
from fupin_core.maintenance import backup
from fupin_core.storage import db, schema, store
from tests import tiny_data

YEARS = (2016, 2017, 2018)


@pytest.fixture(autouse=True)
def _shared_key(monkeypatch):
    """Backups are signed and checked with the servers' shared key (FUPIN_SECRET_KEY), as replicas run;
    the key file beside a DuckDB database is covered by tests/test_cli_hardening.py."""
    monkeypatch.setenv("FUPIN_SECRET_KEY", "backup-test-key-" + "0" * 32)


def _resign(manifest: dict) -> None:
    manifest[backup.SIGNATURE] = backup.manifest_signature(backup.environment_keys()[0], manifest)


@pytest.fixture
def empty_url(backend, request, tmp_path):
    """Factory of URLs of new, empty stores on `backend`."""
    stack, numbers = ExitStack(), itertools.count()

    def make() -> str:
        if backend == "duckdb":
            return str(tmp_path / f"store{next(numbers)}.duckdb")
        return stack.enter_context(request.getfixturevalue("pg_server").database("restore"))

    with stack:
        yield make


@pytest.fixture
def sample_url(backend, request, tmp_path):
    """A writable copy of the scale-1 sample on `backend`, by URL (the CLI opens URLs)."""
    if backend == "duckdb":
        path = tmp_path / "sample.duckdb"
        shutil.copy(request.getfixturevalue("sample_db_path"), path)
        yield str(path)
        return
    pg = request.getfixturevalue("pg_server")
    with pg.database("sample", pg.template("sample", sample.load_sample)) as url:
        yield url


def run(capsys, *args) -> str:
    status = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    assert status == 0, out.err
    return out.out


def table_counts(url: str) -> dict[str, int]:
    con = db.connect(url, read_only=True)
    try:
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in backup.store_tables(con)}
    finally:
        con.close()


def kpi_outputs(capsys, url: str) -> list[str]:
    township = sample.DISTRICT_CODE + sample.TOWNSHIPS[4][0]
    outputs = [run(capsys, "kpi", "--year", year, "--json", "--db", url) for year in YEARS]
    return [*outputs, run(capsys, "kpi", "--year", 2017, "--township", township, "--json", "--db", url)]


def add_history(url: str) -> None:
    """Make the store's history less trivial: an update with its original file, and a rollback."""
    con = db.connect(url)
    try:
        renamed = store.commit_rows(
            con,
            "townships",
            pl.DataFrame({"township_code": ["611002001"], "township_name": ["城关街道办事处"]}),
            user="录入员",
            file_name="镇办.xlsx",
            sha256="0" * 64,
            file_bytes=b"xlsx bytes",
        )
        first_linkages = int(con.execute("SELECT min(batch_id) FROM batches WHERE dataset = 'linkages'").fetchone()[0])
        assert renamed.rows_updated == 1
        store.rollback_batch(con, first_linkages, user="管理员")
    finally:
        con.close()


def test_restore_gives_identical_kpis_and_batches(capsys, sample_url, empty_url, tmp_path):
    add_history(sample_url)
    folder = tmp_path / "backup"
    assert "已备份" in run(capsys, "backup", folder, "--db", sample_url)
    restored_url = empty_url()
    assert "已从" in run(capsys, "restore", folder, "--db", restored_url)

    assert kpi_outputs(capsys, restored_url) == kpi_outputs(capsys, sample_url)
    assert run(capsys, "batches", "--json", "--db", restored_url) == run(capsys, "batches", "--json", "--db", sample_url)
    assert table_counts(restored_url) == table_counts(sample_url)
    con = db.connect(restored_url)
    try:
        assert con.execute("SELECT content FROM stored_files WHERE sha256 = ?", ["0" * 64]).fetchone() == (b"xlsx bytes",)
        # New batches continue after the restored ones.
        last = con.execute("SELECT max(batch_id) FROM batches").fetchone()[0]
        extra = store.commit_rows(con, "townships", pl.DataFrame({"township_code": ["611002001"], "township_name": ["新名"]}), user="a")
        assert extra.batch_id == last + 1
    finally:
        con.close()


def test_manifest_lists_every_table_with_rows_checksums_and_versions(tiny_con, tmp_path):
    manifest = backup.backup(tiny_con, tmp_path / "b")
    on_disk = json.loads((tmp_path / "b" / backup.MANIFEST).read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert manifest["app_version"] == __version__
    assert manifest["schema_version"] == max(m.version for m in schema.MIGRATIONS)
    assert manifest["source_backend"] == db.backend_of(tiny_con)
    assert set(manifest["tables"]) == set(backup.store_tables(tiny_con))
    for table, entry in manifest["tables"].items():
        assert entry["rows"] == tiny_con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        assert len(entry["sha256"]) == 64 and (tmp_path / "b" / entry["file"]).is_file()
    assert manifest["tables"]["households"]["rows"] == len(tiny_data.ROWS["households"])


def test_embedded_backup_restores_into_postgres(capsys, sample_db_path, pg_server, tmp_path):
    """The way a county moves to a shared server: back up the DuckDB file, restore into PostgreSQL."""
    folder = tmp_path / "backup"
    run(capsys, "backup", folder, "--db", sample_db_path)
    with pg_server.database("moved") as url:
        run(capsys, "restore", folder, "--db", url)
        assert kpi_outputs(capsys, url) == kpi_outputs(capsys, str(sample_db_path))
        assert run(capsys, "batches", "--json", "--db", url) == run(capsys, "batches", "--json", "--db", sample_db_path)
        assert json.loads((folder / backup.MANIFEST).read_text(encoding="utf-8"))["source_backend"] == "duckdb"


def test_restore_refuses_a_store_with_data(tiny_con, tmp_path):
    backup.backup(tiny_con, tmp_path / "b")
    before = tiny_con.execute("SELECT count(*) FROM households_history").fetchone()[0]
    with pytest.raises(backup.BackupError, match="不是空的"):
        backup.restore(tiny_con, tmp_path / "b")
    assert tiny_con.execute("SELECT count(*) FROM households_history").fetchone()[0] == before


def test_damaged_or_foreign_backups_are_refused(tiny_con, fresh_con, tmp_path):
    folder = tmp_path / "b"
    backup.backup(tiny_con, folder)
    with pytest.raises(backup.BackupError, match="不是空目录"):
        backup.backup(tiny_con, folder)
    (folder / "households.parquet").write_bytes((folder / "households.parquet").read_bytes()[:-8] + b"\0" * 8)
    with pytest.raises(backup.BackupError, match="校验值不符"):
        backup.restore(fresh_con, folder)
    with pytest.raises(backup.BackupError, match="不是 fupin 备份目录"):
        backup.restore(fresh_con, tmp_path)
    assert fresh_con.execute("SELECT count(*) FROM batches").fetchone()[0] == 0


def test_a_backup_from_a_newer_program_is_refused(tiny_con, fresh_con, tmp_path):
    folder = tmp_path / "b"
    backup.backup(tiny_con, folder)
    manifest = json.loads((folder / backup.MANIFEST).read_text(encoding="utf-8"))
    manifest["schema_version"] += 1
    _resign(manifest)  # as a genuine newer program with the same key would have signed it
    (folder / backup.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(backup.BackupError, match="请先升级程序"):
        backup.restore(fresh_con, folder)


def test_a_failed_restore_leaves_the_store_empty(tiny_con, fresh_con, tmp_path, monkeypatch):
    folder = tmp_path / "b"
    backup.backup(tiny_con, folder)
    real_columns = backup._columns
    monkeypatch.setattr(
        backup, "_columns", lambda con, table: real_columns(con, table)[:-1] if table == "villages" else real_columns(con, table)
    )
    with pytest.raises(backup.BackupError, match="villages"):
        backup.restore(fresh_con, folder)
    counts = {t: fresh_con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ("batches", "households", "townships")}
    assert counts == {"batches": 0, "households": 0, "townships": 0}


def test_cli_reports_a_bad_backup_in_one_line(capsys, tmp_path):
    target = tmp_path / "x.duckdb"
    status = cli.main(["restore", str(tmp_path), "--db", str(target)])
    err = capsys.readouterr().err
    assert status == 2 and "不是 fupin 备份目录" in err and "Traceback" not in err
    status = cli.main(["backup", str(tmp_path / "b"), "--db", str(tmp_path / "none.duckdb")])
    assert status == 2 and "不存在" in capsys.readouterr().err
    assert not target.exists()  # checked before anything was created


def test_restore_of_a_backup_without_the_audit_counter_keeps_audit_ids_unique(tiny_con, fresh_con, tmp_path):
    """A backup made before the audit counter row existed (migration 6) restores with that counter
    set past the restored entries, so the next audit entry gets a new id."""
    from fupin_core.security import audit

    for n in range(3):
        audit.record(tiny_con, "甲", "export", f"文件{n}.xlsx")
    folder = tmp_path / "old"
    manifest = backup.backup(tiny_con, folder)
    entry = manifest["tables"][schema.COUNTER_TABLE]
    counters = pl.read_parquet(folder / entry["file"]).filter(pl.col("name") == "batch_id")
    counters.write_parquet(folder / entry["file"])
    entry["rows"], entry["sha256"] = counters.height, backup._sha256(folder / entry["file"])
    _resign(manifest)  # as an older program with the same key would have signed it
    (folder / backup.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    backup.restore(fresh_con, folder)
    audit.record(fresh_con, "乙", "export", "新.xlsx")
    ids = [row[0] for row in fresh_con.execute("SELECT entry_id FROM audit_log ORDER BY entry_id").fetchall()]
    assert len(ids) == len(set(ids)) == 4
    assert fresh_con.execute("SELECT target FROM audit_log WHERE entry_id = ?", [max(ids)]).fetchone()[0] == "新.xlsx"


def test_a_backup_from_before_fund_categories_restores_with_them(tiny_con, fresh_con, tmp_path):
    """A backup made at migration level 6 has 统筹整合涉农资金 as a 资金来源 and no 资金类别: restoring it
    splits them as migration 7 does for a database, instead of refusing every fund row."""
    for table in ("funds", "funds_history", "investments", "investments_history"):
        tiny_con.execute(f'ALTER TABLE "{table}" DROP COLUMN fund_category')
    tiny_con.execute("UPDATE funds SET fund_source = '统筹整合涉农资金' WHERE fund_source IN ('区级财政', '中央财政')")
    tiny_con.execute("UPDATE funds_history SET fund_source = '统筹整合涉农资金' WHERE fund_source IN ('区级财政', '中央财政')")
    tiny_con.execute("UPDATE investments SET fund_source = '统筹整合涉农资金'")
    tiny_con.execute("UPDATE investments_history SET fund_source = '统筹整合涉农资金'")
    tiny_con.execute("DELETE FROM schema_migrations WHERE version >= 7")
    manifest = backup.backup(tiny_con, tmp_path / "b")
    assert manifest["schema_version"] == 6
    backup.restore(fresh_con, tmp_path / "b")
    got = fresh_con.execute("SELECT fund_source, fund_category, year, allocated_wan FROM funds ORDER BY year, allocated_wan").fetchall()
    assert [(s, c, y) for s, c, y, _ in got] == [
        ("区级财政", "统筹整合涉农资金", 2016),
        ("苏陕协作资金", "其他资金", 2017),
        ("区级财政", "统筹整合涉农资金", 2017),
        ("区级财政", "统筹整合涉农资金", 2017),
    ]
    assert fresh_con.execute("SELECT fund_source, fund_category FROM investments").fetchall() == [("区级财政", "统筹整合涉农资金")]
