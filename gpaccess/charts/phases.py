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
from gpaccess.access import SMALL_NUMBER
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_int, fmt_pct, style

TO_DATE = "programme to date"  # period phrase for cumulative tracker counts (the period filter does not apply)
PROGRAMME_PATTERNS = {"Accelerate": "", "GPIP": "/"}
ROW_PX = 26
TITLE_WIDTH = 95  # characters before a title wraps


# --- shared layout ---------------------------------------------------------------------------------------------
def board_style(
    figure: go.Figure, *, title: str, subtitle: str, source: str, rows: int = 8, legend: bool = True
) -> go.Figure:
    """House style with a height that fits `rows` bars, the legend above the plot and the source below it."""
    lines = textwrap.wrap(title, TITLE_WIDTH, break_on_hyphens=False) or [""]
    top = 70 + 22 * len(lines) + (34 if legend else 0)
    style(
        figure,
        title="<br>".join(lines),
        subtitle=subtitle,
        source=source,
        height=top + 110 + ROW_PX * max(rows, 4),
    )
    figure.update_layout(
        margin={"l": 20, "r": 40, "t": top, "b": 100},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        showlegend=legend,
        uniformtext={"minsize": 10, "mode": "hide"},
    )
    figure.update_yaxes(automargin=True)
    footnote = figure.layout.annotations[
        -1
    ]  # added by style(): keep it a fixed distance below the plot
    footnote.update(y=0, yanchor="top", yshift=-62)
    return figure


def phase_label(programme: str, phase: str, level: str) -> str:
    """'Accelerate · Phase 1' or 'GPIP · Cohort 2023-07 · intensive' (Accelerate phases are all intensive)."""
    return (
        f"{programme} · {phase}"
        if programme == "Accelerate"
        else f"{programme} · {phase} · {level}"
    )


def short_icb_name(name: str) -> str:
    """'NHS North West London Integrated Care Board' -> 'North West London'."""
    return name.removeprefix("NHS ").removesuffix(" Integrated Care Board").strip()


def programme_facets(programmes: Sequence[str], rows: int, *, x_title: str) -> go.Figure:
    """One column per programme sharing the y axis, each titled with the programme's name."""
    figure = make_subplots(
        rows=1,
        cols=max(len(programmes), 1),
        shared_yaxes=True,
        subplot_titles=list(programmes),
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


def add_to_facets(
    figure: go.Figure,
    data: pd.DataFrame,
    programmes: Sequence[str],
    traces: Callable[[str, pd.DataFrame], list[go.BaseTraceType]],
) -> None:
    for column, programme in enumerate(programmes, start=1):
        for trace in traces(programme, data[data["programme"] == programme]):
            figure.add_trace(trace, row=1, col=column)


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


def plural(n: int | float, word: str) -> str:
    """'1 practice', '2 practices', '1,234 ICBs'."""
    return f"{fmt_int(n)} {word}{'' if n == 1 else 's'}"


def subtitle_for(scope_label: str, period_label: str, what: str) -> str:
    return f"{scope_label} · {period_label} · {what}"


# --- phase status ----------------------------------------------------------------------------------------------
# status column -> (words, colour, pattern): each status also has its own pattern and a named legend entry
STATUSES = {
    "completed": ("Completed the core support", theme.NHS_BLUE, ""),
    "extended": ("Extended beyond the core weeks", theme.NHS_DARK_GREEN, "/"),
    "active": ("In support now", theme.NHS_LIGHT_BLUE, "."),
    "not_started": ("Enrolled, not started", theme.NHS_WARM_YELLOW, "x"),
    "withdrawn": ("Withdrew", theme.NHS_ORANGE, "\\"),
}
STATUS_COLUMNS = ["programme", "phase", "level", "planned", "enrolled", *STATUSES]


def phase_status(frame: pd.DataFrame, scope_label: str, period_label: str = TO_DATE) -> Chart:
    """Practices by status per phase/level, with the planned number (frame: `programme_phases`)."""
    data = frame[STATUS_COLUMNS].copy()
    labels = [
        phase_label(*row) for row in data[["programme", "phase", "level"]].itertuples(index=False)
    ]
    figure = go.Figure()
    for column, (words, colour, pattern) in STATUSES.items():
        figure.add_bar(
            y=labels,
            x=data[column],
            name=words,
            orientation="h",
            text=data[column],
            textposition="inside",
            insidetextanchor="middle",
            marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": theme.NHS_BLACK}},
            hovertemplate="%{y}: %{x:,} practices<extra>" + words + "</extra>",
        )
    _add_planned(figure, data, labels)
    title = _status_finding(data)
    subtitle = subtitle_for(
        scope_label, period_label, "practices by status, per phase or cohort and level"
    )
    board_style(figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=len(data))
    figure.update_layout(barmode="stack")
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(title="Practices", showgrid=True, gridcolor=theme.NHS_PALE_GREY)
    notes = (
        ()
        if data["planned"].notna().any()
        else ("Planned numbers are national and are shown for England only.",)
    )
    return Chart(
        "phase_status",
        title,
        subtitle,
        figure,
        data,
        _status_alt(data, labels, scope_label),
        SOURCE_TRACKER,
        notes,
    )


def _add_planned(figure: go.Figure, data: pd.DataFrame, labels: list[str]) -> None:
    planned = data["planned"].astype("Float64")
    end = pd.concat([data["enrolled"].astype("Float64"), planned], axis=1).max(axis=1)
    words = [
        f"{fmt_int(e)} enrolled" + ("" if pd.isna(p) else f" of {fmt_int(p)} planned")
        for e, p in zip(data["enrolled"], planned, strict=True)
    ]
    figure.add_scatter(
        y=labels,
        x=end,
        mode="text",
        text=words,
        textposition="middle right",
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
    )
    if planned.notna().any():
        figure.add_scatter(
            y=labels,
            x=planned,
            mode="markers",
            name="Planned places",
            marker={
                "symbol": "line-ns-open",
                "size": 22,
                "line": {"width": 3},
                "color": theme.NHS_BLACK,
            },
            hovertemplate="%{y}: %{x:,} planned<extra></extra>",
        )
        figure.update_xaxes(range=[0, float(end.max()) * 1.3])


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


def _status_alt(data: pd.DataFrame, labels: list[str], scope_label: str) -> str:
    if data.empty:
        return f"Stacked bar chart for {scope_label}: no phases recorded."
    parts = []
    for label, row in zip(labels, data.itertuples(index=False), strict=True):
        planned = "" if pd.isna(row.planned) else f" of {fmt_int(row.planned)} planned"
        parts.append(
            f"{label}: {fmt_int(row.enrolled)} enrolled{planned} ({fmt_int(row.completed)} completed, "
            f"{fmt_int(row.extended)} extended, {fmt_int(row.active)} in support, "
            f"{fmt_int(row.not_started)} not started, {fmt_int(row.withdrawn)} withdrew)"
        )
    return (
        f"Stacked bar chart of practices by status per phase in {scope_label}. "
        + "; ".join(parts)
        + "."
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

    A mean over fewer than `small_number` practices supported is not shown ('fewer than 5 practices')."""
    rows = []
    for row in frame.itertuples(index=False):
        for words, planned_col, mean_col in COMPONENTS.values():
            planned = getattr(row, planned_col)
            if pd.isna(planned) or planned == 0:
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
        for trace in _delivery_traces(data[data["component"] == component], first=column == 1):
            figure.add_trace(trace, row=1, col=column)
    title = _delivery_finding(data)
    subtitle = subtitle_for(
        scope_label, period_label, "mean delivered per practice supported, against plan"
    )
    rows = data[["programme", "phase", "level"]].drop_duplicates().shape[0]
    board_style(figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=rows)
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(
        rangemode="tozero", showgrid=True, gridcolor=theme.NHS_PALE_GREY, title="Per practice"
    )
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
        text=part.loc[shown, "shown_as"],
        textposition="outside",
        cliponaxis=False,
        marker={"color": theme.NHS_BLUE},
        hovertemplate="%{y}: %{x} per practice<extra>Mean delivered</extra>",
    )
    plan = go.Scatter(
        y=labels,
        x=part["planned_per_practice"],
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
    hidden = [lb for lb, s in zip(labels, shown, strict=True) if not s]
    return [bars, plan, labels_at_zero(hidden, part.loc[~shown, "shown_as"])]


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
    parts = [
        f"{phase_label(r.programme, r.phase, r.level)}, {r.component.lower()}: {r.shown_as}"
        for r in data.itertuples(index=False)
    ]
    return (
        f"Bar charts, one per support component, of the mean delivered per practice supported in "
        f"{scope_label}, with the planned number marked. " + "; ".join(parts) + "."
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
    return (
        f"Timeline of programme phases (national; the same for {scope_label}). "
        + "; ".join(parts)
        + "."
    )
