"""Issue 16, findings 7 and 8: the command line refuses a --db that is not a database (never an
in-memory one), answers a wrong database, a damaged backup or an unknown 镇办/村 code with one Chinese
line and exit status 2 (no traceback); a restore validates every row, refuses manifest paths outside
the backup folder and checks the manifest's signature."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from fupin_core.maintenance import backup
from fupin_core.security import auth, session_tokens

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "备份测试-2017a"


def fupin(*args, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The real command in a child process, as an operator runs it (a traceback would show on stderr)."""
    return subprocess.run(
        [sys.executable, "-m", "fupin_core.cli", *map(str, args)], cwd=ROOT, capture_output=True, text=True, input=stdin, timeout=300
    )


def refused(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert any(line.startswith("错误：") for line in result.stderr.splitlines()), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.fixture
def sample_copy(sample_db_path, tmp_path) -> Path:
    path = tmp_path / "fupin.duckdb"
    shutil.copy(sample_db_path, path)
    return path


@pytest.fixture
def csv_file(tmp_path) -> Path:
    path = tmp_path / "households.csv"
    path.write_text("户编号,户主姓名\nH1,王某甲\n", encoding="utf-8")
    return path


def test_a_csv_given_as_db_is_refused_by_every_command(csv_file, tmp_path):
    before = csv_file.read_bytes()
    for args in (
        ("import", "households", csv_file, "--db", csv_file),
        ("kpi", "--year", 2017, "--db", csv_file),
        ("backup", tmp_path / "b", "--db", csv_file),
        ("batches", "--db", csv_file),
        ("init", "--force", "--db", csv_file),
        ("user", "list", "--db", csv_file),
    ):
        refused(fupin(*args), "不是 DuckDB 数据库文件")
    assert csv_file.read_bytes() == before  # not even `init --force` touched it


@pytest.mark.parametrize("address", [":memory:", "duckdb:///:memory:"])
def test_an_in_memory_database_is_refused(address, csv_file):
    refused(fupin("import", "households", csv_file, "--db", address), "内存数据库")


def test_a_duckdb_file_of_another_program_is_named_so(tmp_path):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    refused(fupin("kpi", "--year", 2017, "--db", other), "不是 fupin 数据库")
    damaged = tmp_path / "damaged.duckdb"
    data = bytearray(other.read_bytes())
    data[4096:8192] = b"\xff" * 4096
    damaged.write_bytes(bytes(data))
    result = fupin("kpi", "--year", 2017, "--db", damaged)
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.startswith("错误：")


def test_unknown_township_and_village_codes_are_errors(sample_copy, tmp_path):
    refused(fupin("kpi", "--year", 2017, "--township", 999, "--db", sample_copy), "镇办代码 999 不存在")
    refused(fupin("kpi", "--year", 2017, "--village", "611002999999", "--db", sample_copy), "村代码 611002999999 不存在")
    refused(fupin("export", "summary", "--year", 2017, "--township", 999, "--format", "csv", "--out", tmp_path, "--db", sample_copy))


def _backup(sample_copy: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "backup"
    result = fupin("backup", folder, "--db", sample_copy)
    assert result.returncode == 0, result.stderr
    return folder


def _rewrite_manifest(folder: Path, change) -> None:
    path = folder / backup.MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def test_damaged_manifests_get_a_chinese_message(sample_copy, tmp_path):
    folder = _backup(sample_copy, tmp_path)
    manifest = (folder / backup.MANIFEST).read_text(encoding="utf-8")
    (folder / backup.MANIFEST).write_text(manifest[: len(manifest) // 2], encoding="utf-8")
    refused(fupin("restore", folder, "--db", tmp_path / "new1.duckdb"), "不是有效的 JSON")
    (folder / backup.MANIFEST).write_text(manifest, encoding="utf-8")
    _rewrite_manifest(folder, lambda m: m.pop("tables"))
    refused(fupin("restore", folder, "--db", tmp_path / "new2.duckdb"), "缺少表清单")
    assert not (tmp_path / "new1.duckdb").exists() and not (tmp_path / "new2.duckdb").exists()


def test_a_manifest_path_outside_the_backup_folder_is_refused(sample_copy, tmp_path):
    folder = _backup(sample_copy, tmp_path)
    outside = tmp_path / "elsewhere.parquet"
    shutil.copy(folder / "users.parquet", outside)
    _rewrite_manifest(folder, lambda m: m["tables"]["users"].update(file="../elsewhere.parquet"))
    refused(fupin("restore", folder, "--db", tmp_path / "new.duckdb", "--key-file", str(sample_copy) + ".key"), "文件名无效")
    # A symbolic link inside the folder that points out of it is refused too.
    folder2 = _backup(sample_copy, tmp_path / "two")
    (folder2 / "users.parquet").unlink()
    (folder2 / "users.parquet").symlink_to(outside)
    refused(fupin("restore", folder2, "--db", tmp_path / "new2.duckdb", "--key-file", str(sample_copy) + ".key"), "备份目录之外")


def _make_everyone_admin_of_a_township(folder: Path) -> None:
    """What an attacker with write access to the backup does: edit users.parquet, fix the checksum."""
    path = folder / "users.parquet"
    users = pl.read_parquet(path).with_columns(pl.lit("admin").alias("role"), pl.lit("611002111").alias("townships"))
    pq.write_table(users.to_arrow(), path)
    _rewrite_manifest(folder, lambda m: m["tables"]["users"].update(sha256=backup._sha256(path), rows=users.height))


def test_an_edited_backup_is_refused(sample_copy, tmp_path):
    con = duckdb.connect(str(sample_copy))
    auth.create_user(con, "muhu", PASSWORD, "editor", ["611002111"])
    con.close()
    signed = _backup(sample_copy, tmp_path / "signed")
    manifest = json.loads((signed / backup.MANIFEST).read_text(encoding="utf-8"))
    assert backup.SIGNATURE in manifest  # signed with the key beside the database
    key_file = session_tokens.key_file_for(sample_copy)

    # 1. Edited rows with a fixed checksum: the signature no longer matches.
    _make_everyone_admin_of_a_township(signed)
    refused(fupin("restore", signed, "--db", tmp_path / "a.duckdb", "--key-file", key_file), "签名不符")
    # … and without any key a signed manifest cannot be checked at all.
    refused(fupin("restore", signed, "--db", tmp_path / "b.duckdb"), "找不到签发它的密钥")

    # 2. The signature removed as well: refused while a key is at hand; without one (or with
    #    --allow-unsigned, for a backup of an older version) the rows themselves are refused.
    _rewrite_manifest(signed, lambda m: m.pop(backup.SIGNATURE))
    refused(fupin("restore", signed, "--db", tmp_path / "c.duckdb", "--key-file", key_file), "签名可能被人去掉了")
    refused(fupin("restore", signed, "--db", tmp_path / "c.duckdb"), "未通过校验", "管理员的范围必须是全区")
    con = duckdb.connect(str(tmp_path / "c.duckdb"), read_only=True)
    try:  # nothing restored (one transaction)
        assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    finally:
        con.close()

    # 3. An unchanged signed backup restores (given the key), and its users come back as they were.
    intact = _backup(sample_copy, tmp_path / "intact")
    result = fupin("restore", intact, "--db", tmp_path / "d.duckdb", "--key-file", key_file)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("table", "change", "message"),
    [
        ("users", lambda f: f.with_columns(pl.lit("superuser").alias("role")), "角色“superuser”无效"),
        ("villages", lambda f: f.with_columns(pl.lit("611002999").alias("township_code")), "在镇办中不存在"),
        ("households", lambda f: f.with_columns(pl.lit("不存在的属性").alias("household_kind")), "不在允许的值中"),
    ],
)
def test_rows_are_validated_like_imports(sample_copy, tmp_path, table, change, message):
    if table == "users":
        con = duckdb.connect(str(sample_copy))
        auth.create_user(con, "muhu", PASSWORD, "editor", ["611002111"])
        con.close()
    folder = _backup(sample_copy, tmp_path)
    path = folder / f"{table}.parquet"
    frame = pl.read_parquet(path)
    pq.write_table(change(frame).to_arrow(), path)
    _rewrite_manifest(folder, lambda m: (m.pop(backup.SIGNATURE, None), m["tables"][table].update(sha256=backup._sha256(path))))
    refused(fupin("restore", folder, "--db", tmp_path / "new.duckdb"), "未通过校验", message)
