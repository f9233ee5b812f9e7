"""One DuckDB connection per app process; a cursor per operation; metric calls cached by data version."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

import streamlit as st

from fupin_core.security import session_tokens
from fupin_core.storage import db, schema, store


@st.cache_resource(show_spinner=False)
def _connection(url: str):
    con = db.connect(url)
    schema.migrate(con)
    session_tokens.forget_legacy_secret(con)
    return con


def connection():
    """The process's one connection to the configured store (one writing process per DuckDB file)."""
    return _connection(os.environ.get(db.ENV_VAR) or db.DEFAULT_URL)


def cursor():
    """A cursor of the shared connection: one per operation, safe across Streamlit's threads."""
    return connection().cursor()


def data_version() -> tuple:
    """Changes whenever a batch is committed or rolled back (also by another process or replica)."""
    with cursor() as cur:
        return store.data_version(cur)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(fn_path: str, args: tuple, kwargs: tuple, version: tuple) -> Any:
    module_name, fn_name = fn_path.split(":")
    fn = getattr(importlib.import_module(module_name), fn_name)
    with cursor() as cur:
        return fn(cur, *args, **dict(kwargs))


def call(fn: Callable, *args, **kwargs) -> Any:
    """Run fupin_core function `fn(cursor, *args)`; cached until the data changes."""
    return _cached(f"{fn.__module__}:{fn.__name__}", args, tuple(sorted(kwargs.items())), data_version())


def invalidate() -> None:
    """After a commit or rollback: drop every cached figure."""
    _cached.clear()
