"""Data access for the app: one read-only connection per process, bounded caches keyed by data version."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
import streamlit as st

from gpaccess.access import Viewer
from gpaccess.db import bound_scope, run
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only, connect_writable
from gpaccess.store.handover import write_requested
from gpaccess.store.which import reading_database

T = TypeVar("T")

# Held by a load from the browser, so that no read-only connection opens while the file is open for writing.
WRITE_LOCK = threading.Lock()


def db_path() -> Path:
    """The database shown: GPACCESS_DB, else the real database when it holds data, else the synthetic demo
    (gpaccess.store.which). Not while this process loads (the check opens the real database)."""
    with WRITE_LOCK:
        return reading_database()


def data_version() -> float:
    """Changes whenever the database file is rewritten, so caches never serve figures from older data."""
    return _version(db_path())


def _version(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


def _close(con: duckdb.DuckDBPyConnection) -> None:
    con.close()


@st.cache_resource(max_entries=2, on_release=_close)
def _connection(path: str, version: float) -> duckdb.DuckDBPyConnection:
    return connect_read_only(Path(path))


class DatabaseBusy(Exception):
    """Another process (a load from the command line) has the database file open for writing: DuckDB allows one
    writer and no reader beside it, so the app cannot open its read-only connection until the load ends."""


def connection() -> duckdb.DuckDBPyConnection:
    """This process's read-only connection; `DatabaseBusy` while another process holds the file for writing or
    waits to (then this process lets go of it: gpaccess.store.handover)."""
    with WRITE_LOCK:
        path = reading_database()
        if write_requested(path):
            close_connections()
            raise DatabaseBusy(f"a load is waiting for {path}")
        _let_go_when_asked(path)
        try:
            return _connection(str(path), _version(path))
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            raise DatabaseBusy(str(error)) from None


_WATCHED: set[Path] = set()
WATCH_SECONDS = 0.5


def _let_go_when_asked(path: Path) -> None:
    """Between page views nothing calls `connection()`: a thread (one per database, started with its first
    connection) closes this process's connections when a writer asks, so that a load from the command line or
    from another process is not refused while the dashboard serves."""
    if path not in _WATCHED:
        _WATCHED.add(path)
        threading.Thread(target=_watch, args=(path,), name="gpaccess-let-go", daemon=True).start()


def _watch(path: Path) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if write_requested(path):
            with WRITE_LOCK:
                close_connections()


def close_connections() -> None:
    """Close this process's read-only connections (before a load from the browser opens the file for writing:
    DuckDB allows no reader while a writer has the file). The next `connection()` reopens read-only."""
    _connection.clear()


@contextmanager
def writing(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection to the database shown (or `path`), for what users write from the browser (a load,
    a commentary, a recorded change): one writer at a time, this process's readers closed while it is open
    (DuckDB allows no reader beside a writer) and reopened afterwards on the new data version."""
    with WRITE_LOCK:
        close_connections()
        con = connect_writable(path or reading_database())
        try:
            yield con
        finally:
            con.close()
            close_connections()


def cache_key(*parts: object) -> str:
    """A cache's key for frozen dataclasses of plain values (scope, viewer, chart context): their repr, which
    names every field and value. Streamlit hashes a string at once, where it walks a dataclass field by field
    (a third of a warm page view's CPU went on hashing the caches' arguments)."""
    return repr(parts)


@st.cache_data(ttl=3600, max_entries=1000, show_spinner=False)
def _query(
    key: str, version: float, _name: str, _viewer: Viewer, _scope: Scope, _extra: tuple
) -> pd.DataFrame:
    """Cached on `key` (name, viewer, scope and parameters) and the data version; the arguments with a
    leading underscore are not hashed (Streamlit's rule): the key stands for them."""
    try:
        return run(connection(), _name, _viewer, _scope, **dict(_extra))
    except duckdb.ConnectionException as error:  # closed under it for a writer (_watch)
        raise DatabaseBusy(str(error)) from None


def query(name: str, viewer: Viewer, scope: Scope, **extra: object) -> pd.DataFrame:
    """Run a named query (queries/<name>.sql) for the viewer and scope; cached per data version, and per what
    the viewer may see (role and organisation), not per person: two users of one ICB share the cache."""
    scope = bound_scope(name, scope)  # the filters the query reads: one entry per distinct query
    permission, parameters = viewer.permission, tuple(sorted(extra.items()))
    return _query(
        key=cache_key(name, permission, scope, parameters),
        version=data_version(),
        _name=name,
        _viewer=permission,
        _scope=scope,
        _extra=parameters,
    )


@st.cache_resource(ttl=3600, max_entries=2000, show_spinner=False)
def _derived(key: str, version: float, _make: Callable[[], object]) -> object:
    return _make()


def derived(make: Callable[[], T], name: str, *parts: object) -> T:
    """What `make` computes from cached query results (a caveat's words, the geography), made once per
    `name`, `parts` (everything `make` reads: viewer, scope, labels) and data version, and shared across
    sessions: treat it as read-only."""
    return _derived(key=cache_key(name, *parts), version=data_version(), _make=make)  # type: ignore[return-value]
