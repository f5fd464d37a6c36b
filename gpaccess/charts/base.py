"""What every chart carries, and the house style applied to every figure.

A Chart is defined once and feeds the page, the slide, the PNG/SVG and the CSV/XLSX download: the title states
the finding, the subtitle the scope and period, `data` is exactly what is plotted, `alt_text` describes it in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.labels import describe_period
from gpaccess.spc import SpcSummary

__all__ = ["Chart", "describe_period", "fmt_int", "fmt_pct", "style"]

SOURCE_GPAD = "Source: NHS England, Appointments in General Practice (practice level)."
SOURCE_TRACKER = "Source: programme tracker (NHS England and ICBs)."


@dataclass(frozen=True)
class Chart:
    """`draw` makes the Plotly figure (or is one): it runs the first time `figure` is asked for, so an export
    that writes native slides from `data` never builds a figure, and a cached chart builds its figure once.

    The chart functions in gpaccess.charts pass a `draw` bound to the frames they computed (`data` among
    them), read when the figure is first drawn: treat `data` as read-only (`dataclasses.replace` for another)."""

    key: str  # stable identifier, e.g. "supported_over_time"
    title: str  # the finding, in words
    subtitle: str  # scope and period
    draw: go.Figure | Callable[[], go.Figure] = field(repr=False, compare=False)
    data: pd.DataFrame = field(default_factory=pd.DataFrame)  # exactly the plotted data
    alt_text: str = ""  # text alternative generated from the data
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)  # caveats
    spc: SpcSummary | None = (
        None  # an SPC chart's verdict (variation and its words), shown beside it
    )

    @property
    def figure(self) -> go.Figure:
        made = self.__dict__.get("_figure")
        if made is None:
            made = self.draw if isinstance(self.draw, go.Figure) else self.draw()
            object.__setattr__(self, "_figure", made)  # frozen: cached beside the fields
        return made

    @property
    def footnote(self) -> str:
        return " ".join((self.source, *self.notes)).strip()


def style(
    figure: go.Figure, *, title: str, subtitle: str, source: str, height: int = 420
) -> go.Figure:
    """NHS house style: Arial, white background, pale grid, title with subtitle, source footnote."""
    figure.update_layout(
        title={"text": f"{title}<br><sup>{subtitle}</sup>", "x": 0.01, "xanchor": "left"},
        font={"family": theme.FONT_FAMILY, "color": theme.FONT_COLOUR, "size": 14},
        paper_bgcolor=theme.NHS_WHITE,
        plot_bgcolor=theme.NHS_WHITE,
        colorway=theme.SEQUENCE,
        height=height,
        margin={"l": 60, "r": 30, "t": 90, "b": 110},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"family": theme.FONT_FAMILY}},
    )
    figure.update_xaxes(showgrid=False, linecolor=theme.NHS_MID_GREY)
    figure.update_yaxes(gridcolor=theme.NHS_PALE_GREY, zerolinecolor=theme.NHS_MID_GREY)
    figure.add_annotation(
        text=source,
        xref="paper",
        yref="paper",
        x=0,
        y=-0.38,
        showarrow=False,
        xanchor="left",
        font={"size": 11, "color": theme.NHS_DARK_GREY},
        name="source",  # the page shows it as text under the chart instead (charts.screen)
    )
    return figure


def fmt_int(value: float | int | None) -> str:
    return "no data" if value is None or pd.isna(value) else f"{int(value):,}"


def fmt_pct(value: float | None, digits: int = 1) -> str:
    return "no data" if value is None or pd.isna(value) else f"{value:.{digits}f}%"
