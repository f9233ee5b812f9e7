"""The 进度报告 (python-docx): narrative, KPI tables and charts as PNG, laid out like a bureau report.

Word and WPS pick the font for Chinese text from `w:eastAsia`, which python-docx's `font.name`
does not set; it is set here on every style and every run (宋体 body, 黑体 headings). Charts are
the app's own altair builders rendered to PNG by vl-convert (it needs a CJK font on the server,
Debian's fonts-noto-cjk).
"""

from __future__ import annotations

import io

import altair as alt
import duckdb
import polars as pl
import vl_convert
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from fupin_core.charts import overview as charts
from fupin_core.metrics.indicators import NOT_REPORTED, UNIT_DECIMALS, programme_progress
from fupin_core.metrics.overview import township_breakdown
from fupin_core.reports import narrative
from fupin_core.reports.summary import Summary
from fupin_core.reports.tables import TOTAL_LABEL, Filled

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
BODY_PT, TABLE_PT = 14, 10.5
CHART_WIDTH_PX, IMAGE_WIDTH = 560, Cm(15.5)
MAX_TOWNSHIPS = 40  # a by-镇办 chart and table fit a district (商州区 has 18), not a province


def set_fonts(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set rFonts on a style's or run's rPr: Latin, and East-Asian so Word/WPS use it for Chinese."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)  # a theme font would win over the named one
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), name)


def _style(doc, name: str, east_asia: str, size: float, bold: bool = False) -> None:
    style = doc.styles[name]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element, east_asia)


def _run(paragraph, text: str, east_asia: str = BODY_FONT, *, size: float | None = None, bold: bool = False):
    run = paragraph.add_run(text)
    set_fonts(run._r, east_asia)
    if size:
        run.font.size = Pt(size)
    run.font.bold = bold
    return run


def _paragraph(doc, text: str, *, indent: bool = True, align=None, east_asia: str = BODY_FONT, size=None, bold=False):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)  # 首行缩进两字
    if align is not None:
        p.alignment = align
    _run(p, text, east_asia, size=size, bold=bold)
    return p


def _heading(doc, text: str) -> None:
    p = doc.add_paragraph(style="Heading 1")
    p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    _run(p, text, HEADING_FONT)


def _caption(doc, text: str) -> None:
    p = _paragraph(doc, text, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, east_asia=HEADING_FONT, size=TABLE_PT + 1)
    p.paragraph_format.keep_with_next = True


def _unit_of(column: str) -> str | None:
    """The unit in a header such as 下达金额(万元)."""
    return column[column.rindex("(") + 1 : -1] if column.endswith(")") and "(" in column else None


def _cell_text(value, column: str, unit: str | None = None) -> str:
    """A cell in the unit's style (the registry's decimals); `unit` for a column of mixed units (数值)."""
    if value is None:
        return NOT_REPORTED if column == "数值" else "—"
    if isinstance(value, str):
        return value
    if column.endswith("年度"):
        return str(value)
    if "率" in column and unit is None:
        return f"{value * 100:.1f}%"
    decimals = UNIT_DECIMALS.get(unit or _unit_of(column) or "", 0 if isinstance(value, int) else 2)
    return f"{float(value):,.{decimals}f}"


def _table(doc, table: Filled, caption: str) -> None:
    _caption(doc, caption)
    frame = table.frame
    rows = [list(r) for r in frame.iter_rows()]
    if table.total is not None:
        label = next((i for i, t in enumerate(frame.dtypes) if t == pl.String), 0)
        rows.append([TOTAL_LABEL if i == label else table.total.get(c) for i, c in enumerate(frame.columns)])
    grid = doc.add_table(rows=1 + len(rows), cols=frame.width)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = OxmlElement("w:tblHeader")  # the header row repeats on every page the table spans
    header.set(qn("w:val"), "true")
    grid.rows[0]._tr.get_or_add_trPr().append(header)
    for col, name in enumerate(frame.columns):
        cell = grid.cell(0, col)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].paragraph_format.line_spacing = 1.0
        _run(cell.paragraphs[0], name, HEADING_FONT, size=TABLE_PT)
    for r, values in enumerate(rows, start=1):
        is_total = table.total is not None and r == len(rows)
        row_unit = values[frame.columns.index("单位")] if "单位" in frame.columns else None
        for col, (name, value) in enumerate(zip(frame.columns, values, strict=True)):
            para = grid.cell(r, col).paragraphs[0]
            para.paragraph_format.line_spacing = 1.0
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT if isinstance(value, str) else WD_ALIGN_PARAGRAPH.RIGHT
            text = "" if (is_total and value is None) else _cell_text(value, name, row_unit if name in ("数值", "完成", "目标") else None)
            _run(para, text, size=TABLE_PT, bold=is_total)
    doc.add_paragraph()


def _without_definitions(table: Filled) -> Filled:
    """The KPI table without its 口径 column: the report lists the definitions once, in its appendix."""
    return Filled(table.title, table.frame.drop("口径", "类别", strict=False), table.total, table.formats)


def chart_png(chart: alt.TopLevelMixin) -> bytes:
    return vl_convert.vegalite_to_png(chart.properties(width=CHART_WIDTH_PX).to_dict(), scale=2)


def _figure(doc, chart, caption: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(chart_png(chart)), width=IMAGE_WIDTH)
    _caption(doc, caption)


def _page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "— ", size=TABLE_PT)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    p._p.append(field)
    _run(p, " —", size=TABLE_PT)


def _setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _style(doc, "Normal", BODY_FONT, BODY_PT)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.5
    _style(doc, "Title", HEADING_FONT, 22)
    _style(doc, "Heading 1", HEADING_FONT, 16)
    _style(doc, "Table Grid", BODY_FONT, TABLE_PT)
    _page_number_footer(section)


def write(con: duckdb.DuckDBPyConnection, s: Summary) -> bytes:
    doc = Document()
    _setup(doc)
    doc.core_properties.title = narrative.title(s)
    doc.core_properties.author = "产业扶贫追踪"
    _paragraph(doc, narrative.title(s), indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, east_asia=HEADING_FONT, size=22)
    sub = f"（数据截至{s.scope.year}年12月31日，{s.today:%Y年%m月%d日}生成）"
    _paragraph(doc, sub, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    if s.sample:
        _paragraph(doc, "说明：本报告由示例数据生成，数字仅供演示，不是正式统计。", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)

    overview = s.tables_of("总览")
    by_township = township_breakdown(con, s.scope)
    for key, heading, paragraphs in narrative.outline(s):
        _heading(doc, heading)
        for text in paragraphs:
            _paragraph(doc, text)
        if key == "overall":
            _table(doc, _without_definitions(overview[0]), "表1　主要指标（口径见附）")
        elif key == "programmes":
            _table(doc, overview[1], "表2　“百千万”产业工程完成情况")
            _figure(doc, charts.progress_chart(programme_progress(con, s.scope, s.kpis)), "图1　“百千万”产业工程完成情况")
        elif key == "linkage" and 1 < by_township.height <= MAX_TOWNSHIPS:
            # One 镇办: its row would repeat the text; hundreds (province scale): unreadable on paper.
            _figure(doc, charts.linked_vs_gap_chart(by_township), "图2　各镇办带动增收与未覆盖户数")
            _table(doc, overview[2], "表3　各镇办产业扶贫情况")
        elif key == "linkage" and by_township.height > MAX_TOWNSHIPS:
            _paragraph(doc, f"各镇办（{by_township.height:,}个）情况见项目汇总表“总览”工作表。")

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
