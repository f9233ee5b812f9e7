"""The 进度报告 (python-docx) in the layout of a government document (公文, GB/T 9704-2012):
A4, 版心 156 mm × 225 mm, 22 lines of 28 characters; title in 方正小标宋简体 二号 (22 pt), body in
仿宋_GB2312 三号 (16 pt); headings by level 一、 in 黑体, （一） in 楷体_GB2312, 1. and （1） in 仿宋;
page numbers "— 1 —" at the foot. Narrative, KPI tables and charts come from narrative/tables/charts;
no figure is written here.

Word and WPS pick the font for Chinese text from `w:eastAsia`, which python-docx's `font.name`
does not set; it is set here on every style and every run. The _GB2312 fonts and 方正小标宋简体 are
not installed on every Windows PC: the font table names a fallback for each (`w:altName`: 仿宋,
楷体, 宋体) which Word and WPS use in their place. Charts are the app's own altair builders rendered
to PNG by vl-convert (it needs a CJK font on the server, Debian's fonts-noto-cjk).
"""

from __future__ import annotations

import io
import re

import altair as alt
import duckdb
import polars as pl
import vl_convert
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from fupin_core.charts import overview as charts
from fupin_core.charts.theme import SPEC_LOCK
from fupin_core.charts.trends import trend_charts
from fupin_core.metrics.alerts import alerts
from fupin_core.metrics.indicators import NOT_REPORTED, UNIT_DECIMALS, programme_progress
from fupin_core.metrics.overview import township_breakdown
from fupin_core.metrics.trends import trend
from fupin_core.reports import narrative
from fupin_core.reports.contents import Summary
from fupin_core.reports.tables import TOTAL_LABEL, Filled

TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
TABLE_FONT, LATIN_FONT = "宋体", "Times New Roman"
# What Word/WPS use where a font above is not installed (font table w:altName).
FALLBACK_FONTS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体"}
TITLE_PT, BODY_PT, TABLE_PT, PAGE_NUMBER_PT = 22, 16, 10.5, 14
# 版心 225 mm high / 22 lines = 28.95 pt a line; 156 mm wide / 28 characters = 15.79 pt a character,
# so a 16 pt character is condensed by 0.25 pt (28 × 15.75 pt fits in 442 pt).
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LINE_PITCH_PT = 28.95
BODY_CONDENSE_PT = -0.25
CHART_WIDTH_PX, IMAGE_WIDTH = 560, Cm(15.5)
TREND_KEY = "linked_households"  # the report's one trend chart
MAX_TOWNSHIPS = 40  # a by-镇办 chart and table fit a district (商州区 has 18), not a province
CHINESE_NUMERALS = "一二三四五六七八九十"
NEXT_STEPS_HEADING = "下一步工作"

# 下一步工作: fixed wording per alert that fires (fupin_core.metrics.alerts keys, plus 未覆盖户),
# each (lead, text); the figures themselves are in 需要关注的问题 above.
NEXT_STEPS = {
    "uncovered": (
        "抓好产业全覆盖",
        "对有劳动能力、当年尚无任何产业帮扶措施的贫困户逐户分析原因，落实产业项目、务工或入股分红等带动措施，做到应带尽带。",
    ),
    "exited_below_poverty_line": (
        "巩固脱贫成效",
        "对已脱贫但家庭人均纯收入低于贫困线的户逐户核实收入，落实务工、产业和兜底保障措施，防止返贫。",
    ),
    "weak_stations": ("提升电站运维水平", "对发电偏低的光伏电站开展巡检，及时排除故障和遮挡，督促运营主体按月报送发电数据。"),
    "overdue_dividends": ("督促分红兑现", "约谈逾期未兑现分红的经营主体，限期足额兑付，并将兑现情况纳入主体考核。"),
    "low_spending_projects": ("加快资金支出进度", "对支出率偏低的项目逐一分析原因，倒排工期，加快项目建设和资金拨付。"),
    "stuck_projects": ("推进停滞项目", "对超过阶段时限的项目逐一督办，明确责任人和完成时限，及时组织验收、报账和资产移交。"),
    "unsettled_assets": ("做好资产确权移交", "已验收项目形成的资产及时确权到村集体或农户并办理移交，落实管护责任人。"),
    "troubled_assets": ("盘活闲置损毁资产", "对闲置、损毁的扶贫资产逐项制定盘活或修复方案，确需处置的按程序报批。"),
    "distribution_gap_projects": ("规范资产收益分配", "督促按公示的分配方案足额分配资产收益，核实到户金额与利益联结台账一致。"),
}
NEXT_STEPS_ALWAYS = ("加强数据报送审核", "各镇办按期报送产业扶贫项目和利益联结数据，区级审核后锁定，确保数据真实准确。")


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
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element, east_asia)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)


def _exact_lines(paragraph_format) -> None:
    """One line of the 22-line grid, whatever the font size."""
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(LINE_PITCH_PT)


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
    """A first-level heading (一、…): 黑体, indented two characters like the body."""
    p = doc.add_paragraph(style="Heading 1")
    p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    p.paragraph_format.keep_with_next = True
    _run(p, text, HEADING_FONT)


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二 (enough for the items of one section)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CHINESE_NUMERALS[tens - 1]) + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def _item(doc, number: int, lead: str, text: str) -> None:
    """A second-level item written run-in: "（一）lead。" in 楷体, then the text in 仿宋."""
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    _run(p, f"（{chinese_numeral(number)}）{lead}。", SUBHEADING_FONT)
    _run(p, text)


_NUMBERED = re.compile(r"^\d+[.、．]\s*")


def split_item(text: str) -> tuple[str, str]:
    """ "1. 产业覆盖尚有缺口：2户……" -> ("产业覆盖尚有缺口", "2户……"): the narrative's own numbering
    dropped (the report numbers items （一）（二）), the lead phrase before the first colon kept apart."""
    text = _NUMBERED.sub("", text.strip())
    lead, colon, rest = text.partition("：")
    if colon and 0 < len(lead) <= 20:
        return lead, rest
    return "", text


def next_steps(con: duckdb.DuckDBPyConnection, s: Summary) -> list[tuple[str, str]]:
    """下一步工作 for the alerts that fire in this scope (fixed wording), then the standing item."""
    fired = set(alerts(s.kpis).filter(pl.col("数量") > 0)["key"].to_list())
    if s.kpis.get("uncovered_households"):
        fired.add("uncovered")
    return [NEXT_STEPS[key] for key in NEXT_STEPS if key in fired] + [NEXT_STEPS_ALWAYS]


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
        _single(cell.paragraphs[0])
        _run(cell.paragraphs[0], name, HEADING_FONT, size=TABLE_PT)
    for r, values in enumerate(rows, start=1):
        is_total = table.total is not None and r == len(rows)
        row_unit = values[frame.columns.index("单位")] if "单位" in frame.columns else None
        for col, (name, value) in enumerate(zip(frame.columns, values, strict=True)):
            para = grid.cell(r, col).paragraphs[0]
            _single(para)
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT if isinstance(value, str) else WD_ALIGN_PARAGRAPH.RIGHT
            text = "" if (is_total and value is None) else _cell_text(value, name, row_unit if name in ("数值", "完成", "目标") else None)
            _run(para, text, TABLE_FONT, size=TABLE_PT, bold=is_total)
    doc.add_paragraph()


def _without_definitions(table: Filled) -> Filled:
    """The KPI table without its 口径 column: the report lists the definitions once, in its appendix."""
    return Filled(table.title, table.frame.drop("口径", "类别", strict=False), table.total, table.formats)


def _single(paragraph) -> None:
    """Single line spacing off the grid: table cells and pictures are not body lines."""
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.paragraph_format.first_line_indent = Pt(0)
    ppr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr.append(snap)


def chart_png(chart: alt.TopLevelMixin) -> bytes:
    with SPEC_LOCK:  # the default data transformer (inline rows), not another thread's
        spec = chart.properties(width=CHART_WIDTH_PX).to_dict()
    return vl_convert.vegalite_to_png(spec, scale=2)


def _figure(doc, chart, caption: str) -> None:
    p = doc.add_paragraph()
    _single(p)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(chart_png(chart)), width=IMAGE_WIDTH)
    _caption(doc, caption)


def _page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "— ", TABLE_FONT, size=PAGE_NUMBER_PT)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    field.append(number)
    p._p.append(field)
    set_fonts(field.find(qn("w:r")), TABLE_FONT)
    field.find(qn("w:r")).find(qn("w:rPr")).append(_size_element(PAGE_NUMBER_PT))
    _run(p, " —", TABLE_FONT, size=PAGE_NUMBER_PT)


def _size_element(pt: float):
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(int(pt * 2)))
    return size


def _grid(section) -> None:
    """The 22-line grid of GB/T 9704 (w:docGrid, line pitch in twentieths of a point). The 28
    characters a line come from the body's character spacing (see _setup), not from a character
    grid, which Word and LibreOffice measure from different base sizes."""
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    grid.attrib.pop(qn("w:charSpace"), None)


def _character_spacing(style, pt: float) -> None:
    """Condense (negative) or expand every character of `style` by `pt` points (w:spacing)."""
    rpr = style.element.get_or_add_rPr()
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        rpr.append(spacing)
    spacing.set(qn("w:val"), str(round(pt * 20)))


def _font_fallbacks(doc) -> None:
    """Name a fallback (w:altName) for each 公文 font in the font table, for PCs without it."""
    part = next(p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/><w:family w:val="modern"/>'
        f'<w:pitch w:val="fixed"/></w:font>'
        for name, alt in FALLBACK_FONTS.items()
    )
    part._blob = part.blob.replace(b"</w:fonts>", entries.encode() + b"</w:fonts>")


def _setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.8)  # the page number sits 7 mm below the text area
    _style(doc, "Normal", BODY_FONT, BODY_PT)
    _exact_lines(doc.styles["Normal"].paragraph_format)
    _character_spacing(doc.styles["Normal"], BODY_CONDENSE_PT)
    doc.styles["Normal"].paragraph_format.widow_control = False  # lines stay on the 22-line grid
    _style(doc, "Title", TITLE_FONT, TITLE_PT)
    _style(doc, "Heading 1", HEADING_FONT, BODY_PT)
    _exact_lines(doc.styles["Heading 1"].paragraph_format)
    _style(doc, "Table Grid", TABLE_FONT, TABLE_PT)
    _grid(section)
    _font_fallbacks(doc)
    _page_number_footer(section)


def _next_steps(doc, con: duckdb.DuckDBPyConnection, s: Summary, number: int) -> None:
    _heading(doc, f"{chinese_numeral(number)}、{NEXT_STEPS_HEADING}")
    for item, (lead, text) in enumerate(next_steps(con, s), start=1):
        _item(doc, item, lead, text)


def write(con: duckdb.DuckDBPyConnection, s: Summary) -> bytes:
    doc = Document()
    _setup(doc)
    doc.core_properties.title = narrative.title(s)
    doc.core_properties.author = "产业扶贫追踪"
    title = _paragraph(doc, narrative.title(s), indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, east_asia=TITLE_FONT, size=TITLE_PT)
    title.paragraph_format.line_spacing = Pt(2 * LINE_PITCH_PT * 0.6)  # 二号 needs more than one grid line
    sub = f"（数据截至{s.scope.year}年12月31日，{s.today:%Y年%m月%d日}生成）"
    _paragraph(doc, sub, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, east_asia=SUBHEADING_FONT)
    if s.sample:
        _paragraph(
            doc,
            "说明：本报告由示例数据生成，数字仅供演示，不是正式统计。",
            indent=False,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            east_asia=SUBHEADING_FONT,
        )
    doc.add_paragraph()  # an empty line between the title block and the text, as in a 公文

    overview = s.tables_of("总览")
    by_township = township_breakdown(con, s.scope)
    linked_trend = trend(con, s.scope, (TREND_KEY,))
    figures = iter(range(1, 10))
    sections = narrative.outline(s)
    numbered = [section for section in sections if section[0] != "appendix"]
    for key, heading, paragraphs in sections:
        if key == "appendix":  # 下一步工作 closes the numbered part; the 口径 appendix follows it
            _next_steps(doc, con, s, len(numbered) + 1)
        _heading(doc, heading)
        if key == "concerns":
            for number, text in enumerate(paragraphs, start=1):
                lead, rest = split_item(text)
                if lead:
                    _item(doc, number, lead, rest)
                else:
                    _paragraph(doc, rest)
            continue
        for text in paragraphs:
            _paragraph(doc, text)
        if key == "overall":
            _table(doc, _without_definitions(overview[0]), "表1　主要指标（口径见附）")
        elif key == "programmes":
            _table(doc, overview[1], "表2　“百千万”产业工程完成情况")
            chart = charts.progress_chart(programme_progress(con, s.scope, s.kpis))
            _figure(doc, chart, f"图{next(figures)}　“百千万”产业工程完成情况")
        if key == "linkage" and linked_trend["年度"].n_unique() > 1:
            # 与上年相比 in a picture: the indicator over the years, the report's year marked.
            (chart,) = trend_charts(linked_trend, s.scope.year)
            _figure(doc, chart, f"图{next(figures)}　历年带动增收户数")
        if key == "linkage" and 1 < by_township.height <= MAX_TOWNSHIPS:
            # One 镇办: its row would repeat the text; hundreds (province scale): unreadable on paper.
            _figure(doc, charts.linked_vs_gap_chart(by_township), f"图{next(figures)}　各镇办带动增收与未覆盖户数")
            _table(doc, overview[2], "表3　各镇办产业扶贫情况")
        elif key == "linkage" and by_township.height > MAX_TOWNSHIPS:
            _paragraph(doc, f"各镇办（{by_township.height:,}个）情况见项目汇总表“总览”工作表。")

    if len(numbered) == len(sections):
        _next_steps(doc, con, s, len(numbered) + 1)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
