"""项目阶段, 扶贫资产 and 资产收益分配 by upload: the 验收 of a project in 实施 checked against its stored
stages, the same file twice is a no-op, and rolling a batch back restores every figure."""

from __future__ import annotations

import duckdb

from fupin_core.metrics import Scope, assets, projects_lib
from tests.ingest.conftest import import_json, run_cli
from tests.ingest.make_corpus import ASSET_HEAD, SHARE_HEAD, STAGE_HEAD, csv
from tests.tiny_data import V2

BUILT = [STAGE_HEAD, ["P4", "申报", "2015-12-01", ""], ["P4", "入库", "2016-01-10", ""], ["P4", "立项", "2016-02-20", "商扶发〔2016〕8号"],
         ["P4", "实施", "2016-04-01", ""]]  # fmt: skip
ASSET = [ASSET_HEAD, ["ZC2", "乙村菌棚", "菌棚/大棚", "P4", V2, 60, "村集体", V2, "", "2017-06-01", "乙村村委会", "正常"]]
SHARE = [SHARE_HEAD, ["ZC2", 2017, 20000, "乙村村民代表大会", "2017-12-01", "2017-12-02", "2017-12-11", 0, 2000, 0, 0, 18000, 20000]]


def _figures(path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        scope = Scope.of(2017)
        return {
            "stages": dict(projects_lib.current_stages(con, scope).select("项目编号", "当前阶段").iter_rows()),
            "stuck": projects_lib.stuck_projects(con, scope)["项目编号"].to_list(),
            "unsettled": assets.unsettled(con, scope)["资产编号"].to_list(),
            "assets": assets.totals(con, scope),
            "collective": assets.collective_kpis(con, scope),
        }
    finally:
        con.close()


def _write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(csv(rows))
    return path


def test_acceptance_upload_then_same_file_then_rollback(tiny_db, tmp_path, capsys):
    status, report = import_json(capsys, tiny_db, "project_stages", _write(tmp_path, "built.csv", BUILT))
    assert status == 0 and report["new"] == 4
    status, report = import_json(capsys, tiny_db, "project_stages", _write(tmp_path, "built.csv", BUILT))
    assert status == 0 and report["unchanged"] == 4 and report["committed"] == 0 and report["batch_id"] is None
    in_work = _figures(tiny_db)
    assert in_work["stages"] == {"P4": "实施"} and in_work["stuck"] == ["P4"]  # 实施 since 2016-04-01: 639 days
    # A 验收 dated before the stored 实施 is refused, naming the stage it contradicts.
    status, report = import_json(
        capsys, tiny_db, "project_stages", _write(tmp_path, "early.csv", [STAGE_HEAD, ["P4", "验收", "2016-03-01", ""]])
    )
    assert status == 1 and "早于前一阶段“实施”" in report["errors"][0]["message"]
    status, report = import_json(
        capsys, tiny_db, "project_stages", _write(tmp_path, "ys.csv", [STAGE_HEAD, ["P4", "验收", "2017-11-20", ""]])
    )
    assert status == 0 and report["new"] == 1
    acceptance_batch = report["batch_id"]
    for dataset, name, rows in (("assets", "a.csv", ASSET), ("asset_income", "d.csv", SHARE)):
        status, report = import_json(capsys, tiny_db, dataset, _write(tmp_path, name, rows))
        assert status == 0 and report["new"] == 1, report
    after = _figures(tiny_db)
    assert after["stages"] == {"P4": "验收"} and after["stuck"] == [] and after["unsettled"] == []
    assert after["assets"] == {"assets": 1, "asset_value_wan": 60.0}
    assert after["collective"]["collective_income_wan"] == 1.8
    # Roll back the distribution, the asset and the 验收: every figure is as before.
    batches = [acceptance_batch + 1, acceptance_batch + 2]
    for batch in reversed([acceptance_batch, *batches]):
        status, _, err = run_cli(capsys, "rollback", batch, "--db", tiny_db)
        assert status == 0, err
    assert _figures(tiny_db) == in_work


LINK_WITH_ASSET = ["户编号", "项目编号", "联结方式", "细分类型", "年度", "收益金额(元)", "资产编号"]


def _reconciled(path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = assets.reconciliation(con, Scope.of(2017)).select("资产编号", "应到户(元)", "到户(元)", "说明").rows()
        linked = con.execute("SELECT household_id, asset_id FROM linkages WHERE asset_id IS NOT NULL ORDER BY 1").fetchall()
        return {"reconciliation": rows, "linked": linked}
    finally:
        con.close()


def test_distribution_reaches_households_through_linkages_citing_the_asset(tiny_db, tmp_path, capsys):
    """A distribution's household part (分红到户 3,000元) reaches 利益联结 as a linkage citing the asset; a
    linkage citing an asset of another project is refused; the same file twice is a no-op; rollback restores."""
    plan = [SHARE_HEAD, ["ZC2", 2017, 20000, "乙村村民代表大会", "2017-12-01", "2017-12-02", "2017-12-11", 0, 2000, 0, 3000, 15000, 20000]]
    for dataset, name, rows in (("assets", "a.csv", ASSET), ("asset_income", "d.csv", plan)):
        status, report = import_json(capsys, tiny_db, dataset, _write(tmp_path, name, rows))
        assert status == 0 and report["new"] == 1, report
    planned = _reconciled(tiny_db)
    assert planned == {"reconciliation": [("ZC2", 3000.0, 0.0, "到户少3,000元（方案到户3,000元，注明本资产的利益联结0元）")], "linked": []}
    wrong = [LINK_WITH_ASSET, ["H3", "P1", "分红", "", 2017, 3000, "ZC2"]]
    status, report = import_json(capsys, tiny_db, "linkages", _write(tmp_path, "wrong.csv", wrong))
    assert status == 1 and report["committed"] == 0
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(2, "资产编号")]
    assert (
        report["errors"][0]["message"]
        == "资产 ZC2 是项目 P4 形成的资产，与本行的项目编号 P1 不符（项目编号改为 P4，或填写项目 P1 的资产编号）"
    )
    good = [LINK_WITH_ASSET, ["H3", "P4", "分红", "", 2017, 3000, "ZC2"]]
    status, report = import_json(capsys, tiny_db, "linkages", _write(tmp_path, "good.csv", good))
    assert status == 0 and report["new"] == 1
    batch = report["batch_id"]
    assert _reconciled(tiny_db) == {"reconciliation": [("ZC2", 3000.0, 3000.0, None)], "linked": [("H3", "ZC2")]}
    status, report = import_json(capsys, tiny_db, "linkages", _write(tmp_path, "good.csv", good))
    assert status == 0 and report["unchanged"] == 1 and report["committed"] == 0
    status, _, err = run_cli(capsys, "rollback", batch, "--db", tiny_db)
    assert status == 0, err
    assert _reconciled(tiny_db) == planned
