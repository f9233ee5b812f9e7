"""The 进度报告, read back with python-docx: narrative from the data, the 镇办 filter, East-Asian
fonts on styles and runs, KPI tables and chart images."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from docx.oxml.ns import qn

from fupin_core.metrics import Scope, indicators
from fupin_core.reports import docx as report_docx
from fupin_core.reports import summary

TODAY = dt.date(2026, 11, 28)
YECUN = "611002101"


@pytest.fixture(scope="module")
def district_report(sample_con):
    return docx.Document(io.BytesIO(summary.report_bytes(sample_con, Scope.of(2017), TODAY)))


@pytest.fixture(scope="module")
def township_report(sample_con):
    return docx.Document(io.BytesIO(summary.report_bytes(sample_con, Scope.of(2017, YECUN), TODAY)))


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _narrative_figures(k: dict, area: str, year: int) -> list[str]:
    t = indicators.text
    return [
        f"截至{year}年底，{area}光伏扶贫装机容量达{t('pv_capacity_mw', k['pv_capacity_mw'])}",
        f"{area}共有建档立卡贫困户{t('households_registered', k['households_registered'])}{t('people_registered', k['people_registered'])}",
        f"带动建档立卡贫困户{t('linked_households', k['linked_households'])}{t('linked_people', k['linked_people'])}增收",
        f"产业覆盖率{t('coverage_rate', k['coverage_rate'])}",
    ]


def test_narrative_is_written_from_the_metrics(district_report, sample_con):
    k = indicators.values(sample_con, Scope.of(2017))
    text = _text(district_report)
    assert district_report.paragraphs[0].text == "商州区2017年产业扶贫工作进展情况报告"
    for sentence in _narrative_figures(k, "全区", 2017):
        assert sentence in text
    t = indicators.text
    assert f"统筹整合涉农资金下达{t('integrated_funds_allocated_wan', k['integrated_funds_allocated_wan'])}" in text
    assert f"完成目标（{t('pv_target_mw', k['pv_target_mw'])}）的{t('pv_progress', k['pv_progress'])}" in text
    assert (
        f"共有“三变”改革试点村{t('pilot_villages', k['pilot_villages'])}，区级财政投入{t('pilot_funds_wan', k['pilot_funds_wan'])}" in text
    )
    assert "示例数据" in text  # a sample report says so
    assert "附：指标口径" in text and indicators.indicator("coverage_rate").definition in text


def test_a_township_filter_limits_the_narrative_and_tables(township_report, sample_con):
    k = indicators.values(sample_con, Scope.of(2017, YECUN))
    text = _text(township_report).split("附：指标口径")[0]  # the appendix defines indicators in general terms
    assert township_report.paragraphs[0].text == "商州区夜村镇2017年产业扶贫工作进展情况报告"
    for sentence in _narrative_figures(k, "夜村镇", 2017):
        assert sentence in text
    assert "全区" not in text and "城关街道" not in text
    kpi_table = township_report.tables[0]
    assert [c.text for c in kpi_table.rows[0].cells] == ["指标", "数值", "单位"]
    shown = {r.cells[0].text: r.cells[1].text for r in kpi_table.rows[1:]}
    assert shown["建档立卡户数"] == f"{k['households_registered']:,}"
    assert shown["带动增收户数"] == f"{k['linked_households']:,}"
    all_cells = " ".join(c.text for t in township_report.tables for r in t.rows for c in r.cells)
    assert "城关街道" not in all_cells  # no by-township table for a single 镇办


def _east_asia(rpr) -> str | None:
    fonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_styles_and_every_run_carry_east_asian_fonts(district_report):
    """公文 fonts (GB/T 9704): 仿宋_GB2312 body, 黑体 一、 headings, 楷体_GB2312 （一） items,
    方正小标宋简体 title, 宋体 in tables, each set as w:eastAsia so Word/WPS use it for Chinese."""
    assert _east_asia(district_report.styles["Normal"].element.rPr) == "仿宋_GB2312"
    assert _east_asia(district_report.styles["Heading 1"].element.rPr) == "黑体"
    assert district_report.styles["Normal"].font.size.pt == 16
    runs = [r for p in district_report.paragraphs for r in p.runs]
    runs += [r for t in district_report.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    text_runs = [r for r in runs if r.text.strip()]
    assert len(text_runs) > 100
    assert all(_east_asia(r._r.rPr) in ("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体") for r in text_runs)
    title = district_report.paragraphs[0]
    assert {_east_asia(r._r.rPr) for r in title.runs} == {"方正小标宋简体"} and title.runs[0].font.size.pt == 22
    headings = [p for p in district_report.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in headings][:2] == ["一、总体情况", "二、“百千万”产业工程进展"]
    assert all(_east_asia(r._r.rPr) == "黑体" for p in headings for r in p.runs)


def test_font_table_names_windows_fallbacks(district_report):
    fonts = next(p for p in district_report.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml").blob.decode()
    for name, fallback in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体")):
        assert f'<w:font w:name="{name}"><w:altName w:val="{fallback}"/>' in fonts


def test_page_is_the_22_by_28_grid(district_report):
    """A4, 版心 156 × 225 mm: 22 lines (exact 28.95 pt) of 28 characters (16 pt condensed to 15.75 pt)."""
    section = district_report.sections[0]
    assert (section.top_margin.cm, section.bottom_margin.cm, section.left_margin.cm, section.right_margin.cm) == pytest.approx(
        (3.7, 3.5, 2.8, 2.6), abs=0.01
    )
    text_height_pt = section.page_height.pt - section.top_margin.pt - section.bottom_margin.pt
    text_width_pt = section.page_width.pt - section.left_margin.pt - section.right_margin.pt
    normal = district_report.styles["Normal"]
    line_pt = normal.paragraph_format.line_spacing.pt
    assert int(text_height_pt // line_pt) == 22
    spacing = int(normal.element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert int(text_width_pt // (normal.font.size.pt + spacing)) == 28
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and int(grid.get(qn("w:linePitch"))) == round(line_pt * 20)


def test_numbering_by_level_and_next_steps_after_concerns(district_report, sample_con):
    """一、 headings, then （一）（二） items in 楷体 under 需要关注的问题 (not "1."), and a closing
    下一步工作 section whose items follow the alerts that fire."""
    texts = [p.text for p in district_report.paragraphs]
    headings = [p.text for p in district_report.paragraphs if p.style.name == "Heading 1"]
    assert headings[-4:] == ["六、项目库与扶贫资产", "七、需要关注的问题", "八、下一步工作", "附：指标口径"]
    concerns = texts[texts.index("七、需要关注的问题") + 1 : texts.index("八、下一步工作")]
    assert concerns and all(t.startswith(f"（{report_docx.chinese_numeral(i + 1)}）") for i, t in enumerate(concerns))
    assert not any(t[:2] in ("1.", "2.", "3.") for t in texts)
    # The sample covers every household with labour capacity; 15 exited households are below the line.
    assert concerns[0].startswith("（一）脱贫质量需核实。")
    steps = texts[texts.index("八、下一步工作") + 1 : texts.index("附：指标口径")]
    assert steps[0].startswith("（一）巩固脱贫成效。") and steps[-1].startswith("（") and "加强数据报送审核" in steps[-1]
    item = next(p for p in district_report.paragraphs if p.text == steps[0])
    assert _east_asia(item.runs[0]._r.rPr) == "楷体_GB2312" and _east_asia(item.runs[1]._r.rPr) == "仿宋_GB2312"
    assert not any(ch.isdigit() for t in steps for ch in t), "下一步工作 holds no figures"


def test_split_item_and_chinese_numerals():
    assert report_docx.split_item("产业覆盖尚有缺口：2户有劳动能力的建档立卡户……") == ("产业覆盖尚有缺口", "2户有劳动能力的建档立卡户……")
    assert report_docx.split_item("各项指标均已达到要求。") == ("", "各项指标均已达到要求。")
    assert [report_docx.chinese_numeral(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


def test_the_report_contains_the_chart_images(district_report, township_report):
    # 百千万 progress, 历年带动增收户数, and (district only) 各镇办带动增收与未覆盖户数.
    for document, charts in ((district_report, 3), (township_report, 2)):
        assert len(document.inline_shapes) == charts
        images = [rel.target_part for rel in document.part.rels.values() if "image" in rel.reltype]
        assert len(images) == charts
        for part in images:
            assert part.content_type == "image/png"
            assert part.blob.startswith(b"\x89PNG") and len(part.blob) > 20_000


def test_the_report_compares_each_programme_with_last_year(district_report):
    texts = [p.text for p in district_report.paragraphs]
    changes = [t for t in texts if t.startswith("与上年相比，")]
    assert len(changes) == 7  # 总体情况, 光伏, 食用菌, 菊芋, 利益联结, 三变, 资金
    assert any(t.startswith("与上年相比，光伏扶贫装机容量增加") for t in changes)
    assert "图2　历年带动增收户数" in texts
