"""The fix-list: the user's own rows with problems, their headers, and what to fix."""

from __future__ import annotations

import io

import openpyxl

from fupin_core.ingest import fixlist, pipeline
from tests.ingest.make_corpus import LINK_HEAD, csv


def test_fix_list_of_a_file_missing_a_required_column_lists_every_row(tiny_con):
    content = csv([[h for h in LINK_HEAD if h != "年度"], ["H4", "P1", "分红", "", 1], ["H3", "P4", "务工", "", 2]])
    preview = pipeline.prepare(tiny_con, "linkages", content, "a.csv")
    sheet = openpyxl.load_workbook(io.BytesIO(fixlist.fix_list_xlsx(preview))).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][-1] == "问题说明" and [r[0] for r in rows[1:]] == [2, 3]
    assert all("缺少必填列“年度”" in r[-1] for r in rows[1:])


def test_ids_stay_text_and_warnings_are_listed(tiny_con):
    content = csv(
        [LINK_HEAD, ["000123", "P1", "分红", "", 2017, 1], ["H4", "P1", "分红", "", 2017, 1]]
        + [[f"H{i % 5 + 1}", "P2", "务工", "", 2010 + i % 26, 10] for i in range(30)]
        + [["H5", "P3", "务工", "", 2017, 10_000_000]]
    )
    preview = pipeline.prepare(tiny_con, "linkages", content, "a.csv")
    sheet = openpyxl.load_workbook(io.BytesIO(fixlist.fix_list_xlsx(preview))).active
    rows = {r[0].value: [c.value for c in r] for r in sheet.iter_rows(min_row=2)}
    assert rows[2][1] == "000123" and rows[2][-1].startswith("错误：【户编号】")
    assert rows[34][-1].startswith("提醒：【收益金额(元)】金额 10000000 元远高于")
    assert set(rows) == {2, 34}
