"""The demo's funding sheets (synthetic): the winter access fund and GPIP transition cover.

The 2021 access plan's winter access fund (£250m, 2021/22) is allocated here to the 42 ICBs in proportion to
their registered patients in October 2021, in whole pounds that add up exactly to £250,000,000 (largest
remainder). The real allocations were confirmed to ICSs in November 2021 and are not reproduced: these are
synthetic, and so is each ICB's spend (a share of its allocation drawn between SPENT_SHARE's bounds). GPIP
transition cover is paid to each practice supported hands-on, per level, in the financial year its support
started (synthetic amounts, TRANSITION_COVER_GBP).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gpaccess.demo.months import parse_month
from gpaccess.demo.panel import Panel
from gpaccess.reference import WINTER_ACCESS_FUND

WINTER_ACCESS_FUND_GBP = (
    250_000_000  # the access plan's fund (programme_facts.md); the split is synthetic
)
WINTER_ACCESS_FUND_YEAR = "2021/22"
ALLOCATED_FROM = dt.date(2021, 11, 1)  # allocations confirmed to ICSs in November 2021
PATIENTS_MONTH = "2021-10"  # registered patients the allocation follows
SPENT_SHARE = (0.82, 0.99)  # of the allocation, per ICB (synthetic)
TRANSITION_COVER = "GPIP transition cover"
TRANSITION_COVER_GBP = {
    "intensive": 7_500,
    "intermediate": 3_000,
}  # per practice supported (synthetic)
FUNDING_SEED = 18

FUNDING_COLUMNS = ["fund", "icb_code", "financial_year", "allocated_gbp", "spent_gbp"]
PAYMENT_COLUMNS = ["fund", "practice_code", "financial_year", "paid_gbp"]


def largest_remainder(weights: pd.Series, total: int) -> pd.Series:
    """Whole numbers in proportion to `weights` that add up exactly to `total`: each gets the floor of its
    quota, and the units left go to the largest remainders (ties to the first in the index's order)."""
    quotas = weights.astype(float) * total / float(weights.sum())
    whole = np.floor(quotas).astype(np.int64)
    left = int(total - whole.sum())
    order = (quotas - whole).sort_values(ascending=False, kind="stable").index[:left]
    whole.loc[order] += 1
    return whole


def funding_sheets(
    practices: pd.DataFrame,
    panel: Panel,
    enrolments: pd.DataFrame,
    as_of: dt.date,
    icb_codes: set[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The funding and funding_payments sheets as an analyst would have them at `as_of` (enrolments: the
    snapshot's). `icb_codes` keeps those ICBs' rows; the amounts do not depend on it."""
    funding = winter_access_fund(practices, panel) if as_of >= ALLOCATED_FROM else None
    if funding is None:
        funding = pd.DataFrame(columns=FUNDING_COLUMNS)
    elif icb_codes is not None:
        funding = funding[funding["icb_code"].isin(icb_codes)]
    return {
        "funding": funding.reset_index(drop=True),
        "funding_payments": transition_cover(enrolments),
    }


def winter_access_fund(practices: pd.DataFrame, panel: Panel) -> pd.DataFrame:
    """One row per ICB: its share of the fund by registered patients, and a synthetic spend."""
    column = panel.column(parse_month(PATIENTS_MONTH))
    patients = pd.Series(panel.patients[:, column], index=practices.index)
    by_icb = patients.groupby(practices["icb_code"]).sum().sort_index()
    allocated = largest_remainder(by_icb, WINTER_ACCESS_FUND_GBP)
    rng = np.random.default_rng(FUNDING_SEED)
    spent = np.floor(allocated.to_numpy() * rng.uniform(*SPENT_SHARE, len(allocated)))
    return pd.DataFrame(
        {
            "fund": WINTER_ACCESS_FUND,
            "icb_code": allocated.index,
            "financial_year": WINTER_ACCESS_FUND_YEAR,
            "allocated_gbp": allocated.to_numpy(dtype=np.int64),
            "spent_gbp": spent.astype(np.int64),
        }
    )


def financial_year_of(day: dt.date) -> str:
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def transition_cover(enrolments: pd.DataFrame) -> pd.DataFrame:
    """A payment per GPIP practice supported hands-on whose support started, in the year it started."""
    gpip = enrolments[
        (enrolments["programme"] == "GPIP")
        & enrolments["level"].isin(list(TRANSITION_COVER_GBP))
        & enrolments["started_date"].notna()
    ]
    if gpip.empty:
        return pd.DataFrame(columns=PAYMENT_COLUMNS)
    rows = pd.DataFrame(
        {
            "fund": TRANSITION_COVER,
            "practice_code": gpip["practice_code"],
            "financial_year": [
                financial_year_of(pd.Timestamp(d).date()) for d in gpip["started_date"]
            ],
            "paid_gbp": gpip["level"].map(TRANSITION_COVER_GBP).astype(np.int64),
        }
    )
    paid = rows.groupby(["fund", "practice_code", "financial_year"], as_index=False)[
        "paid_gbp"
    ].sum()
    return (
        paid[PAYMENT_COLUMNS]
        .sort_values(["financial_year", "practice_code"])
        .reset_index(drop=True)
    )
