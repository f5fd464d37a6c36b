"""Re-basing only at recorded changes, with at least 12 points each side (gpaccess.spc).

Expected limits are worked out here with plain arithmetic on the series, never with the code under test.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from gpaccess.spc import segment_starts, summarise, xmr


def months(n: int, start: dt.date = dt.date(2021, 4, 1)) -> list[dt.date]:
    return [
        dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(n)
    ]


def limits_of(values: list[float]) -> tuple[float, float, float]:
    """Mean, upper and lower limit from the first 12 values: mean +/- 2.66 x mean moving range."""
    base = values[:12]
    mean = sum(base) / len(base)
    mr_bar = sum(abs(b - a) for a, b in zip(base, base[1:], strict=False)) / (len(base) - 1)
    return mean, mean + 2.66 * mr_bar, mean - 2.66 * mr_bar


LOW = [50.0, 52.0, 51.0, 53.0, 50.0, 52.0, 51.0, 53.0, 50.0, 52.0, 51.0, 53.0]
HIGH = [70.0, 73.0, 71.0, 72.0, 70.0, 73.0, 71.0, 72.0, 70.0, 73.0, 71.0, 72.0]


def test_no_recorded_change_means_one_segment_whatever_the_data_do() -> None:
    values = LOW * 2 + HIGH * 2  # a large step after two years: still one set of limits
    chart = xmr(months(48), values, improvement="up")
    assert chart["segment"].unique().tolist() == [0]
    mean, ucl, lcl = limits_of(values)
    assert chart["mean"].unique().tolist() == pytest.approx([mean])
    assert chart["ucl"].unique().tolist() == pytest.approx([ucl])
    assert (
        chart["special_cause"].iloc[24:].all()
    )  # the step is special cause against the old limits


def test_a_recorded_change_with_twelve_points_each_side_rebases() -> None:
    values = LOW + HIGH
    dates = months(24)
    chart = xmr(dates, values, improvement="up", changes=[dates[12]])
    assert chart["segment"].tolist() == [0] * 12 + [1] * 12
    for segment, part in ((0, LOW), (1, HIGH)):
        mean, ucl, lcl = limits_of(part)
        rows = chart[chart["segment"] == segment]
        assert rows["mean"].tolist() == pytest.approx([mean] * 12)
        assert rows["ucl"].tolist() == pytest.approx([ucl] * 12)
        assert rows["lcl"].tolist() == pytest.approx([lcl] * 12)
    assert not chart["special_cause"].any()
    assert not chart["trial_limits"].any()


@pytest.mark.parametrize(
    ("before", "after"),
    [(11, 12), (12, 11), (11, 11), (5, 30)],
)
def test_fewer_than_twelve_points_on_a_side_does_not_rebase(before: int, after: int) -> None:
    values = (LOW * 3)[:before] + (HIGH * 3)[:after]
    dates = months(before + after)
    chart = xmr(dates, values, improvement="up", changes=[dates[before]])
    assert chart["segment"].unique().tolist() == [0]
    mean, ucl, _ = limits_of(values)
    assert chart["mean"].iloc[-1] == pytest.approx(mean)
    assert chart["ucl"].iloc[-1] == pytest.approx(ucl)


def test_a_change_too_close_to_an_accepted_one_is_skipped_and_the_next_one_counted() -> None:
    dates = months(48)
    # changes at 12 (accepted), 18 (6 after the last start: skipped), 30 (18 after: accepted, 18 to the end)
    assert segment_starts(dates, [dates[18], dates[12], dates[30]]) == [12, 30]
    # a change 11 from the end is skipped, whatever came before
    assert segment_starts(dates, [dates[37]]) == []
    assert segment_starts(dates, [dates[36]]) == [36]


def test_a_change_between_months_starts_at_the_next_month_and_outside_dates_are_ignored() -> None:
    dates = months(30)
    assert segment_starts(dates, [dt.date(2022, 3, 15)]) == [12]  # Apr 2022 is position 12
    assert segment_starts(dates, [dt.date(2019, 1, 1), dt.date(2040, 1, 1)]) == []


def test_min_segment_points_can_be_set_and_must_be_positive() -> None:
    dates = months(10)
    assert (
        xmr(dates, list(range(10)), improvement="up", changes=[dates[5]], min_segment_points=5)[
            "segment"
        ].tolist()
        == [0] * 5 + [1] * 5
    )
    with pytest.raises(ValueError, match="min_segment_points"):
        xmr(dates, list(range(10)), improvement="up", min_segment_points=0)


def test_icon_only_where_a_rule_fires() -> None:
    common = summarise(xmr(months(24), LOW * 2, improvement="up"), improvement="up")
    assert common.variation_icon == "common_cause"
    assert common.special_cause is False
    assert not common.shows_variation_icon
    assert common.assurance_icon is None  # no target, no assurance
    falling = LOW + [49.0, 48.0, 47.0, 46.0, 45.0, 44.0, 43.0]
    concern = summarise(xmr(months(19), falling, improvement="up"), improvement="up")
    assert concern.variation_icon == "concern_low"
    assert concern.special_cause is True
    assert concern.shows_variation_icon


def test_the_flags_of_months_do_not_depend_on_a_later_change_being_too_recent() -> None:
    values = list(np.r_[LOW * 2, HIGH[:6]])
    dates = months(len(values))
    without = xmr(dates, values, improvement="up")
    with_recent = xmr(dates, values, improvement="up", changes=[dates[24]])  # 6 after: no re-base
    assert with_recent.equals(without)
