"""Support delivered: mean improvement modules, group sessions and on-site visits per practice supported,
against the plan, per phase or cohort and level. Pure: no Streamlit.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gpaccess import theme
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_pct
from gpaccess.charts.board import axis_end, board_style, clear_of_marker, plan_markers
from gpaccess.charts.words import TO_DATE, join_words, listing, phase_label, subtitle_for
from gpaccess.disclosure import SMALL_NUMBER

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
    title = _delivery_finding(data)
    subtitle = subtitle_for(
        scope_label, period_label, "mean delivered per practice supported, against plan"
    )
    draw = partial(_delivery_figure, data, title=title, subtitle=subtitle)
    alt = _delivery_alt(data, scope_label)
    notes = (f"Means over fewer than {small_number} practices are not shown.",)
    return Chart("support_delivery", title, subtitle, draw, data, alt, SOURCE_TRACKER, notes)


def _delivery_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    """A facet per support component: mean delivered bars, the plan marked, words beside each."""
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
    rows = data[["programme", "phase", "level"]].drop_duplicates().shape[0]
    board_style(figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=rows)
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(showgrid=True, gridcolor=theme.NHS_PALE_GREY, title="Per practice")
    return figure


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
    plan = plan_markers(
        [lb for lb, s in zip(labels, shown, strict=True) if s],
        part.loc[shown, "planned_per_practice"],
        name="Planned per practice",
        group="plan",
        first=first,
        size=20,
        hover="%{y}: %{x} planned<extra></extra>",
    )
    end = part[["mean_delivered", "planned_per_practice"]].astype("Float64").max(axis=1)
    words = go.Scatter(
        y=labels,
        x=end.where(pd.Series(shown, index=part.index), 0),
        text=clear_of_marker(part["shown_as"]),
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
