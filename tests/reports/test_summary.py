"""The summary export in each format, its file names, and `fupin export summary`."""

import datetime as dt
import io
import shutil

import docx
import duckdb
import polars as pl
import pytest

from fupin_core import cli
from fupin_core.metrics import Scope, indicators
from fupin_core.reports import summary
from fupin_core.security import audit
from tests.reports.readback import blocks, load

DAY = dt.date(2026, 11, 28)


def test_each_format(tiny_con):
    scope = Scope.of(2017)
    assert load(summary.export_bytes(tiny_con, scope, "xlsx", DAY)).sheetnames[0] == "总览"
    assert docx.Document(io.BytesIO(summary.export_bytes(tiny_con, scope, "docx", DAY))).paragraphs[0].text.endswith("情况报告")
    data = summary.export_bytes(tiny_con, scope, "csv", DAY)
    frame = pl.read_csv(io.BytesIO(data[3:]))
    assert data.startswith(b"\xef\xbb\xbf") and frame.columns == ["类别", "指标", "数值", "单位", "口径"]
    kpis = indicators.values(tiny_con, scope)
    shown = dict(zip(frame["指标"].to_list(), frame["数值"].to_list(), strict=True))
    assert shown["建档立卡户数"] == kpis["households_registered"]
    assert shown["光伏扶贫装机容量"] == kpis["pv_capacity_mw"]
    with pytest.raises(ValueError, match="不支持的导出格式：pdf"):
        summary.export_bytes(tiny_con, scope, "pdf", DAY)


def test_unknown_township_is_a_clear_error(tiny_con):
    for fmt in summary.FORMATS:
        with pytest.raises(ValueError, match="镇办代码 611002999 不存在"):
            summary.export_bytes(tiny_con, Scope.of(2017, "611002999"), fmt, DAY)


def test_note_marks_sample_data(sample_con, tiny_con):
    assert summary.collect(sample_con, Scope.of(2017), ["光伏"], DAY).note.endswith("（示例数据，非正式统计）")
    assert "示例数据" not in summary.collect(tiny_con, Scope.of(2017), ["光伏"], DAY).note


def test_export_to_a_directory_uses_the_chinese_name(tiny_con, tmp_path):
    path = summary.export_to_file(tiny_con, Scope.of(2017, "611002101"), "xlsx", tmp_path, DAY)
    assert path == tmp_path / "全区夜村镇产业扶贫项目汇总表_2017_20261128.xlsx"
    assert blocks(load(path.read_bytes())["光伏"])[0].title == "全区夜村镇2017年光伏扶贫项目汇总表"
    with pytest.raises(ValueError, match="不存在"):
        summary.export_to_file(tiny_con, Scope.of(2017), "csv", tmp_path / "无此目录" / "a.csv", DAY)


def test_cli_export_summary(sample_db_path, tmp_path, capsys):
    db_path = tmp_path / "s.duckdb"
    shutil.copy(sample_db_path, db_path)
    out = tmp_path / "汇总.xlsx"
    assert (
        cli.main(
            ["export", "summary", "--year", "2017", "--township", "611002101", "--format", "xlsx", "--out", str(out), "--db", str(db_path)]
        )
        == 0
    )
    assert f"已导出：{out}" in capsys.readouterr().out
    book = load(out.read_bytes())
    assert set(blocks(book["资金"])[0].column("镇办")) == {"夜村镇"}
    assert cli.main(["export", "summary", "--year", "2017", "--format", "csv", "--out", str(tmp_path), "--db", str(db_path)]) == 0
    assert (tmp_path / f"商州区产业扶贫主要指标_2017_{dt.date.today():%Y%m%d}.csv").exists()
    assert cli.main(["export", "summary", "--year", "2017", "--township", "6110", "--format", "docx", "--db", str(db_path)]) == 2
    assert "镇办代码 6110 不存在" in capsys.readouterr().err
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        logged = audit.entries(con, action="export")
    finally:
        con.close()
    assert logged["对象"].to_list() == [f"商州区产业扶贫主要指标_2017_{dt.date.today():%Y%m%d}.csv", "汇总.xlsx"]
    assert all(user.startswith("命令行:") for user in logged["用户"].to_list())


def test_cli_export_migrates_a_database_from_an_older_version(sample_db_path, tmp_path, capsys):
    db_path = tmp_path / "old.duckdb"
    shutil.copy(sample_db_path, db_path)
    con = duckdb.connect(str(db_path))
    con.execute("DELETE FROM id_counters WHERE name = 'audit_entry'")  # as before migration 6
    con.execute("DELETE FROM schema_migrations WHERE version = 6")
    con.close()
    out = tmp_path / "汇总.xlsx"
    assert cli.main(["export", "summary", "--year", "2017", "--format", "xlsx", "--out", str(out), "--db", str(db_path)]) == 0
    assert out.exists()
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM schema_migrations WHERE version = 6").fetchone() == (1,)
        assert len(audit.entries(con, action="export")) == 1
    finally:
        con.close()
