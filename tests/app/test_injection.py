"""Issue 16, findings 5 and 6: text a 录入员 uploaded (a project name with a Markdown link and an
external image) is shown as text, never rendered; an ID number in an uploaded file's name is masked
in 来源 and 上传记录."""

import duckdb
import polars as pl

from fupin_core.catalog import dataset
from fupin_core.formatting import markdown_literal
from fupin_core.security.privacy import mask_text
from fupin_core.storage import store
from tests.app.conftest import logged_in_app
from tests.app.pages import open_page

INJECTED = "[点我领补贴](http://evil.example/x) ![跟踪](http://evil.example/p.png) <img src=x onerror=alert(1)> **粗体**"
ID_IN_NAME = "611002198001010037"
FILE_NAME = f"{ID_IN_NAME}_测试.csv"


def _rename_a_project(db_path) -> tuple[str, str]:
    """Commit, as an upload by muhu, one existing 2017 project renamed to INJECTED; (project, village)."""
    columns = dataset("projects").column_names
    con = duckdb.connect(str(db_path))
    try:
        rows = con.execute(
            f"SELECT {', '.join(columns)} FROM projects WHERE build_year <= 2017 AND village_code IS NOT NULL ORDER BY project_id LIMIT 1"
        ).pl()
        rows = rows.with_columns(pl.lit(INJECTED).alias("project_name"), pl.lit(1).alias("source_row"))
        result = store.commit_rows(con, "projects", rows, user="muhu", file_name=FILE_NAME, file_bytes=b"x")
        assert result.batch_id is not None
        return rows["project_id"][0], rows["village_code"][0]
    finally:
        con.close()


def _rendered_texts(at) -> list[str]:
    """Everything on the page that Streamlit renders as Markdown."""
    kinds = ("title", "header", "subheader", "caption", "markdown", "info", "success", "warning", "error")
    texts = [e.value for kind in kinds for e in getattr(at, kind)]
    texts += [e.label for e in at.checkbox] + [e.label for e in at.expander]
    return texts


def _all_cells(at) -> str:
    return " ".join(str(v) for frame in at.dataframe for v in frame.value.astype(str).to_numpy().ravel())


def test_a_project_name_with_markdown_is_shown_as_text(app_db):
    project, village = _rename_a_project(app_db)
    at = logged_in_app(app_db, "look", "viewer")
    open_page(at, "pages/drilldown.py")
    at.selectbox(key="drill_village_all").select(village).run()
    at.selectbox(key=f"drill_project_{village}").select(project).run()
    assert not at.exception, at.exception
    texts = _rendered_texts(at)
    assert any(markdown_literal(INJECTED) in t for t in texts), texts  # named, escaped
    assert not any(INJECTED in t or "](http" in t.replace("\\](", "") for t in texts), texts  # never as live Markdown
    assert INJECTED in _all_cells(at)  # in tables it is plain cell text, exactly as uploaded


def test_an_id_number_in_a_file_name_is_masked_in_sources_and_history(app_db):
    _rename_a_project(app_db)
    viewer = logged_in_app(app_db, "look", "viewer")
    open_page(viewer, "pages/drilldown.py")
    cells = _all_cells(viewer)
    assert mask_text(FILE_NAME) in cells and ID_IN_NAME not in cells
    editor = logged_in_app(app_db, "muhu", "editor")
    open_page(editor, "pages/history.py")
    assert not editor.exception, editor.exception
    page = _all_cells(editor) + " ".join(_rendered_texts(editor)) + " ".join(str(o) for s in editor.selectbox for o in s.options)
    assert mask_text(FILE_NAME) in page
    assert ID_IN_NAME not in page
