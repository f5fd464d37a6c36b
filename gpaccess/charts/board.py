"""Figure layout shared by the board charts (phases, uptake, gains, actions): house style sized to the number of
rows, and bars faceted by programme. Pure: no Streamlit.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gpaccess import theme
from gpaccess.charts.base import SOURCE_TRACKER, fmt_int, style

PROGRAMME_PATTERNS = {"Accelerate": "", "GPIP": "/"}
ROW_PX = 26
# before a value label that starts at a plan marker (a black upright line): the label clear of the line
CLEAR_OF_MARKER = "\u00a0\u00a0\u00a0"


def clear_of_marker(labels: Sequence[str] | pd.Series) -> list[str]:
    """Value labels drawn from the end of a bar or its plan marker, whichever is further, moved clear of it
    (they began on the marker's line: issue #13)."""
    return [CLEAR_OF_MARKER + str(label) if label else "" for label in labels]


TITLE_WIDTH = 95  # characters before a title wraps


def board_style(
    figure: go.Figure, *, title: str, subtitle: str, source: str, rows: int = 8, legend: bool = True
) -> go.Figure:
    """House style with a height that fits `rows` bars: title and subtitle, then the legend, then any panel
    titles, all above the plot at fixed distances in pixels, and the source a fixed distance below it."""
    lines = textwrap.wrap(title, TITLE_WIDTH, break_on_hyphens=False) or [""]
    heading = 22 + 22 * len(lines) + 22  # title lines and the subtitle
    panel_titles = 30 if figure.layout.annotations else 0  # make_subplots adds them as annotations
    top = heading + (legend_height(figure) if legend else 0) + panel_titles + 16
    height = top + 110 + ROW_PX * max(rows, 4)
    style(figure, title="<br>".join(lines), subtitle=subtitle, source=source, height=height)
    figure.update_layout(
        title={"yref": "container", "y": 1 - 12 / height, "yanchor": "top"},
        margin={"l": 20, "r": 40, "t": top, "b": 100},
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 1 - (heading + 6) / height,
            "yanchor": "top",
            "xanchor": "left",
            "x": 0,
        },
        showlegend=legend,
        uniformtext={"minsize": 10, "mode": "hide"},
    )
    figure.update_yaxes(automargin=True)
    footnote = figure.layout.annotations[-1]  # added by style(): a fixed distance below the plot
    footnote.update(y=0, yanchor="top", yshift=-62)
    return figure


def legend_height(figure: go.Figure, width: int = 700) -> int:
    """Pixels for a horizontal legend: its entries wrap onto more rows in a narrow chart."""
    names = {t.name for t in figure.data if t.name and t.showlegend is not False}
    needed = sum(7 * len(name) + 45 for name in names)
    return 8 + 26 * max(1, -(-needed // width))


def programme_facets(
    programmes: Sequence[str], rows: int, *, x_title: str, titles: Sequence[str] | None = None
) -> go.Figure:
    """One column per programme sharing the y axis, each titled with the programme's name."""
    figure = make_subplots(
        rows=1,
        cols=max(len(programmes), 1),
        shared_yaxes=True,
        subplot_titles=list(titles or programmes),
        horizontal_spacing=0.06,
    )
    figure.update_xaxes(
        title=x_title, rangemode="tozero", showgrid=True, gridcolor=theme.NHS_PALE_GREY
    )
    figure.update_yaxes(autorange="reversed", type="category")
    return figure


def programme_bar(
    programme: str, y: Sequence[str], x: Sequence[float], text: Sequence[str], hover: str
) -> go.Bar:
    return go.Bar(
        y=list(y),
        x=list(x),
        text=list(text),
        orientation="h",
        name=programme,
        showlegend=False,
        textposition="outside",
        cliponaxis=False,
        marker={
            "color": theme.PROGRAMME_COLOURS.get(programme, theme.NHS_DARK_GREY),
            "pattern": {"shape": PROGRAMME_PATTERNS.get(programme, ".")},
        },
        hovertemplate=hover + "<extra>" + programme + "</extra>",
    )


def labels_at_zero(y: Sequence[str], text: Sequence[str]) -> go.Scatter:
    """Words where no bar is drawn (e.g. 'fewer than 5 assessed'), placed at the start of the row."""
    return go.Scatter(
        y=list(y),
        x=[0] * len(y),
        text=list(text),
        mode="text",
        textposition="middle right",
        showlegend=False,
        hoverinfo="skip",
        textfont={"color": theme.NHS_DARK_GREY},
    )


def programme_panels(
    programmes: Sequence[str], rows_each: Sequence[int], *, x_title: str
) -> go.Figure:
    """One panel per programme stacked vertically, each with its own rows (e.g. phases) and the programme's
    name as its title."""
    total = max(sum(rows_each), 4)
    figure = make_subplots(
        rows=max(len(programmes), 1),
        cols=1,
        subplot_titles=list(programmes),
        row_heights=list(rows_each) or None,
        vertical_spacing=min(0.3, 70 / (ROW_PX * total)),
    )
    figure.update_xaxes(rangemode="tozero", showgrid=True, gridcolor=theme.NHS_PALE_GREY)
    figure.update_xaxes(title=x_title, row=max(len(programmes), 1), col=1)
    figure.update_yaxes(autorange="reversed", type="category")
    return figure


def add_to_facets(
    figure: go.Figure,
    data: pd.DataFrame,
    programmes: Sequence[str],
    traces: Callable[[str, pd.DataFrame], list[go.BaseTraceType]],
    *,
    vertical: bool = False,
) -> None:
    """Each programme's traces into its own facet: columns side by side, or panels one above the other."""
    for place, programme in enumerate(programmes, start=1):
        row, col = (place, 1) if vertical else (1, place)
        for trace in traces(programme, data[data["programme"] == programme]):
            figure.add_trace(trace, row=row, col=col)


PERCENT_AXIS = {
    "range": [0, 150],
    "tickvals": [0, 20, 40, 60, 80, 100],
    "ticktext": ["0%", "20%", "40%", "60%", "80%", "100%"],
}


def legend_once(figure: go.Figure) -> None:
    """Facets repeat the same kinds of trace: name each kind once in the legend."""
    seen: set[str] = set()
    for trace in figure.data:
        group = trace.legendgroup or trace.name
        if trace.showlegend is not False and group in seen:
            trace.showlegend = False
        seen.add(group)


def axis_end(values: pd.Series | pd.DataFrame, factor: float) -> float:
    """Axis range end: the largest value (at least 1) times `factor`, leaving room for text labels."""
    top = values.max().max() if isinstance(values, pd.DataFrame) else values.max()
    return max(float(top) if pd.notna(top) else 0.0, 1.0) * factor


def count_axis(values: pd.Series, factor: float) -> dict[str, object]:
    """x axis settings for counts of practices or ICBs: from 0 with room for labels, whole-number ticks."""
    end = axis_end(values, factor)
    return {"range": [0, end], "dtick": 1 if end <= 10 else None, "tickformat": ",d"}


def count_bar_facets(
    data: pd.DataFrame,
    *,
    label: str,
    count: str,
    text: str | None,
    hover: str,
    x_title: str,
    room: float,
    title: str,
    subtitle: str,
) -> go.Figure:
    """Bars of the `count` column, one per `label`, a facet per programme, each labelled with the `text` column
    (None: the count itself), on a count axis from 0 with `room` for the labels, in board style."""
    programmes = list(dict.fromkeys(data["programme"]))
    figure = programme_facets(programmes, len(data), x_title=x_title)

    def bars(programme: str, rows: pd.DataFrame) -> list[go.BaseTraceType]:
        words = rows[count].map(fmt_int) if text is None else rows[text]
        return [programme_bar(programme, rows[label], rows[count], words, hover)]

    add_to_facets(figure, data, programmes, bars)
    figure.update_xaxes(**count_axis(data[count], room))
    return board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=data[label].nunique(),
        legend=False,
    )


def plan_markers(
    y: Sequence[str], x: pd.Series, *, name: str, group: str, first: bool, size: int, hover: str
) -> go.Scatter:
    """A black upright line at each planned value (e.g. planned places), named in the legend by the first
    facet only."""
    return go.Scatter(
        y=y,
        x=x,
        mode="markers",
        name=name,
        legendgroup=group,
        showlegend=first,
        marker={
            "symbol": "line-ns-open",
            "size": size,
            "line": {"width": 3},
            "color": theme.NHS_BLACK,
        },
        hovertemplate=hover,
    )


def share_bars(
    programme: str, rows: pd.DataFrame, *, label: str, share: str, text: str, hover: str
) -> list[go.BaseTraceType]:
    """A programme's bars of the `share` column, one per `label`, labelled with the `text` column; where the
    share is not shown (too few practices), the `text` words at the axis instead of a bar."""
    shown = rows[share].notna()
    bar = programme_bar(
        programme, rows.loc[shown, label], rows.loc[shown, share], rows.loc[shown, text], hover
    )
    return [bar, labels_at_zero(rows.loc[~shown, label], rows.loc[~shown, text])]
