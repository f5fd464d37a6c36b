"""Data access for the app: one read-only connection per process, bounded caches keyed by data version."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from gpaccess.access import Viewer
from gpaccess.config import database_path
from gpaccess.db import run
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only


def db_path() -> Path:
    return database_path()


def data_version() -> float:
    """Changes whenever the database file is rewritten, so caches never serve figures from older data."""
    path = db_path()
    return path.stat().st_mtime if path.exists() else 0.0


@st.cache_resource(max_entries=2)
def _connection(path: str, version: float) -> duckdb.DuckDBPyConnection:
    return connect_read_only(Path(path))


def connection() -> duckdb.DuckDBPyConnection:
    return _connection(str(db_path()), data_version())


@st.cache_data(ttl=3600, max_entries=1000, show_spinner=False)
def _query(name: str, viewer: Viewer, scope: Scope, version: float, extra: tuple) -> pd.DataFrame:
    return run(connection(), name, viewer, scope, **dict(extra))


def query(name: str, viewer: Viewer, scope: Scope, **extra: object) -> pd.DataFrame:
    """Run a named query (queries/<name>.sql) for the viewer and scope; cached per data version."""
    return _query(name, viewer, scope, data_version(), tuple(sorted(extra.items())))
