"""The list size per practice-month, stored once at load (practice_month.patients), against the ASOF join every
query used to repeat (kept here only, as the independent oracle): the stored column row by row, and each query
that reads it, on the full synthetic demo. Then: a load of only a list-size file refreshes the column, and a
database written before the column works read-only and gains it at its next writable open."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from gpaccess.access import PUBLIC, Viewer
from gpaccess.db import load_query, run
from gpaccess.ingest import ingest_files
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only, connect_writable
from gpaccess.store.connect import MACROS, summary_stand_ins
from gpaccess.store.summaries import SUMMARIES, refresh_summaries

# The list-size rule as the store macro practice_months_with_patients computed it before the column existed.
OLD_ASOF_SQL = """
WITH earliest_list AS (
    SELECT practice_code, arg_min(patients, extract_date) AS patients
    FROM list_size
    GROUP BY practice_code
)
SELECT s.*, coalesce(before.patients, earliest.patients) AS patients
FROM (SELECT * EXCLUDE (patients) FROM practice_month) AS s
ASOF LEFT JOIN list_size AS before
    ON before.practice_code = s.practice_code AND before.extract_date <= s.month
LEFT JOIN earliest_list AS earliest ON earliest.practice_code = s.practice_code
"""
# The same, as the two macros the queries call, on a cursor of the oracle: practice_month's stored column unseen.
OLD_MACROS_SQL = """
CREATE OR REPLACE TEMP MACRO practice_months_in_scope(scope_region, scope_icb, first_month, last_month) AS TABLE
    SELECT * EXCLUDE (patients) FROM practice_month
    WHERE (scope_region IS NULL OR region_code = scope_region) AND (scope_icb IS NULL OR icb_code = scope_icb)
      AND (first_month IS NULL OR month >= first_month) AND (last_month IS NULL OR month <= last_month);
CREATE OR REPLACE TEMP MACRO practice_months_with_patients(scope_region, scope_icb, first_month, last_month)
AS TABLE
    WITH earliest_list AS (
        SELECT practice_code, arg_min(patients, extract_date) AS patients FROM list_size GROUP BY practice_code
    )
    SELECT s.*, coalesce(before.patients, earliest.patients) AS patients
    FROM practice_months_in_scope(scope_region, scope_icb, first_month, last_month) AS s
    ASOF LEFT JOIN list_size AS before
        ON before.practice_code = s.practice_code AND before.extract_date <= s.month
    LEFT JOIN earliest_list AS earliest ON earliest.practice_code = s.practice_code;
"""
ICB, REGION = "QRV", "Y56"
OWN = Viewer("icb", icb_code=ICB)
MEASURES = ("face_to_face_pct", "same_day_pct", "appointments_per_1000", "within_2_weeks_pct")
PERIOD = {"date_from": dt.date(2025, 4, 1), "date_to": dt.date(2026, 3, 1)}


def windows() -> list[dict]:
    """One month, 3 and 12 months ending Sep 2026, every measure."""
    last = dt.date(2026, 9, 1)
    firsts = (last, dt.date(2026, 7, 1), dt.date(2025, 10, 1))
    return [
        {"measure": m, "window_from": first, "window_to": last}
        for m in MEASURES
        for first in firsts
    ]


# (query, viewer, scope, extra parameters): every query that reads practice_months_with_patients
CALLS = [
    ("access_by_icb", PUBLIC, Scope(), {}),
    ("access_by_icb", PUBLIC, Scope(region=REGION, **PERIOD), {}),
    ("appointments_monthly", PUBLIC, Scope(), {}),
    ("appointments_monthly", PUBLIC, Scope(region=REGION, icb=ICB, **PERIOD), {}),
    *[("support_reach", PUBLIC, Scope(), w) for w in windows()],
    *[("support_reach", PUBLIC, Scope(region=REGION), w) for w in windows()[:3]],
    *[("support_list", OWN, Scope(region=REGION, icb=ICB), w) for w in windows()],
]


def oracle(con: duckdb.DuckDBPyConnection, name: str, scope: Scope, extra: dict) -> pd.DataFrame:
    """The query's result with list sizes by the old ASOF join: every store macro as TEMP on one cursor, the two
    that give practice-months replaced by their old definitions, and those that read a summary table computing
    its rows from them (as on a database without the summaries), so no stored list size is read."""
    query = load_query(name)
    cursor = con.cursor()
    try:
        for statement in MACROS.values():
            cursor.execute(
                statement.replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO", 1)
            )
        cursor.execute(OLD_MACROS_SQL)
        for statement in summary_stand_ins(frozenset(SUMMARIES)).values():
            cursor.execute(statement)
        values = {**scope.params(), **extra}
        return cursor.execute(query.sql, {p: values[p] for p in query.parameters}).df()
    finally:
        cursor.close()


@pytest.fixture(scope="module")
def demo(demo_db: Path):
    con = connect_read_only(demo_db)
    yield con
    con.close()


def test_the_stored_list_size_is_the_asof_rule_for_every_practice_month(demo):
    stored = demo.execute("SELECT month, practice_code, patients FROM practice_month").df()
    expected = demo.execute(f"SELECT month, practice_code, patients FROM ({OLD_ASOF_SQL})").df()  # noqa: S608
    both = stored.merge(expected, on=["month", "practice_code"], how="outer", validate="one_to_one")
    assert len(both) == len(stored) == len(expected) > 100_000
    assert both["patients_x"].notna().sum() > 0.9 * len(
        both
    )  # most practice-months have a list size
    assert both["patients_x"].equals(both["patients_y"])


@pytest.mark.parametrize(("name", "viewer", "scope", "extra"), CALLS)
def test_every_query_reading_list_sizes_gives_what_the_asof_join_gave(
    demo, name, viewer, scope, extra
):
    got = run(demo, name, viewer, scope, **extra)
    expected = oracle(demo, name, scope, extra)
    assert not expected.empty
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_the_oracle_sees_a_wrong_stored_list_size(demo_db: Path, tmp_path: Path):
    """The comparison can fail: with one ICB's stored list sizes doubled, its rate differs from the oracle's."""
    copy = tmp_path / "doubled.duckdb"
    shutil.copyfile(demo_db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "UPDATE practice_month SET patients = 2 * patients WHERE icb_code = $icb", {"icb": ICB}
        )
        refresh_summaries(con)  # as a load would
        scope = Scope(region=REGION, icb=ICB)
        got = run(con, "appointments_monthly", PUBLIC, scope)
        expected = oracle(con, "appointments_monthly", scope, {})
    assert got["appointments_per_1000"].iloc[-1] == pytest.approx(
        expected["appointments_per_1000"].iloc[-1] / 2
    )


# --- loads -----------------------------------------------------------------------------------------------------
LIST_ALL = "gpad_oct25/gp-reg-pat-prac-all.csv"  # extract 1 Dec 2025


def list_file(realdata: Path, folder: Path, extract: str, add: int) -> Path:
    """A copy of the real list-size file with another extract date and `add` patients more per practice."""
    lines = (realdata / LIST_ALL).read_bytes().decode("utf-8").split("\r\n")
    header, rows = lines[0], [line for line in lines[1:] if line]
    changed = []
    for line in rows:
        cells = line.split(",")
        cells[1] = extract
        cells[-1] = str(int(cells[-1]) + add)
        changed.append(",".join(cells))
    path = folder / extract / "gp-reg-pat-prac-all.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(("\r\n".join([header, *changed]) + "\r\n").encode("utf-8"))
    return path


def file_patients(path: Path) -> dict[str, int]:
    """Practice -> patients, read from the file with pandas (TYPE GP, all sexes and ages)."""
    frame = pd.read_csv(path, dtype=str)
    rows = frame[(frame["TYPE"] == "GP") & (frame["SEX"] == "ALL") & (frame["AGE"] == "ALL")]
    return dict(zip(rows["CODE"], rows["NUMBER_OF_PATIENTS"].astype(int), strict=True))


def stored(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    rows = con.execute(
        "SELECT practice_code, patients FROM practice_month WHERE month = DATE '2025-10-01'"
    ).fetchall()
    return {code: patients for code, patients in rows}


def test_a_load_of_only_list_sizes_refreshes_the_stored_list_size(store, realdata, tmp_path):
    ingest_files(
        store,
        [
            realdata / "gpad_oct25/Mapping.csv",
            realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv",
        ],
    )
    before = stored(store)
    assert len(before) > 100 and set(before.values()) == {None}  # no list size loaded yet

    ingest_files(store, [realdata / LIST_ALL])  # after the month: its earliest extract counts
    december = file_patients(realdata / LIST_ALL)
    after_december = stored(store)
    assert {c: n for c, n in after_december.items() if n is not None} == {
        c: december[c] for c in after_december if c in december
    }
    assert sum(n is not None for n in after_december.values()) > 0.9 * len(after_december)

    september = list_file(realdata, tmp_path, "2025-09-01", add=7)
    ingest_files(store, [september])  # on or before the month: now the latest such extract counts
    after_september = stored(store)
    assert {c: n for c, n in after_september.items() if n is not None} == {
        c: december[c] + 7 for c in after_september if c in december
    }


# --- a database written before the stored list size -------------------------------------------------------------
DEVON = Scope(region="Y58", icb="QJK")


def results(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    window = {"measure": "appointments_per_1000", "window_from": None, "window_to": None}
    return {
        "appointments_monthly": run(con, "appointments_monthly", PUBLIC, DEVON),
        "access_by_icb": run(con, "access_by_icb", PUBLIC, Scope()),
        "support_reach": run(con, "support_reach", PUBLIC, DEVON, **window),
    }


def test_a_database_written_before_the_stored_list_size(realdata, tmp_path):
    current = tmp_path / "current.duckdb"
    with connect_writable(current) as con:
        ingest_files(
            con,
            [
                realdata / "gpad_oct25/Mapping.csv",
                realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv",
                realdata / LIST_ALL,
            ],
        )
    with connect_read_only(current) as con:
        expected = results(con)
    assert expected["appointments_monthly"]["appointments_per_1000"].notna().all()

    older = tmp_path / "older.duckdb"
    shutil.copyfile(current, older)
    with duckdb.connect(str(older)) as con:
        con.execute("ALTER TABLE practice_month DROP COLUMN patients")
        for table in SUMMARIES:  # written after the stored list size
            con.execute(f"DROP TABLE {table}")
        con.execute(
            "CREATE OR REPLACE MACRO gpaccess_macros_version() AS 'before-stored-list-size'"
        )
    with connect_read_only(older) as con:  # read-only: the list-size rule computed by a TEMP macro
        for name, frame in results(con).items():
            pd.testing.assert_frame_equal(frame, expected[name], check_exact=True)
    with connect_writable(older) as con:  # the next writable open stores it
        assert con.execute("SELECT count(patients) FROM practice_month").fetchone()[0] > 100
    with connect_read_only(older) as con:
        for name, frame in results(con).items():
            pd.testing.assert_frame_equal(frame, expected[name], check_exact=True)
