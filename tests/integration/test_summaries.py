"""The summary tables the page queries read (gpaccess/store/summaries.py, #19).

- Each table against pandas on a small store written by hand with the awkward cases: a practice with a gap in its
  data, one recorded under two ICBs in one month, a month no practice has data for, a practice that joins, one
  that stops, a month without appointments, practices without a list size.
- Every query that now reads them against the query it replaced (kept in tests/integration/before_19/, only as
  the oracle), on that store and on the full demo (the impact panel: both programmes, every measure).
- A load refreshes them; a database written before them works read-only (the same rows, computed) and gains
  them at its next writable open.

The impact panel's own tables (impact_window, stored_impact_panel) are tested in test_impact_store.py.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from gpaccess.access import Viewer
from gpaccess.db import _PARAM, _strip_comments, run
from gpaccess.impact import query_params
from gpaccess.ingest import ingest_files
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only, connect_writable
from gpaccess.store.connect import stored_macros_current
from gpaccess.store.derived import refresh_patients
from gpaccess.store.summaries import SUMMARIES, missing_summaries, refresh_summaries

BEFORE = Path(__file__).parent / "before_19"
D = dt.date
MONTHS = [D(2024, m, 1) for m in (1, 2, 3, 4, 6, 7, 8)]  # May 2024: no practice has data
# practice -> (ICB, region) in the practice table
PRACTICES = {
    "P00001": ("QRV", "Y56"),  # every month
    "P00002": ("QRV", "Y56"),  # no data in March, back in April
    "P00003": ("QMJ", "Y56"),  # QRV until April (in both ICBs' data in April), QMJ after
    "P00004": ("QMJ", "Y56"),  # from June only (after the month nobody has data for)
    "P00005": ("QMJ", "Y56"),  # joins in March
    "P00006": ("QJK", "Y58"),  # January and February, then never again
    "P00007": ("QJK", "Y58"),  # every month, no appointments in February
}
SUB_ICB = {"QRV": "W2U3Z", "QMJ": "93C", "QJK": "15N"}


def practice_months() -> pd.DataFrame:
    """(month, practice, ICB) of every practice_month row of the hand-written store."""
    rows = []
    for month in MONTHS:
        rows.append((month, "P00001", "QRV"))
        if month != D(2024, 3, 1):
            rows.append((month, "P00002", "QRV"))
        if month <= D(2024, 4, 1):
            rows.append((month, "P00003", "QRV"))
        if month >= D(2024, 4, 1):
            rows.append((month, "P00003", "QMJ"))
        if month >= D(2024, 6, 1):
            rows.append((month, "P00004", "QMJ"))
        if month >= D(2024, 3, 1):
            rows.append((month, "P00005", "QMJ"))
        if month <= D(2024, 2, 1):
            rows.append((month, "P00006", "QJK"))
        rows.append((month, "P00007", "QJK"))
    frame = pd.DataFrame(rows, columns=["month", "practice_code", "icb_code"])
    rng = np.random.default_rng(19)
    n = len(frame)
    frame["appointments"] = rng.integers(500, 3000, n)
    frame.loc[
        (frame["practice_code"] == "P00007") & (frame["month"] == D(2024, 2, 1)), "appointments"
    ] = 0
    for column in (
        "face_to_face",
        "telephone",
        "same_day",
        "dna",
        "unknown_band",
        "gp",
        "unmapped",
    ):
        frame[column] = (frame["appointments"] * rng.uniform(0.01, 0.6, n)).astype(int)
    for column in (
        "video_online",
        "home_visit",
        "unknown_mode",
        "unknown_status",
        "inconsistent_mapping",
    ):
        frame[column] = (frame["appointments"] * rng.uniform(0, 0.05, n)).astype(int)
    frame["attended"] = frame["appointments"] - frame["dna"] - frame["unknown_status"]
    frame["within_2_weeks"] = (frame["appointments"] - frame["unknown_band"]) // 2
    frame["other_staff"] = frame["appointments"] - frame["gp"]
    frame["sub_icb_code"] = frame["icb_code"].map(SUB_ICB)
    frame["region_code"] = frame["icb_code"].map({"QRV": "Y56", "QMJ": "Y56", "QJK": "Y58"})
    return frame


LIST_SIZES = [  # extracts on 1 January and 1 April; P00006 has none
    (code, extract, 4000 + 1000 * i + (500 if extract.month == 4 else 0))
    for i, code in enumerate(sorted(PRACTICES))
    if code != "P00006"
    for extract in (D(2024, 1, 1), D(2024, 4, 1))
]
ENROLMENTS = [  # programme, phase, level, practice, enrolled, started, status
    ("GPIP", "Cohort 1", "intensive", "P00001", D(2023, 6, 1), D(2023, 7, 1), "completed"),
    ("GPIP", "Cohort 1", "universal", "P00004", D(2023, 6, 1), D(2023, 7, 1), "completed"),
    ("GPIP", "Cohort 1", "intermediate", "P00006", D(2023, 6, 1), None, "withdrawn"),
]


def write_store(path: Path) -> Path:
    """The hand-written store, its summaries refreshed as a load stores them."""
    con = connect_writable(path)
    try:
        for code, (icb, region) in PRACTICES.items():
            con.execute(
                "INSERT INTO practice VALUES (?, ?, NULL, NULL, ?, ?, ?, 'test')",
                [code, f"Practice {code}", SUB_ICB[icb], icb, region],
            )
        con.register("pm", practice_months())
        con.execute("INSERT INTO practice_month BY NAME SELECT * FROM pm")
        con.executemany("INSERT INTO list_size VALUES (?, ?, ?)", LIST_SIZES)
        con.execute(
            "INSERT INTO programme VALUES ('GPIP', 'General Practice Improvement Programme', "
            "DATE '2023-05-01', NULL, 1500), ('Accelerate', 'Accelerate', DATE '2021-12-01', "
            "DATE '2024-03-15', NULL)"
        )
        con.executemany(
            "INSERT INTO enrolment (programme, phase, level, practice_code, enrolled_date, started_date, "
            "status) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ENROLMENTS,
        )
        refresh_patients(con)
        refresh_summaries(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def edge_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("summaries") / "edge.duckdb")


@pytest.fixture(scope="module")
def edge(edge_path: Path):
    con = connect_read_only(edge_path)
    yield con
    con.close()


# --- each table against pandas ------------------------------------------------------------------------------
def test_scope_month_is_the_sums_and_distinct_practices_of_each_scope(edge):
    stored = edge.execute("SELECT * FROM scope_month").df()
    pm = edge.execute("SELECT * FROM practice_month").df()
    sums = ["appointments", "face_to_face", "dna", "within_2_weeks", "other_staff", "patients"]
    for level, keys in (
        ("england", []),
        ("region", ["region_code"]),
        ("icb", ["region_code", "icb_code"]),
    ):
        want = pm.groupby(["month", *keys]).agg(
            practices=("practice_code", "nunique"),
            practice_rows=("practice_code", "size"),
            **{c: (c, "sum") for c in sums},
        )
        got = stored[stored["level"] == level].set_index(["month", *keys])[want.columns]
        pd.testing.assert_frame_equal(
            got.sort_index().astype(float), want.sort_index().astype(float), check_names=False
        )
    april = stored[(stored["level"] == "england") & (stored["month"] == pd.Timestamp("2024-04-01"))]
    assert april["practices"].item() == april["practice_rows"].item() - 1  # P00003 in two ICBs
    assert pd.Timestamp("2024-05-01") not in set(stored["month"])


def practices_with_data(pm: pd.DataFrame, first: dt.date, last: dt.date) -> dict[str, int]:
    held = pm[(pm["month"] >= pd.Timestamp(first)) & (pm["month"] <= pd.Timestamp(last))]
    return held.groupby("icb_code")["practice_code"].nunique().to_dict()


def test_practice_runs_count_the_practices_with_data_in_any_period(edge):
    pm = edge.execute("SELECT month, practice_code, icb_code FROM practice_month").df()
    months = pd.date_range("2023-12-01", "2024-09-01", freq="MS").date
    for first in months:
        for last in months[months >= first]:
            got = edge.execute(
                "SELECT icb_code, count(DISTINCT practice_code) FROM "
                "practice_runs_in_scope(NULL, NULL, $first, $last) GROUP BY icb_code",
                {"first": first, "last": last},
            ).fetchall()
            assert dict(got) == practices_with_data(pm, first, last), (first, last)
    runs = edge.execute(
        "SELECT count(*) FROM practice_run WHERE practice_code = 'P00002'"
    ).fetchone()
    assert runs == (3,)  # Jan-Feb, April, June-August: a month nobody has data for ends a run too


def expected_dropouts(pm: pd.DataFrame) -> pd.DataFrame:
    held = sorted(set(pm["month"]))
    present = set(zip(pm["practice_code"], pm["month"], strict=True))
    rows = []
    for row in pm.itertuples():
        after = (row.month + pd.DateOffset(months=1)).normalize()
        if after in held and (row.practice_code, after) not in present:
            back = [m for m in held if m > after and (row.practice_code, m) in present]
            rows.append(
                (
                    after,
                    row.practice_code,
                    row.icb_code,
                    row.appointments,
                    back[0] if back else pd.NaT,
                )
            )
    columns = ["month", "practice_code", "icb_code", "appointments_month_before", "data_again_from"]
    return pd.DataFrame(rows, columns=columns).sort_values(columns[:3]).reset_index(drop=True)


def test_practice_dropout_is_data_the_month_before_and_none_in_any_icb(edge):
    pm = edge.execute(
        "SELECT month, practice_code, icb_code, appointments FROM practice_month"
    ).df()
    want = expected_dropouts(pm)
    got = edge.execute(
        "SELECT * FROM practice_dropout ORDER BY month, practice_code, icb_code"
    ).df()
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert set(got["practice_code"]) == {
        "P00002",
        "P00006",
    }  # not P00003 (moved ICB), nor anyone in June


def test_coverage_counts_practices_in_data_and_joiners(edge):
    coverage = (
        edge.execute("SELECT * FROM icb_month_coverage").df().set_index(["month", "icb_code"])
    )
    pm = edge.execute("SELECT month, practice_code, icb_code FROM practice_month").df()
    in_data = pm.groupby(["month", "icb_code"]).size()
    assert coverage["practices_in_data"].reindex(in_data.index).tolist() == in_data.tolist()
    held = set(pm["month"])
    present = set(zip(pm["practice_code"], pm["month"], strict=True))
    before = pm["month"] - pd.DateOffset(months=1)
    missing_before = pd.Series(
        [(p, b) not in present for p, b in zip(pm["practice_code"], before, strict=True)],
        index=pm.index,
    )
    joined = pm[before.isin(held) & missing_before]
    want = joined.groupby(["month", "icb_code"]).size()
    got = coverage["joined"][coverage["joined"] > 0]
    assert got.sort_index().to_dict() == want.sort_index().to_dict()
    assert want.to_dict() == {
        (pd.Timestamp("2024-03-01"), "QMJ"): 1,
        (pd.Timestamp("2024-04-01"), "QRV"): 1,  # P00002 back, after no data in March
    }


# --- every query against the one it replaced --------------------------------------------------------------
def oracle(con: duckdb.DuckDBPyConnection, name: str, scope: Scope, extra: dict) -> pd.DataFrame:
    """The query before #19 (tests/integration/before_19), on the same database and parameters."""
    sql = (BEFORE / f"{name}.sql").read_text(encoding="utf-8")
    values = {**scope.params(), **extra}
    used = dict.fromkeys(_PARAM.findall(_strip_comments(sql)))
    cursor = con.cursor()
    try:
        return cursor.execute(sql, {p: values[p] for p in used}).df()
    finally:
        cursor.close()


def same(got: pd.DataFrame, want: pd.DataFrame, what: str) -> None:
    """Equal, floats to 1e-12 (sums of the same numbers in another order)."""
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, obj=what)


QUERIES = (
    "appointments_monthly", "access_counts_monthly", "appointments_latest", "access_by_icb",
    "recording_quality_by_icb_month", "coverage_by_icb_month", "dropped_out_practices", "uptake_by_icb",
    "funding_by_icb",
)  # fmt: skip


def scopes(region: str, icb: str, first: dt.date, last: dt.date) -> list[Scope]:
    return [
        Scope(),
        Scope(region=region),
        Scope(region=region, icb=icb),
        Scope(region=region, icb=icb, date_from=first, date_to=last),
        Scope(date_from=first, date_to=first),
    ]


def compare_all(con: duckdb.DuckDBPyConnection, all_scopes: list[Scope]) -> int:
    compared = 0
    for name in QUERIES:
        for scope in all_scopes:
            viewer = Viewer("icb", icb_code=scope.icb) if scope.icb else Viewer("national")
            if name == "dropped_out_practices" and not scope.icb:
                continue  # names practices: an ICB's own viewer only
            got = run(con, name, viewer, scope)
            same(got, oracle(con, name, scope, {}), f"{name} {scope}")
            compared += not got.empty
    return compared


def test_every_query_gives_what_it_gave_before_on_the_awkward_store(edge):
    edge_scopes = scopes("Y56", "QRV", D(2024, 2, 1), D(2024, 6, 1))
    assert compare_all(edge, [*edge_scopes, Scope(region="Y58", icb="QJK")]) > 40
    assert compare_all(edge, [Scope(date_from=D(2024, 5, 1), date_to=D(2024, 5, 1))]) >= 0


@pytest.fixture(scope="module")
def demo(demo_db: Path):
    con = connect_read_only(demo_db)
    yield con
    con.close()


def test_every_query_gives_what_it_gave_before_on_the_demo(demo):
    assert compare_all(demo, scopes("Y56", "QRV", D(2025, 4, 1), D(2026, 3, 1))) > 35


@pytest.mark.parametrize("programme", ["Accelerate", "GPIP"])
@pytest.mark.parametrize("measure", ["face_to_face", "per_1000", "same_day", "dna"])
def test_the_impact_panel_is_what_it_was_before(demo, programme, measure):
    params = query_params(measure)
    for scope in (Scope(programme=programme), Scope(region="Y56", icb="QRV", programme=programme)):
        got = run(demo, "impact_panel", Viewer("national"), scope, **params)
        assert len(got) > 100
        # arm is now a categorical of its two labels (an ENUM in the query), not a string a row
        assert list(got["arm"].cat.categories) == ["comparator", "supported"]
        got["arm"] = got["arm"].astype(str)
        same(got, oracle(demo, "impact_panel", scope, params), f"impact_panel {scope} {measure}")


# --- loads, and a database written before the tables -----------------------------------------------------------
def test_a_load_refreshes_the_summaries(store, realdata):
    ingest_files(
        store,
        [
            realdata / "gpad_oct25/Mapping.csv",
            realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv",
        ],
    )
    months = store.execute("SELECT DISTINCT month FROM scope_month").fetchall()
    assert months == [(D(2025, 10, 1),)]
    assert store.execute("SELECT count(patients) FROM impact_window").fetchone() == (0,)
    ingest_files(
        store, [realdata / "gpad_oct25/gp-reg-pat-prac-all.csv"]
    )  # extract 1 Dec 2025, alone
    patients = store.execute(
        "SELECT w.patients, l.patients FROM impact_window AS w JOIN list_size AS l USING (practice_code)"
    ).fetchall()
    assert len(patients) > 100  # the only extract is the nearest for every start month
    assert all(stored == extract for stored, extract in patients)
    rate = run(store, "appointments_monthly", Viewer("national"), Scope())["appointments_per_1000"]
    assert rate.notna().all()


def test_a_database_written_before_the_summaries(demo_db: Path, tmp_path: Path):
    older = tmp_path / "older.duckdb"
    shutil.copyfile(demo_db, older)
    with duckdb.connect(str(older)) as con:
        for table in (*SUMMARIES, "stored_impact_panel", "stored_impact_estimate"):
            con.execute(f"DROP TABLE {table}")
        con.execute("CREATE OR REPLACE MACRO gpaccess_macros_version() AS 'before-19'")
    scope, icb = Scope(region="Y56", icb="QRV", programme="GPIP"), Viewer("icb", icb_code="QRV")
    calls = [(name, icb, scope, {}) for name in QUERIES] + [
        ("impact_panel", icb, scope, query_params("face_to_face")),
        ("impact_panel", Viewer("national"), Scope(programme="GPIP"), query_params("face_to_face")),
    ]
    with connect_read_only(demo_db) as current:
        want = [run(current, *call[:3], **call[3]) for call in calls]
    with connect_read_only(older) as con:  # read-only: the rows computed by TEMP macros
        assert missing_summaries(con) == tuple(SUMMARIES) and not stored_macros_current(con)
        for call, expected in zip(calls, want, strict=True):
            same(run(con, *call[:3], **call[3]), expected, call[0])
        # no estimate stored: none read (the page computes it from the panel)
        estimate_asked = ("impact_estimate_stored", Viewer("national"), Scope(programme="GPIP"))
        assert run(con, *estimate_asked, **query_params("face_to_face")).empty
    connect_writable(older).close()  # the next writable open builds them
    with connect_read_only(older) as con:
        assert not missing_summaries(con) and stored_macros_current(con)
        assert con.execute("SELECT count(*) FROM stored_impact_panel").fetchone()[0] > 1000
        assert len(run(con, *estimate_asked, **query_params("face_to_face"))) == 1
        for call, expected in zip(calls, want, strict=True):
            same(run(con, *call[:3], **call[3]), expected, call[0])
