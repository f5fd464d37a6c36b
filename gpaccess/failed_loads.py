"""Refused loads, recorded OUTSIDE the database: a refused load must leave the database exactly as it was.

One JSON line per refused batch in `<db>.failed-loads.jsonl` beside the database file: when, who, each file
(name and SHA-256) and the first problems as file, row, column, kind of problem and what was expected
(`Problem.public`). The value found is never written here: a refused line can quote a practice's code and name,
and the load history is shown to everyone.
Whoever loaded the file saw the full message (CLI output, the uploader's result).

The Data page reads these rows through the data seam (`gpaccess.db.run`, query `load_history`, relation
`refused_load`). Recording never raises: failing to record must not hide the load's own error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

if TYPE_CHECKING:
    from gpaccess.ingest.errors import Problem

PROBLEMS_KEPT = 5
MAX_LOG_BYTES = (
    20 << 20
)  # a log past this is read from its last 20 MiB (old refusals drop off the page)
COLUMNS = {
    "loaded_at": "datetime64[us]",
    "loaded_by": "string",
    "file_name": "string",
    "file_kind": "string",
    "sha256": "string",
    "rows": "Int64",
    "months": "string",
    "outcome": "string",
    "problems": "string",
}


def log_path(db: Path) -> Path:
    return db.with_name(db.name + ".failed-loads.jsonl")


def version(db: Path) -> float:
    """Changes when a refusal is recorded (the database file does not change): a cache key."""
    path = log_path(db)
    return path.stat().st_mtime if path.exists() else 0.0


def database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind a connection (None for an in-memory database)."""
    rows = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def record(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    problems: list[Problem],
    *,
    loaded_by: str,
    when: dt.datetime | None = None,
) -> None:
    try:
        db = database_file(con)
        if db is None:
            return
        entry = {
            "loaded_at": (when or dt.datetime.now(dt.UTC).replace(tzinfo=None)).isoformat(),
            "loaded_by": loaded_by,
            "files": [{"file_name": Path(p).name, "sha256": _sha256(Path(p))} for p in paths],
            "problem_count": len(problems),
            "where": [p.public() for p in problems[:PROBLEMS_KEPT]],
        }
        with open(log_path(db), "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
    except (OSError, duckdb.Error, ValueError):
        return


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 22):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def read_for(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The refused loads of the database behind `con` (none for an in-memory database)."""
    db = database_file(con)
    return read(db) if db is not None else _frame([])


def read(db: Path) -> pd.DataFrame:
    """Refused loads as load-history rows (one per file), outcome 'refused', with where the first problems
    were, their kind and what was expected (no values)."""
    path = log_path(db)
    rows: list[dict[str, Any]] = []
    if path.exists():
        for line in _tail_lines(path):
            try:
                entry = json.loads(line)
                rows += _rows_of(entry)
            except (json.JSONDecodeError, TypeError, ValueError, AttributeError):
                continue
    return _frame(rows)


def _tail_lines(path: Path) -> list[str]:
    with open(path, "rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - MAX_LOG_BYTES))
        data = handle.read()
    lines = data.decode("utf-8", errors="replace").splitlines()
    return lines[1:] if size > MAX_LOG_BYTES else lines  # the first may be cut


def _rows_of(entry: dict[str, Any]) -> list[dict[str, Any]]:
    count = int(entry.get("problem_count", 0))
    if "where" in entry:
        shown = [str(w) for w in entry["where"]]
        more = count - len(shown)
        text = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    else:  # written before values were kept out of this file: say how many, never what
        text = f"{count} problem(s): the details went to whoever loaded the file"
    return [
        {
            "loaded_at": pd.Timestamp(entry["loaded_at"]),
            "loaded_by": str(entry.get("loaded_by", "")),
            "file_name": str(item.get("file_name", "")),
            "file_kind": "",
            "sha256": str(item.get("sha256", "")),
            "rows": None,  # nothing was loaded
            "months": "",
            "outcome": "refused",
            "problems": text,
        }
        for item in entry.get("files", [])
    ]


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype(COLUMNS)
