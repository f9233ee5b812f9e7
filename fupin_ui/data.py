"""One Store per app process; a cursor per operation; metric calls cached by data version."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

import streamlit as st

from fupin_core.security import rounds, session_tokens
from fupin_core.storage import db
from fupin_core.storage.handle import Store


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    opened = Store.open(url, existing=False)  # created and migrated on first start
    session_tokens.forget_legacy_secret(opened.con)
    return opened


def store() -> Store:
    """The process's one Store (one writing process per DuckDB file)."""
    return _store(os.environ.get(db.ENV_VAR) or db.DEFAULT_URL)


def connection():
    """The Store's connection itself (rounds.approved_cursor builds its own cursor on it)."""
    return store().con


def cursor():
    """A cursor of the shared connection: one per operation, safe across Streamlit's threads."""
    return store().cursor()


def data_version() -> tuple:
    """Changes whenever a batch is committed or rolled back, or a reporting round is opened or
    reviewed (also by another process or replica)."""
    with cursor() as cur:
        return store().data_version() + rounds.state_version(cur)


# Which figures the pages show (sidebar 数字口径): approved data only, or including submitted data.
FIGURES = "figures_basis"


def figures_basis() -> str:
    return st.session_state.get(FIGURES) or rounds.FIGURES_SUBMITTED


def cursor_on(basis: str):
    """A cursor (a context manager) that reads the figures of `basis`: approved data only, or the
    stored data including what was submitted."""
    return rounds.approved_cursor(connection()) if basis == rounds.FIGURES_APPROVED else cursor()


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(fn_path: str, args: tuple, kwargs: tuple, version: tuple, basis: str = rounds.FIGURES_SUBMITTED) -> Any:
    module_name, fn_name = fn_path.split(":")
    fn = getattr(importlib.import_module(module_name), fn_name)
    with cursor_on(basis) as cur:
        return fn(cur, *args, **dict(kwargs))


def call(fn: Callable, *args, **kwargs) -> Any:
    """Run fupin_core function `fn(cursor, *args)` on the figures chosen in the sidebar; cached until
    the data changes."""
    return call_on(figures_basis(), fn, *args, **kwargs)


def call_on(basis: str, fn: Callable, *args, **kwargs) -> Any:
    """`call` on approved data only (rounds.FIGURES_APPROVED) or including submitted data."""
    return _cached(f"{fn.__module__}:{fn.__name__}", args, tuple(sorted(kwargs.items())), data_version(), basis)


def invalidate() -> None:
    """After a commit or rollback: drop every cached figure."""
    _cached.clear()
