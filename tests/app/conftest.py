"""AppTest fixtures: each test runs the real app.py against its own copy of the sample database,
logged in as an administrator (the `app` fixture) or as any user (`login`)."""

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from fupin_core.security import auth
from fupin_core.storage import schema
from fupin_ui import auth_ui

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TEST_PASSWORD = "测试密码-2017"


def session_token(db_path, username: str = "admin", role: str = "admin", townships=None) -> str:
    """Create `username` (if missing) in the database file and return a signed session token for it,
    as a password login in the app would (the app keeps it in the session and a browser cookie)."""
    con = duckdb.connect(str(db_path))
    try:
        schema.migrate(con)
        user = auth.get_user(con, username) or auth.create_user(con, username, TEST_PASSWORD, role, townships)
        return auth.issue_session(con, user)
    finally:
        con.close()


def logged_in_app(db_path, username: str = "admin", role: str = "admin", townships=None) -> AppTest:
    """The app logged in as `username`; the administrator `admin` always exists (else: first start)."""
    session_token(db_path)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[auth_ui.TOKEN] = session_token(db_path, username, role, townships)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def app_db(sample_db_path, tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    shutil.copy(sample_db_path, path)
    monkeypatch.setenv("FUPIN_DB", str(path))
    return path


@pytest.fixture
def app(app_db):
    """The app logged in as the administrator `admin` (opens on 总览)."""
    return logged_in_app(app_db)


@pytest.fixture
def login(app_db):
    """login(username, role, townships=None) -> a running AppTest logged in as that user."""

    def _login(username: str, role: str, townships=None) -> AppTest:
        return logged_in_app(app_db, username, role, townships)

    return _login
