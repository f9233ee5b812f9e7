"""The 数据上报 and 上传记录 pages under AppTest, as a new user would use them: fill the template,
upload it, see the preview and the error, fix it, commit, see 总览 change, roll back."""

from __future__ import annotations

import io

import openpyxl
import polars as pl

from fupin_core.formatting import markdown_literal
from fupin_core.ingest import templates
from tests.ingest.make_corpus import xlsx


def _unlinked_households(sample_con, n: int) -> list[str]:
    return [r[0] for r in sample_con.execute(
        """SELECT household_id FROM households h WHERE identified_year <= 2017 AND (exit_year IS NULL OR exit_year >= 2017)
           AND NOT EXISTS (SELECT 1 FROM linkages l WHERE l.household_id = h.household_id AND l.year = 2017)
           ORDER BY household_id LIMIT ?""", [n]).fetchall()]  # fmt: skip


def _filled_template(rows) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(templates.xlsx_template("linkages")))
    sheet = book.worksheets[0]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _tables(at, *columns: str) -> list:
    """The page's tables whose columns start with `columns` (AppTest has no keys for dataframes)."""
    return [d.value for d in at.dataframe if list(d.value.columns)[: len(columns)] == list(columns)]


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_upload_preview_fix_commit_and_roll_back(app, sample_con):
    project = sample_con.execute("SELECT min(project_id) FROM projects WHERE industry = '光伏'").fetchone()[0]
    homes = _unlinked_households(sample_con, 3)
    linked_before = _metrics(app)["带动增收户数"]

    at = app.switch_page("pages/upload.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "数据上报"
    at.selectbox(key="upload_dataset").set_value("linkages").run()
    assert [b.label for b in at.get("download_button")][:2] == ["下载 Excel 模板", "下载 CSV 模板"]

    wrong = [[h, project, "分红", None, 2017, 500] for h in homes[:2]] + [[homes[2], project, "分 红款", None, 2017, 500]]
    at.file_uploader(key="upload_file").set_value(("利益联结_上报模板.xlsx", _filled_template(wrong), "application/vnd.ms-excel")).run()
    assert not at.exception, at.exception
    assert _metrics(at) == {"新增": "2行", "更新": "0行", "未变": "0行", "有误": "1行"}
    errors = _tables(at, "行", "单元格", "列")[0]  # 错误 comes before 提醒
    assert errors[["行", "单元格", "列"]].values.tolist() == [[4, "C4", "联结方式"]]
    assert errors["建议"].tolist() == ["是否为“分红”？"]
    assert at.button(key="upload_commit").disabled
    assert any("严格模式" in w.value for w in at.warning)
    assert _tables(at, "行", "状态")[0]["状态"].tolist() == ["新增", "新增", "有误"]

    fixed = [row[:2] + ["分红"] + row[3:] for row in wrong]
    at.file_uploader(key="upload_file").set_value(("利益联结_上报模板.xlsx", _filled_template(fixed), "application/vnd.ms-excel")).run()
    assert not at.exception, at.exception
    assert _metrics(at)["新增"] == "3行" and _metrics(at)["有误"] == "0行"
    at.button(key="upload_commit").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("已导入为批次")

    at.switch_page("pages/overview.py").run()
    linked_after = _metrics(at)["带动增收户数"]
    assert int(linked_after.rstrip("户").replace(",", "")) == int(linked_before.rstrip("户").replace(",", "")) + 3

    at.switch_page("pages/history.py").run()
    assert not at.exception, at.exception
    batches = _tables(at, "批次")[0]
    newest = batches.iloc[0]
    assert (newest["数据集"], newest["文件"], newest["新增"], newest["状态"], newest["用户"]) == (
        "利益联结",
        "利益联结_上报模板.xlsx",
        3,
        "已导入",
        "admin",
    )
    assert at.button(key="rollback_button").disabled
    at.checkbox(key=f"confirm_rollback_{newest['批次']}").check().run()
    at.button(key="rollback_button").click().run()
    assert not at.exception, at.exception
    assert "已回滚批次" in at.success[0].value
    assert _tables(at, "批次")[0].iloc[0]["状态"] == "已回滚"

    at.switch_page("pages/overview.py").run()
    assert _metrics(at)["带动增收户数"] == linked_before


def test_unknown_header_mapped_by_hand_and_saved(app, sample_con):
    home = _unlinked_households(sample_con, 1)[0]
    project = sample_con.execute("SELECT min(project_id) FROM projects").fetchone()[0]
    content = (
        pl.DataFrame({"贫困户号": [home], "项目编号": [project], "联结方式": ["务工"], "年度": [2017], "收益金额(元)": [800]})
        .write_csv()
        .encode("gbk")
    )
    at = app.switch_page("pages/upload.py").run()
    at.selectbox(key="upload_dataset").set_value("linkages").run()
    at.file_uploader(key="upload_file").set_value(("夜村镇.csv", b"2017\xc4\xea\xcc\xa8\xd5\xcb\n" + content, "text/csv")).run()
    assert not at.exception, at.exception
    assert "编码 gb18030；表头在第2行" in at.caption[1].value
    assert at.button(key="upload_commit").disabled
    select = next(s for s in at.selectbox if s.label.startswith("A列“贫困户号”"))
    select.set_value("household_id").run()
    assert not at.exception, at.exception
    assert _metrics(at)["新增"] == "1行"
    at.text_input(key="upload_source_name").input("夜村镇").run()
    at.button(key="save_mapping").click().run()
    assert "已保存“夜村镇”的列对应" in at.success[0].value
    assert not at.button(key="upload_commit").disabled


def test_unreadable_file_is_explained(app):
    at = app.switch_page("pages/upload.py").run()
    at.file_uploader(key="upload_file").set_value(("坏.xlsx", b"PK\x03\x04broken", "application/vnd.ms-excel")).run()
    assert not at.exception, at.exception
    assert "损坏" in at.error[0].value


def test_sheet_choice(app, sample_con):
    home = _unlinked_households(sample_con, 1)[0]
    project = sample_con.execute("SELECT min(project_id) FROM projects").fetchone()[0]
    rows = [["户编号", "项目编号", "联结方式", "细分类型", "年度", "收益金额(元)"], [home, project, "务工", "", 2017, 800]]
    content = xlsx(rows, sheet="数据", before=[("封面", [["2017年利益联结台账"]])])
    at = app.switch_page("pages/upload.py").run()
    at.selectbox(key="upload_dataset").set_value("linkages").run()
    at.file_uploader(key="upload_file").set_value(("台账.xlsx", content, "application/vnd.ms-excel")).run()
    assert at.selectbox(key="upload_sheet").options == ["自动（第一个含表头的工作表）", "封面", "数据"]
    assert "工作表“数据”" in at.caption[1].value and _metrics(at)["新增"] == "1行"
    at.selectbox(key="upload_sheet").set_value("封面").run()
    assert not at.exception, at.exception
    assert "没有找到表头" in at.error[0].value


def test_editor_sees_only_own_batches_in_history(login):
    at = login("luru", "editor")
    at.switch_page("pages/history.py").run()
    assert not at.exception, at.exception
    # The sample's batches belong to the system; an editor who uploaded nothing sees none of them.
    assert any("您（luru）上传的批次" in c.value for c in at.caption)
    assert any("还没有任何上传批次" in i.value for i in at.info)
    assert not at.dataframe


def test_after_commit_the_batch_result_and_upload_next(app, sample_con):
    """确认导入 shows the batch's result and "上传下一个文件" — not the same file checked again with
    确认导入 still there; the next upload starts empty, on the dataset this user just uploaded."""
    project = sample_con.execute("SELECT min(project_id) FROM projects WHERE industry = '光伏'").fetchone()[0]
    homes = _unlinked_households(sample_con, 2)
    at = app.switch_page("pages/upload.py").run()
    assert at.selectbox(key="upload_dataset").value == "linkages"  # nothing uploaded yet: the most reported dataset
    assert at.selectbox(key="upload_dataset").format_func("households") == "贫困户"  # names without their keys
    rows = [[h, project, "分红", None, 2017, 300] for h in homes]
    at.file_uploader(key="upload_file").set_value(("利益联结.xlsx", _filled_template(rows), "application/vnd.ms-excel")).run()
    at.button(key="upload_commit").click().run()
    assert not at.exception, at.exception

    assert at.success[0].value.startswith("已导入为批次")
    assert _metrics(at) == {"新增": "2行", "更新": "0行", "未变": "0行", "有误未导入": "0行"}
    assert not [b for b in at.button if b.key == "upload_commit"]
    assert not at.get("file_uploader")
    assert any(markdown_literal("利益联结.xlsx") in c.value for c in at.caption)  # the file name shown as text
    stages = next(c.value for c in at.caption if c.value.startswith("各阶段用时："))
    assert "读取与解码文件：" in stages and "写入历史版本表：" in stages and "合计：" in stages

    at.button(key="upload_next").click().run()
    assert not at.exception, at.exception
    assert not at.success
    uploader = at.get("file_uploader")
    assert len(uploader) == 1 and uploader[0].key != "upload_file"  # a fresh, empty uploader
    assert not [b for b in at.button if b.key == "upload_commit"]  # nothing to commit before a file
    assert at.selectbox(key="upload_dataset").value == "linkages"
