"""The small-number rule (gpaccess.disclosure): shares of fewer than 5 practices and ranking counts of 1-4 are
not shown outside the ICB's own users; plain counts are."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gpaccess.charts.gains import with_small_number_rule
from gpaccess.disclosure import FEWER_THAN, share, shown_count, shown_share, too_few


@pytest.mark.parametrize(
    ("part", "whole", "exact", "expected"),
    [
        (3, 4, False, None),  # a share of 4 practices
        (3, 4, True, 75.0),  # ... shown to the ICB's own users
        (1, 5, False, 20.0),  # 5 practices: shown
        (2, 3, False, None),
        (0, 0, False, None),  # nothing to divide by
        (None, 10, False, None),
        (math.nan, 10, False, None),
        (7, 8, False, 87.5),
    ],
)
def test_share(part, whole, exact, expected):
    assert share(part, whole, exact=exact) == expected


def test_shown_share_says_why_a_share_is_missing():
    assert shown_share(1, 4) == FEWER_THAN == "fewer than 5"
    assert shown_share(1, 4, exact=True) == "25.0%"
    assert shown_share(0, 0) == "no practices" and shown_share(None, 4) == "no data"
    assert shown_share(2, 10) == "20.0%"  # the group is 10 practices
    assert shown_share(2, 10, ranking=True) == FEWER_THAN  # 2 practices of a ranking
    assert shown_share(6, 10, ranking=True, digits=0) == "60%"


def test_counts():
    assert [shown_count(n) for n in (0, 1, 4, 5, 1234)] == [
        "0",
        FEWER_THAN,
        FEWER_THAN,
        "5",
        "1,234",
    ]
    assert shown_count(3, exact=True) == "3" and shown_count(None) == "no data"
    assert not too_few(0) and too_few(4) and not too_few(4, exact=True)


def test_ranking_counts_hide_zero_too():
    assert shown_count(0, ranking=True) == FEWER_THAN and shown_count(0) == "0"
    assert shown_share(0, 40, ranking=True) == FEWER_THAN and shown_share(0, 40) == "0.0%"
    assert too_few(0, ranking=True) and not too_few(0, ranking=True, exact=True)


def test_the_share_rule_row_by_row():
    """with_small_number_rule against the rule applied to each row by hand: fewer than 5 in n, no count and no
    share; none in n, no share; else the share to one decimal place (missing counts stay missing)."""
    rng = np.random.default_rng(19)
    for _ in range(50):
        size = int(rng.integers(1, 25))
        whole = rng.integers(0, 60, size)
        counted = pd.array(np.minimum(rng.integers(0, 60, size), whole), dtype="Int64")
        counted[rng.random(size) < 0.2] = pd.NA
        got = with_small_number_rule(
            pd.DataFrame({"n": whole, "k": counted}), n="n", part="k", pct="pct", unit="assessed"
        )
        for row, n, k in zip(got.itertuples(), whole, counted, strict=True):
            small, missing = n < 5, pd.isna(k)
            assert pd.isna(row.k) if small or missing else row.k == k
            share = None if small or missing or n == 0 else float(np.round(100 * int(k) / n, 1))
            assert pd.isna(row.pct) if share is None else row.pct == share
            words = (
                "none assessed"
                if n == 0
                else "fewer than 5 assessed"
                if small
                else f"{share:.1f}% of {n:,} assessed"
                if share is not None
                else f"no data of {n:,} assessed"
            )
            assert row.shown_as == words
        assert str(got["k"].dtype) == "Int64" and str(got["pct"].dtype) == "Float64"
