"""Settings: where the database lives and where reference files are.

The database path comes from `--db` (CLI), else the `GPACCESS_DB` environment variable, else
`data/gpaccess.duckdb` in the project. Tests point `GPACCESS_DB` at a fixture database.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
QUERIES_DIR = PROJECT_ROOT / "queries"
TEMPLATES_DIR = DATA_DIR / "templates"
DEFAULT_DB = DATA_DIR / "gpaccess.duckdb"


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file to use: explicit argument, then GPACCESS_DB, then the default."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get("GPACCESS_DB")
    return Path(from_env) if from_env else DEFAULT_DB
