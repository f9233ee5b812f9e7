"""Upload templates generated from the catalog: xlsx (drop-downs, number formats, 说明 sheet) and CSV."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter

from fupin_core.catalog import MAX_YEAR, MIN_YEAR, TYPE_LABELS, Column, Dataset, dataset

# Text and 报告期 cells are formatted as text so Excel keeps ID numbers whole and 2017-09 a string.
NUMBER_FORMATS = {"text": "@", "int": "0", "decimal": "#,##0.00", "date": "yyyy-mm-dd", "period": "@"}
LAST_ROW = 1_048_575
OPTIONS_SHEET = "选项"
NOTES = (
    "请在第一个工作表中从第2行起逐行填写，不要修改表头（第1行），不要合并单元格，不要在表格中加合计行。",
    "身份证号、统一社会信用代码、各类代码已设为“文本”格式，请直接录入或粘贴为文本，避免 Excel 把长数字变成科学计数法。",
    "日期写成 2017-12-20；报告期写成 2017（全年）、2017Q3（季度）或 2017-09（月份）。",
    "金额只填数字，单位见列名括号，如“下达金额(万元)”填 50 表示 50 万元。",
    "带下拉箭头的列请从列表中选择。红色表头为必填列。",
)


def column_description(col: Column) -> str:
    parts = [col.description] if col.description else []
    if col.references:
        ref = dataset(col.references[0])
        parts.append(f"须为已有的{ref.title}的{ref.header_of(col.references[1])}")
    if "id_card" in col.checks:
        parts.append("18位居民身份证号，末位可为X")
    if "credit_code" in col.checks:
        parts.append("18位统一社会信用代码")
    if "year" in col.checks:
        parts.append(f"四位年份，{col.earliest_year}–{MAX_YEAR}")
    if "admin_code_9" in col.checks or "admin_code_12" in col.checks:
        parts.append("统计用区划代码（{}位）".format(9 if "admin_code_9" in col.checks else 12))
    if "non_negative" in col.checks:
        parts.append("不能为负数")
    if "percent" in col.checks:
        parts.append("0到100，填6表示6%")
    if col.synonyms:
        parts.append("也认：" + "、".join(col.synonyms))
    return "；".join(parts)


def _validation(col: Column, options: dict[str, str]) -> dict:
    prompt = {"input_title": col.header[:32], "input_message": (column_description(col) or TYPE_LABELS[col.type])[:255]}
    if col.enum:
        return {"validate": "list", "source": options[col.name], "error_message": "请从下拉列表中选择", **prompt}
    if "year" in col.checks:
        return {"validate": "integer", "criteria": "between", "minimum": col.earliest_year, "maximum": MAX_YEAR,
                "error_message": f"请填写{col.earliest_year}–{MAX_YEAR}之间的四位年份", **prompt}  # fmt: skip
    if "percent" in col.checks:
        return {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": 100,
            "error_message": "请填写0到100之间的数字",
            **prompt,
        }
    if col.type in ("int", "decimal") and ({"non_negative", "positive"} & set(col.checks)):
        kind = "integer" if col.type == "int" else "decimal"
        return {
            "validate": kind,
            "criteria": ">=",
            "value": 1 if "positive" in col.checks else 0,
            "error_message": "请填写不小于0的数字",
            **prompt,
        }
    if col.type == "date":
        return {
            "validate": "date",
            "criteria": ">=",
            "value": dt.date(MIN_YEAR, 1, 1),
            "error_message": "请填写日期，如 2017-12-20",
            **prompt,
        }
    return {"validate": "any", **prompt}


def xlsx_template(dataset_key: str) -> bytes:
    ds = dataset(dataset_key)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet(ds.title)
    options = _options_sheet(book, ds)
    _explanation_sheet(book, ds)
    required = book.add_format({"bold": True, "font_color": "#C00000", "bg_color": "#DDEBF7", "border": 1, "align": "center"})
    optional = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center"})
    for index, col in enumerate(ds.columns):
        sheet.write_string(0, index, col.header, required if col.required else optional)
        sheet.set_column(index, index, max(12, len(col.header) * 2 + 2), book.add_format({"num_format": NUMBER_FORMATS[col.type]}))
        sheet.data_validation(1, index, LAST_ROW, index, _validation(col, options))
    sheet.freeze_panes(1, 0)
    sheet.activate()
    book.close()
    return out.getvalue()


def _options_sheet(book: xlsxwriter.Workbook, ds: Dataset) -> dict[str, str]:
    """Enumerations on a hidden sheet (a list source written inline is limited to 255 characters)."""
    sheet = book.add_worksheet(OPTIONS_SHEET)
    refs = {}
    for index, col in enumerate(c for c in ds.columns if c.enum):
        sheet.write_string(0, index, col.header)
        sheet.write_column(1, index, list(col.enum))
        letter = xlsxwriter.utility.xl_col_to_name(index)
        refs[col.name] = f"='{OPTIONS_SHEET}'!${letter}$2:${letter}${len(col.enum) + 1}"
    sheet.hide()
    return refs


def _explanation_sheet(book: xlsxwriter.Workbook, ds: Dataset) -> None:
    sheet = book.add_worksheet("说明")
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, f"{ds.title}（{ds.key}）填报说明", book.add_format({"bold": True, "font_size": 14}))
    sheet.write_string(1, 0, ds.description)
    sheet.write_string(2, 0, "每行以“" + "+".join(ds.header_of(k) for k in ds.natural_key) + "”区分；再次上传同一编号的行会更新原有记录。")
    titles = ("列名", "必填", "类型", "单位", "允许的值", "说明")
    sheet.write_row(4, 0, titles, head)
    for r, col in enumerate(ds.columns, start=5):
        unit = col.unit if col.unit and col.unit != "规模单位" else ("见“规模单位”列" if col.unit else "")
        row = (col.header, "是" if col.required else "否", TYPE_LABELS[col.type], unit, "、".join(col.enum or ()), column_description(col))
        sheet.write_row(r, 0, row, wrap)
    r = 6 + len(ds.columns)
    if ds.rules:
        sheet.write_string(r, 0, "校验规则", bold)
        for i, rule in enumerate(ds.rules, start=1):
            sheet.write_string(r + i, 0, f"{i}. {rule}")
        r += len(ds.rules) + 2
    sheet.write_string(r, 0, "填写要点", bold)
    for i, note in enumerate(NOTES, start=1):
        sheet.write_string(r + i, 0, f"{i}. {note}")
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 3, 8)
    sheet.set_column(4, 4, 40)
    sheet.set_column(5, 5, 60)


def csv_template(dataset_key: str) -> bytes:
    """Header line only, UTF-8 with BOM so that Chinese Excel/WPS open it correctly."""
    ds = dataset(dataset_key)
    return ("\ufeff" + ",".join(c.header for c in ds.columns) + "\r\n").encode("utf-8")


def file_name(dataset_key: str, kind: str) -> str:
    return f"{dataset(dataset_key).title}_上报模板.{kind}"
