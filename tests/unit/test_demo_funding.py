"""The demo's funding sheets: the winter access fund's £250,000,000 split in whole pounds across the 42 ICBs by
registered patients, and transition cover per GPIP practice supported hands-on."""

from __future__ import annotations

import pandas as pd
import pytest

from gpaccess.demo.funding import TRANSITION_COVER_GBP, financial_year_of, largest_remainder
from gpaccess.demo.generate import demo_tracker


@pytest.fixture(scope="module")
def tracker() -> dict[str, pd.DataFrame]:
    return demo_tracker()


def test_the_winter_access_fund_adds_up_to_250_million_across_42_icbs(tracker):
    funding = tracker["funding"]
    assert funding["icb_code"].nunique() == len(funding) == 42
    assert set(funding["fund"]) == {"Winter access fund"}
    assert set(funding["financial_year"]) == {"2021/22"}
    assert int(funding["allocated_gbp"].sum()) == 250_000_000
    assert (funding["allocated_gbp"] == funding["allocated_gbp"].round()).all()
    assert (funding["spent_gbp"] <= funding["allocated_gbp"]).all()
    assert (funding["spent_gbp"] >= 0.8 * funding["allocated_gbp"]).all()


def test_the_split_follows_registered_patients():
    weights = pd.Series([1, 1, 1], index=["A", "B", "C"])
    assert largest_remainder(weights, 100).tolist() == [
        34,
        33,
        33,
    ]  # the one pound left goes to the first
    weights = pd.Series([5, 3, 2], index=["A", "B", "C"])
    assert largest_remainder(weights, 7).tolist() == [
        4,
        2,
        1,
    ]  # quotas 3.5, 2.1, 1.4: the .5 gets the unit


def test_transition_cover_is_paid_per_gpip_practice_supported_hands_on(tracker):
    e = tracker["enrolments"]
    started = e[
        (e["programme"] == "GPIP") & (e["level"] != "universal") & e["started_date"].notna()
    ]
    expected = (
        started.assign(
            financial_year=[financial_year_of(d) for d in started["started_date"]],
            paid_gbp=started["level"].map(TRANSITION_COVER_GBP),
        )
        .groupby(["practice_code", "financial_year"])["paid_gbp"]
        .sum()
    )
    payments = tracker["funding_payments"].set_index(["practice_code", "financial_year"])[
        "paid_gbp"
    ]
    pd.testing.assert_series_equal(payments.sort_index(), expected.sort_index(), check_dtype=False)


def test_financial_years_start_in_april():
    import datetime as dt

    assert financial_year_of(dt.date(2022, 3, 31)) == "2021/22"
    assert financial_year_of(dt.date(2022, 4, 1)) == "2022/23"
    assert financial_year_of(dt.date(2099, 12, 1)) == "2099/00"
