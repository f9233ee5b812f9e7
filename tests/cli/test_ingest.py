"""`fupin import`, `fupin rollback` and `fupin batches --json` (exit statuses, JSON, busy database)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import duckdb

from fupin_core.catalog import dataset
from fupin_core.ingest import mapping
from fupin_core.metrics import Scope
from fupin_core.metrics.indicators import overview_kpis
from fupin_core.storage import schema
from tests.ingest.conftest import import_json, run_cli, table_state
from tests.ingest.make_corpus import LINK_HEAD, csv

GOOD = csv([LINK_HEAD, ["H4", "P1", "分红", "", 2017, 100], ["H3", "P4", "务工", "", 2017, 200]])
MIXED = csv([LINK_HEAD, ["H4", "P1", "分红", "", 2017, 100], ["H99", "P1", "分红", "", 2017, 5]])


def _kpis(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return overview_kpis(con, Scope.of(2017))
    finally:
        con.close()


def test_dry_run_then_import_then_rollback(tiny_db, tmp_path, capsys):
    path = tmp_path / "联结.csv"
    path.write_bytes(GOOD)
    before, kpis_before = table_state(tiny_db), _kpis(tiny_db)
    status, report = import_json(capsys, tiny_db, "linkages", path, "--dry-run")
    assert (status, report["new"], report["updated"], report["committed"], report["batch_id"]) == (0, 1, 1, 0, None)
    assert table_state(tiny_db) == before
    status, report = import_json(capsys, tiny_db, "linkages", path)
    assert (status, report["committed"], report["batch_id"]) == (0, 2, 16)
    assert _kpis(tiny_db) != kpis_before
    status, out, _ = run_cli(capsys, "batches", "--db", tiny_db, "--json")
    batches = json.loads(out)
    assert status == 0 and isinstance(batches, list)
    assert {k: batches[0][k] for k in ("batch_id", "dataset", "file", "status")} == {
        "batch_id": 16, "dataset": "linkages", "file": "联结.csv", "status": "committed",
    }  # fmt: skip
    status, out, _ = run_cli(capsys, "rollback", "16", "--db", tiny_db)
    assert status == 0 and "已回滚批次 16" in out
    assert _kpis(tiny_db) == kpis_before
    status, _, err = run_cli(capsys, "rollback", "16", "--db", tiny_db)
    assert status == 2 and "已经回滚" in err
    status, _, err = run_cli(capsys, "rollback", "99", "--db", tiny_db)
    assert status == 2 and "没有编号为 99 的批次" in err


def test_strict_and_partial(tiny_db, tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_bytes(MIXED)
    before = table_state(tiny_db)
    status, report = import_json(capsys, tiny_db, "linkages", path)
    assert (status, report["rejected"], report["committed"]) == (1, 1, 0)
    assert table_state(tiny_db) == before
    status, report = import_json(capsys, tiny_db, "linkages", path, "--partial")
    assert (status, report["rejected"], report["committed"], report["batch_id"]) == (1, 1, 1, 16)
    assert report["errors"] == [{"row": 3, "column": "户编号", "message": "在已有的贫困户中找不到这个户编号（请先上传贫困户，或核对代码）"}]


def test_text_output_and_usage_errors(tiny_db, tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_bytes(MIXED)
    status, out, _ = run_cli(capsys, "import", "linkages", path, "--db", tiny_db)
    assert status == 1
    assert "新增 1 行，更新 0 行，未变 0 行，有误 1 行" in out
    assert "错误：第3行【户编号】在已有的贫困户中找不到这个户编号" in out
    assert "严格模式" in out
    assert run_cli(capsys, "import", "nosuch", path, "--db", tiny_db)[0] == 2
    status, _, err = run_cli(capsys, "import", "linkages", tmp_path / "none.csv", "--db", tiny_db)
    assert status == 2 and "找不到文件" in err
    status, _, err = run_cli(capsys, "import", "linkages", path, "--db", tmp_path / "missing.duckdb")
    assert status == 2 and "不存在" in err


def test_saved_mapping_by_source(tiny_db, tmp_path, capsys):
    con = duckdb.connect(str(tiny_db))
    schema.migrate(con)
    mapping.save_mapping(con, "夜村镇", dataset("linkages"), {"户号": "household_id"}, user="甲")
    con.close()
    path = tmp_path / "m.csv"
    path.write_bytes(csv([["户号", "项目编号", "联结方式", "年度", "收益金额(元)"], ["H4", "P1", "分红", 2017, 1]]))
    assert import_json(capsys, tiny_db, "linkages", path, "--dry-run")[0] == 1
    status, report = import_json(capsys, tiny_db, "linkages", path, "--source", "夜村镇")
    assert (status, report["new"]) == (0, 1)


def test_a_held_database_is_reported_as_busy(tiny_db, tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(tiny_db)!r}); print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        path = tmp_path / "g.csv"
        path.write_bytes(GOOD)
        code = f"import sys; from fupin_core import cli; from fupin_core.cli import ingest as c; c.BUSY_WAIT_SECONDS = 0.5; sys.exit(cli.main(['import', 'linkages', {str(path)!r}, '--db', {str(tiny_db)!r}]))"
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert result.returncode == 2, result.stderr
        assert "数据库正忙，请稍后重试" in result.stderr and "Traceback" not in result.stderr
        assert time.monotonic() - started < 20
    finally:
        holder.kill()
        holder.wait()


def test_two_imports_at_once(tiny_db, tmp_path):
    """Both commit (the second waits for the file) or one is told the database is busy; totals exact."""
    files = []
    for n, year in enumerate((2020, 2021)):
        rows = [[f"H{1 + i % 5}", f"P{1 + i // 5 % 5}", "务工", "", year, 10 + i] for i in range(25)]
        files.append(tmp_path / f"f{n}.csv")
        files[-1].write_bytes(csv([LINK_HEAD, *rows]))
    base = table_state(tiny_db)
    procs = [
        subprocess.Popen([sys.executable, "-m", "fupin_core.cli", "import", "linkages", str(f), "--db", str(tiny_db), "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for f in files
    ]  # fmt: skip
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    committed = 0
    for status, out, err in results:
        assert "Traceback" not in err
        if status == 0:
            committed += json.loads(out)["committed"]
        else:
            assert status == 2 and "数据库正忙" in err
    after = table_state(tiny_db)
    assert committed in (25, 50)
    assert after["linkages"] == base["linkages"] + committed
    assert after["batches"] == base["batches"] + committed // 25


def test_verbose_reports_the_seconds_of_every_stage(tiny_db, tmp_path, capsys):
    path = tmp_path / "联结.csv"
    path.write_bytes(GOOD)
    status, out, _ = run_cli(capsys, "import", "linkages", str(path), "--db", tiny_db, "--dry-run", "--verbose")
    assert status == 0 and "各阶段用时：" in out
    dry_stages = [line.split("：")[0].strip() for line in out.split("各阶段用时：")[1].strip().splitlines()]
    assert dry_stages == ["读取与解码文件", "识别表头与列对应", "规范数据格式", "校验（含代码核对、重复检查）",
                          "与已有数据比对（新增/更新/未变）", "记录上传日志", "合计"]  # fmt: skip
    status, report = import_json(capsys, tiny_db, "linkages", path, "--verbose")
    seconds = report["stage_seconds"]
    assert status == 0 and report["committed"] == 2
    assert {"read", "validate", "classify", "write_history", "write_current", "store_file", "commit", "audit_commit"} <= set(seconds)
    assert all(value >= 0 for value in seconds.values())
