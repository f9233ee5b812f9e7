"""The import service both the 数据上报 page and `fupin import` call: checks under the acting user's
rights, one upload audit entry per check, a commit audit entry per batch, nothing written by a dry run."""

from __future__ import annotations

import pytest

from fupin_core.catalog import BY_KEY
from fupin_core.ingest import imports
from fupin_core.ingest.read import UnreadableFile
from fupin_core.security.access import Actor, local_admin
from fupin_core.storage import store
from fupin_core.storage.handle import Store
from tests.ingest.make_corpus import LINK_HEAD, csv
from tests.tiny_data import T1

LINKS = BY_KEY["linkages"]
GOOD = csv([LINK_HEAD, ["H4", "P1", "分红", "", 2017, 100], ["H3", "P4", "务工", "", 2017, 200]])


def _actions(opened: Store) -> list[str]:
    with opened.cursor() as cur:
        return [r[0] for r in cur.execute("SELECT action FROM audit_log ORDER BY entry_id").fetchall()]


@pytest.fixture
def opened(tiny_db):
    with Store.open(str(tiny_db)) as s:
        yield s


def test_dry_run_audits_the_upload_and_writes_no_batch(opened):
    before = store.list_batches(opened.con).height
    result = imports.import_file(opened, local_admin(), LINKS, "联结.csv", GOOD, imports.ImportOptions(dry_run=True))
    assert result.outcome is None
    assert result.preview.counts["new"] + result.preview.counts["updated"] == 2
    assert store.list_batches(opened.con).height == before
    assert _actions(opened)[-1:] == ["upload"]


def test_import_commits_one_batch_and_audits_upload_then_commit(opened):
    result = imports.import_file(opened, local_admin(), LINKS, "联结.csv", GOOD, imports.ImportOptions())
    assert result.outcome.batch_id is not None
    assert _actions(opened)[-2:] == ["upload", "commit"]
    again = imports.import_file(opened, local_admin(), LINKS, "联结.csv", GOOD, imports.ImportOptions())
    assert again.outcome.batch_id is None  # the same file twice: nothing new, no batch


def test_an_editor_of_another_township_gets_row_messages_and_nothing_is_written(opened):
    editor = Actor("wang", "editor", (T1,))  # H3/H4 live in the other 镇办
    before = store.list_batches(opened.con).height
    result = imports.import_file(opened, editor, LINKS, "联结.csv", GOOD, imports.ImportOptions())
    messages = result.preview.errors.get_column("message").to_list()
    assert messages and all("权限范围" in m for m in messages)
    assert result.outcome.batch_id is None and store.list_batches(opened.con).height == before


def test_an_unreadable_file_raises_and_audits_nothing(opened):
    before = _actions(opened)
    with pytest.raises(UnreadableFile):
        imports.import_file(opened, local_admin(), LINKS, "x.xlsx", b"not a workbook", imports.ImportOptions())
    assert _actions(opened) == before
