"""Shared fixtures. Real published files live in tests/data/realdata (NHS England, OGL v3.0)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from gpaccess.store import connect_writable

PROJECT = Path(__file__).resolve().parent.parent
REALDATA = PROJECT / "tests" / "data" / "realdata"


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.fail(
            f"Real data folder missing: {REALDATA}"
        )
    return REALDATA


@pytest.fixture
def store(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = connect_writable(tmp_path / "test.duckdb")
    yield con
    con.close()


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every row of every table, ordered: for proving a failed load changed nothing."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
    ]
    return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables}  # noqa: S608


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The full synthetic demo, built once per test session through the real generator and ingest (~1 minute)."""
    from gpaccess.demo_build import build_demo_database

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    return build_demo_database(path)
