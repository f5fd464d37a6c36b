"""The appointment SPC chart (gpaccess.charts.appointments.spc_chart): recorded changes, the display window, the
same month a year before, and the native slide. Expected values are computed here from the input frame."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from gpaccess.charts.appointments import spc_chart
from gpaccess.charts.screen import for_screen
from gpaccess.export.native import spc as spc_slide
from gpaccess.spc_chart import RECORDED_CHANGE, YEAR_BEFORE

MONTHS = pd.date_range("2021-04-01", periods=40, freq="MS")
# a level of about 60 for 15 months, then about 70: jitter keeps the moving ranges honest
JITTER = [0.4, -0.3, 0.2, -0.5, 0.1, 0.3, -0.2, 0.5, -0.4, 0.0, 0.2, -0.1, 0.3, -0.2, 0.1]
LEVEL = [60 + j for j in JITTER] + [70 + j for j in (JITTER * 2)[:25]]
CHANGE = (dt.date(2022, 7, 1), "Triage <b>changed</b> & more")


def frame(values: list[float] = LEVEL) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": MONTHS[: len(values)],
            "face_to_face_pct": values,
            "dna_pct": values,
            "appointments_per_1000": values,
        }
    )


def build(column="face_to_face_pct", changes=(), shown=(None, None), values=LEVEL):
    built = spc_chart(frame(values), column, "England", list(changes), shown)
    assert built is not None
    return built


def limits(values: list[float]) -> tuple[float, float]:
    base = values[:12]
    mean = sum(base) / 12
    return mean, mean + 2.66 * sum(abs(b - a) for a, b in zip(base, base[1:], strict=False)) / 11


def test_without_a_recorded_change_the_step_is_special_cause_against_one_set_of_limits() -> None:
    chart, summary = build()
    mean, ucl = limits(LEVEL)
    assert chart.data["mean"].tolist() == pytest.approx([mean] * 40)
    assert chart.data["special_cause"].iloc[15:].all()
    assert summary.variation_icon == "improvement_high"
    assert "recorded_change" not in chart.data.columns


def test_a_recorded_change_splits_the_limits_and_is_marked_everywhere() -> None:
    chart, summary = build(changes=[CHANGE])
    before, after = LEVEL[:15], LEVEL[15:]
    assert chart.data["mean"].iloc[:15].tolist() == pytest.approx([limits(before)[0]] * 15)
    assert chart.data["mean"].iloc[15:].tolist() == pytest.approx([limits(after)[0]] * 25)
    assert chart.data["upper_limit"].iloc[15:].tolist() == pytest.approx([limits(after)[1]] * 25)
    assert not chart.data["special_cause"].any()  # jitter around two levels: common cause on each
    assert summary.variation_icon == "common_cause" and not summary.shows_variation_icon
    assert "Apr 2021 to Mar 2022; Jul 2022 to Jun 2023" in chart.subtitle
    reasons = chart.data["recorded_change"].tolist()
    assert reasons[15] == CHANGE[1] and set(reasons[:15] + reasons[16:]) == {""}
    assert any("Jul 2022 (limits re-based" in note and CHANGE[1] in note for note in chart.notes)
    assert "July 2022 (limits re-based): Triage <b>changed</b> & more" in chart.alt_text
    figure = chart.figure
    (line,) = [t for t in figure.data if t.name == RECORDED_CHANGE]
    assert list(line.x[:2]) == ["2022-07-01", "2022-07-01"]
    (label,) = [a for a in figure.layout.annotations if a.name == "recorded_change"]
    assert label.text.startswith("Jul 2022: Triage &lt;b&gt;changed&lt;/b&gt; &amp;")
    assert "<b>" not in label.text


def test_a_change_with_fewer_than_twelve_months_after_it_is_marked_but_does_not_rebase() -> None:
    late = (dt.date(2024, 2, 1), "Too recent")  # 3 months before the end of the 40
    chart, _ = build(changes=[late])
    assert chart.data["mean"].nunique() == 1
    assert any(
        "Feb 2024 (limits not re-based: fewer than 12 months on one side of it)" in n
        for n in chart.notes
    )
    assert "limits not re-based" in chart.alt_text
    assert chart.data["recorded_change"].iloc[34] == "Too recent"


@pytest.mark.parametrize(
    "first", [dt.date(2021, 10, 1), dt.date(2022, 7, 1), dt.date(2023, 1, 1), dt.date(2024, 6, 1)]
)
def test_the_verdict_does_not_move_with_the_from_filter(first: dt.date) -> None:
    whole, whole_summary = build(changes=[CHANGE])
    part, part_summary = build(changes=[CHANGE], shown=(first, None))
    assert part_summary == whole_summary
    kept = whole.data[whole.data["month"] >= pd.Timestamp(first)].reset_index(drop=True)
    pd.testing.assert_frame_equal(part.data, kept)
    assert any("every month held from Apr 2021" in note for note in part.notes)


def test_the_window_end_picks_the_latest_point_shown() -> None:
    chart, summary = build(shown=(None, dt.date(2022, 3, 1)))
    assert summary.latest_date == dt.date(2022, 3, 1)
    assert len(chart.data) == 12
    assert (
        spc_chart(frame(), "face_to_face_pct", "England", [], (dt.date(2030, 1, 1), None)) is None
    )


def test_year_before_is_the_value_twelve_months_earlier() -> None:
    values = [float(v) for v in np.linspace(50, 89, 40)]
    chart, _ = build(values=values)
    by_month = {(m.year, m.month): v for m, v in zip(MONTHS, values, strict=True)}
    expected = [by_month.get((m.year - 1, m.month)) for m in MONTHS]
    shown = chart.data["face_to_face_pct_year_before"].tolist()
    assert [None if np.isnan(v) else v for v in shown] == pytest.approx(expected)
    assert shown[12] == pytest.approx(50.0)  # Apr 2022 shows Apr 2021
    (trace,) = [t for t in chart.figure.data if t.name == YEAR_BEFORE]
    assert trace.line.dash == "dot"
    assert any(f"'{YEAR_BEFORE}'" in note for note in chart.notes)


def test_a_measure_that_is_not_seasonal_has_no_year_before_line() -> None:
    chart, _ = build("dna_pct")
    assert not any(c.endswith("_year_before") for c in chart.data.columns)
    assert YEAR_BEFORE not in {t.name for t in chart.figure.data}


def test_the_slide_carries_the_year_before_and_the_recorded_change() -> None:
    chart, _ = build(changes=[CHANGE])
    ((_, native),) = spc_slide(chart)
    series = {s.name: s for s in native.series}
    values = chart.data["face_to_face_pct_year_before"].tolist()
    assert series[YEAR_BEFORE].values == tuple(None if np.isnan(v) else v for v in values)
    marker = series[f"{RECORDED_CHANGE} (see note)"]
    at = [i for i, v in enumerate(marker.values) if v is not None]
    assert at == [15]
    assert CHANGE[1] in chart.footnote  # the slide's footnote gives the month and the reason


def test_on_the_page_a_change_label_is_in_short_lines_anchored_by_its_place() -> None:
    reason = "Post-pandemic recovery levelled off: infection control rules eased"
    chart, _ = build(changes=[(dt.date(2022, 7, 1), reason)])
    (drawn,) = [a for a in chart.figure.layout.annotations if a.name == "recorded_change"]
    (page,) = [
        a for a in for_screen(chart.figure).layout.annotations if a.name == "recorded_change"
    ]
    lines = page.text.split(" <br>")
    assert len(lines) > 1 and max(map(len, lines)) <= 24
    assert (
        " ".join(lines) == drawn.text
    )  # the same words; the figure itself (PNG, slide) is unchanged
    assert (
        page.xanchor == drawn.xanchor == "left"
    )  # Jul 2022: in the first half, the label to its right
    late, _ = build(changes=[(dt.date(2024, 1, 1), reason)])
    (label,) = [a for a in late.figure.layout.annotations if a.name == "recorded_change"]
    assert label.xanchor == "right"  # in the second half: to the line's left
