"""Participation barriers ICBs reported: how many ICBs named each barrier, and the reports as a table.
ICBs are named; practices never are. Pure: no Streamlit.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_int
from gpaccess.charts.board import (
    ROW_PX,
    board_style,
    count_bar_facets,
)
from gpaccess.charts.words import (
    leaders,
    listing,
    plural,
    short_icb_name,
    subtitle_for,
)


# --- barriers ------------------------------------------------------------------------------------------------------
def barriers_by_kind(frame: pd.DataFrame, scope_label: str, period_label: str) -> Chart:
    """Number of ICBs reporting each barrier, by programme (frame: barriers_by_kind)."""
    data = frame.copy()
    data["kind"] = data["barrier"].str.capitalize()
    data["label"] = [
        f"{fmt_int(i)} ICB{'s' if i != 1 else ''}"
        + ("" if pd.isna(a) else f" ({fmt_int(a)} practices where stated)")
        for i, a in zip(data["icbs"], data["practices_affected"], strict=True)
    ]
    title = _barriers_finding(data)
    subtitle = subtitle_for(
        scope_label,
        f"reported {period_label}",
        "ICBs naming each barrier (an ICB can name several)",
    )
    draw = partial(
        count_bar_facets,
        data,
        label="kind",
        count="icbs",
        text="label",
        hover="%{y}: %{x:,} ICBs",
        x_title="ICBs reporting the barrier",
        room=1.7,
        title=title,
        subtitle=subtitle,
    )
    reported = "; ".join(
        f"{r.programme}, {r.barrier}: {r.label}" for r in data.itertuples(index=False)
    )
    alt = (
        f"Bar chart of ICBs reporting each participation barrier in {scope_label}, {period_label}. "
        + (reported or "No barriers reported")
        + "."
    )
    notes = ("Practices affected are summed where ICBs gave a number.",)
    plotted = data.drop(columns="label")
    return Chart("barriers_by_kind", title, subtitle, draw, plotted, alt, SOURCE_TRACKER, notes)


def _barriers_finding(data: pd.DataFrame) -> str:
    if data.empty:
        return "No ICB reported a participation barrier in this scope and period"
    parts = []
    for programme, rows in data.groupby("programme", sort=False):
        reporting = plural(int(rows["icbs_reporting_any"].iloc[0]), "ICB")
        names, top = leaders(rows, "icbs", "barrier")
        each = " each" if " and " in names else ""
        most = f": {names}" if len(rows) == 1 else f", {names} most often ({top}{each})"
        parts.append(f"{reporting} reported {programme} barriers{most}")
    return "; ".join(parts)


TABLE_COLUMNS = {
    "icb": "ICB",
    "reported": "Reported",
    "programme": "Programme",
    "barrier": "Barrier",
    "affected": "Practices affected",
    "detail": "Detail",
}


def barrier_table(frame: pd.DataFrame, scope_label: str, period_label: str) -> Chart:
    """The barrier reports as a table: ICB, date, programme, barrier, practices affected, detail."""
    data = pd.DataFrame(
        {
            "icb": frame["icb_name"].map(short_icb_name),
            "reported": pd.to_datetime(frame["reported_date"]).dt.strftime("%d %b %Y"),
            "programme": frame["programme"],
            "barrier": frame["barrier"],
            "affected": frame["practices_affected"].map(
                lambda v: "not given" if pd.isna(v) else fmt_int(v)
            ),
            "detail": frame["detail"].fillna(""),
        }
    )
    title = _table_finding(data)
    subtitle = subtitle_for(
        scope_label, f"reported {period_label}", "one line per barrier an ICB reported"
    )
    draw = partial(_table_figure, data, title=title, subtitle=subtitle)
    parts = [
        f"{r.icb}, {r.reported}, {r.programme}: {r.barrier} (practices affected: {r.affected})"
        + (f", {r.detail}" if r.detail else "")
        for r in data.itertuples(index=False)
    ]
    alt = (
        f"Table of participation barriers reported by ICBs in {scope_label}, {period_label}. "
        f"{listing(parts) if parts else 'No reports.'}"
    )
    shown = data.rename(columns=TABLE_COLUMNS)
    return Chart("barrier_reports", title, subtitle, draw, shown, alt, SOURCE_TRACKER)


def _table_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    """A Plotly table of the reports, rows in alternate shades."""
    figure = go.Figure(
        go.Table(
            columnwidth=[2.2, 1.1, 1, 1.3, 1, 4],
            header={
                "values": [f"<b>{w}</b>" for w in TABLE_COLUMNS.values()],
                "align": "left",
                "fill": {"color": theme.NHS_BLUE},
                "font": {"color": theme.NHS_WHITE, "size": 13},
            },
            cells={
                "values": [data[c] for c in TABLE_COLUMNS],
                "align": "left",
                "height": 28,
                "fill": {"color": [[theme.NHS_WHITE, theme.NHS_PALE_GREY] * (len(data) // 2 + 1)]},
                "font": {"size": 12},
            },
        )
    )
    board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=-(-min(len(data) + 1, 24) * 48 // ROW_PX),  # rows wrap onto two lines
        legend=False,
    )
    figure.update_layout(margin={"l": 10, "r": 10, "b": 80})
    return figure


def _table_finding(data: pd.DataFrame) -> str:
    if data.empty:
        return "No participation barriers reported in this scope and period"
    n, icbs = len(data), data["icb"].nunique()
    return f"{n} barrier report{'s' if n != 1 else ''} from {icbs} ICB{'s' if icbs != 1 else ''}"
