"""Every messy or bad file of the corpus gets its expected outcome through `fupin import --json`:
exit status, exactly the expected errors (row as in Excel, column, message), the counts, and what
is stored. No case raises; no rejected strict upload leaves anything behind."""

from __future__ import annotations

import duckdb
import pytest

from tests.ingest.conftest import import_json, table_state
from tests.ingest.make_corpus import CASES, Case, write_all


def test_the_corpus_is_large_and_covers_every_dataset_with_a_rule():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.exit for c in CASES} == {0, 1, 2}


def test_make_corpus_writes_one_file_per_case(tmp_path):
    paths = write_all(tmp_path)
    assert len(paths) == len(CASES)
    assert all(p.read_bytes() == c.content for p, c in zip(paths, CASES, strict=True))


def _pairs(problems: list[dict]) -> set[tuple]:
    return {(p["row"], p["column"]) for p in problems}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Case, tiny_db, tmp_path, capsys):
    path = tmp_path / case.file_name
    path.write_bytes(case.content)
    before = table_state(tiny_db)
    status, report = import_json(capsys, tiny_db, case.dataset, path, *case.args)
    assert status == case.exit, report
    after = table_state(tiny_db)
    if status == 2:
        assert report["error"] and report["file"] == case.file_name
        assert after == before
        return
    assert set(report) == {
        "dataset",
        "file",
        "rows_read",
        "new",
        "updated",
        "unchanged",
        "rejected",
        "committed",
        "batch_id",
        "errors",
        "warnings",
    }
    assert _pairs(report["errors"]) == {(r, c) for r, c, _ in case.errors}, report["errors"]
    for row, column, text in case.errors:
        assert any(e["row"] == row and e["column"] == column and text in e["message"] for e in report["errors"]), (text, report["errors"])
    for row, column, text in case.warnings:
        assert any(w["row"] == row and w["column"] == column and text in w["message"] for w in report["warnings"]), (
            text,
            report["warnings"],
        )
    for key, value in case.counts.items():
        assert report[key] == value, (key, report)
    assert report["new"] + report["updated"] + report["unchanged"] + report["rejected"] == report["rows_read"]
    if status == 1:
        # Strict mode: a rejected upload writes nothing at all.
        assert report["committed"] == 0 and report["batch_id"] is None
        assert after == before
    else:
        assert report["committed"] == report["new"] + report["updated"]
        assert after["batches"] == before["batches"] + (1 if report["committed"] else 0)
        con = duckdb.connect(str(tiny_db), read_only=True)
        try:
            for sql, rows in case.stored:
                assert con.execute(sql).fetchall() == rows, sql
        finally:
            con.close()
