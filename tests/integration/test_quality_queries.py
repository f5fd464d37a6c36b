"""Coverage, recording quality, load history and refused loads, on the real Devon and Cambridgeshire file.

Every expected figure is computed here straight from the published CSVs (DuckDB reading the files, not the store),
never by the query under test. Also: the pure freshness rule (expected latest GPAD month) and the coverage caveat.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from gpaccess import failed_loads
from gpaccess.access import PUBLIC, AccessDenied, Viewer
from gpaccess.charts.quality import (
    coverage_caveat,
    expected_latest_month,
    freshness,
    history_table,
)
from gpaccess.db import run
from gpaccess.ingest import IngestError, ingest_files
from gpaccess.scope import NATIONAL, Scope
from tests.conftest import snapshot

OCT = "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"
MAPPING = "gpad_oct25/Mapping.csv"
LIST_ALL = "gpad_oct25/gp-reg-pat-prac-all.csv"
LIST_MAP = "gpad_oct25/gp-reg-pat-prac-map.csv"
AUG = "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"
ICBS = ("QJK", "QUE")  # NHS Devon, NHS Cambridgeshire and Peterborough
SUB_ICB_OF = {"QJK": "15N", "QUE": "06H"}


FILES = {
    "crosstab": OCT,
    "mapping": MAPPING,
    "list_all": LIST_ALL,
    "list_map": LIST_MAP,
    "coverage": "gpad_oct25/APPOINTMENTS_GP_COVERAGE.csv",
}
READ = "SELECT * FROM read_csv(?, header = true, quote = '\"', delim = ',', all_varchar = true)"


def published(realdata: Path) -> duckdb.DuckDBPyConnection:
    """The published files as tables in an in-memory database (the dialect given explicitly: names can hold
    quoted commas); a separate database from the store under test."""
    con = duckdb.connect()
    for table, name in FILES.items():
        con.execute(f"CREATE TABLE {table} AS {READ}", [str(realdata / name)])  # noqa: S608 - fixed names
    return con


def by_icb(frame: pd.DataFrame, month: str = "2025-10-01") -> pd.DataFrame:
    return frame[pd.to_datetime(frame["month"]) == pd.Timestamp(month)].set_index("icb_code")


# --- independent figures from the published files ------------------------------------------------------------------
def practices_in_file(realdata: Path) -> dict[str, set[str]]:
    """Practices with any appointment in the crosstab, per ICB (sub-ICB -> ICB from Mapping.csv)."""
    rows = (
        published(realdata)
        .execute(
            """SELECT DISTINCT m.ICB_CODE, c.GP_CODE FROM crosstab c
            JOIN (SELECT DISTINCT SUB_ICB_LOCATION_CODE, ICB_CODE FROM mapping) m
            USING (SUB_ICB_LOCATION_CODE)"""
        )
        .fetchall()
    )
    out: dict[str, set[str]] = {}
    for icb, code in rows:
        out.setdefault(icb, set()).add(code)
    return out


def mapping_practices(realdata: Path) -> dict[str, set[str]]:
    rows = published(realdata).execute("SELECT DISTINCT ICB_CODE, GP_CODE FROM mapping").fetchall()
    out: dict[str, set[str]] = {}
    for icb, code in rows:
        out.setdefault(icb, set()).add(code)
    return out


def list_size_practices(realdata: Path) -> dict[str, set[str]]:
    """Practices with registered patients in the list-size file; ICB = the ICB of the practice's sub-ICB.

    Not the map's own ICB_CODE column: in the Dec 2025 map, K83017 (sub-ICB 06H, Cambridgeshire and
    Peterborough) is given ICB QPM (Northamptonshire), which contradicts its sub-ICB and Mapping.csv."""
    rows = (
        published(realdata)
        .execute(
            """SELECT DISTINCT s.ICB_CODE, a.CODE FROM list_all a
            JOIN list_map m ON m.PRACTICE_CODE = a.CODE
            JOIN (SELECT DISTINCT SUB_ICB_LOCATION_CODE, ICB_CODE FROM mapping) s
              ON s.SUB_ICB_LOCATION_CODE = m.SUB_ICB_LOCATION_CODE
            WHERE a.TYPE = 'GP' AND a.SEX = 'ALL' AND a.AGE = 'ALL' AND a.NUMBER_OF_PATIENTS::INT > 0"""
        )
        .fetchall()
    )
    out: dict[str, set[str]] = {}
    for icb, code in rows:
        out.setdefault(icb, set()).add(code)
    return out


def published_included(realdata: Path, sub_icb: str) -> tuple[int, int]:
    """NHS England's own coverage file: included and open practices for a sub-ICB in Oct 2025."""
    row = (
        published(realdata)
        .execute(
            """SELECT "Included Practices"::INT, "Open Practices"::INT FROM coverage
            WHERE SUB_ICB_LOCATION_CODE = ? AND Appointment_Month = '01OCT2025'""",
            [sub_icb],
        )
        .fetchall()[0]
    )
    return row[0], row[1]


# --- coverage ----------------------------------------------------------------------------------------------------------
def test_coverage_against_the_practice_table_matches_the_files(store, realdata):
    """No list sizes loaded: practices open = the practice table (Mapping.csv plus any crosstab practice)."""
    ingest_files(store, [realdata / MAPPING, realdata / OCT])
    in_file, mapped = practices_in_file(realdata), mapping_practices(realdata)
    got = by_icb(run(store, "coverage_by_icb_month", PUBLIC, NATIONAL))
    for icb in ICBS:
        open_ = mapped[icb] | in_file[icb]
        row = got.loc[icb]
        assert row["open_basis"] == "practice table"
        assert row["practices_in_data"] == len(in_file[icb])
        assert row["practices_open"] == len(open_)
        assert row["open_with_data"] == len(in_file[icb] & open_)
        assert row["coverage_pct"] == pytest.approx(
            round(100 * len(in_file[icb] & open_) / len(open_), 1)
        )
    # An ICB whose file was not loaded: open practices from Mapping.csv, none with data.
    assert got.loc["QRV", "practices_open"] == len(mapped["QRV"])
    assert got.loc["QRV", "practices_in_data"] == 0 and got.loc["QRV", "coverage_pct"] == 0
    assert len(got) == 42  # every ICB, for the one month held


def test_coverage_against_list_sizes_matches_the_files_and_nhs_englands_coverage(store, realdata):
    ingest_files(
        store, [realdata / MAPPING, realdata / OCT, realdata / LIST_ALL, realdata / LIST_MAP]
    )
    in_file, listed = practices_in_file(realdata), list_size_practices(realdata)
    got = by_icb(run(store, "coverage_by_icb_month", PUBLIC, Scope(region=None)))
    for icb in ICBS:
        row = got.loc[icb]
        assert row["open_basis"] == "list size 01 Dec 2025"  # the nearest extract, 61 days after
        assert row["practices_open"] == len(listed[icb])
        assert row["open_with_data"] == len(in_file[icb] & listed[icb])
        assert row["coverage_pct"] == pytest.approx(
            round(100 * len(in_file[icb] & listed[icb]) / len(listed[icb]), 1)
        )
        included, _open = published_included(realdata, SUB_ICB_OF[icb])
        assert row["practices_in_data"] == included  # NHS England's "Included Practices", Oct 2025
    # The figures themselves, for the record: Devon 115 of 117 (98.3%), Cambridgeshire 84 of 85 (98.8%).
    assert got.loc["QJK", ["open_with_data", "practices_open"]].tolist() == [115, 117]
    assert got.loc["QUE", ["open_with_data", "practices_open"]].tolist() == [84, 85]
    assert published_included(realdata, "06H") == (
        84,
        85,
    )  # NHS England's open count agrees for QUE


def test_coverage_scope_filters(store, realdata):
    ingest_files(store, [realdata / MAPPING, realdata / OCT])
    one = run(store, "coverage_by_icb_month", PUBLIC, Scope(icb="QUE"))
    assert one["icb_code"].tolist() == ["QUE"]
    region = run(store, "coverage_by_icb_month", PUBLIC, Scope(region="Y58"))
    assert set(region["region_code"]) == {"Y58"} and "QJK" in set(region["icb_code"])
    later = run(store, "coverage_by_icb_month", PUBLIC, Scope(date_from=dt.date(2025, 11, 1)))
    assert later.empty


def write_month(realdata: Path, folder: Path, month: str, leave_out: set[str]) -> Path:
    """The October file re-dated to another month, without the rows of some practices (text-level edit)."""
    lines = (realdata / OCT).read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [lines[0]] + [
        line.replace("01OCT2025", month, 1)
        for line in lines[1:]
        if line.split(",", 2)[1] not in leave_out
    ]
    path = folder / f"Practice_Level_Crosstab_Devon_Cambs_{month}.csv"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def test_practices_whose_data_dropped_out_and_came_back(store, realdata, tmp_path):
    in_file = practices_in_file(realdata)
    gone = {sorted(in_file["QUE"])[0], sorted(in_file["QUE"])[1], sorted(in_file["QJK"])[5]}
    nov = write_month(realdata, tmp_path, "01NOV2025", gone)
    dec = write_month(realdata, tmp_path, "01DEC2025", set())
    ingest_files(store, [realdata / MAPPING, realdata / OCT, nov, dec])
    got = run(store, "coverage_by_icb_month", PUBLIC, NATIONAL)
    for icb in ICBS:
        expected_gone = len(gone & in_file[icb])
        assert by_icb(got, "2025-10-01").loc[icb, ["dropped_out", "joined"]].tolist() == [0, 0]
        assert by_icb(got, "2025-11-01").loc[icb, "dropped_out"] == expected_gone
        assert by_icb(got, "2025-11-01").loc[icb, "practices_in_data"] == len(in_file[icb]) - (
            expected_gone
        )
        assert by_icb(got, "2025-12-01").loc[icb, ["dropped_out", "joined"]].tolist() == [
            0,
            expected_gone,
        ]
    # A period filter (the caveat asks for one month) gives the same rows, dropped-out counts included.
    for first, last in [("2025-11-01", "2025-11-01"), ("2025-12-01", "2025-12-01")]:
        period = Scope(date_from=dt.date.fromisoformat(first), date_to=dt.date.fromisoformat(last))
        one = run(store, "coverage_by_icb_month", PUBLIC, period).reset_index(drop=True)
        months = pd.to_datetime(got["month"])
        whole = got[(months >= first) & (months <= last)].reset_index(drop=True)
        pd.testing.assert_frame_equal(one, whole)
    # The ICB's own users see which practices (and when their data came back); nobody else does.
    que = Viewer(role="icb", icb_code="QUE")
    listed = run(store, "dropped_out_practices", que, Scope(icb="QUE"))
    assert set(listed["practice_code"]) == gone & in_file["QUE"]
    assert {str(m)[:10] for m in listed["month"]} == {"2025-11-01"}
    assert {str(m)[:10] for m in listed["data_again_from"]} == {"2025-12-01"}
    for viewer in (PUBLIC, Viewer(role="national"), Viewer(role="icb", icb_code="QJK")):
        with pytest.raises(AccessDenied):
            run(store, "dropped_out_practices", viewer, Scope(icb="QUE"))


# --- recording quality -----------------------------------------------------------------------------------------------
def test_unknown_and_unmapped_shares_match_the_file(store, realdata):
    ingest_files(store, [realdata / MAPPING, realdata / OCT])
    expected = (
        published(realdata)
        .execute(
            """SELECT m.ICB_CODE AS icb_code,
                sum(c.COUNT_OF_APPOINTMENTS::BIGINT) AS total,
                sum(c.COUNT_OF_APPOINTMENTS::BIGINT) FILTER (WHERE c.APPT_MODE = 'Unknown') AS mode,
                sum(c.COUNT_OF_APPOINTMENTS::BIGINT) FILTER (WHERE c.APPT_STATUS = 'Unknown') AS status,
                sum(c.COUNT_OF_APPOINTMENTS::BIGINT) FILTER (WHERE c.NATIONAL_CATEGORY = 'Unmapped') AS unmapped,
                sum(c.COUNT_OF_APPOINTMENTS::BIGINT) FILTER (
                    WHERE c.NATIONAL_CATEGORY = 'Inconsistent Mapping') AS inconsistent
            FROM crosstab c
            JOIN (SELECT DISTINCT SUB_ICB_LOCATION_CODE, ICB_CODE FROM mapping) m
            USING (SUB_ICB_LOCATION_CODE) GROUP BY 1"""
        )
        .df()
        .set_index("icb_code")
    )
    got = by_icb(run(store, "recording_quality_by_icb_month", PUBLIC, NATIONAL))
    assert set(got.index) == set(ICBS)
    for icb in ICBS:
        e, g = expected.loc[icb], got.loc[icb]
        assert g["appointments"] == e["total"]
        assert g["unknown_mode"] == e["mode"] and g["unknown_status"] == e["status"]
        assert g["unmapped"] == e["unmapped"] and g["inconsistent_mapping"] == e["inconsistent"]
        for share, part in [
            ("unknown_mode_pct", "mode"),
            ("unknown_status_pct", "status"),
            ("unmapped_pct", "unmapped"),
            ("inconsistent_mapping_pct", "inconsistent"),
        ]:
            assert g[share] == pytest.approx(100 * e[part] / e["total"], abs=0.005)
    # Devon, for the record: 28,596 unknown mode of 1,029,447 (2.78%); 91,017 Inconsistent Mapping (8.84%).
    assert got.loc["QJK", ["unknown_mode", "inconsistent_mapping"]].tolist() == [28_596, 91_017]


# --- load history, months held, refused loads ------------------------------------------------------------------------
def corrupt_copy(realdata: Path, folder: Path) -> Path:
    """The August file with one count made negative."""
    lines = (realdata / AUG).read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[5].rstrip("\n").split(",")
    fields[12] = "-" + fields[12]
    lines[5] = ",".join(fields) + "\n"
    path = folder / "Practice_Level_Crosstab_Aug_25_corrupt.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def db_file(con: duckdb.DuckDBPyConnection) -> Path:
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = 'test'").fetchone()
    assert row is not None
    return Path(row[0])


def test_load_history_months_held_and_a_refused_load(store, realdata, tmp_path):
    ingest_files(
        store, [realdata / MAPPING, realdata / OCT, realdata / LIST_ALL], loaded_by="analyst"
    )
    history = run(store, "load_history", PUBLIC, NATIONAL)
    crosstab = history[history["file_name"] == Path(OCT).name].iloc[0]
    assert crosstab["sha256"] == hashlib.sha256((realdata / OCT).read_bytes()).hexdigest()
    assert crosstab["rows"] == 41_173 and crosstab["months"] == "2025-10"
    assert crosstab["loaded_by"] == "analyst" and crosstab["outcome"] == "loaded"
    assert set(history["file_name"]) == {Path(OCT).name, "Mapping.csv", Path(LIST_ALL).name}

    held = run(store, "months_held", PUBLIC, NATIONAL).set_index("source")
    appointments = held.loc["Appointments (GPAD practice level)"]
    assert pd.Timestamp(appointments["newest_month"]) == pd.Timestamp("2025-10-01")
    assert appointments["months"] == 1 and appointments["practices"] == 199
    lists = held.loc["Registered patients (list sizes)"]
    assert pd.Timestamp(lists["newest_month"]) == pd.Timestamp("2025-12-01")

    bad = corrupt_copy(realdata, tmp_path)
    before = snapshot(store)
    with pytest.raises(IngestError) as caught:
        ingest_files(store, [bad], loaded_by="analyst")
    assert snapshot(store) == before  # nothing changed, load_log included
    refused = failed_loads.read(db_file(store))
    assert len(refused) == 1
    row = refused.iloc[0]
    assert row["outcome"] == "refused" and row["file_name"] == bad.name
    assert row["sha256"] == hashlib.sha256(bad.read_bytes()).hexdigest()
    problem = caught.value.problems[0]
    assert problem.value and problem.value in str(problem)  # the loader's message quotes the value
    assert problem.public() in row["problems"] and problem.value not in row["problems"]
    table = history_table(run(store, "load_history", PUBLIC, NATIONAL))
    assert table["outcome"].tolist()[0] == "refused"  # newest first, read through the data seam
    assert table["problems"].tolist()[0] == row["problems"]
    assert sorted(table["outcome"]) == ["loaded", "loaded", "loaded", "refused"]


# --- freshness and the caveat (pure) -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 11, 23), dt.date(2026, 9, 1)),  # October ended 31 Oct: due about 5 Dec
        (dt.date(2026, 11, 4), dt.date(2026, 9, 1)),  # September ended 30 Sep + 35 days = 4 Nov
        (dt.date(2026, 11, 3), dt.date(2026, 8, 1)),
        (dt.date(2026, 12, 5), dt.date(2026, 10, 1)),
        (dt.date(2026, 1, 15), dt.date(2025, 11, 1)),  # across the year end
        (dt.date(2026, 2, 4), dt.date(2025, 12, 1)),
    ],
)
def test_expected_latest_month(today, expected):
    assert expected_latest_month(today) == expected


def test_freshness_warns_only_when_behind():
    today = dt.date(2026, 11, 23)
    assert not freshness(dt.date(2026, 9, 1), today).stale
    assert not freshness(dt.date(2026, 10, 1), today).stale  # early publication is fine
    late = freshness(dt.date(2026, 6, 1), today)
    assert late.stale and late.months_behind == 3
    assert "June 2026" in late.message and "September 2026" in late.message
    assert freshness(None, today).stale


def test_caveat_for_poor_coverage_only(store, realdata):
    ingest_files(
        store, [realdata / MAPPING, realdata / OCT, realdata / LIST_ALL, realdata / LIST_MAP]
    )
    england = run(store, "coverage_by_icb_month", PUBLIC, NATIONAL)
    text = coverage_caveat(england, dt.date(2025, 10, 1), "England")
    listed = list_size_practices(realdata)
    in_file = practices_in_file(realdata)
    with_data = sum(len(in_file[i] & listed[i]) for i in ICBS)
    total_open = sum(len(v) for v in listed.values())
    assert text is not None
    assert f"only {with_data:,} of {total_open:,} open practices in England" in text
    devon = run(store, "coverage_by_icb_month", PUBLIC, Scope(icb="QJK"))
    assert coverage_caveat(devon, dt.date(2025, 10, 1), "NHS Devon ICB") is None  # 98.3% >= 95%
