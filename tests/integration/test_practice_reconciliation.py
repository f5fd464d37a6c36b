"""The headline counts of practices reconcile (issue #13): `queries/practice_reconciliation.sql` against an
independent pandas computation from the tracker's rows, against the query each definition names (the pages'
own queries), and the reconciliation table adds up block by block, on the demo for several scopes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpaccess.access import PUBLIC
from gpaccess.db import run
from gpaccess.definitions import DEFINITIONS, STEPS, reconciliation, shown
from gpaccess.identification import window_bounds
from gpaccess.labels import programmes_of
from gpaccess.scope import NATIONAL, Scope
from gpaccess.store import connect_read_only

SCOPES = [
    NATIONAL,
    Scope(region="Y56"),
    Scope(region="Y56", icb="QRV"),
    Scope(region="Y63", icb="QF7"),
    Scope(programme="GPIP"),
    Scope(programme="Accelerate"),
]


@pytest.fixture(scope="module")
def con(demo_db):
    connection = connect_read_only(demo_db)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def tracker(con) -> pd.DataFrame:
    """Every enrolment row with its practice's region and ICB, straight from the tables."""
    enrolment = con.execute("SELECT * FROM enrolment").df()
    practice = con.execute("SELECT practice_code, icb_code, region_code FROM practice").df()
    return enrolment.merge(practice, on="practice_code")


def in_scope(tracker: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    rows = tracker
    if scope.region:
        rows = rows[rows["region_code"] == scope.region]
    if scope.icb:
        rows = rows[rows["icb_code"] == scope.icb]
    if scope.programme != "All":
        rows = rows[rows["programme"] == scope.programme]
    return rows


def expected(rows: pd.DataFrame) -> dict[str, int]:
    """Each count by sets of practice codes, written without the query's logic."""
    live = rows[rows["status"] != "withdrawn"]
    started = live[live["started_date"].notna()]
    assessed = started[started["productivity_gain"].notna()]
    gained = started[started["productivity_gain"].fillna(False).astype(bool)]

    def practices(frame: pd.DataFrame, programme: str | None = None) -> set[str]:
        if programme:
            frame = frame[frame["programme"] == programme]
        return set(frame["practice_code"])

    acc, gpip = practices(rows, "Accelerate"), practices(rows, "GPIP")
    supported_acc, supported_gpip = practices(started, "Accelerate"), practices(started, "GPIP")
    return {
        "enrolments_accelerate": int((rows["programme"] == "Accelerate").sum()),
        "enrolments_gpip": int((rows["programme"] == "GPIP").sum()),
        "repeat_enrolments": len(rows)
        - len(rows[["programme", "practice_code"]].drop_duplicates()),
        "in_both_programmes": len(acc & gpip),
        "practices_in_tracker": len(practices(rows)),
        "withdrew_from_all": len(practices(rows) - practices(live)),
        "in_a_programme": len(practices(live)),
        "signed_up_not_started": len(practices(live) - practices(started)),
        "supported": len(practices(started)),
        "supported_accelerate": len(supported_acc),
        "supported_gpip": len(supported_gpip),
        "supported_in_both": len(supported_acc & supported_gpip),
        "assessed_accelerate": len(practices(assessed, "Accelerate")),
        "assessed_gpip": len(practices(assessed, "GPIP")),
        "gains_accelerate": len(practices(gained, "Accelerate")),
        "gains_gpip": len(practices(gained, "GPIP")),
    }


@pytest.mark.parametrize("scope", SCOPES, ids=str)
def test_query_equals_an_independent_count(con, tracker, scope):
    row = run(con, "practice_reconciliation", PUBLIC, scope).iloc[0]
    want = expected(in_scope(tracker, scope))
    assert {key: int(row[key]) for key in want} == want
    assert (
        want["practices_in_tracker"] > 0 and want["supported"] > 0
    )  # the scope has something to count


def adds_up(table: pd.DataFrame) -> None:
    """Within each block, every total equals the total above it plus the changes between them."""
    for block, rows in table.groupby("block", sort=False):
        assert rows["kind"].iloc[0] == "total", block
        running = None
        for _, row in rows.iterrows():
            if row["kind"] == "change":
                running += row["practices"]
            else:
                assert running is None or row["practices"] == running, (block, row["step"])
                running = row["practices"]


@pytest.mark.parametrize("scope", SCOPES, ids=str)
def test_the_table_adds_up_and_ends_where_the_pages_are(con, scope):
    row = run(con, "practice_reconciliation", PUBLIC, scope).iloc[0]
    table = reconciliation(row, programmes_of(scope))
    adds_up(table)
    totals = table[table["kind"] == "total"].set_index("step")["practices"]
    totals = totals[~totals.index.duplicated()]
    assert totals["Practices in the tracker"] == row["practices_in_tracker"]
    assert totals["In a programme"] == row["in_a_programme"]
    assert totals["Supported"] == row["supported"]
    # the blocks from enrolments and from the programmes end at the same supported practices
    ends = table.groupby("block", sort=False)["practices"].last()
    assert ends.iloc[0] == ends.iloc[1] == row["supported"]


def test_the_check_bites_on_a_table_that_does_not_add_up(con):
    table = reconciliation(run(con, "practice_reconciliation", PUBLIC, NATIONAL).iloc[0])
    broken = table.copy()
    broken.loc[broken["step"] == "Withdrew from every enrolment", "practices"] -= 1
    with pytest.raises(AssertionError):
        adds_up(broken)


def test_every_step_names_a_count_and_every_definition_a_query(con):
    row = run(con, "practice_reconciliation", PUBLIC, NATIONAL).iloc[0]
    derived = {
        "enrolments",
        *(f"{k}_{p}" for k in ("not_assessed", "no_gains") for p in ("accelerate", "gpip")),
    }
    assert {step.column for step in STEPS} <= set(row.index) | derived
    for definition in DEFINITIONS.values():
        assert definition.words and definition.name
        extra = {"measure": "face_to_face_pct"} if definition.query == "support_reach" else {}
        assert definition.column in run(con, definition.query, PUBLIC, NATIONAL, **extra).columns


@pytest.mark.parametrize("scope", SCOPES[:4], ids=str)
def test_each_figure_equals_its_definitions_query(con, scope):
    """The pages' own queries give the same figures as the reconciliation."""
    row = run(con, "practice_reconciliation", PUBLIC, scope).iloc[0]
    accelerate = run(con, "accelerate_headline", PUBLIC, scope).iloc[0]
    gpip = run(con, "gpip_headline", PUBLIC, scope).iloc[0]
    phases = run(con, "programme_phases", PUBLIC, scope)
    assert accelerate["practices_supported"] == row["supported_accelerate"]  # Overview
    assert gpip["practices_benefited"] == row["supported_gpip"]  # Overview
    enrolled = phases.groupby("programme")["enrolled"].sum()  # Phase completion
    assert enrolled["Accelerate"] == row["enrolments_accelerate"]
    assert enrolled["GPIP"] == row["enrolments_gpip"]
    assert accelerate["assessed_all"] == row["assessed_accelerate"]
    assert accelerate["gains_all"] == row["gains_accelerate"]


def test_tracker_practices_on_the_data_page(con):
    held = run(con, "months_held", PUBLIC, NATIONAL).set_index("source")
    row = run(con, "practice_reconciliation", PUBLIC, NATIONAL).iloc[0]
    assert held.loc["Programme tracker", "practices"] == row["practices_in_tracker"]


@pytest.mark.parametrize("scope", SCOPES[:4], ids=str)
def test_in_a_programme_on_support_identification(con, tracker, scope):
    """Support identification counts the practices in a programme that were ranked in the window (had
    appointments in it): the reconciliation's practices in a programme, less those without appointments."""
    last = con.execute("SELECT max(month) FROM practice_month").fetchone()[0]
    first, last = window_bounds(last, 3)
    reach = run(
        con,
        "support_reach",
        PUBLIC,
        scope,
        measure="face_to_face_pct",
        window_from=first,
        window_to=last,
    )
    live = in_scope(tracker, scope)
    live = set(live.loc[live["status"] != "withdrawn", "practice_code"])
    months = con.execute(
        "SELECT DISTINCT practice_code FROM practice_month WHERE month BETWEEN ? AND ? AND appointments > 0",
        [first, last],
    ).df()
    ranked = live & set(months["practice_code"])
    assert int(reach["supported"].sum()) == len(ranked)
    row = run(con, "practice_reconciliation", PUBLIC, scope).iloc[0]
    assert row["in_a_programme"] == len(live) >= len(ranked)


def test_small_outcome_counts_hidden_from_the_public():
    row = pd.Series(
        {
            **dict.fromkeys(
                (
                    "enrolments_accelerate",
                    "enrolments_gpip",
                    "repeat_enrolments",
                    "in_both_programmes",
                    "practices_in_tracker",
                    "withdrew_from_all",
                    "in_a_programme",
                    "signed_up_not_started",
                    "supported",
                    "supported_accelerate",
                    "supported_gpip",
                    "supported_in_both",
                ),
                0,
            ),
            "enrolments_gpip": 9,
            "practices_in_tracker": 9,
            "in_a_programme": 9,
            "supported": 9,
            "supported_gpip": 9,
            "assessed_accelerate": 0,
            "assessed_gpip": 3,
            "gains_accelerate": 0,
            "gains_gpip": 2,
        }
    )
    table = reconciliation(row, ("GPIP",))
    adds_up(table)
    public = shown(table, exact=False).set_index("Count")["Practices"]
    own = shown(table, exact=True).set_index("Count")["Practices"]
    assert public["GPIP: with productivity gains"] == "fewer than 5"
    assert public["Assessed, no gains"] == "fewer than 5"
    assert public["GPIP: assessed for gains"] == "3"  # a count of participation: exact
    assert own["GPIP: with productivity gains"] == "2"
    assert own["Assessed, no gains"] == "-1"


def test_period_does_not_change_the_counts(con):
    scope = Scope(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 6, 1))
    assert run(con, "practice_reconciliation", PUBLIC, scope).equals(
        run(con, "practice_reconciliation", PUBLIC, NATIONAL)
    )
