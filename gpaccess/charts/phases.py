"""Phase completion charts: status of practices per phase/cohort and level, support delivered, phase timeline.

Support delivered is in `charts.delivery`; the layout and words the board charts share are in `charts.board` and
`charts.words`. All are importable from here as before. Pure: no Streamlit.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gpaccess import theme
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_int
from gpaccess.charts.board import (
    PERCENT_AXIS,
    PROGRAMME_PATTERNS,
    ROW_PX,
    TITLE_WIDTH,
    add_to_facets,
    axis_end,
    board_style,
    clear_of_marker,
    count_axis,
    labels_at_zero,
    legend_height,
    legend_once,
    plan_markers,
    programme_bar,
    programme_facets,
    programme_panels,
)
from gpaccess.charts.delivery import (
    COMPONENTS,
    SHORT_COMPONENT,
    delivered_share,
    delivery_table,
    support_delivery,
)
from gpaccess.charts.words import (
    TO_DATE,
    join_words,
    leaders,
    listing,
    phase_label,
    plural,
    short_icb_name,
    subtitle_for,
)

# --- phase status ----------------------------------------------------------------------------------------------
# status column -> (words, colour, pattern, pattern colour): each status has its own pattern and a legend entry
STATUSES = {
    "completed": ("Completed the core support", theme.NHS_BLUE, "", theme.NHS_WHITE),
    "extended": ("Extended beyond the core weeks", theme.NHS_DARK_GREEN, "/", theme.NHS_WHITE),
    "active": ("In support now", theme.NHS_LIGHT_BLUE, ".", theme.NHS_DARK_BLUE),
    "not_started": ("Enrolled, not started", theme.NHS_WARM_YELLOW, "x", theme.NHS_BLACK),
    "withdrawn": ("Withdrew", theme.NHS_ORANGE, "\\", theme.NHS_BLACK),
}
STATUS_COLUMNS = ["programme", "phase", "level", "planned", "enrolled", *STATUSES]
SUPPORT_GROUPS = (  # panel title, which rows, how a row is named in the panel
    (
        "Accelerate: intensive support, 20 weeks",
        lambda r: r.programme == "Accelerate",
        lambda r: r.phase,
    ),
    (
        "GPIP: hands-on support (intermediate 13 weeks, intensive 26 weeks)",
        lambda r: r.programme == "GPIP" and r.level != "universal",
        lambda r: f"{r.phase} · {r.level}",
    ),
    (
        "GPIP: universal offer (webinars)",
        lambda r: r.programme == "GPIP" and r.level == "universal",
        lambda r: r.phase,
    ),
)


def support_panels(data: pd.DataFrame) -> list[tuple[str, pd.DataFrame, list[str]]]:
    """Rows split into panels by kind of support (Accelerate, GPIP hands-on, GPIP universal), with row names."""
    rows = list(data.itertuples(index=False))
    panels = []
    for title, belongs, name in SUPPORT_GROUPS:
        keep = [belongs(r) for r in rows]
        if any(keep):
            panels.append(
                (title, data[keep], [name(r) for r, k in zip(rows, keep, strict=True) if k])
            )
    return panels


def phase_status(frame: pd.DataFrame, scope_label: str, period_label: str = TO_DATE) -> Chart:
    """Practices by status per phase/level, with the planned number (frame: `programme_phases`).

    Planned numbers are national: outside England they are blank, and phases that no practice in the scope
    enrolled in are left out (said in a note)."""
    data = frame[STATUS_COLUMNS].copy()
    national = bool(data["planned"].notna().any())
    empty = 0 if national else int((data["enrolled"] == 0).sum())
    if not national:
        data = data[data["enrolled"] > 0].reset_index(drop=True)
    title = _status_finding(data)
    subtitle = subtitle_for(
        scope_label, period_label, "practices by status, per phase or cohort and level"
    )
    notes: tuple[str, ...] = (
        () if national else ("Planned numbers are national: shown for England only.",)
    )
    if empty:
        notes += (
            f"{plural(empty, 'phase or cohort level')} with no practice from {scope_label} not shown.",
        )
    draw = partial(_status_figure, data, title=title, subtitle=subtitle)
    alt = _status_alt(data, scope_label)
    return Chart("phase_status", title, subtitle, draw, data, alt, SOURCE_TRACKER, notes)


def _status_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    """Stacked bars per phase in a panel per kind of support, the planned number marked."""
    panels = support_panels(data)
    figure = make_subplots(
        rows=max(len(panels), 1),
        cols=1,
        subplot_titles=[t for t, _, _ in panels],
        row_heights=[len(p) for _, p, _ in panels] or None,
        vertical_spacing=min(0.3, 70 / (ROW_PX * max(len(data), 4))),
    )
    for row, (_, part, labels) in enumerate(panels, start=1):
        for trace in _status_traces(part, labels, first=row == 1):
            figure.add_trace(trace, row=row, col=1)
        figure.update_xaxes(range=[0, axis_end(_bar_end(part), 2.0)], row=row, col=1)
    board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=len(data) + 3 * len(panels),
    )
    figure.update_layout(barmode="stack")
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(showgrid=True, gridcolor=theme.NHS_PALE_GREY)
    figure.update_xaxes(title="Practices", row=max(len(panels), 1), col=1)
    return figure


def _bar_end(part: pd.DataFrame) -> pd.Series:
    return pd.concat(
        [part["enrolled"].astype("Float64"), part["planned"].astype("Float64")], axis=1
    ).max(axis=1)


def _status_traces(part: pd.DataFrame, labels: list[str], *, first: bool) -> list[go.BaseTraceType]:
    traces: list[go.BaseTraceType] = [
        go.Bar(
            y=labels,
            x=part[column],
            name=words,
            orientation="h",
            legendgroup=column,
            showlegend=first,
            marker={
                "color": colour,
                "pattern": {
                    "shape": shape,
                    "fgcolor": ink,
                    "fillmode": "overlay",
                    "solidity": 0.35,
                },
            },
            hovertemplate="%{y}: %{x:,} practices<extra>" + words + "</extra>",
        )
        for column, (words, colour, shape, ink) in STATUSES.items()
    ]
    traces.append(
        go.Scatter(
            y=labels,
            x=_bar_end(part),
            mode="text",
            text=clear_of_marker(status_words(part)),
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    if part["planned"].notna().any():
        traces.append(
            plan_markers(
                labels,
                part["planned"],
                name="Planned places",
                group="planned",
                first=first,
                size=22,
                hover="%{y}: %{x:,} planned<extra></extra>",
            )
        )
    return traces


def status_words(part: pd.DataFrame) -> list[str]:
    """'203 enrolled of 200 planned: 200 finished, 3 withdrew' (parts that are 0 are left out)."""
    out = []
    for r in part.itertuples(index=False):
        head = f"{fmt_int(r.enrolled)} enrolled" + (
            "" if pd.isna(r.planned) else f" of {fmt_int(r.planned)} planned"
        )
        counts = [
            (r.completed + r.extended, "finished"),
            (r.active, "in support"),
            (r.not_started, "not started"),
            (r.withdrawn, "withdrew"),
        ]
        detail = ", ".join(f"{fmt_int(n)} {w}" for n, w in counts if n)
        out.append(f"{head}: {detail}" if detail else head)
    return out


def _status_finding(data: pd.DataFrame) -> str:
    if data.empty or data["enrolled"].sum() == 0:
        return "No practices enrolled in any phase in this scope"
    finished = int(data["completed"].sum() + data["extended"].sum())
    enrolled, withdrawn = int(data["enrolled"].sum()), int(data["withdrawn"].sum())
    programmes = data.loc[data["enrolled"] > 0, "programme"].unique()
    who = f"{programmes[0]}: " if len(programmes) == 1 else ""
    return (
        f"{who}{fmt_int(finished)} of {fmt_int(enrolled)} enrolled practices have finished their core "
        f"support; {fmt_int(withdrawn)} withdrew"
    )


def _status_alt(data: pd.DataFrame, scope_label: str) -> str:
    if data.empty:
        return f"Stacked bar chart for {scope_label}: no phases recorded."
    labels = [
        phase_label(*r) for r in data[["programme", "phase", "level"]].itertuples(index=False)
    ]
    parts = [f"{label}: {words}" for label, words in zip(labels, status_words(data), strict=True)]
    return (
        f"Stacked bar chart of practices by status per phase in {scope_label}, in panels by kind of "
        f"support. {listing(parts)}"
    )


# --- timeline ------------------------------------------------------------------------------------------------------
def phase_timeline(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Gantt-style bars from start to planned end of each phase/cohort and level."""
    data = frame[["programme", "phase", "level", "start_date", "end_date", "weeks"]].copy()
    data["length"] = [
        _length_words(w, lv) for w, lv in zip(data["weeks"], data["level"], strict=True)
    ]
    title = _timeline_finding(data)
    subtitle = f"{scope_label} · all phases and cohorts · core support from start to planned end"
    draw = partial(_timeline_figure, data, title=title, subtitle=subtitle)
    alt = _timeline_alt(data, scope_label)
    return Chart("phase_timeline", title, subtitle, draw, data, alt, SOURCE_TRACKER)


def _timeline_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    figure = go.Figure()
    for programme, rows in data.groupby("programme", sort=False):
        figure.add_trace(_timeline_bar(str(programme), rows))
    board_style(figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=len(data))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(
        type="date", showgrid=True, gridcolor=theme.NHS_PALE_GREY, tickformat="%b %Y"
    )
    return figure


def _length_words(weeks: object, level: str) -> str:
    if pd.isna(weeks):  # type: ignore[call-overload]
        return "webinars" if level == "universal" else "length not set"
    return f"{int(weeks)} weeks"  # type: ignore[call-overload]


def _timeline_bar(programme: str, rows: pd.DataFrame) -> go.Bar:
    starts = pd.to_datetime(rows["start_date"])
    ends = pd.to_datetime(rows["end_date"]).fillna(starts)
    labels = [
        phase_label(*r) for r in rows[["programme", "phase", "level"]].itertuples(index=False)
    ]
    return go.Bar(
        y=labels,
        base=starts.dt.strftime("%Y-%m-%d").tolist(),
        x=((ends - starts).dt.total_seconds() * 1000 + 86_400_000).tolist(),
        orientation="h",
        name=programme,
        text=rows["length"],
        textposition="outside",
        cliponaxis=False,
        marker={
            "color": theme.PROGRAMME_COLOURS.get(programme, theme.NHS_DARK_GREY),
            "pattern": {"shape": PROGRAMME_PATTERNS.get(programme, ".")},
        },
        customdata=list(
            zip(starts.dt.strftime("%d %b %Y"), ends.dt.strftime("%d %b %Y"), strict=True)
        ),
        hovertemplate="%{y}<br>%{customdata[0]} to %{customdata[1]}<extra>"
        + programme
        + "</extra>",
    )


def _timeline_finding(data: pd.DataFrame) -> str:
    if data.empty:
        return "No phases recorded"
    parts = []
    for programme, rows in data.groupby("programme", sort=False):
        n = rows["phase"].nunique()
        kind = "phase" if programme == "Accelerate" else "cohort"
        first, last = pd.Timestamp(rows["start_date"].min()), pd.Timestamp(rows["end_date"].max())
        end = f" to {last:%b %Y}" if pd.notna(last) else ""
        parts.append(f"{programme}: {n} {kind}{'s' if n != 1 else ''}, {first:%b %Y}{end}")
    return "; ".join(parts)


def _timeline_alt(data: pd.DataFrame, scope_label: str) -> str:
    if data.empty:
        return "Timeline: no phases recorded."
    parts = []
    for r in data.itertuples(index=False):
        end = (
            f" to {pd.Timestamp(r.end_date):%d %b %Y}" if pd.notna(r.end_date) else ", end not set"
        )
        parts.append(
            f"{phase_label(r.programme, r.phase, r.level)}: {pd.Timestamp(r.start_date):%d %b %Y}"
            f"{end} ({r.length})"
        )
    return f"Timeline of programme phases (national; the same for {scope_label}). {listing(parts)}"


__all__ = [
    "COMPONENTS",
    "PERCENT_AXIS",
    "PROGRAMME_PATTERNS",
    "ROW_PX",
    "SHORT_COMPONENT",
    "STATUSES",
    "STATUS_COLUMNS",
    "SUPPORT_GROUPS",
    "TITLE_WIDTH",
    "TO_DATE",
    "add_to_facets",
    "axis_end",
    "board_style",
    "count_axis",
    "delivered_share",
    "delivery_table",
    "join_words",
    "labels_at_zero",
    "leaders",
    "legend_height",
    "legend_once",
    "listing",
    "phase_label",
    "phase_status",
    "phase_timeline",
    "plural",
    "programme_bar",
    "programme_facets",
    "programme_panels",
    "short_icb_name",
    "status_words",
    "subtitle_for",
    "support_delivery",
    "support_panels",
]
