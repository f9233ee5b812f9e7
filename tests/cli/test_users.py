"""`fupin user …`: passwords read twice from stdin (never an argument), Chinese errors."""

import io
import json
import shutil

import duckdb
import pytest

from fupin_core import cli
from fupin_core.security import auth

PASSWORD = "牧护关-2017a"


@pytest.fixture
def db_path(sample_db_path, tmp_path):
    path = tmp_path / "cli.duckdb"
    shutil.copy(sample_db_path, path)
    return path


def _run(monkeypatch, capsys, argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def _user(db_path, name):
    con = duckdb.connect(str(db_path))
    try:
        return auth.get_user(con, name), con.execute("SELECT password_hash FROM users WHERE username = ?", [name]).fetchone()
    finally:
        con.close()


def test_add_reads_the_password_twice_from_stdin(monkeypatch, capsys, db_path):
    code, out, _ = _run(
        monkeypatch,
        capsys,
        ["user", "add", "muhu", "--role", "editor", "--township", "611002111", "--db", str(db_path)],
        f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert code == 0
    assert out.strip() == "已新增用户 muhu（录入员，范围：牧护关镇）"
    user, (stored,) = _user(db_path, "muhu")
    assert (user.role, user.townships) == ("editor", ("611002111",))
    assert PASSWORD not in stored
    con = duckdb.connect(str(db_path))
    try:
        assert auth.authenticate(con, "muhu", PASSWORD).username == "muhu"
    finally:
        con.close()


def test_mismatched_or_missing_password_is_refused(monkeypatch, capsys, db_path):
    code, _, err = _run(monkeypatch, capsys, ["user", "add", "x1", "--role", "viewer", "--db", str(db_path)], f"{PASSWORD}\n{PASSWORD}x\n")
    assert (code, err.strip()) == (2, "错误：两次输入的密码不一致")
    code, _, err = _run(monkeypatch, capsys, ["user", "add", "x1", "--role", "viewer", "--db", str(db_path)], f"{PASSWORD}\n")
    assert code == 2 and "两行相同的密码" in err
    assert _user(db_path, "x1")[0] is None


def test_password_is_never_an_argument(monkeypatch, capsys, db_path):
    with pytest.raises(SystemExit):
        _run(monkeypatch, capsys, ["user", "add", "x1", PASSWORD, "--role", "viewer", "--db", str(db_path)], "")
    assert _user(db_path, "x1")[0] is None


def test_list_disable_enable_and_reset(monkeypatch, capsys, db_path):
    twice = f"{PASSWORD}\n{PASSWORD}\n"
    _run(monkeypatch, capsys, ["user", "add", "admin", "--role", "admin", "--display-name", "区产业办", "--db", str(db_path)], twice)
    _run(monkeypatch, capsys, ["user", "add", "look", "--role", "viewer", "--db", str(db_path)], twice)
    code, out, _ = _run(monkeypatch, capsys, ["user", "list", "--json", "--db", str(db_path)])
    assert code == 0
    assert [(u["用户名"], u["角色"], u["范围"], u["状态"]) for u in json.loads(out)] == [
        ("admin", "管理员", "全区", "正常"),
        ("look", "浏览者", "全区", "正常"),
    ]
    assert _run(monkeypatch, capsys, ["user", "disable", "look", "--db", str(db_path)])[:2] == (0, "已停用用户 look\n")
    assert _user(db_path, "look")[0].disabled
    code, _, err = _run(monkeypatch, capsys, ["user", "disable", "admin", "--db", str(db_path)])
    assert code == 2 and "唯一的管理员" in err
    assert _run(monkeypatch, capsys, ["user", "enable", "look", "--db", str(db_path)])[0] == 0
    assert not _user(db_path, "look")[0].disabled
    old_hash = _user(db_path, "look")[1]
    code, out, _ = _run(monkeypatch, capsys, ["user", "reset-password", "look", "--db", str(db_path)], "另一个密码-99\n另一个密码-99\n")
    assert (code, out.strip()) == (0, "已重置用户 look 的密码")
    assert _user(db_path, "look")[1] != old_hash


def test_unknown_user_and_missing_database(monkeypatch, capsys, db_path, tmp_path):
    code, _, err = _run(monkeypatch, capsys, ["user", "disable", "nobody", "--db", str(db_path)])
    assert (code, err.strip()) == (2, "错误：用户「nobody」不存在")
    code, _, err = _run(monkeypatch, capsys, ["user", "list", "--db", str(tmp_path / "none.duckdb")])
    assert code == 2 and "不存在，请先运行 fupin init" in err
