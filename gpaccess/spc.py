"""Statistical process control (SPC): XmR charts with the NHS "Making Data Count" rules.

Pure functions only (no Streamlit, no plotting). `xmr` builds the chart table and
`summarise` turns its latest point into the Making Data Count (MDC) variation and assurance
icons.

Reference: NHS England, "Making Data Count: Getting started" (2019) and "Making Data Count:
Strengthening your decisions" (2021), https://www.england.nhs.uk/publication/making-data-count/

The XmR chart
    The series is split into segments ("re-basing") only at changes a user recorded (the
    month a known change to the process took effect: gpaccess.spc_changes), never
    automatically, and only where the change leaves at least `min_segment_points` points
    (12 by default) on each side: a change nearer the start or end of the series, or nearer
    an earlier accepted change, does not re-base (the chart still marks it). In each segment
    the mean and the mean moving range (MR-bar, the mean of the absolute differences between
    consecutive points) are taken from the first `baseline_points` points (12 by default)
    and then held fixed for the rest of the segment. The process limits are mean +/- 2.66 x
    MR-bar (about three sigma); the two-sigma lines sit two-thirds of the way from the mean
    to each limit. A series with fewer than `baseline_points` points uses all of them and is
    flagged as having trial limits.

Special-cause rules (each tested within a segment; runs never cross a segment boundary)
    astronomical  a point strictly above the upper or strictly below the lower limit;
    shift         7 or more consecutive points strictly on the same side of the mean
                  (a point exactly on the mean breaks the run);
    trend         7 or more consecutive points each strictly higher (or each strictly
                  lower) than the one before (an equal value breaks the run);
    two of three  2 of 3 consecutive points strictly beyond the same two-sigma line; the
                  points beyond the line are flagged.
    A point on the improving side of the mean is "improvement", on the other side
    "concern", and every special-cause point is "neutral" when neither direction is better.
    A trend point exactly on the mean takes its side from the direction of the trend.

Assurance (does the process reliably meet a target?) compares the target with the latest
segment's limits: a target outside the limits on the achievable side always passes, outside
on the other side always fails, and a target between the limits will be hit and missed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

Direction = Literal["up", "down", "neutral"]

LIMIT_FACTOR = 2.66  # 3 / d2, with d2 = 1.128 for moving ranges of two points
TWO_SIGMA_FRACTION = 2 / 3

RULES = ["astronomical", "shift", "trend", "two_of_three"]
COLUMNS = [
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
    *RULES,
    "special_cause",
    "variation",
]

_VARIATION_TEXT = {
    "common_cause": "Common cause variation: no significant change",
    "improvement_high": "Special cause variation: improvement (higher than expected)",
    "improvement_low": "Special cause variation: improvement (lower than expected)",
    "concern_high": "Special cause variation: concern (higher than expected)",
    "concern_low": "Special cause variation: concern (lower than expected)",
    "neutral_high": "Special cause variation: neither improvement nor concern "
    "(higher than expected)",
    "neutral_low": "Special cause variation: neither improvement nor concern (lower than expected)",
}

_ASSURANCE_TEXT = {
    "pass": "The process will consistently meet the target",
    "fail": "The process will consistently fail to meet the target",
    "hit_or_miss": "The process will hit and miss the target: "
    "the target lies within the process limits",
}


@dataclass(frozen=True)
class SpcSummary:
    """Plain-language reading of an XmR chart's latest point, with MDC icon names."""

    variation_icon: str
    variation_text: str
    assurance_icon: str | None
    assurance_text: str | None
    trial_limits: bool
    latest_date: datetime.date
    latest_value: float
    mean: float
    ucl: float
    lcl: float
    special_cause: bool = (
        False  # the latest point is flagged by a rule: only then is a variation icon shown
    )

    @property
    def shows_variation_icon(self) -> bool:
        """Making Data Count icons only where the rules fire: common cause is said in words, no badge."""
        return self.special_cause


@dataclass(frozen=True)
class _Limits:
    mean: float
    ucl: float
    lcl: float
    two_sigma_upper: float
    two_sigma_lower: float


# ---------------------------------------------------------------------------- public API


def xmr(
    dates: Iterable[Any],
    values: Iterable[float],
    *,
    improvement: Direction,
    baseline_points: int = 12,
    changes: Sequence[datetime.date] | None = None,
    min_segment_points: int | None = None,
    shift_run: int = 7,
    trend_run: int = 7,
) -> pd.DataFrame:
    """Return the XmR chart table: one row per point with limits, rule flags and variation.

    `dates` must be strictly increasing; `values` must be finite numbers of the same length.
    Each of the recorded `changes` starts a new segment (with its own limits) at the first
    point on or after it, if that leaves at least `min_segment_points` (default:
    `baseline_points`) points on each side. See the module docstring for the rules.
    """
    when, vals = _validated_series(dates, values)
    _check_options(improvement, baseline_points, shift_run, trend_run)
    least = baseline_points if min_segment_points is None else min_segment_points
    if least < 1:
        raise ValueError("min_segment_points must be at least 1")
    segment = _segment_ids(len(when), segment_starts(when, changes or [], least))
    parts = [
        _segment_chart(vals[segment == seg], baseline_points, shift_run, trend_run)
        for seg in range(int(segment.max()) + 1)
    ]
    columns = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    columns["date"], columns["segment"] = when, segment
    columns["special_cause"] = np.logical_or.reduce([columns[rule] for rule in RULES])
    columns["variation"] = _variation(columns, improvement)
    return pd.DataFrame({name: columns[name] for name in COLUMNS})


def summarise(
    chart: pd.DataFrame, *, improvement: Direction, target: float | None = None
) -> SpcSummary:
    """Summarise the latest point of an `xmr` chart as MDC variation and assurance icons."""
    if chart.empty:
        raise ValueError("cannot summarise an empty SPC chart")
    _check_direction(improvement)
    latest = chart.iloc[-1]
    icon = _variation_icon(chart, improvement)
    assurance = _assurance_icon(improvement, target, float(latest["lcl"]), float(latest["ucl"]))
    return SpcSummary(
        variation_icon=icon,
        variation_text=_VARIATION_TEXT[icon],
        assurance_icon=assurance,
        assurance_text=_ASSURANCE_TEXT[assurance] if assurance else None,
        trial_limits=bool(latest["trial_limits"]),
        latest_date=pd.Timestamp(latest["date"]).date(),
        latest_value=float(latest["value"]),
        mean=float(latest["mean"]),
        ucl=float(latest["ucl"]),
        lcl=float(latest["lcl"]),
        special_cause=bool(latest["special_cause"]),
    )


# ---------------------------------------------------------------------------- validation


def _validated_series(
    dates: Iterable[Any], values: Iterable[float]
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    date_list, value_list = list(dates), list(values)
    if len(date_list) != len(value_list):
        raise ValueError(
            f"dates and values differ in length ({len(date_list)} dates, {len(value_list)} values)"
        )
    if not date_list:
        raise ValueError("an SPC chart needs at least one point")
    when = pd.DatetimeIndex(pd.to_datetime(date_list))
    if when.hasnans or not (np.diff(when.asi8) > 0).all():
        raise ValueError("dates must be strictly increasing (no repeated or out-of-order dates)")
    vals = np.asarray(value_list, dtype=float)
    if not np.isfinite(vals).all():
        raise ValueError("values must be finite numbers (found NaN or infinity)")
    return when, vals


def _check_direction(improvement: str) -> None:
    if improvement not in get_args(Direction):
        raise ValueError(f"improvement must be 'up', 'down' or 'neutral', not {improvement!r}")


def _check_options(improvement: str, baseline_points: int, shift_run: int, trend_run: int) -> None:
    _check_direction(improvement)
    if baseline_points < 1:
        raise ValueError("baseline_points must be at least 1")
    if shift_run < 2 or trend_run < 2:
        raise ValueError("shift_run and trend_run must be at least 2")


# ---------------------------------------------------------------------------- segments


def segment_starts(
    dates: Iterable[Any], changes: Iterable[datetime.date], min_points: int = 12
) -> list[int]:
    """Positions where a new segment starts: at the first point on or after each change, taken in
    date order, when at least `min_points` points lie between it and the previous segment's start
    and at least `min_points` from it to the end of the series. Every segment then has at least
    `min_points` points; a change that fails the test does not re-base."""
    when = pd.DatetimeIndex(pd.to_datetime(list(dates)))
    candidates = sorted({int(when.searchsorted(pd.Timestamp(day))) for day in changes})
    starts: list[int] = []
    for position in candidates:
        previous = starts[-1] if starts else 0
        if position - previous >= min_points and len(when) - position >= min_points:
            starts.append(position)
    return starts


def _segment_ids(length: int, starts: Sequence[int]) -> np.ndarray:
    """Segment number per point, given the positions where segments after the first start."""
    return np.searchsorted(np.asarray(starts, dtype=int), np.arange(length), side="right")


def _segment_chart(
    vals: np.ndarray, baseline_points: int, shift_run: int, trend_run: int
) -> dict[str, np.ndarray]:
    """Limits, moving ranges and rule flags for one segment: a column each."""
    limits = _baseline_limits(vals, baseline_points)
    trend = _trend_flags(vals, trend_run)

    def each(value: object) -> np.ndarray:
        return np.full(len(vals), value)

    return {
        "value": vals,
        "mean": each(limits.mean),
        "ucl": each(limits.ucl),
        "lcl": each(limits.lcl),
        "two_sigma_upper": each(limits.two_sigma_upper),
        "two_sigma_lower": each(limits.two_sigma_lower),
        "moving_range": np.concatenate([[np.nan], np.abs(np.diff(vals))]),
        "trial_limits": each(len(vals) < baseline_points),
        "astronomical": (vals > limits.ucl) | (vals < limits.lcl),
        "shift": _run_flags(np.sign(vals - limits.mean), shift_run),
        "trend": trend != 0,
        "two_of_three": _two_of_three(vals, limits),
        "_trend_side": trend,
    }


def _baseline_limits(vals: np.ndarray, baseline_points: int) -> _Limits:
    """Mean and limits from the first `baseline_points` values (all values if fewer)."""
    base = vals[:baseline_points]
    mean = float(np.mean(base))
    mr_bar = float(np.mean(np.abs(np.diff(base)))) if len(base) > 1 else 0.0
    width = LIMIT_FACTOR * mr_bar
    return _Limits(
        mean=mean,
        ucl=mean + width,
        lcl=mean - width,
        two_sigma_upper=mean + TWO_SIGMA_FRACTION * width,
        two_sigma_lower=mean - TWO_SIGMA_FRACTION * width,
    )


# ---------------------------------------------------------------------------- rules


def _runs(keys: np.ndarray) -> list[tuple[int, int, int]]:
    """Maximal runs of equal keys as (start, stop_exclusive, key)."""
    runs: list[tuple[int, int, int]] = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            runs.append((start, i, int(keys[start])))
            start = i
    return runs


def _run_flags(sides: np.ndarray, min_length: int) -> np.ndarray:
    """Flag every point in a run of at least `min_length` equal, non-zero sides."""
    flags = np.zeros(len(sides), dtype=bool)
    for start, stop, key in _runs(sides):
        if key != 0 and stop - start >= min_length:
            flags[start:stop] = True
    return flags


def _trend_flags(vals: np.ndarray, trend_run: int) -> np.ndarray:
    """Trend direction per point: +1 in a rising run, -1 in a falling run, 0 otherwise.

    A run of n points is n - 1 consecutive steps in the same direction; a tie is a zero
    step and breaks the run. A peak or trough belongs to two runs; it keeps the direction
    of the run that reached it.
    """
    direction = np.zeros(len(vals), dtype=int)
    for start, stop, key in _runs(np.sign(np.diff(vals))):
        if key != 0 and stop - start >= trend_run - 1:
            span = direction[start : stop + 1]
            span[span == 0] = key
    return direction


def _two_of_three(vals: np.ndarray, limits: _Limits) -> np.ndarray:
    """Flag points beyond a two-sigma line when 2 of 3 consecutive points are beyond it."""
    flags = np.zeros(len(vals), dtype=bool)
    for beyond in (vals > limits.two_sigma_upper, vals < limits.two_sigma_lower):
        for i in range(len(vals) - 2):
            window = beyond[i : i + 3]
            if window.sum() >= 2:
                flags[i : i + 3] |= window
    return flags


# ---------------------------------------------------------------------------- variation


def _variation(columns: Mapping[str, np.ndarray], improvement: Direction) -> np.ndarray:
    """'improvement', 'concern' or 'neutral' for special-cause points, else 'common'."""
    side = _special_side(columns)
    if improvement == "neutral":
        special = np.full(len(side), "neutral", dtype=object)
    else:
        better = side > 0 if improvement == "up" else side < 0
        special = np.where(better, "improvement", "concern").astype(object)
    return np.where(columns["special_cause"], special, "common").astype(object)


def _special_side(columns: Mapping[str, np.ndarray]) -> np.ndarray:
    """+1 high / -1 low for each point: a point flagged only by a trend takes the trend's direction (as MDC
    does: a rising trend is high even where it is still below the mean); otherwise its side of the mean."""
    side = np.sign(columns["value"] - columns["mean"])
    trend_only = columns["trend"] & ~(
        columns["astronomical"] | columns["shift"] | columns["two_of_three"]
    )
    return np.where(trend_only | (side == 0), columns["_trend_side"], side)


def _latest_side(chart: pd.DataFrame) -> str:
    """'high' or 'low': side of the mean, or for a point on the mean, the way it moved."""
    latest = chart.iloc[-1]
    if latest["value"] != latest["mean"]:
        return "high" if latest["value"] > latest["mean"] else "low"
    same_segment = chart[chart["segment"] == latest["segment"]]
    previous = same_segment["value"].iloc[-2] if len(same_segment) > 1 else latest["value"]
    return "high" if latest["value"] > previous else "low"


def _variation_icon(chart: pd.DataFrame, improvement: Direction) -> str:
    latest = chart.iloc[-1]
    if not bool(latest["special_cause"]):
        return "common_cause"
    if improvement == "neutral":
        return f"neutral_{_latest_side(chart)}"
    better, worse = ("high", "low") if improvement == "up" else ("low", "high")
    return "improvement_" + better if latest["variation"] == "improvement" else "concern_" + worse


def _assurance_icon(
    improvement: Direction, target: float | None, lcl: float, ucl: float
) -> str | None:
    if target is None:
        return None
    if improvement == "neutral":
        return "hit_or_miss" if lcl <= target <= ucl else None
    if improvement == "up":
        passes, fails = target <= lcl, target > ucl
    else:
        passes, fails = target >= ucl, target < lcl
    if passes:
        return "pass"
    return "fail" if fails else "hit_or_miss"
