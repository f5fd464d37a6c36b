"""Unit tests for gpaccess.spc (XmR charts, Making Data Count rules).

Every expected number is worked out by hand in the comments or with explicit arithmetic here,
never by calling the code under test.

Most rule tests append points after a fixed 12-point baseline that alternates 10 and 12:
    mean = (6 x 10 + 6 x 12) / 12 = 11
    moving ranges = 11 x |12 - 10| = 2 each, so MR-bar = 2
    UCL = 11 + 2.66 x 2 = 16.32         LCL = 11 - 2.66 x 2 = 5.68
    two-sigma lines = 11 +/- (2/3)(5.32) = 14.5467 and 7.4533
All of these are exact sums of integers in the code, so a value built with the same
arithmetic (e.g. 11.0 + 2.66 * 2.0) lands exactly on a line.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gpaccess.spc import Direction, SpcSummary, summarise, xmr

BASE_LOW_END = [12, 10] * 6  # ends below the mean (10 < 11)
BASE_HIGH_END = [10, 12] * 6  # ends above the mean (12 > 11)
MEAN, MR_BAR = 11.0, 2.0
UCL = MEAN + 2.66 * MR_BAR  # 16.32
LCL = MEAN - 2.66 * MR_BAR  # 5.68
TWO_SIGMA_UPPER = MEAN + (2 / 3) * (2.66 * MR_BAR)  # 14.5467
TWO_SIGMA_LOWER = MEAN - (2 / 3) * (2.66 * MR_BAR)  # 7.4533

EXPECTED_COLUMNS = [
    "date",
    "value",
    "segment",
    "mean",
    "ucl",
    "lcl",
    "two_sigma_upper",
    "two_sigma_lower",
    "moving_range",
    "trial_limits",
    "astronomical",
    "shift",
    "trend",
    "two_of_three",
    "special_cause",
    "variation",
]


def months(n: int, start: dt.date = dt.date(2022, 1, 1)) -> list[dt.date]:
    """n consecutive first-of-month dates from `start`."""
    return [
        dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(n)
    ]


def chart_for(
    values: Sequence[float], improvement: Direction = "up", **options: Any
) -> pd.DataFrame:
    return xmr(months(len(values)), values, improvement=improvement, **options)


def flagged(chart: pd.DataFrame, column: str) -> list[int]:
    return [i for i, flag in enumerate(chart[column]) if flag]


# ---------------------------------------------------------------------------- shape


def test_output_has_one_row_per_point_and_specified_columns() -> None:
    chart = chart_for(BASE_LOW_END)
    assert list(chart.columns) == EXPECTED_COLUMNS
    assert len(chart) == 12
    assert list(chart["date"].dt.date) == months(12)
    assert chart["value"].tolist() == [float(v) for v in BASE_LOW_END]
    for column in ["trial_limits", "astronomical", "shift", "trend", "two_of_three"]:
        assert chart[column].dtype == bool


def test_accepts_pandas_inputs() -> None:
    dates = pd.Series(pd.date_range("2022-01-01", periods=12, freq="MS"))
    chart = xmr(dates, pd.Series(BASE_LOW_END), improvement="up")
    assert chart["mean"].iloc[0] == MEAN


# ---------------------------------------------------------------------------- limits


def test_limits_from_hand_computed_twelve_point_series() -> None:
    values = [10, 12, 11, 13, 12, 14, 13, 15, 14, 16, 15, 17]
    # sum = 162, mean = 162 / 12 = 13.5
    # moving ranges: 2,1,2,1,2,1,2,1,2,1,2 -> sum 17 over 11 ranges -> MR-bar = 17/11 = 1.54545
    # 2.66 x 17/11 = 4.110909 -> UCL 17.610909, LCL 9.389091
    # two-sigma: (2/3) x 4.110909 = 2.740606 -> 16.240606 and 10.759394
    chart = chart_for(values)
    assert chart["mean"].tolist() == pytest.approx([13.5] * 12)
    assert chart["ucl"].tolist() == pytest.approx([17.610909] * 12)
    assert chart["lcl"].tolist() == pytest.approx([9.389091] * 12)
    assert chart["two_sigma_upper"].tolist() == pytest.approx([16.240606] * 12)
    assert chart["two_sigma_lower"].tolist() == pytest.approx([10.759394] * 12)
    assert math.isnan(chart["moving_range"].iloc[0])
    assert chart["moving_range"].iloc[1:].tolist() == [2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]
    assert not chart["trial_limits"].any()
    # 17 is the only point above 16.24 and 10 the only one below 10.76: no rule fires
    assert not chart["special_cause"].any()
    assert set(chart["variation"]) == {"common"}


def test_alternating_baseline_limits() -> None:
    chart = chart_for(BASE_LOW_END)
    assert chart["mean"].tolist() == [11.0] * 12
    assert chart["ucl"].tolist() == pytest.approx([16.32] * 12)
    assert chart["lcl"].tolist() == pytest.approx([5.68] * 12)
    assert chart["two_sigma_upper"].tolist() == pytest.approx([11 + 10.64 / 3] * 12)
    assert chart["two_sigma_lower"].tolist() == pytest.approx([11 - 10.64 / 3] * 12)


def test_limits_are_fixed_after_the_baseline() -> None:
    # points 13+ are extreme but must not move the limits set by the first 12
    chart = chart_for(BASE_LOW_END + [100, -50, 40, 11])
    assert chart["mean"].tolist() == [11.0] * 16
    assert chart["ucl"].tolist() == pytest.approx([16.32] * 16)
    assert chart["lcl"].tolist() == pytest.approx([5.68] * 16)
    assert not chart["trial_limits"].any()
    # the moving range column still records every consecutive difference
    assert chart["moving_range"].iloc[12:].tolist() == [90, 150, 90, 29]


def test_trial_limits_with_fewer_than_twelve_points() -> None:
    values = [10, 12, 11, 13, 12, 14]
    # mean = 72 / 6 = 12; moving ranges 2,1,2,1,2 -> MR-bar = 8 / 5 = 1.6
    # 2.66 x 1.6 = 4.256 -> UCL 16.256, LCL 7.744
    chart = chart_for(values)
    assert chart["trial_limits"].tolist() == [True] * 6
    assert chart["mean"].tolist() == pytest.approx([12.0] * 6)
    assert chart["ucl"].tolist() == pytest.approx([16.256] * 6)
    assert chart["lcl"].tolist() == pytest.approx([7.744] * 6)


def test_eleven_points_are_trial_twelve_are_not() -> None:
    assert chart_for(BASE_LOW_END[:11])["trial_limits"].all()
    assert not chart_for(BASE_LOW_END)["trial_limits"].any()


def test_single_point_segment_has_limits_equal_to_value() -> None:
    chart = chart_for([7.5])
    row = chart.iloc[0]
    for column in ["mean", "ucl", "lcl", "two_sigma_upper", "two_sigma_lower"]:
        assert row[column] == 7.5
    assert math.isnan(row["moving_range"])
    assert bool(row["trial_limits"])
    assert not bool(row["special_cause"])
    assert row["variation"] == "common"


def test_baseline_points_option() -> None:
    # baseline of 4: [10, 12, 10, 12] -> mean 11, MR-bar 2 -> UCL 16.32; 30 is beyond it
    chart = chart_for([10, 12, 10, 12, 30], baseline_points=4)
    assert chart["mean"].tolist() == [11.0] * 5
    assert chart["ucl"].tolist() == pytest.approx([16.32] * 5)
    assert not chart["trial_limits"].any()
    assert flagged(chart, "astronomical") == [4]


# ---------------------------------------------------------------------------- segments


def test_rebase_creates_two_segments_with_their_own_limits() -> None:
    values = BASE_HIGH_END + [20, 24] * 6
    dates = months(24)
    chart = xmr(dates, values, improvement="up", changes=[dates[12]])
    assert chart["segment"].tolist() == [0] * 12 + [1] * 12
    # segment 0: mean 11, MR-bar 2 -> 16.32 / 5.68
    assert chart["mean"].iloc[:12].tolist() == [11.0] * 12
    assert chart["ucl"].iloc[:12].tolist() == pytest.approx([16.32] * 12)
    # segment 1: mean (6 x 20 + 6 x 24) / 12 = 22, MR-bar 4 -> 22 +/- 10.64
    assert chart["mean"].iloc[12:].tolist() == [22.0] * 12
    assert chart["ucl"].iloc[12:].tolist() == pytest.approx([32.64] * 12)
    assert chart["lcl"].iloc[12:].tolist() == pytest.approx([11.36] * 12)
    # moving range restarts: NaN at the first point of each segment
    assert [i for i, mr in enumerate(chart["moving_range"]) if math.isnan(mr)] == [0, 12]
    assert not chart["special_cause"].any()


def test_rebase_date_between_points_starts_at_next_point() -> None:
    chart = chart_for(
        BASE_HIGH_END + [20, 24] * 6, changes=[dt.date(2023, 1, 15)], min_segment_points=11
    )
    # 15 Jan 2023 falls between Jan 2023 (index 12) and Feb 2023 (index 13)
    assert chart["segment"].tolist() == [0] * 13 + [1] * 11
    assert chart["trial_limits"].tolist() == [False] * 13 + [True] * 11


def test_rebase_dates_outside_the_series_or_repeated_are_ignored() -> None:
    dates = months(24)
    rebase = [dt.date(2021, 6, 1), dates[0], dates[12], dates[12], dt.date(2030, 1, 1)]
    chart = xmr(dates, BASE_HIGH_END + [20, 24] * 6, improvement="up", changes=rebase)
    assert chart["segment"].tolist() == [0] * 12 + [1] * 12


def test_unsorted_rebase_dates_give_consecutive_segment_numbers() -> None:
    dates = months(9)
    chart = xmr(
        dates, [1] * 9, improvement="up", changes=[dates[6], dates[3]], min_segment_points=3
    )
    assert chart["segment"].tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_one_point_segment_after_rebase() -> None:
    dates = months(13)
    chart = xmr(
        dates, BASE_LOW_END + [30], improvement="up", changes=[dates[12]], min_segment_points=1
    )
    last = chart.iloc[12]
    assert (last["segment"], last["mean"], last["ucl"], last["lcl"]) == (1, 30.0, 30.0, 30.0)
    assert bool(last["trial_limits"])
    assert not bool(last["special_cause"])
    assert not chart["trial_limits"].iloc[:12].any()


# ---------------------------------------------------------------------------- shift


def test_seven_points_above_mean_is_a_shift() -> None:
    chart = chart_for(BASE_LOW_END + [12, 13, 12, 13, 12, 13, 12, 10])
    assert flagged(chart, "shift") == list(range(12, 19))
    # 13 < 14.55 (two sigma), alternating, so nothing else fires
    assert flagged(chart, "special_cause") == list(range(12, 19))
    assert set(chart["variation"].iloc[12:19]) == {"improvement"}


def test_six_points_above_mean_is_not_a_shift() -> None:
    chart = chart_for(BASE_LOW_END + [12, 13, 12, 13, 12, 13, 10])
    assert not chart["shift"].any()
    assert not chart["special_cause"].any()


def test_seven_points_below_mean_is_a_shift() -> None:
    chart = chart_for(BASE_HIGH_END + [10, 9, 10, 9, 10, 9, 10, 12])
    assert flagged(chart, "shift") == list(range(12, 19))
    assert set(chart["variation"].iloc[12:19]) == {"concern"}


def test_longer_shift_flags_every_point() -> None:
    chart = chart_for(BASE_LOW_END + [12, 13] * 5 + [10])
    assert flagged(chart, "shift") == list(range(12, 22))


def test_point_exactly_on_mean_breaks_a_shift() -> None:
    # seven points above 11, but the 11 in the middle splits them into runs of 3 and 4
    chart = chart_for(BASE_LOW_END + [12, 13, 12, 11, 13, 12, 13, 12, 10])
    assert not chart["shift"].any()
    assert not chart["special_cause"].any()


def test_points_on_the_mean_are_on_neither_side() -> None:
    # seven points exactly on the mean: no shift, and equal values are no trend either
    chart = chart_for(BASE_LOW_END + [11] * 7 + [10])
    assert not chart["shift"].any()
    assert not chart["trend"].any()


def test_shift_run_option() -> None:
    chart = chart_for(BASE_LOW_END + [12, 13, 12, 13, 12, 13, 10], shift_run=6)
    assert flagged(chart, "shift") == list(range(12, 18))


# ---------------------------------------------------------------------------- trend


def test_seven_rising_points_is_a_trend() -> None:
    # 12 -> 8 falls, then 8..14 rise for 7 points, then 14 -> 11 falls
    chart = chart_for(BASE_HIGH_END + [8, 9, 10, 11, 12, 13, 14, 11])
    assert flagged(chart, "trend") == list(range(12, 19))
    assert flagged(chart, "special_cause") == list(range(12, 19))


def test_seven_falling_points_is_a_trend() -> None:
    chart = chart_for(BASE_LOW_END + [14, 13, 12, 11, 10, 9, 8, 11])
    assert flagged(chart, "trend") == list(range(12, 19))
    assert flagged(chart, "special_cause") == list(range(12, 19))


def test_six_rising_points_is_not_a_trend() -> None:
    chart = chart_for(BASE_HIGH_END + [9, 10, 11, 12, 13, 14, 11])
    assert not chart["trend"].any()
    assert not chart["special_cause"].any()


def test_six_falling_points_is_not_a_trend() -> None:
    chart = chart_for(BASE_LOW_END + [14, 13, 12, 11, 10, 9, 11])
    assert not chart["trend"].any()


def test_equal_values_break_a_trend() -> None:
    # 8, 9, 10 | 10, 11, 12, 13, 14: runs of 3 and 5, the tie is not a rise
    chart = chart_for(BASE_HIGH_END + [8, 9, 10, 10, 11, 12, 13, 14, 11])
    assert not chart["trend"].any()


def test_trend_run_option() -> None:
    chart = chart_for(BASE_HIGH_END + [9, 10, 11], trend_run=3)
    assert flagged(chart, "trend") == [12, 13, 14]


def test_trend_only_points_take_the_trend_direction() -> None:
    # Making Data Count: a point flagged only by a trend is classed by the trend's direction, even while it is
    # still on the other side of the mean. Rising with improvement "up" -> all 7 improvement.
    rising = chart_for(BASE_HIGH_END + [8, 9, 10, 11, 12, 13, 14, 11])
    assert rising["variation"].iloc[12:19].tolist() == ["improvement"] * 7
    # Falling with improvement "down" -> all 7 improvement; with "up" -> all 7 concern.
    falling = chart_for(BASE_LOW_END + [14, 13, 12, 11, 10, 9, 8, 11], improvement="down")
    assert falling["variation"].iloc[12:19].tolist() == ["improvement"] * 7
    falling_up = chart_for(BASE_LOW_END + [14, 13, 12, 11, 10, 9, 8, 11], improvement="up")
    assert falling_up["variation"].iloc[12:19].tolist() == ["concern"] * 7


def test_peak_on_the_mean_keeps_the_direction_it_was_reached_by() -> None:
    # 9, 10, 11 rise and 11, 10, 9 fall (trend_run=3): the peak 11 is on the mean and in
    # both runs; it was reached by rising, so it counts as the high side
    chart = chart_for(BASE_HIGH_END + [9, 10, 11, 10, 9], trend_run=3)
    assert flagged(chart, "trend") == [12, 13, 14, 15, 16]
    # 9, 10, 11 are in the rising run (improvement); 10, 9 only in the falling run (concern)
    assert chart["variation"].iloc[12:].tolist() == [
        "improvement",
        "improvement",
        "improvement",
        "concern",
        "concern",
    ]


# ---------------------------------------------------------------------------- two of three


def test_two_of_three_beyond_upper_two_sigma() -> None:
    # 15 > 14.55 (but < 16.32); the 12 between them is not flagged
    chart = chart_for(BASE_LOW_END + [15, 12, 15, 10, 12, 10])
    assert flagged(chart, "two_of_three") == [12, 14]
    assert flagged(chart, "special_cause") == [12, 14]


def test_two_consecutive_beyond_upper_two_sigma() -> None:
    chart = chart_for(BASE_LOW_END + [15, 15, 10])
    assert flagged(chart, "two_of_three") == [12, 13]


def test_two_of_three_beyond_lower_two_sigma() -> None:
    # 7 < 7.45 (but > 5.68)
    chart = chart_for(BASE_HIGH_END + [7, 10, 7, 12])
    assert flagged(chart, "two_of_three") == [12, 14]
    assert set(chart["variation"].iloc[[12, 14]]) == {"concern"}


def test_two_of_three_on_opposite_sides_does_not_flag() -> None:
    chart = chart_for(BASE_LOW_END + [15, 11, 7, 11])
    assert not chart["two_of_three"].any()
    assert not chart["special_cause"].any()


def test_one_of_three_beyond_two_sigma_does_not_flag() -> None:
    chart = chart_for(BASE_LOW_END + [15, 12, 11, 15])
    assert not chart["two_of_three"].any()


def test_points_exactly_on_two_sigma_line_do_not_count() -> None:
    on_line = 11.0 + (2 / 3) * (2.66 * 2.0)
    assert on_line == pytest.approx(14.546667)
    chart = chart_for(BASE_LOW_END + [on_line, 12, on_line, 10])
    assert not chart["two_of_three"].any()


# ---------------------------------------------------------------------------- astronomical


def test_point_above_upper_limit_is_astronomical() -> None:
    chart = chart_for(BASE_LOW_END + [17, 10])
    assert flagged(chart, "astronomical") == [12]
    assert flagged(chart, "special_cause") == [12]


def test_point_below_lower_limit_is_astronomical() -> None:
    chart = chart_for(BASE_HIGH_END + [5, 12])
    assert flagged(chart, "astronomical") == [12]
    assert flagged(chart, "special_cause") == [12]


def test_points_exactly_on_the_limits_are_not_special() -> None:
    assert abs(UCL - 16.32) < 1e-12
    assert abs(LCL - 5.68) < 1e-12
    chart = chart_for(BASE_LOW_END + [UCL, 10, 12, LCL, 12])
    assert chart["ucl"].iloc[12] == UCL
    assert chart["lcl"].iloc[15] == LCL
    assert not chart["astronomical"].any()
    assert not chart["special_cause"].any()


# ---------------------------------------------------------------------------- segment boundaries


def test_trend_does_not_cross_a_segment_boundary() -> None:
    values = [1, 2, 3, 4, 5, 6, 7]
    dates = months(7)
    assert chart_for(values)["trend"].all()  # one segment: 7 rising points
    split = xmr(dates, values, improvement="up", changes=[dates[4]], min_segment_points=1)
    assert not split["trend"].any()  # 4 + 3 rising points


def test_shift_does_not_cross_a_segment_boundary() -> None:
    values = [0, 4, 4, 4, 4, 4, 4, 4, 0]
    dates = months(9)
    # one segment: mean 28 / 9 = 3.11, the seven 4s are above it
    assert flagged(chart_for(values), "shift") == list(range(1, 8))
    # split: [0, 4, 4, 4, 4] mean 3.2 (four 4s above) and [4, 4, 4, 0] mean 3 (three above)
    split = xmr(dates, values, improvement="up", changes=[dates[5]], min_segment_points=1)
    assert not split["shift"].any()


def test_two_of_three_does_not_cross_a_segment_boundary() -> None:
    values = BASE_HIGH_END + [15, 11] + [15] + [2, 4] * 5 + [2]
    dates = months(len(values))
    # one segment (limits from the first 12): 15, 11, 15 has two points beyond 14.55
    assert {12, 14} <= set(flagged(chart_for(values), "two_of_three"))
    # split before the second 15: segment 0 ends 12, 15, 11 (one beyond);
    # segment 1 = [15, 2, 4, ...]: mean 47/12 = 3.917, MR-bar (13 + 10 x 2)/11 = 3,
    # upper two sigma 3.917 + 5.32 = 9.24; only the 15 is beyond it
    split = xmr(dates, values, improvement="up", changes=[dates[14]], min_segment_points=1)
    assert not split["two_of_three"].any()


# ---------------------------------------------------------------------------- variation


@pytest.mark.parametrize(
    ("improvement", "high", "low"),
    [
        ("up", "improvement", "concern"),
        ("down", "concern", "improvement"),
        ("neutral", "neutral", "neutral"),
    ],
)
def test_variation_by_direction(improvement: Direction, high: str, low: str) -> None:
    # 17 is above the UCL, 5 below the LCL
    chart = chart_for(BASE_LOW_END + [17, 10, 12, 5], improvement=improvement)
    expected = ["common"] * 16
    expected[12], expected[15] = high, low
    assert chart["variation"].tolist() == expected


# ---------------------------------------------------------------------------- summarise


def test_summary_of_common_cause_chart() -> None:
    summary = summarise(chart_for(BASE_LOW_END), improvement="up")
    assert isinstance(summary, SpcSummary)
    assert summary.variation_icon == "common_cause"
    assert summary.variation_text == "Common cause variation: no significant change"
    assert summary.assurance_icon is None
    assert summary.assurance_text is None
    assert summary.trial_limits is False
    assert summary.latest_date == dt.date(2022, 12, 1)
    assert summary.latest_value == 10.0
    assert summary.mean == 11.0
    assert summary.ucl == pytest.approx(16.32)
    assert summary.lcl == pytest.approx(5.68)


@pytest.mark.parametrize(
    ("latest", "improvement", "icon", "words"),
    [
        (17, "up", "improvement_high", "improvement (higher than expected)"),
        (5, "up", "concern_low", "concern (lower than expected)"),
        (17, "down", "concern_high", "concern (higher than expected)"),
        (5, "down", "improvement_low", "improvement (lower than expected)"),
        (17, "neutral", "neutral_high", "higher than expected"),
        (5, "neutral", "neutral_low", "lower than expected"),
    ],
)
def test_summary_variation_icons(
    latest: float, improvement: Direction, icon: str, words: str
) -> None:
    chart = chart_for(BASE_LOW_END + [latest], improvement=improvement)
    summary = summarise(chart, improvement=improvement)
    assert summary.variation_icon == icon
    assert summary.variation_text.startswith("Special cause variation")
    assert words in summary.variation_text
    assert summary.latest_value == latest


@pytest.mark.parametrize(
    ("tail", "improvement", "icon"),
    [
        ([9, 10, 11], "up", "improvement_high"),  # rising onto the mean
        ([9, 10, 11], "down", "concern_high"),
        ([13, 12, 11], "up", "concern_low"),  # falling onto the mean
        ([13, 12, 11], "down", "improvement_low"),
    ],
)
def test_summary_of_trend_point_on_the_mean(
    tail: list[int], improvement: Direction, icon: str
) -> None:
    base = BASE_HIGH_END if tail[0] < 11 else BASE_LOW_END
    chart = chart_for(base + tail, improvement=improvement, trend_run=3)
    assert chart["value"].iloc[-1] == chart["mean"].iloc[-1] == 11.0
    assert bool(chart["trend"].iloc[-1])
    assert summarise(chart, improvement=improvement).variation_icon == icon


@pytest.mark.parametrize(
    ("improvement", "target", "icon"),
    [
        ("up", 5.0, "pass"),  # at or below the LCL (5.68): always met
        ("up", LCL, "pass"),
        ("up", 11.0, "hit_or_miss"),
        ("up", UCL, "hit_or_miss"),  # on the UCL: not above it, so not a certain fail
        ("up", 17.0, "fail"),  # above the UCL: never met
        ("down", 17.0, "pass"),
        ("down", UCL, "pass"),
        ("down", 11.0, "hit_or_miss"),
        ("down", LCL, "hit_or_miss"),
        ("down", 5.0, "fail"),
        ("neutral", 11.0, "hit_or_miss"),
        ("neutral", 17.0, None),
        ("neutral", 5.0, None),
        ("up", None, None),
        ("down", None, None),
    ],
)
def test_summary_assurance(improvement: Direction, target: float | None, icon: str | None) -> None:
    summary = summarise(chart_for(BASE_LOW_END), improvement=improvement, target=target)
    assert summary.assurance_icon == icon
    expected_text = {
        "pass": "The process will consistently meet the target",
        "fail": "consistently fail",
        "hit_or_miss": "hit and miss",
        None: None,
    }[icon]
    if expected_text is None:
        assert summary.assurance_text is None
    else:
        assert summary.assurance_text is not None
        assert expected_text in summary.assurance_text


def test_summary_uses_latest_segment_limits() -> None:
    dates = months(24)
    chart = xmr(dates, BASE_HIGH_END + [20, 24] * 6, improvement="up", changes=[dates[12]])
    # latest segment: mean 22, limits 22 +/- 10.64; a target of 10 is below its LCL (11.36)
    # but would be inside segment 0's limits (5.68 to 16.32)
    summary = summarise(chart, improvement="up", target=10)
    assert summary.assurance_icon == "pass"
    assert summary.mean == 22.0
    assert summary.ucl == pytest.approx(32.64)
    assert summary.lcl == pytest.approx(11.36)
    assert summary.latest_date == dt.date(2023, 12, 1)


def test_summary_reports_trial_limits() -> None:
    summary = summarise(chart_for([10, 12, 11, 13, 12, 14]), improvement="up")
    assert summary.trial_limits is True


def test_summary_rejects_empty_chart_and_bad_direction() -> None:
    chart = chart_for(BASE_LOW_END)
    with pytest.raises(ValueError, match="empty"):
        summarise(chart.iloc[0:0], improvement="up")
    with pytest.raises(ValueError, match="improvement"):
        summarise(chart, improvement="sideways")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("dates", "values", "message"),
    [
        (months(3), [1, 2], "differ in length"),
        (months(3)[::-1], [1, 2, 3], "strictly increasing"),
        ([dt.date(2022, 1, 1)] * 2, [1, 2], "strictly increasing"),
        (months(3), [1, float("nan"), 3], "NaN"),
        (months(3), [1, np.inf, 3], "finite"),
        ([], [], "at least one point"),
    ],
)
def test_invalid_series_raise_value_error(
    dates: list[Any], values: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        xmr(dates, values, improvement="up")


def test_invalid_options_raise_value_error() -> None:
    with pytest.raises(ValueError, match="improvement"):
        xmr(months(3), [1, 2, 3], improvement="better")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="baseline_points"):
        xmr(months(3), [1, 2, 3], improvement="up", baseline_points=0)
    with pytest.raises(ValueError, match="trend_run"):
        xmr(months(3), [1, 2, 3], improvement="up", trend_run=1)
