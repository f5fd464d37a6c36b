"""Phase completion charts: status of practices per phase/cohort and level, support delivered, phase timeline.

Also the layout helpers the board charts share (phases, uptake, gains): house style sized to the number of rows,
phase and ICB labels in words, and bars faceted by programme. Pure: no Streamlit.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gpaccess import theme
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_int, fmt_pct, style
from gpaccess.disclosure import SMALL_NUMBER

TO_DATE = "programme to date"  # period phrase for cumulative tracker counts (the period filter does not apply)
PROGRAMME_PATTERNS = {"Accelerate": "", "GPIP": "/"}
ROW_PX = 26
TITLE_WIDTH = 95  # characters before a title wraps


# --- shared layout ---------------------------------------------------------------------------------------------
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


def phase_label(programme: str, phase: str, level: str) -> str:
    """'Accelerate · Phase 1' or 'GPIP · Cohort 2023-07 · intensive' (Accelerate phases are all intensive)."""
    return (
        f"{programme} · {phase}"
        if programme == "Accelerate"
        else f"{programme} · {phase} · {level}"
    )


def short_icb_name(name: str) -> str:
    """'NHS North West London Integrated Care Board' (or '... ICB') -> 'North West London'."""
    return (
        name.removeprefix("NHS ")
        .removesuffix(" Integrated Care Board")
        .removesuffix(" ICB")
        .strip()
    )


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


def join_words(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def leaders(rows: pd.DataFrame, count: str, name: str) -> tuple[str, int]:
    """The names with the largest count (several when tied, alphabetical) and that count."""
    top = int(rows[count].max())
    return join_words(sorted(rows.loc[rows[count] == top, name].astype(str))), top


def listing(parts: Sequence[str], limit: int = 12) -> str:
    """Items for a text alternative: all of them up to `limit`, else the first ones and how many more."""
    if len(parts) <= limit:
        return "; ".join(parts) + "."
    return "; ".join(parts[:limit]) + f"; and {len(parts) - limit} more, listed in the data table."


def count_axis(values: pd.Series, factor: float) -> dict[str, object]:
    """x axis settings for counts of practices or ICBs: from 0 with room for labels, whole-number ticks."""
    end = axis_end(values, factor)
    return {"range": [0, end], "dtick": 1 if end <= 10 else None, "tickformat": ",d"}


def plural(n: int | float, word: str) -> str:
    """'1 practice', '2 practices', '1,234 ICBs'."""
    return f"{fmt_int(n)} {word}{'' if n == 1 else 's'}"


def subtitle_for(scope_label: str, period_label: str, what: str) -> str:
    return f"{scope_label} · {period_label} · {what}"


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
    title = _status_finding(data)
    subtitle = subtitle_for(
        scope_label, period_label, "practices by status, per phase or cohort and level"
    )
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
    notes: tuple[str, ...] = (
        () if national else ("Planned numbers are national: shown for England only.",)
    )
    if empty:
        notes += (
            f"{plural(empty, 'phase or cohort level')} with no practice from {scope_label} not shown.",
        )
    return Chart(
        "phase_status",
        title,
        subtitle,
        figure,
        data,
        _status_alt(data, scope_label),
        SOURCE_TRACKER,
        notes,
    )


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
            text=status_words(part),
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    if part["planned"].notna().any():
        traces.append(
            go.Scatter(
                y=labels,
                x=part["planned"],
                mode="markers",
                name="Planned places",
                legendgroup="planned",
                showlegend=first,
                marker={
                    "symbol": "line-ns-open",
                    "size": 22,
                    "line": {"width": 3},
                    "color": theme.NHS_BLACK,
                },
                hovertemplate="%{y}: %{x:,} planned<extra></extra>",
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


# --- support delivered -------------------------------------------------------------------------------------------
# component -> (words, planned column, mean delivered column)
COMPONENTS = {
    "modules": ("Improvement modules", "modules_planned", "mean_modules"),
    "group_sessions": ("Group learning sessions", "group_sessions_planned", "mean_group_sessions"),
    "onsite_visits": ("On-site visits", "onsite_visits_planned", "mean_onsite_visits"),
}
SHORT_COMPONENT = {
    "Improvement modules": "modules",
    "Group learning sessions": "group sessions",
    "On-site visits": "on-site visits",
}


def delivery_table(frame: pd.DataFrame, small_number: int = SMALL_NUMBER) -> pd.DataFrame:
    """Long table: per phase/level and component with a plan, mean delivered per practice supported.

    A mean over fewer than `small_number` practices supported is not shown ('fewer than 5 practices');
    phases with no practice supported are left out."""
    rows = []
    for row in frame.itertuples(index=False):
        for words, planned_col, mean_col in COMPONENTS.values():
            planned = getattr(row, planned_col)
            if pd.isna(planned) or planned == 0 or row.supported == 0:
                continue
            small = row.supported < small_number
            mean = (
                None
                if small or pd.isna(getattr(row, mean_col))
                else round(float(getattr(row, mean_col)), 1)
            )
            shown = (
                f"fewer than {small_number} practices"
                if small
                else "no data"
                if mean is None
                else f"{mean:g} of {int(planned)}"
            )
            rows.append(
                {
                    "programme": row.programme,
                    "phase": row.phase,
                    "level": row.level,
                    "component": words,
                    "planned_per_practice": int(planned),
                    "mean_delivered": mean,
                    "practices_supported": int(row.supported),
                    "shown_as": shown,
                }
            )
    columns = [
        "programme",
        "phase",
        "level",
        "component",
        "planned_per_practice",
        "mean_delivered",
        "practices_supported",
        "shown_as",
    ]
    return pd.DataFrame(rows, columns=columns)


def support_delivery(
    frame: pd.DataFrame,
    scope_label: str,
    small_number: int = SMALL_NUMBER,
    period_label: str = TO_DATE,
) -> Chart:
    """Mean modules, group sessions and on-site visits delivered per practice against the plan."""
    data = delivery_table(frame, small_number)
    components = [w for w, _, _ in COMPONENTS.values() if w in set(data["component"])]
    figure = make_subplots(
        rows=1,
        cols=max(len(components), 1),
        shared_yaxes=True,
        subplot_titles=components,
        horizontal_spacing=0.05,
    )
    for column, component in enumerate(components, start=1):
        part = data[data["component"] == component]
        for trace in _delivery_traces(part, first=column == 1):
            figure.add_trace(trace, row=1, col=column)
        figure.update_xaxes(
            range=[0, axis_end(part["planned_per_practice"], 1.8)], row=1, col=column
        )
    title = _delivery_finding(data)
    subtitle = subtitle_for(
        scope_label, period_label, "mean delivered per practice supported, against plan"
    )
    rows = data[["programme", "phase", "level"]].drop_duplicates().shape[0]
    board_style(figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=rows)
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(showgrid=True, gridcolor=theme.NHS_PALE_GREY, title="Per practice")
    return Chart(
        "support_delivery",
        title,
        subtitle,
        figure,
        data,
        _delivery_alt(data, scope_label),
        SOURCE_TRACKER,
        (f"Means over fewer than {small_number} practices are not shown.",),
    )


def _delivery_traces(part: pd.DataFrame, *, first: bool) -> list[go.BaseTraceType]:
    labels = [
        phase_label(*r) for r in part[["programme", "phase", "level"]].itertuples(index=False)
    ]
    shown = part["mean_delivered"].notna().to_numpy()
    bars = go.Bar(
        y=[lb for lb, s in zip(labels, shown, strict=True) if s],
        x=part.loc[shown, "mean_delivered"],
        orientation="h",
        name="Mean delivered",
        legendgroup="mean",
        showlegend=first,
        marker={"color": theme.NHS_BLUE},
        hovertemplate="%{y}: %{x} per practice<extra>Mean delivered</extra>",
    )
    plan = go.Scatter(
        y=[lb for lb, s in zip(labels, shown, strict=True) if s],
        x=part.loc[shown, "planned_per_practice"],
        mode="markers",
        name="Planned per practice",
        legendgroup="plan",
        showlegend=first,
        marker={
            "symbol": "line-ns-open",
            "size": 20,
            "line": {"width": 3},
            "color": theme.NHS_BLACK,
        },
        hovertemplate="%{y}: %{x} planned<extra></extra>",
    )
    end = part[["mean_delivered", "planned_per_practice"]].astype("Float64").max(axis=1)
    words = go.Scatter(
        y=labels,
        x=end.where(pd.Series(shown, index=part.index), 0),
        text=part["shown_as"],
        mode="text",
        textposition="middle right",
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
    )
    return [bars, plan, words]


def delivered_share(data: pd.DataFrame) -> dict[str, float]:
    """Per component: practice-weighted mean delivered as a % of planned, over the means shown."""
    shown = data[data["mean_delivered"].notna()]
    out = {}
    for component, rows in shown.groupby("component", sort=False):
        planned = (rows["planned_per_practice"] * rows["practices_supported"]).sum()
        if planned:
            out[str(component)] = (
                100.0 * (rows["mean_delivered"] * rows["practices_supported"]).sum() / planned
            )
    return out


def _delivery_finding(data: pd.DataFrame) -> str:
    shares = delivered_share(data)
    if not shares:
        return "Too few practices supported in this scope to show the support delivered"
    listed = join_words(
        [f"{fmt_pct(v, 0)} of {SHORT_COMPONENT.get(k, k.lower())}" for k, v in shares.items()]
    )
    return f"Practices supported received on average {listed} planned"


def _delivery_alt(data: pd.DataFrame, scope_label: str) -> str:
    if data.empty:
        return f"Bar chart for {scope_label}: no support components planned."
    shares = "; ".join(f"{k}: {fmt_pct(v, 0)} of planned" for k, v in delivered_share(data).items())
    parts = [
        f"{phase_label(r.programme, r.phase, r.level)}, {r.component.lower()}: {r.shown_as}"
        for r in data.itertuples(index=False)
    ]
    return (
        f"Bar charts, one per support component, of the mean delivered per practice supported in "
        f"{scope_label}, with the planned number marked. On average: {shares or 'too few to show'}. "
        f"{listing(parts)}"
    )


# --- timeline ------------------------------------------------------------------------------------------------------
def phase_timeline(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Gantt-style bars from start to planned end of each phase/cohort and level."""
    data = frame[["programme", "phase", "level", "start_date", "end_date", "weeks"]].copy()
    data["length"] = [
        _length_words(w, lv) for w, lv in zip(data["weeks"], data["level"], strict=True)
    ]
    figure = go.Figure()
    for programme, rows in data.groupby("programme", sort=False):
        figure.add_trace(_timeline_bar(str(programme), rows))
    title = _timeline_finding(data)
    subtitle = f"{scope_label} · all phases and cohorts · core support from start to planned end"
    board_style(figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=len(data))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(
        type="date", showgrid=True, gridcolor=theme.NHS_PALE_GREY, tickformat="%b %Y"
    )
    return Chart(
        "phase_timeline",
        title,
        subtitle,
        figure,
        data,
        _timeline_alt(data, scope_label),
        SOURCE_TRACKER,
    )


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
