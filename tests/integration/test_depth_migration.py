"""A database written before access in depth (#16): read-only it still runs every access query (the new
measures as no data), and its next writable open derives the new columns and table from `appointment`."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from gpaccess.access import PUBLIC
from gpaccess.db import run
from gpaccess.figures import appointment_figures
from gpaccess.ingest import ingest_files
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only, connect_writable
from gpaccess.store.summaries import SUMMARIES

DEVON = Scope(region="Y58", icb="QJK")
QUERIES = (
    ("appointments_monthly", {}),
    ("appointments_latest", {}),
    ("access_by_icb", {}),
    ("access_by_sub_icb", {}),
    ("access_by_pcn", {}),
    ("access_mix_monthly", {"dimension": "time_band"}),
    ("support_reach", {"measure": "within_2_weeks_pct", "window_from": None, "window_to": None}),
)


@pytest.fixture
def loaded(tmp_path: Path, realdata: Path) -> Path:
    path = tmp_path / "current.duckdb"
    with connect_writable(path) as con:
        ingest_files(
            con,
            [
                realdata / "gpad_oct25/Mapping.csv",
                realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv",
            ],
        )
    return path


def make_older(current: Path, older: Path) -> None:
    """As the store was before #16: practice_month without the columns, no mix table (nor the later summary
    tables), older macros."""
    shutil.copyfile(current, older)
    with duckdb.connect(str(older)) as con:
        for table in SUMMARIES:
            con.execute(f"DROP TABLE {table}")
        con.execute("ALTER TABLE practice_month DROP COLUMN within_2_weeks")
        con.execute("ALTER TABLE practice_month DROP COLUMN other_staff")
        con.execute("DROP MACRO TABLE mix_in_scope")
        con.execute("DROP TABLE sub_icb_month_mix")
        con.execute("CREATE OR REPLACE MACRO gpaccess_macros_version() AS 'before-16'")


def results(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    return {name: run(con, name, PUBLIC, DEVON, **extra) for name, extra in QUERIES}


def test_an_older_database_read_only_runs_every_access_query(loaded, tmp_path):
    older = tmp_path / "older.duckdb"
    make_older(loaded, older)
    with connect_read_only(older) as con:
        got = results(con)
        figures = appointment_figures(con, PUBLIC, DEVON)
    assert got["appointments_monthly"]["within_2_weeks_pct"].isna().all()
    assert got["appointments_monthly"]["face_to_face_pct"].notna().all()  # the rest as before
    assert got["access_mix_monthly"].empty
    assert figures["total"] == 1_029_447 and figures["within_2_weeks_pct"] is None


def test_the_next_writable_open_migrates_an_older_database(loaded, tmp_path):
    with connect_read_only(loaded) as con:
        want = results(con)
    older = tmp_path / "older.duckdb"
    make_older(loaded, older)
    connect_writable(older).close()
    with connect_read_only(older) as con:
        got = results(con)
    for name, frame in want.items():
        pd.testing.assert_frame_equal(got[name], frame, check_like=True, obj=name)
    assert want["appointments_monthly"]["within_2_weeks_pct"].notna().all()
    assert not want["access_mix_monthly"].empty
