"""The data seam beyond the header contract (test_every_query.py): identity queries are checked row by row, and
the shared table macros (gpaccess/store/macros.sql) work on databases written before or after they existed.

A small store: six practices in North West London (QRV), three in South East London (QKK), one month of
appointments and list sizes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import gpaccess.db
from gpaccess.access import PUBLIC, AccessDenied, Viewer
from gpaccess.db import Query, load_query, run
from gpaccess.scope import Scope
from gpaccess.store import connect_read_only, connect_writable
from gpaccess.store.connect import MACROS, stored_macros_current
from gpaccess.store.derived import refresh_patients
from gpaccess.store.summaries import refresh_summaries

MONTH = dt.date(2025, 1, 1)
OWN, OTHER = "QRV", "QKK"
PRACTICES = [(f"R0000{i}", OWN) for i in range(1, 7)] + [(f"K0000{i}", OTHER) for i in range(1, 4)]
ICB_VIEWER = Viewer(role="icb", icb_code=OWN)
WINDOW = {"measure": "face_to_face_pct", "window_from": MONTH, "window_to": MONTH}
PM_ZEROS = [
    "telephone", "video_online", "home_visit", "unknown_mode", "attended", "dna", "unknown_status",
    "unknown_band", "gp", "unmapped", "inconsistent_mapping",
]  # fmt: skip


def build_store(path: Path) -> None:
    con = connect_writable(path)
    con.executemany(
        "INSERT INTO practice (practice_code, practice_name, sub_icb_code, icb_code, region_code, source) "
        "VALUES (?, ?, 'S' || ?, ?, 'Y56', 'test')",
        [(code, f"PRACTICE {code}", icb, icb) for code, icb in PRACTICES],
    )
    months = pd.DataFrame(
        [
            (MONTH, code, "S" + icb, icb, "Y56", 1000, 100 * (i + 1), 50 * (i + 1))
            for i, (code, icb) in enumerate(PRACTICES)
        ],
        columns=[
            "month", "practice_code", "sub_icb_code", "icb_code", "region_code", "appointments",
            "face_to_face", "same_day",
        ],
    )  # fmt: skip
    for column in PM_ZEROS:
        months[column] = 0
    con.register("pm", months)
    con.execute("INSERT INTO practice_month BY NAME SELECT * FROM pm")
    con.executemany(
        "INSERT INTO list_size VALUES (?, ?, 5000)", [(code, MONTH) for code, _ in PRACTICES]
    )
    refresh_patients(con)  # as a load stores them
    refresh_summaries(con)
    con.execute(
        "INSERT INTO enrolment (programme, phase, level, practice_code, enrolled_date, status) "
        "VALUES ('GPIP', 'Phase 1', 'universal', 'R00001', DATE '2024-06-01', 'active')"
    )
    con.close()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seam") / "seam.duckdb"
    build_store(path)
    return path


@pytest.fixture
def con(store_path):
    connection = connect_read_only(store_path)
    yield connection
    connection.close()


def plant(monkeypatch, query: Query) -> None:
    """Make db.run run `query` whatever name it is asked for."""
    monkeypatch.setattr(gpaccess.db, "load_query", lambda name: query)


def planted(sql: str) -> Query:
    return Query(
        name="planted",
        sql=sql,
        grain="one row per practice",
        parameters=(),
        source="practice",
        identities=True,
    )


# Identity queries, row by row -----------------------------------------------------------------------------------


def test_the_named_list_passes_the_row_check(con):
    frame = run(con, "support_list", ICB_VIEWER, Scope(icb=OWN), **WINDOW)
    # ceil(0.2 x 6) = 2, lowest face-to-face share first
    assert frame["practice_code"].tolist() == ["R00001", "R00002"]


def test_a_named_list_leaking_another_icbs_practice_is_refused(con, monkeypatch):
    query = load_query("support_list")
    leaky = query.sql.replace("support_ranking($region, $icb,", "support_ranking($region, NULL,")
    leaky = leaky.replace(" AND r.icb_code = $icb", "")
    assert leaky.count("$icb") < query.sql.count("$icb")  # the planted change took
    plant(monkeypatch, dataclasses.replace(query, sql=leaky))
    with pytest.raises(AccessDenied) as refused:
        run(con, "support_list", ICB_VIEWER, Scope(icb=OWN), **WINDOW)
    assert "K0000" not in str(refused.value)  # the message names no practice it refuses to show


@pytest.mark.parametrize(
    "sql",
    [
        "WITH final AS (SELECT practice_code, practice_name FROM practice WHERE icb_code = 'QKK') "
        "SELECT * FROM final",
        "WITH final AS (SELECT practice_code, practice_name FROM practice) SELECT * FROM final",
        "WITH final AS (SELECT 'Z99999' AS practice_code, 'NOT A PRACTICE' AS practice_name) SELECT * FROM final",
        "WITH final AS (SELECT practice_name FROM practice WHERE icb_code = 'QRV') SELECT * FROM final",
        "WITH final AS (SELECT NULL::VARCHAR AS practice_code, 'X' AS practice_name) SELECT * FROM final",
    ],
    ids=["other-icb", "all-icbs", "unknown-code", "no-code-column", "null-code"],
)
def test_planted_identity_queries_are_refused(con, monkeypatch, sql):
    plant(monkeypatch, planted(sql))
    with pytest.raises(AccessDenied):
        run(con, "planted", ICB_VIEWER, Scope(icb=OWN))


@pytest.mark.parametrize(
    "sql",
    [
        "WITH final AS (SELECT practice_code, practice_name FROM practice WHERE icb_code = 'QRV') "
        "SELECT * FROM final",
        "WITH final AS (SELECT practice_code, practice_name FROM practice WHERE false) SELECT * FROM final",
    ],
    ids=["own-icb", "no-rows"],
)
def test_planted_identity_queries_of_the_own_icb_pass(con, monkeypatch, sql):
    plant(monkeypatch, planted(sql))
    frame = run(con, "planted", ICB_VIEWER, Scope(icb=OWN))
    assert set(frame["practice_code"]) <= {code for code, icb in PRACTICES if icb == OWN}


# Shared macros -------------------------------------------------------------------------------------------------


def test_the_schema_stores_the_macros_with_their_version(con):
    stored = {
        row[0]
        for row in con.execute(
            "SELECT function_name FROM duckdb_functions() WHERE function_type = 'table_macro'"
        ).fetchall()
    }
    assert set(MACROS) <= stored
    assert stored_macros_current(con)


def test_queries_name_the_macros_they_need_with_what_those_call():
    assert load_query("support_reach").macros == (
        "practice_months_in_scope",
        "practice_months_with_patients",
        "support_ranking",
    )
    assert load_query("support_now").macros == ("enrolments_in_scope",)
    assert load_query("geography").macros == ()


def results(con: duckdb.DuckDBPyConnection) -> list[pd.DataFrame]:
    return [
        run(con, "support_reach", PUBLIC, Scope(), **WINDOW),
        run(con, "support_list", ICB_VIEWER, Scope(icb=OWN), **WINDOW),
        run(con, "appointments_monthly", PUBLIC, Scope(icb=OWN)),
        run(con, "support_now", PUBLIC, Scope(region="Y56")),
    ]


@pytest.mark.parametrize("older", ["without-macros", "with-an-older-version"])
def test_a_database_written_before_the_macros_works_read_only(store_path, tmp_path, older):
    with connect_read_only(store_path) as current:
        want = results(current)
    path = tmp_path / "older.duckdb"
    path.write_bytes(store_path.read_bytes())
    with duckdb.connect(str(path)) as write:  # as an older version of ensure_schema left it
        if older == "without-macros":
            for name in reversed(MACROS):
                write.execute(f"DROP MACRO TABLE {name}")
            write.execute("DROP MACRO gpaccess_macros_version")
        else:  # a stored ranking that differs from macros.sql: it must not be used
            write.execute(
                "CREATE OR REPLACE MACRO support_ranking(a, b, c, d, e) AS TABLE "
                "SELECT * FROM practice_month WHERE false"
            )
            write.execute("CREATE OR REPLACE MACRO gpaccess_macros_version() AS 'older'")
    with connect_read_only(path) as con:
        assert not stored_macros_current(con)
        got = results(con)
    for frame, expected in zip(got, want, strict=True):
        pd.testing.assert_frame_equal(frame, expected)
    assert len(got[0]) == 2 and len(got[1]) == 2
