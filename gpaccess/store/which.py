"""Which database to read: the real one when it holds data, else the synthetic demo (gpaccess.config)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from gpaccess import config

# (path, modification time, size) -> whether it holds data: checked again only when the file changes
_HOLDS: dict[tuple[str, int, int], bool] = {}


def holds_data(path: Path) -> bool:
    """Whether the database file holds data: at least one successful load in its log.

    A file that a load holds open for writing counts as holding data (the reader then waits for the load);
    a file a refused load created, with nothing in it, does not."""
    try:
        stat = path.stat()
    except OSError:
        return False
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _HOLDS:
        if len(_HOLDS) > 64:
            _HOLDS.clear()
        _HOLDS[key] = _count_loads(path)
    return _HOLDS[key]


def _count_loads(path: Path) -> bool:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return True  # in use by a writer, or unreadable: opening it for reading will say so
    try:
        row = con.execute("SELECT count(*) FROM load_log").fetchone()
        return row is not None and row[0] > 0
    except duckdb.CatalogException:
        return False  # no store tables in it
    finally:
        con.close()


def reading_database(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database the dashboard, `figures` and `export` read: `--db`, then GPACCESS_DB, then the real
    database (data/gpaccess.duckdb) when it holds data, else the synthetic demo (data/demo.duckdb)."""
    pinned = config.pinned_database(explicit)
    if pinned is not None:
        return pinned
    return config.REAL_DB if holds_data(config.REAL_DB) else config.DEMO_DB
