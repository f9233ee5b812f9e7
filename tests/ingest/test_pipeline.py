"""The dry run and the commit: idempotent re-upload, update of one key, rollback to the exact KPIs,
strict and partial mode, the fix-list, templates filled in and imported, the whole sample re-imported."""

from __future__ import annotations

import io

import duckdb
import openpyxl
import polars as pl
import pytest

from fupin_core import catalog
from fupin_core.ingest import fixlist, history, pipeline, templates
from fupin_core.metrics import Scope
from fupin_core.metrics.indicators import overview_kpis
from fupin_core.storage import schema, store
from tests.ingest.make_corpus import HH_HEAD, ID_A, ID_B, LINK_HEAD, csv, hh_row
from tests.metrics import fixture_lifecycle


def _batches(con) -> int:
    return con.execute("SELECT count(*) FROM batches").fetchone()[0]


def _import(con, dataset, content, name="f.csv", **kw):
    preview = pipeline.prepare(con, dataset, content, name)
    return preview, pipeline.commit(con, preview, user="测试", **kw)


def test_dry_run_writes_nothing(tiny_con):
    before = _batches(tiny_con)
    preview = pipeline.prepare(tiny_con, "linkages", csv([LINK_HEAD, ["H4", "P1", "分红", "", 2017, 100]]), "a.csv")
    assert preview.counts == {"new": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    assert _batches(tiny_con) == before
    assert tiny_con.execute("SELECT count(*) FROM linkages WHERE household_id = 'H4'").fetchone()[0] == 0


def test_same_file_twice_changes_nothing(tiny_con):
    content = csv([LINK_HEAD, ["H4", "P1", "分红", "", 2017, 100], ["H4", "P4", "务工", "", 2017, 300]])
    _, first = _import(tiny_con, "linkages", content)
    assert (first.committed, first.new, first.unchanged) == (True, 2, 0)
    history = tiny_con.execute("SELECT count(*) FROM linkages_history").fetchone()[0]
    preview, second = _import(tiny_con, "linkages", content)
    assert preview.counts == {"new": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert second.batch_id is None and second.rows_written == 0
    assert tiny_con.execute("SELECT count(*) FROM linkages_history").fetchone()[0] == history
    assert _batches(tiny_con) == first.batch_id


def test_update_of_one_key_keeps_the_others(tiny_con):
    rows = tiny_con.execute("SELECT township_code, township_name FROM townships ORDER BY 1").fetchall()
    content = csv([["镇办代码", "镇办名称"], [rows[0][0], "城关街道办事处"], list(rows[1])])
    preview, outcome = _import(tiny_con, "townships", content)
    assert preview.counts == {"new": 0, "updated": 1, "unchanged": 1, "rejected": 0}
    assert outcome.rows_written == 1
    assert tiny_con.execute("SELECT township_code, township_name FROM townships ORDER BY 1").fetchall() == [
        (rows[0][0], "城关街道办事处"),
        rows[1],
    ]
    versions = tiny_con.execute("SELECT count(*) FROM townships_history WHERE township_code = ?", [rows[0][0]]).fetchone()[0]
    assert versions == 2


def test_rollback_restores_every_kpi_exactly(tiny_con):
    scopes = [Scope.of(y, t) for y in (2016, 2017, 2018) for t in (None, "611002101")]
    before = [overview_kpis(tiny_con, s) for s in scopes]
    content = csv(
        [LINK_HEAD, ["H4", "P1", "分红", "", 2017, 100], ["H3", "P4", "务工", "", 2017, 900], ["H5", "P5", "订单收购", "", 2018, 50]]
    )
    _, outcome = _import(tiny_con, "linkages", content)
    assert (outcome.new, outcome.updated) == (2, 1)
    changed = [overview_kpis(tiny_con, s) for s in scopes]
    assert changed != before
    assert changed[2]["linked_households"] == before[2]["linked_households"] + 2  # 2017, whole district
    store.rollback_batch(tiny_con, outcome.batch_id, user="测试")
    assert [overview_kpis(tiny_con, s) for s in scopes] == before


def test_strict_rejects_the_whole_file_and_partial_imports_the_valid_rows(tiny_con):
    content = csv(
        [LINK_HEAD, ["H4", "P1", "分红", "", 2017, 100], ["H99", "P1", "分红", "", 2017, 5], ["H5", "P5", "分红", "", 2018, "abc"]]
    )
    preview, strict = _import(tiny_con, "linkages", content)
    assert not strict.committed and strict.rejected == 2 and "严格模式" in strict.message
    assert _batches(tiny_con) == 15
    partial = pipeline.commit(tiny_con, preview, user="测试", partial=True)
    assert (partial.committed, partial.new, partial.rejected) == (True, 1, 2)
    batch = store.list_batches(tiny_con).row(0, named=True)
    assert (batch["rows_read"], batch["rows_new"], batch["rows_rejected"]) == (3, 1, 2)
    assert tiny_con.execute("SELECT source_row FROM linkages_history WHERE batch_id = ?", [partial.batch_id]).fetchall() == [(2,)]
    assert history.stored_file(tiny_con, preview.sha256) == ("f.csv", content)


def test_fix_list_holds_the_rejected_rows_and_can_be_uploaded_again(tiny_con):
    content = csv(
        [
            ["2017年台账"],
            LINK_HEAD,
            ["H4", "P1", "分红", "", 2017, 100],
            ["H99", "P1", "分红", "", 2017, 5],
            ["H5", "P5", "分红", "", 2018, "1x"],
        ]
    )
    preview = pipeline.prepare(tiny_con, "linkages", content, "台账.csv")
    sheet = openpyxl.load_workbook(io.BytesIO(fixlist.fix_list_xlsx(preview))).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == ["原行号", *LINK_HEAD, "问题说明"]
    assert [r[0] for r in rows[1:]] == [4, 5]
    assert rows[1][1] == "H99" and "【户编号】在已有的贫困户中找不到" in rows[1][-1]
    assert rows[2][6] == "1x" and "【收益金额(元)】“1x”不是数字" in rows[2][-1]
    sheet.cell(2, 2).value, sheet.cell(3, 7).value = "H3", "18"  # the user fixes both rows
    fixed = io.BytesIO()
    sheet.parent.save(fixed)
    again = pipeline.prepare(tiny_con, "linkages", fixed.getvalue(), "问题清单.xlsx")
    assert again.errors.is_empty() and again.counts["new"] == 2
    assert again.rows.get_column("__row").to_list() == [2, 3]


@pytest.mark.parametrize("ds", catalog.DATASETS, ids=lambda d: d.key)
def test_template_headers_map_exactly(tiny_con, ds):
    preview = pipeline.prepare(tiny_con, ds.key, templates.xlsx_template(ds.key), "t.xlsx")
    assert sorted(preview.mapping.columns.values()) == sorted(ds.column_names)
    assert not preview.mapping.unknown and not preview.blocked
    assert preview.errors.get_column("message").to_list() == ["表头下面没有数据行"]
    csv_preview = pipeline.prepare(tiny_con, ds.key, templates.csv_template(ds.key), "t.csv")
    assert sorted(csv_preview.mapping.columns.values()) == sorted(ds.column_names)


def test_template_filled_in_and_imported(tiny_con):
    book = openpyxl.load_workbook(io.BytesIO(templates.xlsx_template("households")))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HH_HEAD
    for r, row in enumerate([hh_row("H6", idn=ID_A, exit_year=None), hh_row("H7", idn=ID_B, size=5, exit_year=2018)], start=2):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c).value = value
    out = io.BytesIO()
    book.save(out)
    preview, outcome = _import(tiny_con, "households", out.getvalue(), "贫困户_上报模板.xlsx")
    assert preview.errors.is_empty(), preview.errors
    assert (outcome.committed, outcome.new) == (True, 2)
    got = tiny_con.execute(
        "SELECT household_id, head_id_number, family_size, exit_year FROM households WHERE household_id IN ('H6','H7') ORDER BY 1"
    )
    assert got.fetchall() == [("H6", ID_A, 3, None), ("H7", ID_B, 5, 2018)]


def test_an_absent_optional_column_keeps_current_values(tiny_con):
    content = csv(
        [
            [h for h in HH_HEAD if h != "主要致贫原因"],
            [v for h, v in zip(HH_HEAD, hh_row("H1", idn=ID_A), strict=True) if h != "主要致贫原因"],
        ]
    )
    preview, outcome = _import(tiny_con, "households", content)
    assert any("主要致贫原因" in m for m in preview.warnings.get_column("message").to_list())
    assert outcome.updated == 1
    assert tiny_con.execute("SELECT main_cause, head_id_number FROM households WHERE household_id = 'H1'").fetchone() == ("因病", ID_A)


def test_manual_mapping_of_an_unknown_header(tiny_con):
    content = csv([["户号", "项目编号", "联结方式", "年度", "收益金额(元)"], ["H4", "P1", "分红", 2017, 100]])
    preview = pipeline.prepare(tiny_con, "linkages", content, "a.csv")
    assert preview.blocked and preview.mapping.missing == ("household_id",)
    assert preview.counts["rejected"] == 1
    mapped = pipeline.prepare(tiny_con, "linkages", content, "a.csv", manual={"户号": "household_id"})
    assert not mapped.blocked and mapped.counts["new"] == 1


def test_the_whole_sample_reimported_gives_the_same_kpis(sample_con):
    con = duckdb.connect(":memory:")
    schema.migrate(con)
    for ds in catalog.load_order():
        frame = sample_con.execute(f"SELECT {', '.join(ds.column_names)} FROM {ds.table}").pl()
        buffer = io.BytesIO()
        frame.rename({c.name: c.header for c in ds.columns}).write_csv(buffer)
        preview, outcome = _import(con, ds.key, buffer.getvalue(), f"{ds.key}.csv")
        assert preview.errors.is_empty(), (ds.key, preview.errors.head())
        assert outcome.new == frame.height
    for year in (2016, 2017):
        assert overview_kpis(con, Scope.of(year)) == overview_kpis(sample_con, Scope.of(year))
    con.close()


def test_progress_is_reported_in_order(tiny_con):
    seen: list[tuple[float, str]] = []
    pipeline.prepare(
        tiny_con,
        "townships",
        csv([["镇办代码", "镇办名称"], ["611002104", "沙河子镇"]]),
        "t.csv",
        progress=lambda f, t: seen.append((f, t)),
    )
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= 5
    assert all(text for _, text in seen)


def test_report_is_the_cli_json_object(tiny_con):
    preview = pipeline.prepare(tiny_con, "linkages", csv([LINK_HEAD, ["H99", "P1", "分红", "", 2017, 5]]), "a.csv")
    report = pipeline.report(preview)
    assert report["errors"] == [{"row": 2, "column": "户编号", "message": "在已有的贫困户中找不到这个户编号（请先上传贫困户，或核对代码）"}]
    assert (report["rows_read"], report["rejected"], report["committed"], report["batch_id"]) == (1, 1, 0, None)
    assert pl.DataFrame(report["errors"]).columns == ["row", "column", "message"]


def test_an_absent_column_keeps_current_values_only_for_stored_years(tiny_con):
    """资产编号 left out of a linkage file: a row of a stored year keeps its key's asset; a row of a year
    the store has none of (compared with nothing, store.rows_that_may_exist) is new and has none."""
    fixture_lifecycle.add(tiny_con)  # H2's 2017 分红 from P1 cites asset ZC1
    content = csv(
        [
            ["户编号", "项目编号", "联结方式", "细分类型", "年度", "收益金额(元)"],
            ["H2", "P1", "分红", "", 2017, 150],
            ["H2", "P1", "分红", "", 2019, 80],
        ]
    )
    preview, outcome = _import(tiny_con, "linkages", content)
    assert preview.errors.is_empty(), preview.errors
    assert (outcome.new, outcome.updated) == (1, 1)
    got = tiny_con.execute(
        "SELECT year, income_yuan, asset_id FROM linkages WHERE household_id = 'H2' AND mechanism = '分红' ORDER BY year"
    )
    assert got.fetchall() == [(2017, 150, "ZC1"), (2019, 80, None)]
