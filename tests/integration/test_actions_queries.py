"""The high impact action queries equal an independent pandas computation on a fixture store, per action and
scope (England, region, ICB, programme, phase), and return no practice identities.

The fixture is built here with plain INSERTs from seeded rows: 3 ICBs in 2 regions, Accelerate (2 phases) and GPIP
(1 cohort, 2 levels); some practices in two phases of a programme, withdrawn and unassessed enrolments, an
action adopted in an unassessed enrolment (must not count), and an ICB with fewer than 5 practices assessed.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pandas as pd
import pytest

from gpaccess.access import Viewer
from gpaccess.charts import actions
from gpaccess.db import run
from gpaccess.reference import HIGH_IMPACT_ACTIONS
from gpaccess.scope import Scope
from gpaccess.store import connect_writable
from gpaccess.store.summaries import refresh_summaries

D = dt.date
NATIONAL_VIEWER = Viewer("national", None, None)
ACTIONS = HIGH_IMPACT_ACTIONS  # fixture input (the store seeds the same), not an expected value
REGIONS = [("Y56", "London"), ("Y60", "Midlands")]
ICBS = [  # icb, region, number of practices
    ("QRV", "Y56", 24),
    ("QMJ", "Y56", 16),
    ("QOC", "Y60", 4),  # fewer than 5 assessed
]
PHASES = [  # programme, phase, level
    ("Accelerate", "Phase 1", "intensive"),
    ("Accelerate", "Phase 2", "intensive"),
    ("GPIP", "Cohort 2023-07", "intermediate"),
    ("GPIP", "Cohort 2023-07", "intensive"),
]


def _rows() -> tuple[list[tuple], list[tuple], list[tuple]]:
    """practices (code, icb, region), enrolments, actions adopted: seeded, so every run is the same."""
    rng = random.Random(8)
    practices = [
        (f"{icb[:1]}{icb[1:]}{n:03d}", icb, region)
        for icb, region, count in ICBS
        for n in range(1, count + 1)
    ]
    enrolments, adopted = [], []
    for code, _, _ in practices:
        programmes = rng.sample(["Accelerate", "GPIP"], rng.choice([1, 1, 2]))
        for programme in programmes:
            phases = [p for p in PHASES if p[0] == programme]
            if programme == "Accelerate" and rng.random() < 0.25:
                chosen = phases  # in both Accelerate phases
            else:
                chosen = [rng.choice(phases)]
                if programme == "GPIP":
                    chosen = chosen[:1]
            for _, phase, level in chosen:
                status = rng.choices(["completed", "withdrawn", "active"], [0.75, 0.1, 0.15])[0]
                started = D(2022, 1, 1)
                gain = None if status == "active" or rng.random() < 0.1 else rng.random() < 0.55
                if status == "withdrawn":
                    gain = rng.choice([None, True])  # withdrawn: never counted, even with a gain
                enrolments.append(
                    (programme, phase, level, code, D(2021, 12, 1), started, None, status, gain)
                )
                for number, _ in ACTIONS:
                    if rng.random() < 0.15 + 0.05 * number * (1.5 if gain else 0.5):
                        adopted.append((programme, phase, code, number, "a change", D(2022, 2, 1)))
    return practices, enrolments, adopted


PRACTICES, ENROLMENTS, ADOPTED = _rows()


@pytest.fixture(scope="module")
def actions_db(tmp_path_factory) -> Path:
    return build_actions_store(tmp_path_factory.mktemp("actions") / "actions.duckdb")


def build_actions_store(path: Path) -> Path:
    """The fixture store (also used by the page's AppTest and browser tests): geography, programmes and
    phases, enrolments, actions adopted, and one month of appointment totals per practice."""
    con = connect_writable(path)
    try:
        # the store is seeded with the real geography: delete it so the fixture holds its own
        con.execute("DELETE FROM region")
        con.execute("DELETE FROM icb")
        con.executemany("INSERT INTO region VALUES (?, ?)", REGIONS)
        con.executemany(
            "INSERT INTO icb VALUES (?, NULL, ?, ?)",
            [(icb, f"NHS {icb} Integrated Care Board", region) for icb, region, _ in ICBS],
        )
        for code, icb, region in PRACTICES:
            con.execute(
                "INSERT INTO practice VALUES (?, ?, NULL, NULL, 'X', ?, ?, 'test')",
                [code, f"Practice {code}", icb, region],
            )
        for programme, phase, level, code, enrolled, started, ended, status, gain in ENROLMENTS:
            con.execute(
                "INSERT INTO enrolment (programme, phase, level, practice_code, enrolled_date, "
                "started_date, ended_date, status, productivity_gain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [programme, phase, level, code, enrolled, started, ended, status, gain],
            )
        con.executemany("INSERT INTO action_adopted VALUES (?, ?, ?, ?, ?, ?)", ADOPTED)
        con.executemany(
            "INSERT INTO programme VALUES (?, ?, ?, ?, ?)",
            [
                ("Accelerate", "Accelerate programme", D(2021, 12, 1), D(2023, 6, 30), None),
                ("GPIP", "General Practice Improvement Programme", D(2023, 5, 1), None, 1500),
            ],
        )
        con.executemany(
            "INSERT INTO programme_phase (programme, phase, level, start_date, end_date) "
            "VALUES (?, ?, ?, ?, ?)",
            [(p, ph, lv, D(2021, 12, 1), D(2022, 6, 1)) for p, ph, lv in PHASES],
        )
        for code, icb, region in PRACTICES:
            con.execute(
                "INSERT INTO practice_month VALUES (?, ?, 'X', ?, ?, 100, 60, 30, 5, 5, 0, 90, 5, 5, "
                "40, 0, 50, 0, 0, 80, 50, NULL)",  # ... within_2_weeks, other_staff, patients (no list size)
                [D(2022, 6, 1), code, icb, region],
            )
        refresh_summaries(con)  # as a load stores them
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def con(actions_db):
    import duckdb

    connection = duckdb.connect(str(actions_db), read_only=True)
    yield connection
    connection.close()


SCOPES = {
    "england": Scope(),
    "london": Scope(region="Y56"),
    "midlands": Scope(region="Y60"),
    "qrv": Scope(icb="QRV"),
    "gpip": Scope(programme="GPIP"),
    "accelerate": Scope(programme="Accelerate"),
}
PHASE_CHOICES = [None, "Phase 1", "Cohort 2023-07"]


# --- the independent computation ---------------------------------------------------------------------------------
def expected_units(scope: Scope, phase: str | None) -> pd.DataFrame:
    """One row per programme and practice assessed in scope: gained, and one boolean column per action."""
    practices = pd.DataFrame(PRACTICES, columns=["practice_code", "icb_code", "region_code"])
    enrol = pd.DataFrame(
        ENROLMENTS,
        columns=["programme", "phase", "level", "practice_code", "enrolled", "started", "ended",
                 "status", "gain"],
    ).merge(practices, on="practice_code")  # fmt: skip
    keep = (enrol["status"] != "withdrawn") & enrol["started"].notna() & enrol["gain"].notna()
    if scope.region:
        keep &= enrol["region_code"] == scope.region
    if scope.icb:
        keep &= enrol["icb_code"] == scope.icb
    if scope.programme != "All":
        keep &= enrol["programme"] == scope.programme
    if phase:
        keep &= enrol["phase"] == phase
    assessed = enrol[keep]
    units = (
        assessed.groupby(["programme", "practice_code", "icb_code", "region_code"])["gain"]
        .any()
        .rename("gained")
        .reset_index()
    )
    adopted = pd.DataFrame(
        ADOPTED, columns=["programme", "phase", "practice_code", "action", "change", "date"]
    ).merge(
        assessed[["programme", "phase", "practice_code"]],
        on=["programme", "phase", "practice_code"],
    )
    for number, _ in ACTIONS:
        who = adopted.loc[adopted["action"] == number, ["programme", "practice_code"]]
        keys = set(map(tuple, who.to_numpy()))
        units[f"a{number}"] = [
            (p, c) in keys for p, c in zip(units["programme"], units["practice_code"], strict=True)
        ]
    return units


@pytest.mark.parametrize("phase", PHASE_CHOICES)
@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_actions_by_programme_equals_pandas(con, scope_name, phase):
    scope = SCOPES[scope_name]
    got = run(con, "actions_by_programme", NATIONAL_VIEWER, scope, phase=phase)
    units = expected_units(scope, phase)
    rows = []
    for programme, group in units.groupby("programme"):
        for number, name in ACTIONS:
            adopter = group[f"a{number}"]
            rows.append(
                {
                    "programme": programme,
                    "action_number": number,
                    "action_name": name,
                    "assessed": len(group),
                    "with_gains": int(group["gained"].sum()),
                    "adopters": int(adopter.sum()),
                    "adopters_with_gains": int((adopter & group["gained"]).sum()),
                    "non_adopters": int((~adopter).sum()),
                    "non_adopters_with_gains": int((~adopter & group["gained"]).sum()),
                }
            )
    expected = pd.DataFrame(rows)
    if expected.empty:  # e.g. GPIP in Accelerate's Phase 1
        assert got.empty
        return
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), expected, check_dtype=False, check_like=False
    )


@pytest.mark.parametrize("phase", PHASE_CHOICES)
@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_actions_by_area_equals_pandas(con, scope_name, phase):
    scope = SCOPES[scope_name]
    got = run(con, "actions_by_area", NATIONAL_VIEWER, scope, phase=phase)
    units = expected_units(scope, phase)
    for kind, column in (("region", "region_code"), ("icb", "icb_code")):
        part = got[got["area_kind"] == kind]
        rows = []
        for (programme, area), group in units.groupby(["programme", column]):
            for number, _ in ACTIONS:
                rows.append((programme, area, number, len(group), int(group[f"a{number}"].sum())))
        expected = sorted(rows)
        actual = sorted(
            part[["programme", "area_code", "action_number", "assessed", "adopters"]].itertuples(
                index=False, name=None
            )
        )
        assert actual == expected, kind


@pytest.mark.parametrize("phase", PHASE_CHOICES)
@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_actions_count_gains_equals_pandas(con, scope_name, phase):
    scope = SCOPES[scope_name]
    got = run(con, "actions_count_gains", NATIONAL_VIEWER, scope, phase=phase)
    units = expected_units(scope, phase)
    units["n"] = units[[f"a{n}" for n, _ in ACTIONS]].sum(axis=1)
    expected = (
        units.groupby(["programme", "n"])["gained"]
        .agg(assessed="size", with_gains="sum")
        .reset_index()
    )
    actual = sorted(got.itertuples(index=False, name=None))
    assert actual == sorted(
        (p, int(n), int(a), int(g)) for p, n, a, g in expected.itertuples(index=False, name=None)
    )


def test_fixture_exercises_the_edge_cases():
    """The fixture has what the queries must get right, so the comparisons above can fail."""
    enrol = pd.DataFrame(ENROLMENTS).rename(
        columns={0: "programme", 1: "phase", 3: "code", 7: "status", 8: "gain"}
    )
    assert enrol.groupby(["programme", "code"]).size().max() > 1  # a practice in two phases
    assert ((enrol["status"] == "withdrawn") & enrol["gain"].notna()).any()
    assessed = set(
        map(
            tuple,
            enrol.loc[
                (enrol["status"] != "withdrawn") & enrol["gain"].notna(),
                ["programme", "phase", "code"],
            ].to_numpy(),
        )
    )
    assert any((a[0], a[1], a[2]) not in assessed for a in ADOPTED)  # adoption that must not count
    units = expected_units(Scope(icb="QOC"), None)
    assert 0 < units.groupby("programme").size().min() < 5  # a group under the small-number rule


def test_small_groups_show_fewer_than_5_and_no_identities(con):
    by_area = run(con, "actions_by_area", NATIONAL_VIEWER, Scope(), phase=None)
    assert not {"practice_code", "practice_name"} & set(by_area.columns)
    codes = {code for code, _, _ in PRACTICES}
    for programme in ("Accelerate", "GPIP"):
        chart = actions.adoption_by_area(by_area, "icb", programme, "England")
        qoc = chart.data[chart.data["area_code"] == "QOC"]
        assert not qoc.empty and (qoc["assessed"] < 5).all()
        assert qoc["adopted_pct"].isna().all() and qoc["adopters"].isna().all()
        assert (qoc["shown_as"] == "fewer than 5 assessed").all()
        assert "QOC (fewer than 5)" in list(chart.figure.data[0].y)
        text = chart.alt_text + chart.title + chart.data.to_csv()
        assert not any(code in text for code in codes)
