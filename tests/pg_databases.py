"""Throwaway PostgreSQL databases for the tests, on the server named by FUPIN_TEST_PG.

Each test gets its own database, created from a template built once per session (CREATE DATABASE …
TEMPLATE is a file copy, much faster than loading the rows again) and dropped afterwards.
`make test` and .ci/run start the server with scripts/pg_test_server.sh.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

from fupin_core.storage import db

ENV_VAR = "FUPIN_TEST_PG"
MISSING_SERVER = (
    f"{ENV_VAR} is not set: the postgres variant of this test needs a PostgreSQL server. "
    f"Run the tests with `make test`, or `scripts/pg_test_server.sh run .venv/bin/pytest ...`, "
    f"or export {ENV_VAR}=postgresql://user:pass@127.0.0.1:PORT/postgres"
)


def server_url() -> str:
    url = os.environ.get(ENV_VAR)
    if not url:
        pytest.fail(MISSING_SERVER, pytrace=False)
    return url


def url_for(server: str, database: str) -> str:
    """`server` (any postgresql:// URL on the test server) with its database name replaced."""
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path="/" + database))


class PgServer:
    """CREATE / DROP DATABASE through DuckDB's postgres_execute (outside a transaction, as PostgreSQL requires)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._names = itertools.count(1)
        self._templates: dict[str, str] = {}
        self._admin = db.connect(url)

    def _execute(self, statement: str) -> None:
        self._admin.execute("CALL postgres_execute('store', ?, use_transaction => false)", [statement])

    def _new_name(self, kind: str) -> str:
        return f"fupin_{kind}_{os.getpid()}_{next(self._names)}"

    def create(self, kind: str, template: str | None = None) -> str:
        name = self._new_name(kind)
        self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def template(self, kind: str, build: Callable) -> str:
        """A database built once by `build(con)` and then only copied (no connection stays open to it)."""
        if kind not in self._templates:
            name = self.create(f"tpl_{kind}")
            con = db.connect(url_for(self.url, name))
            try:
                build(con)
            finally:
                con.close()
            self._templates[kind] = name
        return self._templates[kind]

    @contextmanager
    def database(self, kind: str, template: str | None = None) -> Iterator[str]:
        """A fresh database (a copy of `template` when given) for one test; its URL; dropped afterwards."""
        name = self.create(kind, template)
        try:
            yield url_for(self.url, name)
        finally:
            self.drop(name)

    def close(self) -> None:
        for name in self._templates.values():
            self.drop(name)
        self._admin.close()
