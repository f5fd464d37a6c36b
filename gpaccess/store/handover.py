"""Readers let go for a writer: how a load or a write works while the dashboard serves from several processes.

DuckDB lets one process write a database file and no other process read it meanwhile: every read-only
connection holds a shared lock on the file, and each dashboard process keeps one open (gpaccess.app.data). So a
writer (a load, a commentary, a recorded change; from the command line or from any dashboard process) asks the
readers to let go: it holds an exclusive lock on `<db>.write-request` while it waits for DuckDB's own lock. Each
dashboard process sees the request (`write_requested`, before every use of its connection and twice a second
between page views), closes its connection and tells viewers the data is being updated. Once the writer has the
file it drops the request (DuckDB's lock keeps readers out from then on); when it closes, the file's new
modification time is the data version every process reopens on and keys its caches by.

The request is an advisory lock (flock), released by the operating system if the writer dies: nothing is left
behind that could keep readers away.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import duckdb

REQUEST_SUFFIX = ".write-request"
WAIT_SECONDS = 10.0  # how long a writer waits for readers to let go before it is refused as busy
_POLL_SECONDS = 0.1


def request_path(db: Path) -> Path:
    return db.with_name(db.name + REQUEST_SUFFIX)


def write_requested(db: Path) -> bool:
    """Whether a writer is waiting for (or just taking) the database file. A few microseconds: no file, no
    request; an unreadable one counts as none (readers then behave as before: the writer may be refused)."""
    try:
        handle = os.open(request_path(db), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)  # also releases the shared lock just taken
    return False


def connect_for_writing(db: Path, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open `db` for writing, asking readers to let go and waiting up to `wait` seconds (WAIT_SECONDS unless
    given) for them and for another writer to finish. Raises DuckDB's IOException (a lock conflict) if the file
    is still held."""
    deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
    try:
        handle = os.open(request_path(db), os.O_RDWR | os.O_CREAT, 0o644)
    except (
        OSError
    ):  # a folder this process may not write to: DuckDB says why it cannot write either
        return duckdb.connect(str(db))
    try:
        _take_request(handle, deadline)
        while True:
            try:
                return duckdb.connect(str(db))
            except duckdb.IOException as error:
                if "lock" not in str(error).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(_POLL_SECONDS)
    finally:
        os.close(handle)  # the request ends: from here DuckDB's own lock keeps readers out


def _take_request(handle: int, deadline: float) -> None:
    """The request lock; another writer holds it only while it waits, so this waits at most until `deadline`
    (then goes on without it: DuckDB's lock decides)."""
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                return
            time.sleep(_POLL_SECONDS)
