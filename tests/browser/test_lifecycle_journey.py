"""项目库 → 扶贫资产 as a 录入 user meets it: a project stuck in 实施 gets its 验收 uploaded and leaves the
stuck list; the asset it leaves is uploaded and appears in the register (cards on both pages)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from fupin_core.catalog import BY_KEY
from fupin_core.metrics import Scope, indicators, projects_lib
from tests.browser import ui

STAGES, ASSETS = BY_KEY["project_stages"], BY_KEY["assets"]


def _csv(ds, rows: list[dict]) -> bytes:
    lines = [",".join(c.header for c in ds.columns)] + [",".join(str(r.get(c.name, "")) for c in ds.columns) for r in rows]
    return "\r\n".join(lines).encode("utf-8")


def _upload(journey, ds, file_name: str, content: bytes) -> None:
    page = journey.page
    journey.go_to("数据上报")
    ui.choose(page, "数据集", ds.title)
    ui.upload(page, file_name, content)
    journey.step(f"uploaded-{ds.key}")
    main = page.get_by_test_id("stMain")
    expect(main).not_to_contain_text("错误（")
    page.get_by_role("button", name="确认导入").click()
    journey.step(f"committed-{ds.key}")
    expect(main).to_contain_text("已导入为批次")
    page.get_by_role("button", name="上传下一个文件").click()
    journey.settle()


@pytest.mark.browser
def test_acceptance_leaves_the_stuck_list_and_the_asset_enters_the_register(fresh_app, open_journey, sample_figures):
    con = sample_figures.con
    stuck = projects_lib.stuck_projects(con, Scope.of(2017))
    project = stuck.filter(stuck["当前阶段"] == "实施").row(0, named=True)
    village = con.execute("SELECT village_code FROM projects WHERE project_id = ?", [project["项目编号"]]).fetchone()[0]
    kpis = sample_figures.kpis(2017)
    card = {key: indicators.indicator(key).name for key in ("stuck_projects", "assets", "asset_value_wan")}

    journey = open_journey(fresh_app)
    journey.go_to("项目库")
    journey.step("library-before")
    assert journey.metrics()[card["stuck_projects"]] == indicators.display("stuck_projects", kpis["stuck_projects"])

    acceptance = max(project["阶段日期"] + dt.timedelta(days=30), dt.date(2017, 12, 1))
    row = {"project_id": project["项目编号"], "stage": "验收", "stage_date": acceptance.isoformat(), "doc_number": "商扶发〔2017〕199号"}
    _upload(journey, STAGES, "验收.csv", _csv(STAGES, [row]))
    journey.go_to("项目库")
    journey.step("library-after-acceptance")
    assert journey.metrics()[card["stuck_projects"]] == indicators.display("stuck_projects", kpis["stuck_projects"] - 1)

    asset = {"asset_id": "ZC-JOURNEY-1", "asset_name": f"{project['村']}新建光伏电站", "asset_type": "光伏电站", "project_id": project["项目编号"],
             "village_code": village, "value_wan": 120, "owner_type": "村集体", "owner_village_code": village,
             "transfer_date": "2017-12-25", "caretaker": f"{project['村']}村委会", "status": "正常"}  # fmt: skip
    _upload(journey, ASSETS, "资产.csv", _csv(ASSETS, [asset]))
    journey.go_to("扶贫资产")
    journey.step("assets-after-upload")
    shown = journey.metrics()
    assert shown[card["assets"]] == indicators.display("assets", kpis["assets"] + 1)
    assert shown[card["asset_value_wan"]] == indicators.display("asset_value_wan", kpis["asset_value_wan"] + 120)
