"""The CLI tests open the tiny database as a file, like the ingest corpus does."""

from tests.ingest.conftest import tiny_db, tiny_db_file  # noqa: F401  (fixtures shared with tests/ingest)
