"""Settings: where the databases live, where reference files are, where NHS England publishes.

Two database files, so that synthetic and real data never mix:

- `data/gpaccess.duckdb`: real data. Loads (`ingest`, `fetch`, the Data page) write here.
- `data/demo.duckdb`: the synthetic demo, built on first run (and by `python -m gpaccess demo`).

The dashboard, `figures` and `export` read the real database when it holds data, else the demo
(`gpaccess.store.which.reading_database`). `--db` (CLI), else the `GPACCESS_DB` environment variable, names one
file for everything instead: tests point `GPACCESS_DB` at a fixture database.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
QUERIES_DIR = PROJECT_ROOT / "queries"
TEMPLATES_DIR = DATA_DIR / "templates"
REAL_DB = DATA_DIR / "gpaccess.duckdb"
DEMO_DB = DATA_DIR / "demo.duckdb"
DEFAULT_DB = REAL_DB
DB_ENV = "GPACCESS_DB"

# NHS England's publication pages (digital.nhs.uk): an index page linking one page per monthly edition
# (`.../appointments-in-general-practice/october-2025`), which links the files. The environment variables point
# `fetch` elsewhere (tests: a local server).
GPAD_INDEX_ENV = "GPACCESS_GPAD_INDEX"
GPAD_INDEX_URL = (
    "https://digital.nhs.uk/data-and-information/publications/statistical/"
    "appointments-in-general-practice"
)
LIST_SIZE_INDEX_ENV = "GPACCESS_LIST_SIZE_INDEX"
LIST_SIZE_INDEX_URL = (
    "https://digital.nhs.uk/data-and-information/publications/statistical/"
    "patients-registered-at-a-gp-practice"
)


def pinned_database(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The one database named for everything (`--db`, else GPACCESS_DB), or None."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(DB_ENV)
    return Path(from_env) if from_env else None


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where a load writes: `--db`, then GPACCESS_DB, then the real database data/gpaccess.duckdb."""
    return pinned_database(explicit) or REAL_DB  # looked up at each call: tests move it


def demo_database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where the synthetic demo is built: `--db`, then GPACCESS_DB, then data/demo.duckdb."""
    return pinned_database(explicit) or DEMO_DB


def gpad_index_url() -> str:
    return os.environ.get(GPAD_INDEX_ENV) or GPAD_INDEX_URL


def list_size_index_url() -> str:
    return os.environ.get(LIST_SIZE_INDEX_ENV) or LIST_SIZE_INDEX_URL
