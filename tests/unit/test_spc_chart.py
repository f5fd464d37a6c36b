"""Unit tests for gpaccess.spc_chart.spc_figure (Plotly XmR chart)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from gpaccess import theme
from gpaccess.spc import xmr
from gpaccess.spc_chart import MarkedChange, spc_figure

BASELINE = [12, 10] * 6  # mean 11, limits 16.32 / 5.68
DATES = pd.date_range("2022-01-01", periods=16, freq="MS")
LIMIT_NAMES = ["Value", "Mean", "Upper process limit", "Lower process limit"]


def figure(chart: pd.DataFrame, **options: Any) -> go.Figure:
    kwargs = {"title": "Appointments", "subtitle": "Monthly, England", "y_title": "Count"}
    return spc_figure(chart, **{**kwargs, **options})


def trace(fig: go.Figure, name: str) -> go.Scatter:
    (match,) = [t for t in fig.data if t.name == name]
    return match


@pytest.fixture
def mixed_chart() -> pd.DataFrame:
    # 17 (Jan 2023) is above the UCL -> improvement; 5 (Apr 2023) below the LCL -> concern
    return xmr(DATES, BASELINE + [17, 10, 12, 5], improvement="up")


def test_traces_for_improvement_and_concern(mixed_chart: pd.DataFrame) -> None:
    names = [t.name for t in figure(mixed_chart).data]
    assert names == LIMIT_NAMES + ["Special cause: improvement", "Special cause: concern"]


def test_only_present_categories_get_a_trace() -> None:
    common = xmr(DATES[:12], BASELINE, improvement="up")
    assert [t.name for t in figure(common).data] == LIMIT_NAMES
    neutral = xmr(DATES, BASELINE + [17, 10, 12, 5], improvement="neutral")
    assert [t.name for t in figure(neutral).data] == LIMIT_NAMES + ["Special cause: neutral"]


def test_special_cause_markers_differ_in_symbol_and_colour(mixed_chart: pd.DataFrame) -> None:
    fig = figure(mixed_chart)
    neutral_fig = figure(xmr(DATES, BASELINE + [17, 10, 12, 5], improvement="neutral"))
    markers = {
        "improvement": trace(fig, "Special cause: improvement").marker,
        "concern": trace(fig, "Special cause: concern").marker,
        "neutral": trace(neutral_fig, "Special cause: neutral").marker,
    }
    assert markers["improvement"].symbol == "circle"
    assert markers["concern"].symbol == "diamond"
    assert markers["neutral"].symbol == "square"
    assert markers["improvement"].color == theme.SPC_IMPROVEMENT
    assert markers["concern"].color == theme.SPC_CONCERN
    assert markers["neutral"].color == theme.SPC_NEUTRAL
    common_marker = trace(fig, "Value").marker
    assert common_marker.color == theme.SPC_COMMON
    for marker in markers.values():
        assert marker.size > common_marker.size


def test_special_cause_markers_sit_on_their_points(mixed_chart: pd.DataFrame) -> None:
    fig = figure(mixed_chart)
    improvement = trace(fig, "Special cause: improvement")
    concern = trace(fig, "Special cause: concern")
    assert list(improvement.x) == ["2023-01-01"]
    assert list(improvement.y) == [17.0]
    assert list(concern.x) == ["2023-04-01"]
    assert list(concern.y) == [5.0]
    assert improvement.mode == concern.mode == "markers"


def test_value_and_limit_lines(mixed_chart: pd.DataFrame) -> None:
    fig = figure(mixed_chart)
    value = trace(fig, "Value")
    assert value.mode == "lines+markers"
    assert list(value.y) == [float(v) for v in BASELINE + [17, 10, 12, 5]]
    assert trace(fig, "Mean").line.dash == "solid"
    assert trace(fig, "Upper process limit").line.dash == "dash"
    assert trace(fig, "Lower process limit").line.dash == "dash"
    assert list(trace(fig, "Mean").y) == [11.0] * 16
    assert list(trace(fig, "Upper process limit").y) == pytest.approx([16.32] * 16)
    assert None not in trace(fig, "Mean").x


def test_limit_lines_break_between_segments() -> None:
    dates = DATES[:14]
    chart = xmr(
        dates, [10, 12] * 7, improvement="up", changes=[dates[6].date()], min_segment_points=6
    )
    fig = figure(chart)
    for name in ["Mean", "Upper process limit", "Lower process limit"]:
        line = trace(fig, name)
        assert list(line.x).index(None) == 6
        assert list(line.x).count(None) == 1
        assert line.y[6] is None
    # each segment: 10,12,... alternating -> mean 11 in both
    assert [y for y in trace(fig, "Mean").y if y is not None] == [11.0] * 14


def test_title_and_subtitle(mixed_chart: pd.DataFrame) -> None:
    fig = figure(mixed_chart, title="GP appointments", subtitle="Accelerate practices")
    assert "GP appointments" in fig.layout.title.text
    assert "<br><sup>Accelerate practices</sup>" in fig.layout.title.text
    assert fig.layout.yaxis.title.text == "Count"


def test_percent_axis_suffix(mixed_chart: pd.DataFrame) -> None:
    assert figure(mixed_chart, percent=True).layout.yaxis.ticksuffix == "%"
    assert not figure(mixed_chart).layout.yaxis.ticksuffix


def test_hover_text_gives_month_value_and_variation(mixed_chart: pd.DataFrame) -> None:
    hover = trace(figure(mixed_chart), "Value").hovertext
    assert hover[0] == "Jan 2022<br>12<br>Common cause variation"
    assert hover[12] == "Jan 2023<br>17<br>Special cause: improvement"
    assert hover[15] == "Apr 2023<br>5<br>Special cause: concern"
    percent_hover = trace(figure(mixed_chart, percent=True), "Value").hovertext
    assert percent_hover[12] == "Jan 2023<br>17.0%<br>Special cause: improvement"


def test_footnote_with_source_and_trial_note() -> None:
    trial = xmr(DATES[:6], [10, 12, 11, 13, 12, 14], improvement="up")
    (note,) = figure(trial, source="Source: GPAD, NHS England").layout.annotations
    assert "Source: GPAD, NHS England" in note.text
    assert "Trial limits (fewer than 12 points)" in note.text
    assert (note.xref, note.yref, note.x, note.xanchor) == ("paper", "paper", 0, "left")
    assert note.y == 0 and note.yshift < 0  # below the plot


def test_no_footnote_without_source_or_trial(mixed_chart: pd.DataFrame) -> None:
    assert figure(mixed_chart).layout.annotations == ()
    (note,) = figure(mixed_chart, source="Source: GPAD").layout.annotations
    assert "Trial limits" not in note.text


def test_layout_uses_nhs_theme(mixed_chart: pd.DataFrame) -> None:
    layout = figure(mixed_chart).layout
    assert layout.paper_bgcolor == layout.plot_bgcolor == theme.NHS_WHITE
    assert layout.xaxis.gridcolor == layout.yaxis.gridcolor == theme.NHS_PALE_GREY
    assert layout.font.family == theme.FONT_FAMILY
    assert layout.legend.orientation == "h"
    assert (layout.legend.y, layout.legend.yanchor) == (1.0, "bottom")  # above the plot


def test_legend_above_the_plot_and_source_below_it_never_overlap(mixed_chart: pd.DataFrame) -> None:
    fig = figure(mixed_chart, source="Source: GPAD")
    (note,) = fig.layout.annotations
    assert (note.y, note.yanchor) == (0, "top") and note.yshift < 0  # under the month labels
    # the top margin holds the title and every row of the legend: more entries, more room
    few = fig.layout.margin.t
    many = figure(
        xmr(DATES, BASELINE + [17, 10, 12, 5], improvement="up"),
        year_before=[None] * 16,
        changes=[MarkedChange(dt.date(2022, 6, 1), "A reason", False)],
    ).layout.margin.t
    assert many >= few >= 80 + 22


def test_figure_is_json_serialisable_and_deterministic(mixed_chart: pd.DataFrame) -> None:
    first = figure(mixed_chart, source="Source: GPAD").to_json()
    second = figure(mixed_chart, source="Source: GPAD").to_json()
    assert first == second
    assert json.loads(first)["data"][0]["name"] == "Value"


def test_accepts_chart_built_from_dates() -> None:
    dates = [dt.date(2024, month, 1) for month in range(1, 4)]
    fig = figure(xmr(dates, [1, 2, 3], improvement="down"))
    assert list(trace(fig, "Value").x) == ["2024-01-01", "2024-02-01", "2024-03-01"]


def test_empty_chart_raises(mixed_chart: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="no points"):
        figure(mixed_chart.iloc[0:0])
