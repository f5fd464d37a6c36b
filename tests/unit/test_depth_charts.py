"""Access in depth (#16): waits, staff, categories, year on year and PCNs, with values worked out by hand here."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpaccess.charts.depth import (
    SMALL_PCNS,
    national_categories,
    pcns_compared,
    staff_mix,
    wait_distribution,
    year_on_year,
)

OCT_24, OCT_25 = dt.date(2024, 10, 1), dt.date(2025, 10, 1)


def bands(month: dt.date, counts: dict[str, int]) -> list[dict]:
    known = sum(v for k, v in counts.items() if k != "Unknown / Data Issue")
    return [
        {
            "month": month,
            "category": k,
            "appointments": v,
            "share_pct": None if k == "Unknown / Data Issue" else 100 * v / known,
        }
        for k, v in counts.items()
    ]


def test_wait_distribution_within_2_weeks_is_the_first_four_bands_of_known():
    now = {
        "Same Day": 400,
        "1 Day": 100,
        "2 to 7 Days": 200,
        "8 to 14 Days": 100,
        "15 to 21 Days": 100,
        "22 to 28 Days": 50,
        "More than 28 Days": 50,
        "Unknown / Data Issue": 999,  # left out of the denominator
    }
    before = {**now, "Same Day": 200}
    mix = pd.DataFrame(bands(OCT_25, now) + bands(OCT_24, before))
    chart = wait_distribution(mix, "NHS Test ICB")
    assert chart is not None
    # 800 of 1,000 known within 2 weeks; 400 of 1,000 the same day
    assert chart.title.startswith(
        "In Oct 2025, 80.0% of appointments were booked within 2 weeks; 40.0%"
    )
    row = chart.data.set_index("time_band").loc["Same Day"]
    assert row["share_pct"] == 40.0 and row["share_pct_year_before"] == 25.0  # 200 of 800
    assert "Unknown / Data Issue" not in set(chart.data["time_band"])


def test_wait_distribution_without_known_intervals_is_none():
    mix = pd.DataFrame(bands(OCT_25, {"Unknown / Data Issue": 5}))
    assert wait_distribution(mix, "X") is None


def monthly(rows: list[tuple[dt.date, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "month": m,
                "face_to_face_pct": f2f,
                "telephone_pct": 30.0,
                "dna_pct": 4.0,
                "same_day_pct": 40.0,
                "within_2_weeks_pct": w2w,
                "gp_pct": 45.0,
                "appointments_per_1000": 400.0,
            }
            for m, f2f, w2w in rows
        ]
    )


def test_year_on_year_compares_the_latest_month_with_the_same_month_a_year_before():
    months = [
        dt.date(2024 + (9 + i) // 12, (9 + i) % 12 + 1, 1) for i in range(13)
    ]  # Oct 24 .. Oct 25
    frame = monthly([(m, 60.0 + i, 80.0) for i, m in enumerate(months)])
    frame.loc[frame["month"] == OCT_25, "within_2_weeks_pct"] = 83.5
    chart = year_on_year(frame, "NHS Test ICB")
    assert chart is not None
    data = chart.data.set_index("column")
    assert data.loc["face_to_face_pct", ["value", "year_before", "change"]].tolist() == [
        72.0,
        60.0,
        12.0,
    ]
    assert data.loc["within_2_weeks_pct", "change"] == 3.5
    assert data.loc["appointments_per_1000", "unit"] == "appointments per 1,000 patients"
    assert (
        chart.title
        == "Oct 2025 against Oct 2024: face-to-face share up 12.0 points, the largest move"
    )


def test_year_on_year_needs_the_month_a_year_before():
    frame = monthly([(dt.date(2025, m, 1), 60.0, 80.0) for m in range(1, 11)])
    assert year_on_year(frame, "X") is None


def test_staff_mix_other_staff_is_the_rest_of_the_known():
    frame = monthly([(OCT_25, 60.0, 80.0)])
    chart = staff_mix(frame, "X", "Oct 2025")
    assert chart is not None
    assert chart.data[["gp_pct", "other_staff_pct"]].iloc[0].tolist() == [45.0, 55.0]


def test_national_categories_largest_first_with_change():
    mix = pd.DataFrame(
        [
            {"month": OCT_25, "category": "General Consultation Routine", "share_pct": 30.0},
            {"month": OCT_25, "category": "Clinical Triage", "share_pct": 20.0},
            {"month": OCT_24, "category": "General Consultation Routine", "share_pct": 32.5},
        ]
    )
    chart = national_categories(mix, "X")
    assert chart is not None
    assert chart.data["category"].tolist() == ["General Consultation Routine", "Clinical Triage"]
    assert "30.0% of appointments, 2.5 points down on Oct 2024" in chart.title


def pcn_frame() -> pd.DataFrame:
    """Three PCNs: one of 6 practices, two of 3 (pooled: 6 practices), counts chosen to give round shares."""
    return pd.DataFrame(
        {
            "pcn_code": ["U1", "U2", "U3"],
            "pcn_name": ["BIG PCN", "SMALL PCN A", "SMALL PCN B"],
            "practices": [6, 3, 3],
            "appointments": [1000, 300, 100],
            "face_to_face": [600, 150, 50],
            "dna": [10, 3, 1],
            "same_day": [400, 100, 20],
            "within_2_weeks": [800, 100, 40],
            "known_interval": [1000, 200, 50],
            "gp": [500, 100, 50],
            "known_staff": [1000, 200, 100],
        }
    )


def test_pcns_of_fewer_than_5_practices_are_pooled_for_the_public():
    chart = pcns_compared(
        pcn_frame(), "within_2_weeks_pct", "NHS Test ICB", "Oct 2025", exact=False
    )
    assert chart is not None
    values = dict(zip(chart.data["pcn_name"], chart.data["within_2_weeks_pct"], strict=True))
    # the two small PCNs together: 140 within 2 weeks of 250 known = 56%; neither is named
    assert values == {"BIG PCN": 80.0, f"{SMALL_PCNS} (2)": 56.0}
    assert not {"SMALL PCN A", "SMALL PCN B", "U2", "U3"} & set(
        map(str, chart.data.to_numpy().ravel())
    )
    assert "SMALL PCN" not in chart.alt_text and any("shown together" in n for n in chart.notes)


def test_a_pool_of_fewer_than_5_practices_is_not_shown_either():
    frame = pcn_frame()
    frame.loc[2, "practices"] = 1  # pool: 4 practices
    chart = pcns_compared(frame, "face_to_face_pct", "X", "Oct 2025", exact=False)
    assert chart is not None
    assert chart.data["pcn_name"].tolist() == ["BIG PCN"]


def test_the_icbs_own_users_see_every_pcn():
    chart = pcns_compared(pcn_frame(), "within_2_weeks_pct", "X", "Oct 2025", exact=True)
    assert chart is not None
    values = dict(zip(chart.data["pcn_name"], chart.data["within_2_weeks_pct"], strict=True))
    assert values == {"BIG PCN": 80.0, "SMALL PCN A": 50.0, "SMALL PCN B": 80.0}


@pytest.mark.parametrize("exact", [True, False])
def test_pcn_gp_share_is_of_known_staff(exact):
    chart = pcns_compared(pcn_frame(), "gp_pct", "X", "Oct 2025", exact=exact)
    assert chart is not None
    assert chart.data.set_index("pcn_name").loc["BIG PCN", "gp_pct"] == 50.0


def test_every_chart_draws_its_data():
    months = [dt.date(2024 + (9 + i) // 12, (9 + i) % 12 + 1, 1) for i in range(13)]
    full = {"Same Day": 4, "1 Day": 1, "2 to 7 Days": 2, "8 to 14 Days": 1, "15 to 21 Days": 1}
    charts = [
        wait_distribution(pd.DataFrame(bands(OCT_25, full) + bands(OCT_24, full)), "X"),
        year_on_year(monthly([(m, 60.0, 80.0) for m in months]), "X"),
        staff_mix(monthly([(m, 60.0, 80.0) for m in months]), "X", "P"),
        pcns_compared(pcn_frame(), "dna_pct", "X", "P", exact=False),
    ]
    for chart in charts:
        assert chart is not None
        assert chart.figure.data, chart.key
