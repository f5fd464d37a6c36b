"""Access in depth (#16) on the full synthetic demo: year on year over two years of data, computed here straight
from the published grain (`appointment`), not from practice_month or the queries under test."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from gpaccess.access import PUBLIC
from gpaccess.charts.depth import year_on_year
from gpaccess.db import run
from gpaccess.scope import Scope

RAW_SQL = """
SELECT
    100.0 * sum(appointments) FILTER (WHERE appt_mode = 'Face-to-Face') / sum(appointments),
    100.0 * sum(appointments) FILTER (WHERE time_band IN ('Same Day', '1 Day', '2 to 7 Days', '8 to 14 Days'))
        / sum(appointments) FILTER (WHERE time_band <> 'Unknown / Data Issue'),
    100.0 * sum(appointments) FILTER (WHERE hcp_type = 'GP')
        / sum(appointments) FILTER (WHERE hcp_type <> 'Unknown'),
    100.0 * sum(appointments) FILTER (WHERE appt_status = 'DNA') / sum(appointments)
FROM appointment WHERE icb_code = $icb AND month = $month
"""
COLUMNS = ("face_to_face_pct", "within_2_weeks_pct", "gp_pct", "dna_pct")


@pytest.fixture(scope="module")
def con(demo_db):
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def raw(con: duckdb.DuckDBPyConnection, icb: str, month: dt.date) -> dict[str, float]:
    row = con.execute(RAW_SQL, {"icb": icb, "month": month}).fetchone()
    assert row is not None
    return dict(zip(COLUMNS, row, strict=True))


@pytest.mark.parametrize("icb", ["QRV", "QJK"])
@pytest.mark.parametrize("last", [dt.date(2026, 9, 1), dt.date(2025, 9, 1)])
def test_year_on_year_on_two_years_of_demo_data(con, icb, last):
    monthly = run(con, "appointments_monthly", PUBLIC, Scope(icb=icb, date_to=last))
    chart = year_on_year(monthly, "X")
    assert chart is not None
    before = dt.date(last.year - 1, last.month, 1)
    now, then = raw(con, icb, last), raw(con, icb, before)
    data = chart.data.set_index("column")
    for column in COLUMNS:
        assert data.loc[column, "value"] == round(now[column], 1), column
        assert data.loc[column, "year_before"] == round(then[column], 1), column
        assert data.loc[column, "change"] == round(now[column] - then[column], 1), column
    assert f"{last:%b %Y} against {before:%b %Y}" in chart.title


def test_demo_booking_intervals_and_staff_are_plausible(con):
    """Against the real Devon and Cambridgeshire Oct 2025 files: 72% within 2 weeks, 36% with a GP (both
    Regional CSVs); England publishes about 44% GP, and roughly 40% booked the same day."""
    got = raw(con, "QJK", dt.date(2025, 10, 1))
    assert 60 < got["within_2_weeks_pct"] < 95
    assert 30 < got["gp_pct"] < 60


def test_support_ranks_on_within_2_weeks_longest_waits_first(con):
    """The named list on booked within 2 weeks: the ICB's lowest ceil(20%) of practices on the share, from the
    published grain here (ties by practice code)."""
    import math

    from gpaccess.access import Viewer
    from gpaccess.identification import window_bounds

    first, last = window_bounds(dt.date(2026, 9, 1), 3)
    shares = con.execute(
        """SELECT practice_code,
                  sum(appointments) FILTER (WHERE time_band IN ('Same Day', '1 Day', '2 to 7 Days', '8 to 14 Days'))
                  / sum(appointments) FILTER (WHERE time_band <> 'Unknown / Data Issue') AS share
           FROM appointment WHERE icb_code = 'QRV' AND month BETWEEN $first AND $last
           GROUP BY practice_code HAVING share IS NOT NULL ORDER BY share, practice_code""",
        {"first": first, "last": last},
    ).fetchall()
    lowest = [code for code, _ in shares[: math.ceil(0.2 * len(shares))]]
    named = run(
        con,
        "support_list",
        Viewer(role="icb", icb_code="QRV"),
        Scope(icb="QRV"),
        measure="within_2_weeks_pct",
        window_from=first,
        window_to=last,
    )
    assert named.sort_values("rank_in_icb")["practice_code"].tolist() == lowest
    assert named["value"].iloc[0] == pytest.approx(100 * shares[0][1], abs=0.05)  # rounded to 0.1
