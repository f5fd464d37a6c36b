"""Synthetic and real data never share a database.

The synthetic demo's practice codes are `DM` and four digits (gpaccess/demo/practices.py); real practice codes
never take that form. A batch is synthetic when every practice code in it is a demo code, real when none is; a
batch naming no practice (programme and phase definitions, barriers) is neither and may go into either.

A database is synthetic when the `dataset` table says so (the demo build, and any synthetic batch, set it);
real when it holds any other load, or when it is the real database file (data/gpaccess.duckdb) itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from gpaccess import config, failed_loads
from gpaccess.ingest.errors import Problem
from gpaccess.ingest.tracker import TrackerBatch

SYNTHETIC_LABEL = "synthetic_demo"
DEMO_CODE = re.compile(r"DM[0-9]{4}")
STAGED_CODES_SQL = """
SELECT count(*) FILTER (WHERE regexp_full_match(practice_code, 'DM[0-9]{4}')),
       count(*) FILTER (WHERE NOT regexp_full_match(practice_code, 'DM[0-9]{4}')),
       min(practice_code) FILTER (WHERE NOT regexp_full_match(practice_code, 'DM[0-9]{4}'))
FROM (SELECT practice_code FROM stage_crosstab UNION SELECT practice_code FROM stage_mapping
      UNION SELECT practice_code FROM stage_list_size WHERE type = 'GP')
WHERE practice_code IS NOT NULL
"""
STORE_STATE_SQL = """
SELECT EXISTS (SELECT 1 FROM dataset WHERE key = 'synthetic_demo' AND value = 'yes'),
       EXISTS (SELECT 1 FROM load_log)
"""


@dataclass(frozen=True)
class BatchKind:
    synthetic: int  # practice codes of the demo's form
    real: int  # other practice codes
    example: str | None  # one real code, for the message

    @property
    def is_synthetic(self) -> bool:
        return self.synthetic > 0 and self.real == 0


def batch_kind(con: duckdb.DuckDBPyConnection, tracker: TrackerBatch) -> BatchKind:
    row = con.execute(STAGED_CODES_SQL).fetchone()
    synthetic, real, example = (0, 0, None) if row is None else row
    codes = {
        str(r["practice_code"])
        for name in ("enrolments", "actions", "eligibility")
        for r in tracker.rows(name)
        if r.get("practice_code")
    }
    demo = {c for c in codes if DEMO_CODE.fullmatch(c)}
    others = sorted(codes - demo)
    return BatchKind(
        synthetic + len(demo), real + len(others), example or (others[0] if others else None)
    )


def dataset_problems(
    con: duckdb.DuckDBPyConnection, kind: BatchKind, label: str | None
) -> list[Problem]:
    """Why this batch may not go into this database (nothing when it may)."""
    if kind.synthetic and kind.real:
        return [_mixed(kind)]
    row = con.execute(STORE_STATE_SQL).fetchone()
    store_synthetic, store_loaded = (False, False) if row is None else row
    db = failed_loads.database_file(con)
    if kind.real and (store_synthetic or label == SYNTHETIC_LABEL):
        return [_real_into_demo(db, kind)]
    if is_synthetic_load(kind, label) and (
        (store_loaded and not store_synthetic) or _is_real_file(db)
    ):
        return [_demo_into_real(db)]
    return []


def is_synthetic_load(kind: BatchKind, label: str | None) -> bool:
    """Whether the load makes (or keeps) the database the synthetic demo."""
    return kind.is_synthetic or (label == SYNTHETIC_LABEL and not kind.real)


def _is_real_file(db: Path | None) -> bool:
    return db is not None and db.resolve() == config.REAL_DB.resolve()


def _name(db: Path | None) -> str:
    return db.name if db is not None else "this database"


def _mixed(kind: BatchKind) -> Problem:
    return Problem(
        "(this load)",
        "one kind of data per load: the synthetic demo's files, or real files, never both",
        value=f"{kind.synthetic:,} synthetic demo practice codes (DM0001...) and {kind.real:,} real ones",
    )


def _real_into_demo(db: Path | None, kind: BatchKind) -> Problem:
    return Problem(
        "(this load)",
        f"synthetic demo files only: {_name(db)} holds the synthetic demo. Load real files into the real "
        f"database instead: `gpaccess ingest FILE...` without --db (and without GPACCESS_DB) writes "
        f"data/{config.REAL_DB.name}, and the dashboard shows it once it holds data",
        value=f"real files ({kind.real:,} real practice codes, such as {kind.example})",
    )


def _demo_into_real(db: Path | None) -> Problem:
    return Problem(
        "(this load)",
        f"real files only: {_name(db)} is the real database. Build the synthetic demo in its own "
        f"database instead: `gpaccess demo` writes data/{config.DEMO_DB.name}",
        value="synthetic demo files (practice codes DM0001...)",
    )
