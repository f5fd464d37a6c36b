"""Programme charts: practices supported over time."""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_int, style

DASHES = {"Accelerate": "solid", "GPIP": "dash"}
SYMBOLS = {"Accelerate": "circle", "GPIP": "square"}


def supported_over_time(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Cumulative practices supported by programme (frame: programme, month, started, cumulative_practices)."""
    data = frame[["programme", "month", "started", "cumulative_practices"]].copy()
    totals = data.groupby("programme")["cumulative_practices"].max()
    title = _finding(totals)
    subtitle = f"{scope_label} · cumulative practices whose support had started, by month"
    draw = partial(_supported_figure, data, title=title, subtitle=subtitle)
    alt = _alt_text(data, totals, scope_label)
    return Chart("supported_over_time", title, subtitle, draw, data, alt, SOURCE_TRACKER)


def _supported_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    """A stepped line per programme, each with its own colour, dash and marker."""
    figure = go.Figure()
    for programme, rows in data.groupby("programme", sort=True):
        figure.add_scatter(
            x=rows["month"],
            y=rows["cumulative_practices"],
            name=str(programme),
            mode="lines+markers",
            line={
                "color": theme.PROGRAMME_COLOURS.get(str(programme), theme.NHS_DARK_GREY),
                "dash": DASHES.get(str(programme), "dot"),
                "shape": "hv",
            },
            marker={"symbol": SYMBOLS.get(str(programme), "diamond"), "size": 6},
            hovertemplate="%{x|%b %Y}: %{y:,} practices<extra>" + str(programme) + "</extra>",
        )
    style(figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER)
    figure.update_yaxes(title="Practices supported (cumulative)", rangemode="tozero")
    return figure


def _finding(totals: pd.Series) -> str:
    if totals.empty:
        return "No practices supported in this scope yet"
    parts = [f"{programme} {fmt_int(total)}" for programme, total in totals.items()]
    return "Practices supported so far: " + ", ".join(parts)


def _alt_text(data: pd.DataFrame, totals: pd.Series, scope_label: str) -> str:
    if data.empty:
        return f"Line chart for {scope_label}: no practices have started support."
    sentences = [f"Line chart of cumulative practices supported in {scope_label}, by programme."]
    for programme, rows in data.groupby("programme"):
        first, last = rows["month"].min(), rows["month"].max()
        sentences.append(
            f"{programme}: first support started {first:%B %Y}; {fmt_int(totals[programme])} practices by {last:%B %Y}."
        )
    return " ".join(sentences)
