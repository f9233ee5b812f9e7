"""AppTest fixtures: each test runs the real app.py against its own copy of the sample database."""

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app_db(sample_db_path, tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    shutil.copy(sample_db_path, path)
    monkeypatch.setenv("FUPIN_DB", str(path))
    return path


@pytest.fixture
def app(app_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at
