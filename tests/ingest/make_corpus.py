"""The corpus of messy and bad upload files, one small file per case, with each case's expected outcome.

Files are generated from the declarative CASES table (at test time, into a temporary directory), so
the repository holds the recipe rather than binary files. Every case runs against the hand-made
tiny database (tests/tiny_data.py: 镇办 T1/T2, 村 V1–V3, 户 H1–H5, 项目 P1–P5, 主体 E1, 投资 I1).
`python -m tests.ingest.make_corpus DIR` writes the files to DIR to look at them by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from fupin_core.idcodes import credit_check_char, id_check_char
from tests.tiny_data import E1, T1, T2, V1, V2

LINK_HEAD = ["户编号", "项目编号", "联结方式", "细分类型", "年度", "收益金额(元)"]
HH_HEAD = ["户编号", "户主姓名", "户主身份证号", "村代码", "家庭人口", "贫困户属性", "主要致贫原因", "识别年度", "脱贫年度", "劳动能力"]


def valid_id(body17: str = "61100219800101002") -> str:
    return body17 + id_check_char(body17)


ID_A = valid_id("61100219800101002")
ID_B = valid_id("61100219851231004")
ID_X = next(valid_id(f"6110021990010100{i}") for i in range(10) if id_check_char(f"6110021990010100{i}") == "X")
BAD_CREDIT = E1[:-1] + next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != E1[-1])
NEW_CREDIT = "93611002MA0000001" + credit_check_char("93611002MA0000001")


def hh_row(
    hid="H6", name="新户主", idn=ID_A, village=V1, size=3, kind="一般贫困户", cause="因病", ident=2016, exit_year="", labour="有劳动能力"
):
    return [hid, name, idn, village, size, kind, cause, ident, exit_year, labour]


def csv(rows, encoding="utf-8", sep=",") -> bytes:
    def cell(v):
        text = "" if v is None else str(v)
        return f'"{text}"' if any(ch in text for ch in (sep, '"', "\n")) else text

    return "\r\n".join(sep.join(cell(v) for v in row) for row in rows).encode(encoding) + b"\r\n"


def xlsx(rows, *, sheet="Sheet1", merges=(), before=(), numeric_text=False) -> bytes:
    """Numbers and dates become real Excel number/date cells; `numeric_text` writes digit strings
    as numbers too (what Excel does to an ID typed into a General cell)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"strings_to_numbers": numeric_text})
    for name, other in before:
        ws = book.add_worksheet(name)
        for r, row in enumerate(other):
            ws.write_row(r, 0, row)
    ws = book.add_worksheet(sheet)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif value not in (None, ""):
                ws.write(r, c, value)
    for r0, c0, r1, c1, value in merges:
        ws.merge_range(r0, c0, r1, c1, value)
    book.close()
    return out.getvalue()


@dataclass(frozen=True)
class Case:
    name: str
    dataset: str
    file_name: str
    content: bytes
    exit: int
    # (row as in Excel, column header or None, part of the message): exactly the errors expected.
    errors: tuple[tuple[int | None, str | None, str], ...] = ()
    warnings: tuple[tuple[int | None, str | None, str], ...] = ()
    counts: dict = field(default_factory=dict)  # e.g. {"new": 1, "rejected": 0}
    # SQL -> expected rows, checked after the import (committed cases).
    stored: tuple[tuple[str, list], ...] = ()
    args: tuple[str, ...] = ()


def _link(*rows):
    return [LINK_HEAD, *rows]


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    return out.getvalue()


STAGE_HEAD = ["项目编号", "阶段", "日期", "文号"]
NOTICE_HEAD = ["项目编号", "公示环节", "公示内容", "公示地点", "开始日期", "结束日期"]
ASSET_HEAD = ["资产编号", "资产名称", "资产类型", "项目编号", "所在村代码", "原值(万元)", "确权类型", "确权村代码", "确权户编号", "移交日期",
              "管护责任人", "资产状态"]  # fmt: skip
SHARE_HEAD = ["资产编号", "年度", "收益(元)", "方案批准单位", "批准日期", "公示开始日期", "公示结束日期", "公益岗位工资(元)", "小型公益事业(元)",
              "奖励补助(元)", "分红到户(元)", "村集体留存(元)", "已分配(元)"]  # fmt: skip
_GOOD_LINK = ["H4", "P1", "分红", "", 2017, 100]
_CLEAN = xlsx(_link(_GOOD_LINK))
_OUTLIER_ROWS = [[f"H{1 + i % 5}", f"P{1 + (i // 5) % 5}", "务工", "", 2019 + i // 25, 100 + i] for i in range(34)]

CASES: tuple[Case, ...] = (
    # --- encodings and file kinds -------------------------------------------------------------
    Case("utf8_csv", "linkages", "a.csv", csv(_link(_GOOD_LINK)), 0, counts={"new": 1, "rejected": 0}),
    Case("utf8_bom_csv", "linkages", "a.csv", b"\xef\xbb\xbf" + csv(_link(_GOOD_LINK)), 0, counts={"new": 1}),
    Case("gbk_csv", "households", "h.csv", csv([HH_HEAD, hh_row()], "gbk"), 0, counts={"new": 1},
         stored=(("SELECT head_name FROM households WHERE household_id = 'H6'", [("新户主",)]),)),
    Case("gb18030_csv_rare_char", "households", "h.csv", csv([HH_HEAD, hh_row(name="王䶮")], "gb18030"), 0,
         stored=(("SELECT head_name FROM households WHERE household_id = 'H6'", [("王䶮",)]),)),
    Case("utf16_tab_text", "linkages", "a.txt", b"\xff\xfe" + "\r\n".join("\t".join(map(str, r)) for r in _link(_GOOD_LINK)).encode("utf-16-le"),
         0, counts={"new": 1}),
    Case("semicolon_csv", "linkages", "a.csv", csv(_link(_GOOD_LINK), sep=";"), 0, counts={"new": 1}),
    Case("xlsx_clean", "linkages", "a.xlsx", _CLEAN, 0, counts={"new": 1},
         stored=(("SELECT income_yuan FROM linkages WHERE household_id = 'H4'", [(100,)]),)),
    Case("xlsx_second_sheet", "linkages", "a.xlsx", xlsx(_link(_GOOD_LINK), sheet="数据", before=[("封面", [["2017年利益联结台账"]])]),
         0, counts={"new": 1}),
    Case("xlsx_chosen_sheet_missing", "linkages", "a.xlsx", _CLEAN, 2, args=("--sheet", "不存在")),
    # --- layout: title, notes, totals, signatures, blank rows, merged cells ------------------------
    Case("title_rows_csv", "linkages", "a.csv", csv([["2017年夜村镇利益联结台账"], ["单位：元", ""], [], *_link(_GOOD_LINK)]), 0,
         counts={"new": 1}),
    Case("title_rows_xlsx_merged_title", "linkages", "a.xlsx", xlsx([[], [], *_link(_GOOD_LINK)], merges=[(0, 0, 0, 5, "2017年利益联结台账")]),
         0, counts={"new": 1}),
    Case("totals_signature_blank_rows", "linkages", "a.csv",
         csv([*_link(_GOOD_LINK, [], ["H3", "P4", "务工", "", 2017, 200]), ["小计", "", "", "", "", 300], ["合  计", "", "", "", "", 300],
              ["填表人：张三", "", "审核人：李四"], ["填表日期：2017-12-31"]]), 0, counts={"new": 1, "updated": 1, "rejected": 0, "rows_read": 2}),
    Case("merged_village_cells", "households", "h.xlsx",
         xlsx([HH_HEAD, hh_row("H6"), hh_row("H7", idn=ID_B, village=""), hh_row("H8", idn=ID_X, village="")],
              merges=[(1, 3, 3, 3, V2)]),
         0, warnings=((2, "村代码", "合并单元格"),), counts={"new": 3},
         stored=(("SELECT count(*) FROM households WHERE village_code = ? ".replace("?", f"'{V2}'"), [(5,)]),)),
    Case("multiline_cell_row_numbers", "linkages", "a.csv",
         csv(_link(["H4", "P1", "公益岗位", "保洁员\n（兼职）", 2017, 100], ["H3", "P4", "务工", "", 2017, "abc"])), 1,
         errors=((3, "收益金额(元)", "“abc”不是数字"),)),
    # --- values as people type them -------------------------------------------------------------
    Case("full_width_and_thousands", "linkages", "a.csv", csv(_link(["Ｈ４", "Ｐ１", "分红", "", "２０１７", "1,234.50"])), 0,
         stored=(("SELECT household_id, year, income_yuan FROM linkages WHERE household_id = 'H4'", [("H4", 2017, 1234.5)]),)),
    Case("spaces_and_units", "artichoke_output", "a.csv",
         csv([["项目编号", "年度", "种植面积（亩）", "产量(吨)", "收购金额（万元）"], [" P5 ", "2018年", "300亩", " 1,200 ", "30万元"]]), 0,
         stored=(("SELECT area_mu, yield_t, purchase_wan FROM artichoke_output WHERE year = 2018", [(300, 1200, 30)]),)),
    Case("excel_date_cells", "dividends", "d.xlsx",
         xlsx([["投资编号", "年度", "应付金额(元)", "实付金额(元)", "兑现日期"], ["I1", 2018, 60000, 60000, dt.date(2018, 12, 20)]]), 0,
         stored=(("SELECT paid_date FROM dividends WHERE year = 2018", [(dt.date(2018, 12, 20),)]),)),
    Case("date_strings", "dividends", "d.csv",
         csv([["投资编号", "年度", "应付金额(元)", "实付金额(元)", "兑现日期"], ["I1", 2018, 1, 1, "2018/1/5"], ["I1", 2019, 1, 1, "2019年1月6日"]]), 0,
         stored=(("SELECT paid_date FROM dividends WHERE year >= 2018 ORDER BY year", [(dt.date(2018, 1, 5),), (dt.date(2019, 1, 6),)]),)),
    Case("bad_date", "dividends", "d.csv", csv([["投资编号", "年度", "应付金额(元)", "实付金额(元)", "兑现日期"], ["I1", 2018, 1, 1, "2018-13-45"]]), 1,
         errors=((2, "兑现日期", "不是有效的日期"),)),
    Case("period_forms", "pv_output", "p.csv",
         csv([["项目编号", "报告期", "发电量(千瓦时)", "发电收益(元)", "收益分配(元)"], ["P1", "2018年第3季度", 1, 1, 1], ["P1", "2018年9月", 1, 1, 1],
              ["P1", "2019", 1, 1, 1]]), 0,
         stored=(("SELECT period FROM pv_output WHERE period >= '2018' ORDER BY period", [("2018-09",), ("2018Q3",), ("2019",)]),)),
    Case("bad_period", "pv_output", "p.csv", csv([["项目编号", "报告期", "发电量(千瓦时)", "发电收益(元)", "收益分配(元)"], ["P1", "2017年13月", 1, 1, 1]]), 1,
         errors=((2, "报告期", "报告期格式不对"),)),
    Case("dash_means_empty", "households", "h.csv", csv([HH_HEAD, hh_row(cause="—", exit_year="—")]), 0,
         stored=(("SELECT main_cause, exit_year FROM households WHERE household_id = 'H6'", [(None, None)]),)),
    Case("synonym_headers", "households", "h.csv",
         csv([["户编码", "户主", "身份证号码", "村代码", "家庭人口数", "贫困户类型", "致贫原因", "识别年份", "脱贫年份", "有无劳动能力"], hh_row()]), 0,
         counts={"new": 1}),
    Case("unknown_column_ignored", "linkages", "a.csv", csv([[*LINK_HEAD, "联系电话"], [*_GOOD_LINK, "13800000000"]]), 0,
         warnings=((1, None, "已忽略"),), counts={"new": 1}),
    # --- ID numbers and credit codes ------------------------------------------------------------
    Case("id_float_mangled_xlsx", "households", "h.xlsx", xlsx([HH_HEAD, hh_row(idn=int(ID_A))]), 1,
         errors=((2, "户主身份证号", "被 Excel 当作数字保存"),)),
    Case("id_general_cells_xlsx", "households", "h.xlsx", xlsx([HH_HEAD, hh_row(idn=ID_A)], numeric_text=True), 1,
         errors=((2, "户主身份证号", "被 Excel 当作数字保存"),)),
    Case("id_scientific_csv", "households", "h.csv", csv([HH_HEAD, hh_row(idn="6.11002E+17")]), 1,
         errors=((2, "户主身份证号", "科学计数法"),)),
    Case("id_trailing_zeros", "households", "h.csv", csv([HH_HEAD, hh_row(idn=ID_A[:15] + "000")]), 1,
         errors=((2, "户主身份证号", "被 Excel 当作数字保存后丢失"),)),
    Case("id_bad_check_digit", "households", "h.csv",
         csv([HH_HEAD, hh_row(idn=ID_A[:17] + ("1" if ID_A[17] != "1" else "2"))]), 1, errors=((2, "户主身份证号", "校验位错误"),)),
    Case("id_bad_birth_date", "households", "h.csv", csv([HH_HEAD, hh_row(idn=valid_id("61100219801301002"))]), 1,
         errors=((2, "户主身份证号", "出生日期"),)),
    Case("id_lower_x", "households", "h.csv", csv([HH_HEAD, hh_row(idn=ID_X.lower())]), 0,
         stored=(("SELECT head_id_number FROM households WHERE household_id = 'H6'", [(ID_X,)]),)),
    Case("credit_code_check_char_warning", "entities", "e.csv",
         csv([["统一社会信用代码", "主体名称", "主体类型", "所属产业", "镇办代码"], [BAD_CREDIT, "某合作社", "农民专业合作社", "食用菌", T2]]), 0,
         warnings=((2, "统一社会信用代码", "校验位"),), counts={"new": 1}),
    Case("credit_code_malformed", "entities", "e.csv",
         csv([["统一社会信用代码", "主体名称", "主体类型", "所属产业", "镇办代码"], ["93611002IO0000001X", "某合作社", "农民专业合作社", "食用菌", T2]]), 1,
         errors=((2, "统一社会信用代码", "不允许的字符"),)),
    # --- types, required, enums, ranges ---------------------------------------------------------
    Case("required_value_empty", "households", "h.csv", csv([HH_HEAD, hh_row(name="")]), 1, errors=((2, "户主姓名", "必填"),)),
    Case("required_column_missing", "linkages", "a.csv", csv([[h for h in LINK_HEAD if h != "年度"], ["H4", "P1", "分红", "", 100]]), 1,
         errors=((1, "年度", "缺少必填列"),), counts={"rejected": 1}),
    Case("not_a_number", "linkages", "a.csv", csv(_link(["H4", "P1", "分红", "", 2017, "一百"])), 1, errors=((2, "收益金额(元)", "不是数字"),)),
    Case("not_an_integer", "households", "h.csv", csv([HH_HEAD, hh_row(size="3.5")]), 1, errors=((2, "家庭人口", "不是整数"),)),
    Case("wan_in_yuan_column", "linkages", "a.csv", csv(_link(["H4", "P1", "分红", "", 2017, "1.5万元"])), 1, errors=((2, "收益金额(元)", "不是数字"),)),
    Case("negative_amount", "linkages", "a.csv", csv(_link(["H4", "P1", "分红", "", 2017, -5])), 1, errors=((2, "收益金额(元)", "负数"),)),
    Case("year_out_of_range", "linkages", "a.csv", csv(_link(["H4", "P1", "分红", "", 2050, 5])), 1, errors=((2, "年度", "不在"),)),
    Case("enum_near_miss", "linkages", "a.csv", csv(_link(["H4", "P1", "入股分红", "", 2017, 5])), 1, errors=((2, "联结方式", "不是允许的值"),)),
    Case("enum_yes_no", "villages", "v.csv",
         csv([["村代码", "村名称", "镇办代码", "是否贫困村", "是否深度贫困村"], ["611002001299", "新村", T1, "Y", "否"]]), 1,
         errors=((2, "是否贫困村", "“Y”不是允许的值"),)),
    Case("percent_out_of_range", "investments", "i.csv",
         csv([["投资编号", "主体信用代码", "资金来源", "投入金额(万元)", "投入日期", "约定年收益率(%)", "受益贫困户数"],
              ["I2", E1, "区级财政", 10, "2017-03-01", 150, 5]]), 1, errors=((2, "约定年收益率(%)", "0到100"),)),
    Case("zero_family_size", "households", "h.csv", csv([HH_HEAD, hh_row(size=0)]), 1, errors=((2, "家庭人口", "应大于0"),)),
    Case("percent_written_as_fraction", "investments", "i.csv",
         csv([["投资编号", "主体信用代码", "资金来源", "投入金额(万元)", "投入日期", "约定年收益率(%)", "受益贫困户数"],
              ["I2", E1, "区级财政", 10, "2017-03-01", 0.06, 5]]), 0, warnings=((2, "约定年收益率(%)", "偏低"),), counts={"new": 1}),
    Case("admin_code_wrong_length", "townships", "t.csv", csv([["镇办代码", "镇办名称"], ["61100201", "新镇"]]), 1,
         errors=((2, "镇办代码", "9位数字"),)),
    Case("huge_cell", "households", "h.csv", csv([HH_HEAD, hh_row(name="王" * 40000)]), 1, errors=((2, "户主姓名", "内容过长"),)),
    Case("unquoted_thousands_comma", "linkages", "a.csv",
         b"\r\n".join([",".join(LINK_HEAD).encode(), b"H4,P1,\xe5\x88\x86\xe7\xba\xa2,,2017,1,234"]) + b"\r\n", 1,
         errors=((2, None, "比表头多"),)),
    # --- references ------------------------------------------------------------------------------
    Case("ref_township_missing", "villages", "v.csv",
         csv([["村代码", "村名称", "镇办代码", "是否贫困村", "是否深度贫困村"], ["611002999201", "新村", "611002999", "是", "否"]]), 1,
         errors=((2, "镇办代码", "找不到"),)),
    Case("ref_village_name_typed", "households", "h.csv", csv([HH_HEAD, hh_row(village="甲村")]), 1, errors=((2, "村代码", "找不到"),)),
    Case("ref_household_missing", "linkages", "a.csv", csv(_link(["H99", "P1", "分红", "", 2017, 5])), 1, errors=((2, "户编号", "找不到"),)),
    Case("ref_project_missing", "funds", "f.csv",
         csv([["项目编号", "资金来源", "资金类别", "年度", "下达金额(万元)", "支出金额(万元)"], ["P11", "区级财政", "统筹整合涉农资金", 2018, 10, 5]]), 1,
         errors=((2, "项目编号", "找不到"),)),
    Case("ref_entity_missing", "investments", "i.csv",
         csv([["投资编号", "主体信用代码", "资金来源", "投入金额(万元)", "投入日期", "约定年收益率(%)", "受益贫困户数"],
              ["I2", NEW_CREDIT, "区级财政", 10, "2017-03-01", 6, 5]]), 1, errors=((2, "主体信用代码", "找不到"),)),
    Case("ref_investment_missing", "dividends", "d.csv",
         csv([["投资编号", "年度", "应付金额(元)", "实付金额(元)", "兑现日期"], ["I9", 2018, 1, 0, ""]]), 1, errors=((2, "投资编号", "找不到"),)),
    Case("duplicates_in_file", "linkages", "a.csv", csv(_link(_GOOD_LINK, ["H3", "P4", "务工", "", 2018, 1], _GOOD_LINK)), 1,
         errors=((2, "户编号", "第2、4行"), (4, "户编号", "第2、4行")), counts={"new": 1, "rejected": 2}),
    # --- cross-field rules and outliers ----------------------------------------------------------
    Case("rule_spent_over_allocated", "funds", "f.csv",
         csv([["项目编号", "资金来源", "资金类别", "年度", "下达金额(万元)", "支出金额(万元)"], ["P1", "省级财政", "其他资金", 2018, 10, 12.5]]), 1,
         errors=((2, "支出金额(万元)", "支出金额 12.5 万元大于下达金额 10 万元"),)),
    Case("rule_integrated_funds_before_2016", "funds", "f.csv",
         csv([["项目编号", "资金来源", "资金类别", "年度", "下达金额(万元)", "支出金额(万元)"], ["P1", "区级财政", "统筹整合涉农资金", 2015, 10, 5]]), 1,
         errors=((2, "资金类别", "2015年还没有统筹整合涉农资金"),)),
    Case("rule_integrated_funds_not_fiscal", "funds", "f.csv",
         csv([["项目编号", "资金来源", "资金类别", "年度", "下达金额(万元)", "支出金额(万元)"], ["P1", "苏陕协作资金", "统筹整合涉农资金", 2018, 10, 5]]), 1,
         errors=((2, "资金类别", "只有中央财政、省级财政、市级财政、区级财政的资金"),)),
    Case("legacy_fund_source_template", "funds", "f.csv",
         csv([["项目编号", "资金来源", "年度", "下达金额(万元)", "支出金额(万元)"], ["P1", "统筹整合涉农资金", 2018, 10, 5]]), 1,
         errors=((1, "资金类别", "缺少必填列"), (2, "资金来源", "现在是资金类别"))),
    Case("rule_employed_over_labourers", "household_income", "i.csv",
         csv([["户编号", "年度", "工资性收入(元)", "生产经营性净收入(元)", "财产性收入(元)", "转移性收入(元)", "劳动力人数", "转移就业人数"],
              ["H3", 2018, 6000, 1000, 0, 2000, 1, 2]]), 1, errors=((2, "转移就业人数", "大于劳动力人数"),)),
    Case("rule_exit_before_identified", "households", "h.csv", csv([HH_HEAD, hh_row(ident=2016, exit_year=2015)]), 1,
         errors=((2, "脱贫年度", "早于识别年度"),)),
    Case("rule_poor_shareholders", "pilots", "s.csv",
         csv([["村代码", "试点年度", "区级财政投入(万元)", "集体经济组织", "折股量化资产(万元)", "入股土地(亩)", "股东户数", "贫困户股东户数", "年度分红(万元)"],
              [V2, 2017, 30, "乙村股份经济合作社", 100, 50, 40, 41, 5]]), 1, errors=((2, "贫困户股东户数", "大于股东户数"),)),
    Case("rule_distributed_over_revenue", "pv_output", "p.csv",
         csv([["项目编号", "报告期", "发电量(千瓦时)", "发电收益(元)", "收益分配(元)"], ["P1", "2018", 100, 50, 60]]), 1,
         errors=((2, "收益分配(元)", "大于发电收益"),)),
    Case("rule_deep_but_not_poor", "villages", "v.csv",
         csv([["村代码", "村名称", "镇办代码", "是否贫困村", "是否深度贫困村", "退出年度"], ["611002001299", "新村", T1, "否", "是", 2018]]), 1,
         errors=((2, "是否深度贫困村", "深度贫困村必须是贫困村"), (2, "退出年度", "不是贫困村"))),
    Case("rule_type_and_unit_of_industry", "projects", "p.csv",
         csv([["项目编号", "项目名称", "产业类别", "项目类型", "镇办代码", "建设年度", "建设状态", "建设规模", "规模单位", "总投资(万元)"],
              ["P9", "新项目", "光伏", "种植基地", T1, 2018, "在建", 100, "亩", 80]]), 1,
         errors=((2, "项目类型", "村级电站、户用光伏、集中式电站"), (2, "规模单位", "应为 千瓦"))),
    Case("rule_paid_without_date", "dividends", "d.csv",
         csv([["投资编号", "年度", "应付金额(元)", "实付金额(元)", "兑现日期"], ["I1", 2018, 100, 100, ""]]), 1,
         errors=((2, "兑现日期", "须填写兑现日期"),)),
    Case("outlier_amount_warning", "linkages", "a.csv", csv(_link(*_OUTLIER_ROWS, ["H5", "P5", "分红", "", 2030, 9_000_000])), 0,
         warnings=((36, "收益金额(元)", "远高于"),), counts={"new": 35}),
    # --- 项目库 and 扶贫资产 (issue 13) --------------------------------------------------------------
    Case("stages_in_order", "project_stages", "s.xlsx",
         xlsx([STAGE_HEAD, ["P4", "申报", dt.date(2015, 11, 2), ""], ["P4", "入库", dt.date(2015, 12, 1), ""],
               ["P4", "立项", dt.date(2016, 2, 20), "商扶发〔2016〕12号"]]), 0, counts={"new": 3},
         stored=(("SELECT doc_number FROM project_stages WHERE stage = '立项'", [("商扶发〔2016〕12号",)]),)),
    Case("stage_date_before_previous", "project_stages", "s.csv",
         csv([STAGE_HEAD, ["P4", "申报", "2016-03-01", ""], ["P4", "入库", "2016-02-01", ""]]), 1,
         errors=((3, "日期", "早于前一阶段“申报”"),)),
    Case("stage_skipped", "project_stages", "s.csv",
         csv([STAGE_HEAD, ["P4", "申报", "2016-01-05", ""], ["P4", "立项", "2016-03-01", "商扶发〔2016〕3号"]]), 1,
         errors=((3, "阶段", "还没有“入库”阶段"),)),
    Case("stage_unknown_name", "project_stages", "s.csv", csv([STAGE_HEAD, ["P4", "竣工", "2016-01-05", ""]]), 1,
         errors=((2, "阶段", "不是允许的值"),)),
    Case("publicity_too_short", "announcements", "n.csv",
         csv([NOTICE_HEAD, ["P4", "立项", "乙村香菇基地立项", "乙村村委会公示栏", "2016-02-01", "2016-02-07"]]), 1,
         errors=((2, "结束日期", "少于规定的10天"),)),
    Case("publicity_ten_days", "announcements", "n.csv",
         csv([NOTICE_HEAD, ["P4", "立项", "乙村香菇基地立项", "乙村村委会公示栏", "2016-02-01", "2016-02-10"]]), 0, counts={"new": 1}),
    Case("asset_owner_missing_or_unknown", "assets", "a.csv",
         csv([ASSET_HEAD, ["ZC1", "甲村光伏电站", "光伏电站", "P1", V1, 180, "村集体", "", "", "2016-12-01", "甲村村委会", "正常"],
              ["ZC2", "乙村菌棚", "菌棚/大棚", "P4", V2, 60, "农户", "", "H9", "", "", "正常"]]), 1,
         errors=((2, "确权类型", "没有填写确权村代码"), (3, "确权户编号", "找不到"))),
    Case("asset_unconfirmed_is_allowed", "assets", "a.csv",
         csv([ASSET_HEAD, ["ZC1", "甲村光伏电站", "光伏电站", "P1", V1, 180, "", "", "", "", "", "闲置"]]), 0, counts={"new": 1}),
    Case("distribution_parts_do_not_add_up", "asset_income", "d.csv",
         csv([SHARE_HEAD, ["ZC9", 2017, 10000, "甲村村民代表大会", "2017-12-01", "2017-12-02", "2017-12-05", 3000, 1000, 0, 4000, 1000, 12000]]),
         1, errors=((2, "资产编号", "找不到"), (2, "收益(元)", "与收益 10000 元不符"), (2, "已分配(元)", "大于收益"),
                    (2, "公示结束日期", "少于规定的10天"))),
    Case("linkage_cites_unknown_asset", "linkages", "a.csv", csv([[*LINK_HEAD, "资产编号"], [*_GOOD_LINK, "ZC9"]]), 1,
         errors=((2, "资产编号", "在已有的扶贫资产中找不到这个资产编号"),)),
    # --- unreadable or empty ---------------------------------------------------------------------
    Case("empty_file", "linkages", "a.csv", b"", 2),
    Case("blank_lines_only", "linkages", "a.csv", b"\r\n \r\n\t\r\n", 2),
    Case("headers_only", "linkages", "a.csv", csv([LINK_HEAD]), 1, errors=((1, None, "没有数据行"),), counts={"rejected": 0}),
    Case("no_header_found", "linkages", "a.csv", csv([["姓名", "电话"], ["张三", "123"]]), 2),
    Case("wrong_dataset_chosen", "funds", "a.xlsx", _CLEAN, 1,
         errors=((1, "资金来源", "缺少必填列"), (1, "资金类别", "缺少必填列"), (1, "下达金额(万元)", "缺少必填列"), (1, "支出金额(万元)", "缺少必填列")),
         counts={"rejected": 1}),
    Case("png_file", "linkages", "a.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), 2),
    Case("pdf_file", "linkages", "a.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", 2),
    Case("docx_file", "linkages", "a.docx", _docx(), 2),
    Case("corrupt_xlsx", "linkages", "a.xlsx", _CLEAN[: len(_CLEAN) // 2], 2),
    Case("zip_not_excel", "linkages", "a.xlsx", b"PK\x03\x04" + bytes(40), 2),
)  # fmt: skip


def write_all(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for case in CASES:
        path = directory / f"{case.name}__{case.file_name}"
        path.write_bytes(case.content)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")):
        print(written)
