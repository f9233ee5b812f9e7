"""数据上报 as a user meets it: template → a messy GBK file with a title row and an error → preview and
fix-list → corrected file → commit → 总览 changes → 上传记录 roll back → 总览 as before."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from fupin_core.catalog import BY_KEY
from fupin_core.metrics import indicators
from tests.browser import ui

PROJECTS = BY_KEY["projects"]
NEW_KW = 1500.0  # one new 村级电站 of 1,500 kW → 光伏装机 +1.5 MW


def _messy_csv(sample_figures, status: str) -> bytes:
    """The file a 镇办 sends: a title row, the header, one project, a 合计 row and a signature, in GBK."""
    town = sample_figures.township_code("牧护关镇")
    village = sample_figures.con.execute("SELECT min(village_code) FROM villages WHERE township_code = ?", [town]).fetchone()[0]
    values = {
        "project_id": "MHG-PV-2017-99", "project_name": "牧护关镇新建村级光伏电站", "industry": "光伏", "project_type": "村级电站",
        "township_code": town, "village_code": village, "operator_credit_code": "", "build_year": "2017", "build_status": status,
        "scale": f"{NEW_KW:,.0f}", "scale_unit": "千瓦", "total_investment_wan": "1,200",
    }  # fmt: skip
    lines = [
        "牧护关镇2017年新增光伏项目统计表",
        ",".join(f'"{c.header}"' for c in PROJECTS.columns),
        ",".join(f'"{values.get(c.name, "")}"' for c in PROJECTS.columns),  # optional columns left empty
        "合计" + "," * 9 + f'"{NEW_KW:,.0f}",,"1,200"' + "," * (len(PROJECTS.columns) - 12),
        "填表人：王某某,审核人：李某某",
    ]
    return "\r\n".join(lines).encode("gbk")


@pytest.mark.browser
def test_upload_commit_and_rollback(fresh_app, open_journey, sample_figures):
    journey = open_journey(fresh_app)
    page = journey.page
    label = indicators.indicator("pv_capacity_mw").name
    capacity = sample_figures.kpis(2017)["pv_capacity_mw"]
    assert journey.metrics()[label] == indicators.display("pv_capacity_mw", capacity)

    journey.go_to("数据上报")
    ui.choose(page, "数据集", PROJECTS.title)
    journey.step("dataset-projects")
    name, template = ui.download(page, "下载 Excel 模板")
    assert name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(template)).worksheets[0]
    assert [cell.value for cell in sheet[1]][: len(PROJECTS.columns)] == [c.header for c in PROJECTS.columns]

    # A file with a mistyped 建设状态: previewed with its error, nothing can be committed yet.
    ui.upload(page, "牧护关镇新增光伏项目.csv", _messy_csv(sample_figures, "运行中"))
    journey.step("uploaded-with-error")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("错误（1条）")
    expect(main).to_contain_text("运营中")  # the suggestion for the near miss
    expect(page.get_by_role("button", name="确认导入")).to_be_disabled()
    fix_name, fix_list = ui.download(page, "下载问题清单（Excel）")
    assert fix_name.endswith(".xlsx")
    rows = [[cell for cell in row] for row in openpyxl.load_workbook(io.BytesIO(fix_list)).worksheets[0].iter_rows(values_only=True)]
    flagged = [row for row in rows if "MHG-PV-2017-99" in row]
    assert len(flagged) == 1 and any("建设状态" in str(cell) for cell in flagged[0] if cell)

    # The corrected file: no errors, one new row, committed.
    ui.upload(page, "牧护关镇新增光伏项目（改正）.csv", _messy_csv(sample_figures, "运营中"))
    journey.step("uploaded-corrected")
    expect(main).not_to_contain_text("错误（")
    page.get_by_role("button", name="确认导入").click()
    journey.step("committed")
    # The batch's result, not the same file checked again with 确认导入 still there.
    expect(main).to_contain_text("已导入为批次")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
    page.get_by_role("button", name="上传下一个文件").click()
    journey.step("upload-next")
    expect(page.get_by_test_id("stFileUploader")).to_have_count(1)
    expect(page.get_by_test_id("stFileUploaderFile")).to_have_count(0)  # an empty uploader
    expect(main).not_to_contain_text("已导入为批次")

    journey.go_to("总览")
    journey.step("overview-after-commit")
    assert journey.metrics()[label] == indicators.display("pv_capacity_mw", capacity + NEW_KW / 1000)

    journey.go_to("上传记录")
    journey.step("history")
    expect(main).to_contain_text("牧护关镇新增光伏项目（改正）.csv")
    page.get_by_test_id("stCheckbox").filter(has_text="我确认要回滚批次").click()
    journey.settle()
    page.get_by_role("button", name="回滚", exact=True).click()
    journey.step("rolled-back")
    expect(main).to_contain_text("已回滚批次")

    journey.go_to("总览")
    journey.step("overview-after-rollback")
    assert journey.metrics()[label] == indicators.display("pv_capacity_mw", capacity)
