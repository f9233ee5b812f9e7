"""What the 数据上报 page shows of a preview: problems with masked ID numbers, rows with their fate, the mapping."""

from __future__ import annotations

from fupin_core.ingest import display, pipeline
from tests.ingest.make_corpus import HH_HEAD, ID_A, LINK_HEAD, csv, hh_row


def test_problem_table_masks_id_numbers_unless_allowed(tiny_con):
    bad_id = ID_A[:17] + ("1" if ID_A[17] != "1" else "2")
    preview = pipeline.prepare(tiny_con, "households", csv([HH_HEAD, hh_row(idn=bad_id)]), "h.csv")
    masked = display.problem_table(preview, "error")
    assert masked.columns == ["行", "单元格", "列", "填写的值", "问题", "建议"]
    assert masked.row(0)[:4] == (2, "C2", "户主身份证号", bad_id[:6] + "********" + bad_id[-4:])
    assert display.problem_table(preview, "error", mask_ids=False).row(0)[3] == bad_id


def test_row_table_says_what_happens_to_each_row(tiny_con):
    content = csv(
        [["标题"], LINK_HEAD, ["H4", "P1", "分红", "", 2017, 1], ["H3", "P4", "务工", "", 2017, 0], ["H9", "P1", "分红", "", 2017, 1]]
    )
    preview = pipeline.prepare(tiny_con, "linkages", content, "a.csv")
    table = display.row_table(preview)
    assert table.select("行", "状态", "户编号").rows() == [(3, "新增", "H4"), (4, "未变", "H3"), (5, "有误", "H9")]
    assert display.skipped_text(preview) == "编码 utf-8；表头在第2行；读取数据3行；已跳过标题/说明1行"


def test_mapping_table(tiny_con):
    content = csv([["户号", "项目编号", "联结方式", "年度", "收益金额(元)", "序号"], ["H4", "P1", "分红", 2017, 1, 1]])
    preview = pipeline.prepare(tiny_con, "linkages", content, "a.csv", manual={"户号": "household_id"})
    rows = display.mapping_table(preview).rows()
    assert rows[0] == ("A列", "户号", "户编号", "手工指定")
    assert rows[1] == ("B列", "项目编号", "项目编号", "自动识别")
    assert rows[-1] == ("F列", "序号", "忽略", "")


def test_count_cards(tiny_con):
    content = csv([LINK_HEAD] + [[f"H{i}", "P1", "务工", "", 2019, 1000] for i in range(1, 6)] + [["H3", "P4", "务工", "", 2017, 0]])
    preview = pipeline.prepare(tiny_con, "linkages", content, "a.csv")
    assert display.count_cards(preview) == [("新增", "5行"), ("更新", "0行"), ("未变", "1行"), ("有误", "0行")]
