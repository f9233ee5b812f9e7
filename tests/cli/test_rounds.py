"""`fupin round open|list|status|approve|return` with --json, on a copy of the sample database."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from fupin_core import cli
from fupin_core.security import locks
from tests.sample_uploads import commit_income

MUHU = "611002111"  # 牧护关镇


@pytest.fixture
def db_path(sample_db_path, tmp_path):
    path = tmp_path / "cli.duckdb"
    shutil.copy(sample_db_path, path)
    return path


def _run(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _json(capsys, *argv):
    code, out, err = _run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_round_cli_open_status_return_approve(capsys, db_path):
    db = ("--db", str(db_path))
    opened = _json(
        capsys, "round", "open", "--year", "2018", "--dataset", "household_income", "--township", MUHU, "--deadline", "2099-01-31", *db
    )
    assert (opened["period"], opened["townships"], opened["deadline"]) == ("2018年", [MUHU], "2099-01-31 23:59:00")
    round_id = str(opened["round_id"])
    assert [r["round_id"] for r in _json(capsys, "round", "list", *db)] == [opened["round_id"]]
    (cell,) = _json(capsys, "round", "status", round_id, *db)["cells"]
    assert (cell["township_name"], cell["state"], cell["rows"]) == ("牧护关镇", "未上报", 0)

    household = commit_income(db_path, 80000.0)
    (cell,) = _json(capsys, "round", "status", round_id, *db)["cells"]
    assert (cell["state"], cell["submitted_by"], cell["rows"], cell["new"]) == ("已上报", "muhu", 1, 1)

    code, _, err = _run(capsys, "round", "return", round_id, "--township", MUHU, "--dataset", "household_income", "--row", "没有等号", *db)
    assert code == 2 and "行键=意见" in err
    returned = _json(
        capsys, "round", "return", round_id, "--township", MUHU, "--dataset", "household_income", "--comment", "收入偏高",
        "--row", f"{household} / 2018=工资性收入多填一个0", *db,
    )  # fmt: skip
    assert returned["state"] == "已退回"
    (cell,) = _json(capsys, "round", "status", round_id, *db)["cells"]
    assert (cell["state"], cell["comment"], cell["reviewed_by"].startswith("命令行:")) == ("已退回", "收入偏高", True)
    code, _, err = _run(capsys, "round", "approve", round_id, "--township", MUHU, *db)
    assert code == 2 and "已退回" in err

    commit_income(db_path, 8000.0)
    approved = _json(capsys, "round", "approve", round_id, "--township", MUHU, *db)
    assert approved == {"round_id": opened["round_id"], "township": MUHU, "state": "已审核", "locked_year": 2018}
    (cell,) = _json(capsys, "round", "status", round_id, *db)["cells"]
    assert cell["state"] == "已审核"
    con = duckdb.connect(str(db_path))
    try:
        assert locks.active_locks(con) == {(2018, MUHU)}
    finally:
        con.close()


def test_round_cli_errors_are_chinese(capsys, db_path):
    code, _, err = _run(capsys, "round", "status", "99", "--db", str(db_path))
    assert (code, err.strip()) == (2, "错误：没有编号为 99 的上报任务")
    code, _, err = _run(capsys, "round", "open", "--year", "2018", "--dataset", "linkages", "--deadline", "明天", "--db", str(db_path))
    assert code == 2 and "截止时间“明天”无法识别" in err


def test_export_is_approved_only_unless_asked(capsys, db_path, tmp_path):
    """`fupin export` goes to the city and the province: rows awaiting review are left out by default."""
    db = ("--db", str(db_path))
    _json(capsys, "round", "open", "--year", "2018", "--dataset", "household_income", "--township", MUHU, "--deadline", "2099-01-31", *db)
    commit_income(db_path, 8000.0)

    def reported(*extra) -> str:
        out = tmp_path / f"kpi{len(extra)}.csv"
        code, _, err = _run(
            capsys, "export", "summary", "--year", "2018", "--township", MUHU, "--format", "csv", "--out", str(out), *extra, *db
        )
        assert code == 0, err
        rows = out.read_text(encoding="utf-8-sig").splitlines()
        return next(line.split(",")[2] for line in rows if ",收入已上报户数," in line)  # 类别,指标,数值,…

    assert float(reported()) == 0
    assert float(reported("--including-submitted")) == 1
