"""One figure, one value: for 2014–2020, the district and every 镇办, each indicator of the registry reads
the same on the 总览 page (cards and the 全部指标及口径 table, AppTest), in the xlsx 总览 sheet, in the
CSV, in `fupin kpi --json`, and in the Word report's text and tables. A place that computed a figure of
its own (or formatted it its own way) would disagree somewhere here."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import docx
import duckdb
import polars as pl
import pytest

from fupin_core import cli
from fupin_core.metrics import Scope, indicators
from fupin_core.metrics.overview import townships
from fupin_core.reports import docx as report_docx
from fupin_core.reports import narrative, summary
from tests.app.conftest import logged_in_app
from tests.reports.readback import blocks, load

YEARS = tuple(range(2014, 2021))
# The summary sheets whose tables the narrative quotes details from (鲜菇产量, 折股量化资产 …).
NARRATIVE_SHEETS = ("食用菌", "菊芋", "三变改革", "经营主体与投资", "利益联结")
# Indicators the report writes in its sentences (as `_t(s, "key")`): read from the narrative's source.
NARRATIVE_KEYS = sorted(set(re.findall(r"_t\(s, '(\w+)'\)", Path(narrative.__file__).read_text(encoding="utf-8"))))


@pytest.fixture(scope="module")
def con(sample_db_path):
    con = duckdb.connect(str(sample_db_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def scopes(con) -> list[Scope]:
    codes = [None, *townships(con)["镇办代码"].to_list()]
    return [Scope.of(year, code) for year in YEARS for code in codes]


@pytest.fixture(scope="module")
def registry(con, scopes) -> dict[Scope, dict]:
    """The registry's figures for every scope, computed once for the module's comparisons."""
    return {scope: indicators.values(con, scope) for scope in scopes}


def _table_values(kpis: dict, scope: Scope) -> dict[str, float | None]:
    """{指标: 数值} as the KPI table (xlsx, CSV, page) must show it: rounded, rates in per cent."""
    out = {}
    for ind in indicators.INDICATORS:
        if not indicators.applies(ind.key, scope):
            continue
        value = indicators.rounded(ind.key, kpis[ind.key])
        out[ind.name] = None if value is None else round(value * 100, ind.decimals) if ind.is_rate else float(value)
    return out


def test_narrative_keys_are_found():
    assert len(NARRATIVE_KEYS) > 30 and set(NARRATIVE_KEYS) <= set(indicators.BY_KEY)


def test_xlsx_csv_and_cli_json_agree_with_the_registry(con, registry, sample_db_path, capsys):
    for scope, kpis in registry.items():
        expected = _table_values(kpis, scope)
        sheet = load(summary.workbook_bytes(con, scope, ["总览"]))["总览"]
        kpi_block = blocks(sheet)[0]
        assert dict(zip(kpi_block.column("指标"), kpi_block.column("数值"), strict=True)) == expected, scope
        csv = pl.read_csv(io.BytesIO(summary.kpi_csv_bytes(con, scope)[3:]))
        assert dict(zip(csv["指标"].to_list(), csv["数值"].to_list(), strict=True)) == expected, scope
        args = ["kpi", "--db", str(sample_db_path), "--year", str(scope.year), "--json"]
        assert cli.main(args + (["--township", scope.townships[0]] if scope.townships else [])) == 0
        assert json.loads(capsys.readouterr().out) == indicators.reported(kpis), scope


def test_report_text_writes_every_figure_as_the_registry_does(con, scopes):
    for scope in scopes:
        s = summary.collect(con, scope, NARRATIVE_SHEETS)
        text = "\n".join(p for _, _, paragraphs in narrative.outline(s) for p in paragraphs)
        for key in NARRATIVE_KEYS:
            value = s.kpis[key]
            if value:  # a zero or missing figure may be left out or said in words ("尚无…", "未上报")
                assert indicators.text(key, value) in text, (scope, key)
        assert "None" not in text and "nan" not in text


@pytest.mark.parametrize("township", [None, "611002101", "611002111"])
def test_word_report_tables_and_text_are_the_registry_figures(con, township):
    scope = Scope.of(2017, township)
    s = summary.collect(con, scope)
    document = docx.Document(io.BytesIO(summary.report_bytes(con, scope)))
    paragraphs = [p.text for p in document.paragraphs]
    for key, _, texts in narrative.outline(s):
        for text in texts:
            # 需要关注的问题 are items: （一）lead。rest — the rest is the narrative's text unchanged.
            shown = report_docx.split_item(text)[1] if key == "concerns" else text
            assert any(shown in p for p in paragraphs), text[:40]
    kpi_table = document.tables[0]
    shown = {row.cells[0].text: row.cells[1].text for row in kpi_table.rows[1:]}
    for ind in indicators.INDICATORS:
        if indicators.applies(ind.key, scope):
            value = s.kpis[ind.key]
            expected = indicators.NOT_REPORTED if value is None else indicators.display(ind.key, value).removesuffix(ind.unit)
            assert shown[ind.name] == expected, ind.key


def test_overview_page_shows_the_registry_figures(registry, app_db):
    at = logged_in_app(app_db)
    for scope, kpis in registry.items():
        at.session_state["filter_year"] = scope.year
        at.session_state["filter_township"] = scope.townships[0] if scope.townships else None
        at.run()
        assert not at.exception, (scope, at.exception)
        cards = {m.label: m.value for m in at.metric}
        for ind in indicators.INDICATORS:
            if ind.name in cards:
                assert cards[ind.name] == indicators.display(ind.key, kpis[ind.key]), (scope, ind.key)
        table = next(d.value for d in at.dataframe if "口径" in d.value.columns)
        shown = {name: (None if value != value else value) for name, value in zip(table["指标"], table["数值"], strict=True)}
        assert shown == pytest.approx(_table_values(kpis, scope)), scope


# 项目库与扶贫资产 (issue 13): figures in the sample, so the comparisons above compare numbers, not 未上报.
LIFECYCLE_KEYS = (
    "projects_in_library", "stuck_projects", "assets", "asset_value_wan", "unsettled_assets", "troubled_assets", "asset_income_wan",
    "asset_income_distributed_wan", "collective_income_wan", "zero_income_villages", "weak_collective_villages", "distribution_gap_projects",
)  # fmt: skip


def test_the_lifecycle_indicators_are_compared_as_figures(con):
    assert set(LIFECYCLE_KEYS) == {ind.key for ind in indicators.INDICATORS if ind.group == "项目库与扶贫资产"}
    kpis = indicators.values(con, Scope.of(2017))
    assert all(kpis[key] for key in LIFECYCLE_KEYS), {key: kpis[key] for key in LIFECYCLE_KEYS}
    assert set(LIFECYCLE_KEYS) <= set(NARRATIVE_KEYS)  # the report's text writes each of them
