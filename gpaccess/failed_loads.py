"""Refused loads, recorded OUTSIDE the database: a refused load must leave the database exactly as it was.

One JSON line per refused batch in `<db>.failed-loads.jsonl` beside the database file: when, who, each file
(name and SHA-256) and the first problems. The Data page shows them in the load history with outcome "refused".
Recording never raises: failing to record must not hide the load's own error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

if TYPE_CHECKING:
    from gpaccess.ingest.errors import Problem

PROBLEMS_KEPT = 5


def log_path(db: Path) -> Path:
    return db.with_name(db.name + ".failed-loads.jsonl")


def database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind a connection (None for an in-memory database)."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return Path(row[0]) if row and row[0] else None


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
            "problems": [str(p) for p in problems[:PROBLEMS_KEPT]],
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


def read(db: Path) -> pd.DataFrame:
    """Refused loads as load-history rows (one per file), outcome 'refused', with the first problems."""
    columns = [
        "loaded_at",
        "loaded_by",
        "file_name",
        "file_kind",
        "sha256",
        "rows",
        "months",
        "outcome",
        "problems",
    ]
    rows = []
    path = log_path(db)
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            shown = entry.get("problems", [])
            more = entry.get("problem_count", len(shown)) - len(shown)
            text = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
            for item in entry.get("files", []):
                rows.append(
                    {
                        "loaded_at": pd.Timestamp(entry["loaded_at"]),
                        "loaded_by": entry.get("loaded_by", ""),
                        "file_name": item.get("file_name", ""),
                        "file_kind": "",
                        "sha256": item.get("sha256", ""),
                        "rows": None,  # nothing was loaded
                        "months": "",
                        "outcome": "refused",
                        "problems": text,
                    }
                )
    return pd.DataFrame(rows, columns=columns)
