"""Plotly XmR chart for the output of `gpaccess.spc.xmr` (no Streamlit).

Follows the NHS England "Making Data Count" chart style: the monthly values as a grey line
with markers, a solid mean line and dashed process limits drawn separately for each segment,
and special-cause points overlaid in blue (improvement), orange (concern) or purple
(neither). Meaning never relies on colour alone: each special-cause category also has its
own marker symbol and a legend entry that names it. For a seasonal measure, the same month a
year before is a muted dotted line with its own legend entry; each recorded change is a
vertical dash-dot line labelled with its month and reason. The legend sits above the plot,
the source note below it: they never overlap however many rows the legend takes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.text import shorten

TRIAL_NOTE = "Trial limits (fewer than 12 points)"
YEAR_BEFORE = "Same month a year before"
RECORDED_CHANGE = "Recorded change"
LABEL_CHARS = (
    40  # of a change's reason on the chart (the caveats and the text alternative give it whole)
)
FIGURE_WIDTH_PX = (
    1200  # as exported (gpaccess.export.images.WIDTH); the page fits the figure to its column
)
TITLE_PX = 80  # title and subtitle above the legend
LEGEND_ROW_PX = 22


@dataclass(frozen=True)
class MarkedChange:
    """A recorded change drawn on the chart: its month, reason, and whether the limits were re-based there."""

    month: dt.date
    reason: str
    rebased: bool


# variation value -> (legend name, colour, marker symbol)
SPECIAL_CAUSE_STYLES = {
    "improvement": ("Special cause: improvement", theme.SPC_IMPROVEMENT, "circle"),
    "concern": ("Special cause: concern", theme.SPC_CONCERN, "diamond"),
    "neutral": ("Special cause: neutral", theme.SPC_NEUTRAL, "square"),
}
VARIATION_WORDS = {
    "common": "Common cause variation",
    "improvement": "Special cause: improvement",
    "concern": "Special cause: concern",
    "neutral": "Special cause: neutral (neither improvement nor concern)",
}
COMMON_MARKER_SIZE = 6
SPECIAL_MARKER_SIZE = 11


def spc_figure(
    chart: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    y_title: str,
    percent: bool = False,
    source: str = "",
    year_before: Sequence[float | None] | None = None,
    changes: Sequence[MarkedChange] = (),
) -> go.Figure:
    """Build an XmR chart figure from an `xmr()` table.

    Values are plotted as given; with `percent=True` they are percentage points (0-100)
    and the y axis gets a "%" suffix. `year_before` (one value or None per point) draws the
    same month a year before; `changes` are drawn as labelled vertical lines.
    """
    if chart.empty:
        raise ValueError("cannot draw an SPC chart with no points")
    x = _date_strings(chart["date"])
    fig = go.Figure()
    if year_before is not None:
        fig.add_trace(_year_before_trace(x, year_before, percent))
    fig.add_trace(_value_trace(chart, x, percent))
    for trace in _limit_traces(chart, x):
        fig.add_trace(trace)
    for variation in SPECIAL_CAUSE_STYLES:
        if (chart["variation"] == variation).any():
            fig.add_trace(_special_cause_trace(chart, x, variation))
    if changes:
        _add_changes(fig, chart, changes, year_before)
    _apply_layout(fig, chart, title=title, subtitle=subtitle, y_title=y_title, percent=percent)
    _add_footnote(fig, source=source, trial=bool(chart["trial_limits"].any()))
    return fig


def _year_before_trace(x: list[str], values: Sequence[float | None], percent: bool) -> go.Scatter:
    shown = [None if v is None or pd.isna(v) else float(v) for v in values]
    return go.Scatter(
        x=x,
        y=shown,
        name=YEAR_BEFORE,
        mode="lines",
        line={"color": theme.NHS_MID_GREY, "dash": "dot", "width": 1.5},
        opacity=0.8,
        legendrank=1100,  # drawn first (under the values), listed after them
        connectgaps=False,
        hovertext=[
            "" if v is None else f"{YEAR_BEFORE}: {_format_value(v, percent)}" for v in shown
        ],
        hoverinfo="text",
    )


def _add_changes(
    fig: go.Figure,
    chart: pd.DataFrame,
    changes: Sequence[MarkedChange],
    year_before: Sequence[float | None] | None,
) -> None:
    """Each change as a vertical line across the values (one legend entry for all) with its month and reason."""
    columns = [chart[c] for c in ("value", "ucl", "lcl")]
    numbers = [float(v) for column in columns for v in column] + [
        float(v) for v in (year_before or []) if v is not None and not pd.isna(v)
    ]
    low, high = min(numbers), max(numbers)
    dates = pd.to_datetime(chart["date"])
    middle = dates.min() + (dates.max() - dates.min()) / 2
    xs: list[Any] = []
    ys: list[Any] = []
    for change in changes:
        day = change.month.strftime("%Y-%m-%d")
        xs += [day, day, None]
        ys += [low, high, None]
        fig.add_annotation(
            x=day,
            y=1,
            xref="x",
            yref="paper",
            yanchor="top",
            # beside the line, towards the middle of the chart: a label never runs off either side
            xanchor="left" if pd.Timestamp(change.month) <= middle else "right",
            text=escape(f"{change.month:%b %Y}: {shorten(change.reason, LABEL_CHARS)}"),
            hovertext=escape(_change_words(change)),
            showarrow=False,
            align="left",
            bgcolor=theme.NHS_WHITE,
            font={"size": 11, "color": theme.NHS_BLACK},
            name="recorded_change",
        )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            name=RECORDED_CHANGE,
            mode="lines",
            line={"color": theme.NHS_BLACK, "dash": "dashdot", "width": 1.5},
            connectgaps=False,
            legendrank=1200,
            hoverinfo="skip",
        )
    )


def _change_words(change: MarkedChange) -> str:
    rebased = "limits re-based" if change.rebased else "limits not re-based"
    return f"Recorded change, {change.month:%b %Y} ({rebased}): {shorten(change.reason, None)}"


def _date_strings(dates: pd.Series) -> list[str]:
    return [pd.Timestamp(day).strftime("%Y-%m-%d") for day in dates]


def _format_value(value: float, percent: bool) -> str:
    if percent:
        return f"{value:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _hover_text(chart: pd.DataFrame, percent: bool) -> list[str]:
    return [
        f"{pd.Timestamp(day):%b %Y}<br>{_format_value(value, percent)}<br>{VARIATION_WORDS[var]}"
        for day, value, var in zip(chart["date"], chart["value"], chart["variation"], strict=True)
    ]


def _value_trace(chart: pd.DataFrame, x: list[str], percent: bool) -> go.Scatter:
    return go.Scatter(
        x=x,
        y=chart["value"].tolist(),
        name="Value",
        mode="lines+markers",
        line={"color": theme.SPC_COMMON, "width": 2},
        marker={"color": theme.SPC_COMMON, "size": COMMON_MARKER_SIZE, "symbol": "circle"},
        hovertext=_hover_text(chart, percent),
        hoverinfo="text",
    )


def _segmented(chart: pd.DataFrame, x: list[str], column: str) -> tuple[list[Any], list[Any]]:
    """x and y for a line drawn per segment, with a None gap between segments."""
    segments = chart["segment"].tolist()
    values = chart[column].tolist()
    xs: list[Any] = []
    ys: list[Any] = []
    for i, (day, value) in enumerate(zip(x, values, strict=True)):
        if i and segments[i] != segments[i - 1]:
            xs.append(None)
            ys.append(None)
        xs.append(day)
        ys.append(value)
    return xs, ys


def _limit_traces(chart: pd.DataFrame, x: list[str]) -> list[go.Scatter]:
    lines = [
        ("mean", "Mean", "solid", theme.NHS_DARK_GREY),
        ("ucl", "Upper process limit", "dash", theme.NHS_DARK_GREY),
        ("lcl", "Lower process limit", "dash", theme.NHS_DARK_GREY),
    ]
    traces = []
    for column, name, dash, colour in lines:
        xs, ys = _segmented(chart, x, column)
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                name=name,
                mode="lines",
                line={"color": colour, "dash": dash, "width": 1.5},
                connectgaps=False,
                hoverinfo="skip",
            )
        )
    return traces


def _special_cause_trace(chart: pd.DataFrame, x: list[str], variation: str) -> go.Scatter:
    name, colour, symbol = SPECIAL_CAUSE_STYLES[variation]
    mask = (chart["variation"] == variation).to_numpy()
    return go.Scatter(
        x=[day for day, keep in zip(x, mask, strict=True) if keep],
        y=chart.loc[mask, "value"].tolist(),
        name=name,
        mode="markers",
        marker={
            "color": colour,
            "symbol": symbol,
            "size": SPECIAL_MARKER_SIZE,
            "line": {"color": theme.NHS_WHITE, "width": 1},
        },
        hoverinfo="skip",
    )


def _apply_layout(
    fig: go.Figure, chart: pd.DataFrame, *, title: str, subtitle: str, y_title: str, percent: bool
) -> None:
    grid = {"showgrid": True, "gridcolor": theme.NHS_PALE_GREY, "zeroline": False}
    fig.update_layout(
        title={
            "text": f"{title}<br><sup>{subtitle}</sup>" if subtitle else title,
            "x": 0,
            "xref": "paper",
        },
        font={"family": theme.FONT_FAMILY, "color": theme.FONT_COLOUR},
        paper_bgcolor=theme.NHS_WHITE,
        plot_bgcolor=theme.NHS_WHITE,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
        margin={"l": 60, "r": 20, "t": TITLE_PX + LEGEND_ROW_PX * _legend_rows(fig) + 10, "b": 100},
        height=560,
        hovermode="closest",
        xaxis={**grid, "type": "date", "tickformat": "%b %Y", "linecolor": theme.NHS_MID_GREY},
        yaxis={
            **grid,
            "title": {"text": y_title},
            "ticksuffix": "%" if percent else "",
            "linecolor": theme.NHS_MID_GREY,
        },
    )


def _legend_rows(fig: go.Figure) -> int:
    """Rows the legend above the plot takes at the exported width (entries of 12 px text, symbol and gap)."""
    width = sum(len(str(trace.name)) * 7 + 40 for trace in fig.data if trace.name)
    return max(1, math.ceil(width / (FIGURE_WIDTH_PX - 80)))


def _add_footnote(fig: go.Figure, *, source: str, trial: bool) -> None:
    notes = [text for text in (source, TRIAL_NOTE if trial else "") if text]
    if not notes:
        return
    fig.add_annotation(
        text="<br>".join(notes),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-40,  # below the month labels, in pixels: clear of the legend, which sits above the plot
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": 11, "color": theme.NHS_DARK_GREY},
        name="source",  # the page shows it as text under the chart instead (charts.screen)
    )
