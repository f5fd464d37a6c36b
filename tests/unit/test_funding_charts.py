"""Funding charts from a small frame shaped like queries/funding_by_icb.sql: findings and ratios checked against
values worked out by hand, the small-number rule, and ICBs with no funding left out."""

from __future__ import annotations

import statistics

import pandas as pd
import pytest

from gpaccess.charts import funding


def frame(**changes: list) -> pd.DataFrame:
    rows = {
        "icb_code": ["QAA", "QBB", "QCC", "QDD"],
        "icb_name": ["NHS Alpha ICB", "NHS Beta ICB", "NHS Gamma ICB", "NHS Delta ICB"],
        "region_code": ["Y56"] * 4,
        "region_name": ["London"] * 4,
        "has_funding": [True, True, True, False],
        "winter_access_fund_gbp": [1_000_000.0, 2_000_000.0, 3_000_000.0, 0.0],
        "allocated_gbp": [1_000_000.0, 2_000_000.0, 3_000_000.0, 0.0],
        "spent_gbp": [800_000.0, 2_000_000.0, 1_500_000.0, 0.0],
        "paid_to_practices_gbp": [0.0] * 4,
        "practices_paid": [0] * 4,
        "patients": [100_000, 400_000, 500_000, 50_000],
        "practices": [20, 40, 50, 5],
        "practices_supported": [4, 10, 0, 1],
        "assessed": [4, 10, 0, 1],
        "with_gains": [2, 6, 0, 1],
        "practices_reporting_hours": [4, 10, 0, 1],
        "hours_released": [40.0, 300.0, 0.0, 5.0],
    }
    rows.update(changes)
    return pd.DataFrame(rows)


def test_rows_keep_icbs_with_funding_and_work_out_the_ratios():
    rows = funding.funding_rows(frame()).set_index("icb_code")
    assert list(rows.index) == ["QAA", "QBB", "QCC"]  # Delta has no funding; sorted by name
    assert rows.loc["QAA", "allocated_per_1000"] == 10_000.0  # £1m over 100,000 patients
    assert rows.loc["QBB", "spent_per_1000"] == 5_000.0
    assert rows.loc["QAA", "supported_pct"] == 20.0
    assert pd.isna(rows.loc["QAA", "gains_pct"])  # 4 assessed: fewer than 5
    assert rows.loc["QBB", "gains_pct"] == 60.0
    assert rows.loc["QBB", "cost_per_practice"] == 200_000.0
    assert pd.isna(rows.loc["QCC", "cost_per_practice"])  # none supported
    assert pd.isna(rows.loc["QAA", "hours_per_1000"])  # 4 practices reported hours
    assert rows.loc["QBB", "hours_per_1000"] == 0.15  # 300 hours over £2,000 thousands


def test_the_total_finding_adds_allocated_and_spent():
    chart = funding.allocation_by_icb(frame(), "London")
    assert chart.title == "£6.0m allocated to 3 ICBs; £4.3m spent (71.7%)"
    assert list(chart.data["icb"]) == ["Gamma", "Beta", "Alpha"]  # largest allocation first


def test_the_per_1000_finding_names_the_lowest_and_highest():
    chart = funding.allocation_by_icb(frame(), "London", per_1000=True)
    assert chart.title == "Allocated per 1,000 patients: from £5,000 (Beta) to £10,000 (Alpha)"


def test_cost_per_practice_is_spend_over_practices_supported():
    chart = funding.cost_per_practice(frame(), "London")
    # £4.3m over 14 practices supported = £307,143; Alpha £200,000, Beta £200,000
    assert chart.title == "£307,143 spent per practice supported; from £200,000 to £200,000"
    assert set(chart.data["icb_code"]) == {"QAA", "QBB"}


def test_hours_per_1000_leave_out_icbs_under_5_practices_reporting():
    chart = funding.hours_per_1000(frame(), "London")
    # Beta alone is shown (Alpha: 4 reporting; Gamma: none): 300 hours over £2,000 thousands
    assert chart.title == "0.15 hours a month released for each £1,000 spent"
    assert list(chart.data["icb_code"]) == ["QBB"]


@pytest.mark.parametrize(
    ("supported", "way"), [([2, 10, 30, 0], "lower"), ([30, 10, 2, 0], "higher")]
)
def test_spend_against_uptake_says_which_way_the_link_goes(supported, way):
    # spent per 1,000: Alpha 8,000, Beta 5,000, Gamma 3,000; practices 100 each, so supported_pct = supported
    data = frame(practices=[100] * 4, practices_supported=supported)
    chart = funding.spend_against(data, "London", "supported_pct")
    r = statistics.correlation([8_000, 5_000, 3_000], supported[:3])
    assert chart.title == (
        f"ICBs that spent more per patient had {way} share of practices supported (r = {r:.2f})"
    )
    assert len(chart.data) == 3


def test_spend_against_gains_leaves_out_shares_under_5_practices():
    chart = funding.spend_against(frame(), "London", "gains_pct")
    assert list(chart.data["icb_code"]) == ["QBB"]  # Alpha: 4 assessed; Gamma: none
    assert (
        chart.title
        == "Too few ICBs to compare spend with the share of practices assessed with gains"
    )
    assert any("2 ICB(s) not shown" in note for note in chart.notes)


def test_no_funding_gives_an_empty_chart():
    chart = funding.allocation_by_icb(frame(has_funding=[False] * 4), "London")
    assert chart.data.empty


def test_money_is_written_for_a_board():
    assert funding.fmt_gbp(250_000_000) == "£250.0m"
    assert funding.fmt_gbp(9_450) == "£9,450"
    assert funding.fmt_gbp(12.5) == "£12.50"
