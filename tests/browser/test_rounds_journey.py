"""上报任务 in the browser: the administrator opens a round for 牧护关镇, its 录入员 uploads, the
administrator returns it with a comment, the 录入员 sees the comment on 数据上报, fixes and resubmits,
the administrator approves: the board counts the 镇办 as 已审核 and 2018 牧护关镇 is locked."""

from __future__ import annotations

import duckdb
import pytest
from playwright.sync_api import expect

from fupin_core.catalog import BY_KEY
from fupin_core.security import auth
from tests.browser import server, ui

INCOME = BY_KEY["household_income"]
EDITOR, EDITOR_PASSWORD = "muhu", "Muhu-Browser-2017"
MUHU = "611002111"  # 牧护关镇


@pytest.fixture
def round_app(tmp_path):
    """A fresh sample app with its administrator and 牧护关镇's 录入员 already made; the household to report."""
    db_path = server.create_sample_db(tmp_path / "app.duckdb")
    con = duckdb.connect(str(db_path))
    try:
        auth.create_user(con, server.AppServer.admin_user, server.AppServer.admin_password, "admin")
        auth.create_user(con, EDITOR, EDITOR_PASSWORD, "editor", [MUHU], "牧护关镇录入员")
        household = con.execute(
            """SELECT min(h.household_id) FROM households h JOIN villages v ON v.village_code = h.village_code
               WHERE v.township_code = ?""",
            [MUHU],
        ).fetchone()[0]
    finally:
        con.close()
    app = server.start_app(db_path, tmp_path / "server.log")
    yield app, household
    app.stop()


def _income_csv(household: str, wage: int) -> bytes:
    values = {"household_id": household, "year": "2018", "wage_income_yuan": str(wage), "business_income_yuan": "0",
              "property_income_yuan": "0", "transfer_income_yuan": "0", "labourers": "2", "employed_labourers": "1"}  # fmt: skip
    lines = [",".join(c.header for c in INCOME.columns), ",".join(values.get(c.name, "") for c in INCOME.columns)]
    return "\r\n".join(lines).encode("utf-8")


def _pick_in_multiselect(page, label: str, option: str) -> None:
    box = page.get_by_test_id("stMain").get_by_test_id("stMultiSelect").filter(has=page.get_by_text(label, exact=True))
    box.click()
    page.keyboard.type(option)
    page.locator("[role=option]", has_text=option).first.click()
    page.keyboard.press("Escape")
    ui.settle(page)


def _button(page, text: str):
    return page.get_by_test_id("stButton").filter(has_text=text).get_by_role("button")


def _upload_and_commit(journey, file_name: str, content: bytes) -> None:
    page = journey.page
    ui.choose(page, "数据集", INCOME.title)
    ui.upload(page, file_name, content)
    journey.step(f"uploaded-{file_name}")
    page.get_by_role("button", name="确认导入").click()
    journey.step("committed")
    expect(page.get_by_test_id("stMain")).to_contain_text("已导入为批次")


@pytest.mark.browser
def test_round_open_upload_return_resubmit_approve(round_app, open_journey):
    app, household = round_app
    admin = open_journey(app)
    page = admin.page
    main = page.get_by_test_id("stMain")

    admin.go_to("上报任务")
    page.get_by_test_id("stExpander").filter(has_text="开启上报任务").locator("summary").click()
    year = page.get_by_label("报告期年度", exact=True)
    year.fill("2018")
    year.press("Enter")
    admin.settle()
    _pick_in_multiselect(page, "须上报的数据集", INCOME.title)
    page.get_by_test_id("stCheckbox").filter(has_text="全部镇办都须上报").click()
    admin.settle()
    _pick_in_multiselect(page, "须上报的镇办", "牧护关镇")
    _button(page, "开启上报任务").click()
    admin.step("round-opened")
    expect(main).to_contain_text("已开启上报任务 1：2018年数据上报")
    assert admin.metrics()["须上报镇办"] == "1个"

    editor = open_journey(app, sign_in=False)
    assert editor.sign_in(EDITOR, EDITOR_PASSWORD) == "登录"
    editor.go_to("数据上报")
    _upload_and_commit(editor, "牧护关镇收入.csv", _income_csv(household, 90000))

    admin.go_to("上报任务")
    admin.step("board-submitted")
    page.get_by_label("对文件的意见", exact=True).fill("工资性收入明显偏高，请核对")
    _button(page, "退回").click()
    admin.step("returned")
    expect(main).to_contain_text("已退回牧护关镇的“贫困户收入”")

    editor.go_to("数据上报")
    editor.step("editor-sees-return")
    editor_main = editor.page.get_by_test_id("stMain")
    expect(editor_main).to_contain_text("已退回：2018年数据上报")
    expect(editor_main).to_contain_text("工资性收入明显偏高，请核对")
    editor.page.get_by_role("button", name="上传下一个文件").click()
    editor.settle()
    _upload_and_commit(editor, "牧护关镇收入（改正）.csv", _income_csv(household, 9000))
    expect(editor_main).not_to_contain_text("已退回：")

    admin.go_to("上报任务")
    _button(page, "审核通过并锁定 2018年 牧护关镇").click()
    admin.step("approved")
    expect(main).to_contain_text("已审核通过牧护关镇的上报，并锁定2018年牧护关镇的数据")
    assert admin.metrics()["已审核镇办"] == "1个"
    assert admin.metrics()["逾期未报镇办"] == "0个"
    admin.go_to("审核锁定")
    admin.step("locked")
    expect(main).to_contain_text("锁定中（1项）")
