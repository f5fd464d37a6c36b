"""`figures --json` on the demo reproduces the published calibration targets (programme_facts.md, the programmes' published figures).

The targets are written here as the published figures; the product computes them from the data.
"""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from tests.conftest import PROJECT


@pytest.fixture(scope="module")
def figures(demo_db) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "gpaccess", "--db", str(demo_db), "figures", "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def con(demo_db):
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def uptake(figures: dict, icb: str, programme: str) -> dict:
    return next(
        r for r in figures["uptake_by_icb"] if r["icb_code"] == icb and r["programme"] == programme
    )


def test_accelerate_targets(figures):
    acc = figures["accelerate"]
    assert acc["practices_supported"] == 724
    assert [p["practices"] for p in acc["phases"] if p["phase"] == "Phase 1"] == [200]
    assert [p["practices"] for p in acc["phases"] if p["phase"] == "Phase 4"] == [250]
    assert round(acc["extended_pct"]) == 80
    assert round(acc["gains_pct_phases_1_3"]) == 73


def test_gpip_targets(figures):
    gpip = figures["gpip"]
    assert gpip["target"] == 1500
    by_jan_2024 = [
        r["cumulative_practices"] for r in gpip["benefited_over_time"] if r["month"] <= "2024-01-31"
    ]
    assert by_jan_2024[-1] > 1200
    assert gpip["practices_benefited"] >= by_jan_2024[-1]


@pytest.mark.parametrize(("icb", "enrolled", "withdrawn"), [("QRV", 14, 4), ("QF7", 6, 0)])
def test_named_icbs_gpip_uptake_under_4_percent(figures, icb, enrolled, withdrawn):
    row = uptake(figures, icb, "GPIP")
    assert (row["enrolled"], row["withdrawn"]) == (enrolled, withdrawn)
    assert 100 * row["enrolled"] / row["practices"] < 4


def test_shropshire_practices_blocked_by_digital_telephony(con):
    blocked = con.execute(
        """SELECT count(*) FROM eligibility e JOIN practice p USING (practice_code)
           WHERE p.icb_code = 'QOC' AND e.wished_to_enrol
             AND (e.digital_telephony_live_date IS NULL OR e.digital_telephony_live_date > e.assessed_date)"""
    ).fetchone()[0]
    assert blocked == 17


def test_at_least_17_icbs_reported_gpip_problems(con):
    icbs = con.execute(
        "SELECT count(DISTINCT icb_code) FROM barrier WHERE programme = 'GPIP'"
    ).fetchone()[0]
    assert icbs >= 17


def test_appointment_figures_match_independent_sql(figures, con):
    month, total, f2f = con.execute(
        """SELECT month, sum(appointments), sum(appointments) FILTER (WHERE appt_mode = 'Face-to-Face')
           FROM appointment WHERE month = (SELECT max(month) FROM appointment) GROUP BY month"""
    ).fetchone()
    appts = figures["appointments"]
    assert appts["latest_month"] == month.isoformat()
    assert appts["total"] == total
    assert appts["face_to_face_pct"] == round(100 * f2f / total, 1)
    assert 25_000_000 < total < 37_000_000  # about 31 million a month nationally


def test_demo_is_labelled_synthetic_and_uses_no_real_practice_codes(con, realdata):
    assert con.execute("SELECT value FROM dataset WHERE key = 'synthetic_demo'").fetchone() == (
        "yes",
    )
    real = (
        duckdb.connect()
        .execute(
            "SELECT list(DISTINCT GP_CODE) FROM read_csv(?, header = true, quote = '\"', escape = '\"', all_varchar = true)",
            [str(realdata / "gpad_oct25/Mapping.csv")],
        )
        .fetchone()[0]
    )
    ours = [r[0] for r in con.execute("SELECT practice_code FROM practice").fetchall()]
    assert not set(ours) & set(real)
    assert all(code.startswith("DM") for code in ours)
