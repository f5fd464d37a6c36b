"""Productivity gains among practices that adopted each high impact action and those that did not, and by the
number of actions adopted: an association, not evidence that an action caused gains (practices chose their
actions). Groups with fewer than 5 practices show 'fewer than 5'. Pure: no Streamlit.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_pct
from gpaccess.charts.board import (
    PERCENT_AXIS,
    add_to_facets,
    board_style,
    programme_facets,
    share_bars,
)
from gpaccess.charts.gains import with_small_number_rule
from gpaccess.charts.words import (
    TO_DATE,
    action_label,
    listing,
    scope_and_phase,
    subtitle_for,
)
from gpaccess.disclosure import FEWER_THAN

ASSOCIATION = "an association, not evidence that the action caused the gains"
ASSOCIATION_SHORT = "association, not cause"
ADOPTERS = ("Adopted the action", theme.NHS_BLUE, "")
NON_ADOPTERS = ("Did not adopt it", theme.NHS_MID_GREY, "/")
# what each chart shows (its subtitle) and why that is an association (its note)
BY_ACTION = "share with productivity gains, practices that adopted each action v those that did not"
BY_ACTION_CAVEAT = f"Practices chose their actions, and practices that adopt more may differ in other ways: {ASSOCIATION}."
BY_COUNT = "share with productivity gains by the number of high impact actions adopted"
BY_COUNT_CAVEAT = (
    "Practices that adopted more actions may differ in other ways: "
    f"{ASSOCIATION.replace('the action', 'adopting more actions')}."
)


# --- gains among adopters and non-adopters -------------------------------------------------------------------------
def gains_by_action(
    frame: pd.DataFrame, scope_label: str, phase: str | None = None, period_label: str = TO_DATE
) -> Chart:
    """Share with productivity gains among adopters and among non-adopters of each action, each with its n
    (frame: actions_by_programme). An association: practices chose their actions."""
    data = adopters_and_non_adopters(frame)
    title = _gains_finding(data)
    subtitle = _association_subtitle(scope_label, phase, period_label, BY_ACTION)
    draw = partial(_gains_figure, data, title=title, subtitle=subtitle)
    notes = _association_notes(BY_ACTION_CAVEAT)
    alt = _gains_alt(data, scope_label)
    return Chart("actions_gains", title, subtitle, draw, data, alt, SOURCE_TRACKER, notes)


def _association_subtitle(scope_label: str, phase: str | None, period_label: str, what: str) -> str:
    """The subtitle of a chart of gains by the actions adopted: it shows an association, not a cause."""
    return subtitle_for(
        scope_and_phase(scope_label, phase), period_label, f"{what} · {ASSOCIATION_SHORT}"
    )


def _association_notes(caveat: str) -> tuple[str, ...]:
    """Why the chart shows an association (`caveat`), and how groups of fewer than 5 practices show."""
    return (
        caveat,
        f"A group with {FEWER_THAN} practices shows '{FEWER_THAN}' instead of a percentage.",
    )


def adopters_and_non_adopters(frame: pd.DataFrame) -> pd.DataFrame:
    """Per programme and action: the share with gains among adopters and among non-adopters, each under the
    small-number rule, and the difference in points (frame: actions_by_programme)."""
    base = frame[
        [
            "programme",
            "action_number",
            "action_name",
            "adopters",
            "adopters_with_gains",
            "non_adopters",
            "non_adopters_with_gains",
        ]
    ]
    data = with_small_number_rule(
        base, n="adopters", part="adopters_with_gains", pct="adopters_gains_pct", unit="adopters"
    )
    data = data.rename(columns={"shown_as": "adopters_shown_as"})
    data = with_small_number_rule(
        data,
        n="non_adopters",
        part="non_adopters_with_gains",
        pct="non_adopters_gains_pct",
        unit="non-adopters",
    )
    data = data.rename(columns={"shown_as": "non_adopters_shown_as"})
    data["difference_points"] = (data["adopters_gains_pct"] - data["non_adopters_gains_pct"]).round(
        1
    )
    data.insert(
        1,
        "action",
        [
            action_label(n, a)
            for n, a in zip(frame["action_number"], frame["action_name"], strict=True)
        ],
    )
    return data[(data["adopters"] + data["non_adopters"]) > 0].reset_index(drop=True)


def _gains_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    """A facet per programme: adopters' and non-adopters' bars side by side for each action."""
    programmes = list(dict.fromkeys(data["programme"]))
    figure = programme_facets(
        programmes, len(data), x_title="Practices with productivity gains (%)"
    )
    add_to_facets(
        figure,
        data,
        programmes,
        lambda programme, rows: _group_bars(rows, programme, first=programme == programmes[0]),
    )
    figure.update_layout(barmode="group", bargap=0.25)
    figure.update_xaxes(**PERCENT_AXIS)
    return board_style(
        figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=20, legend=True
    )


def _group_bars(rows: pd.DataFrame, programme: str, *, first: bool) -> list[go.BaseTraceType]:
    """Adopters' and non-adopters' share with gains per action (a bar at 0 with words where too few)."""
    out: list[go.BaseTraceType] = []
    for who, (words, colour, pattern) in (("adopters", ADOPTERS), ("non_adopters", NON_ADOPTERS)):
        pct, shown_as = rows[f"{who}_gains_pct"], rows[f"{who}_shown_as"]
        out.append(
            go.Bar(
                y=list(rows["action"]),
                x=list(pct.astype(float).fillna(0)),
                orientation="h",
                text=[
                    s.replace(" adopters", "").replace(" non-adopters", "") if pd.notna(p) else s
                    for p, s in zip(pct, shown_as, strict=True)
                ],
                textposition="outside",
                cliponaxis=False,
                name=words,
                legendgroup=who,
                showlegend=first,
                marker={
                    "color": colour,
                    "pattern": {
                        "shape": pattern,
                        "fgcolor": theme.NHS_WHITE,
                        "fillmode": "overlay",
                    },
                },
                hovertemplate="%{y}: %{text}<extra>" + words + "</extra>",
            )
        )
    return out


def _gains_finding(data: pd.DataFrame) -> str:
    both = data.dropna(subset=["difference_points"])
    if both.empty:
        return (
            "Too few adopters and non-adopters to compare productivity gains by high impact action"
        )
    parts = []
    for programme, rows in both.groupby("programme", sort=False):
        top = rows.sort_values(
            ["difference_points", "action_number"], ascending=[False, True]
        ).iloc[0]
        if top["difference_points"] < 1:
            parts.append(f"{programme}: no action with a higher share among its adopters")
            continue
        parts.append(
            f"{programme}: {top['action_name']}, {fmt_pct(top['adopters_gains_pct'], 0)} of adopters v "
            f"{fmt_pct(top['non_adopters_gains_pct'], 0)} of non-adopters"
        )
    return "Widest gap in productivity gains (association, not cause). " + "; ".join(parts)


def _gains_alt(data: pd.DataFrame, scope_label: str) -> str:
    if data.empty:
        return f"Bar chart for {scope_label}: no supported practice with an assessed outcome."
    parts = [
        f"{r.programme}, {r.action}: {r.adopters_shown_as} with gains v {r.non_adopters_shown_as}"
        for r in data.itertuples(index=False)
    ]
    return (
        f"Bar chart of the share of practices with productivity gains among practices that adopted each high "
        f"impact action and those that did not, in {scope_label}; {ASSOCIATION}. {listing(parts, limit=20)}"
    )


# --- number of actions adopted -------------------------------------------------------------------------------------
def gains_by_count(
    frame: pd.DataFrame, scope_label: str, phase: str | None = None, period_label: str = TO_DATE
) -> Chart:
    """Share with productivity gains by the number of actions a practice adopted, each with its n
    (frame: actions_count_gains)."""
    data = with_small_number_rule(
        frame, n="assessed", part="with_gains", pct="gains_pct", unit="assessed"
    )
    data.insert(
        1,
        "group",
        [f"{int(n)} action{'' if n == 1 else 's'}" for n in frame["actions_adopted"]],
    )
    data = data[data["assessed"] > 0].reset_index(drop=True)
    title = _count_finding(data)
    subtitle = _association_subtitle(scope_label, phase, period_label, BY_COUNT)
    draw = partial(_count_figure, data, title=title, subtitle=subtitle)
    notes = _association_notes(BY_COUNT_CAVEAT)
    alt = _count_alt(data, scope_label)
    return Chart("actions_count_gains", title, subtitle, draw, data, alt, SOURCE_TRACKER, notes)


def _count_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    programmes = list(dict.fromkeys(data["programme"]))
    figure = programme_facets(
        programmes, len(data), x_title="Practices with productivity gains (%)"
    )
    bars = partial(
        share_bars,
        label="group",
        share="gains_pct",
        text="shown_as",
        hover="%{y} adopted: %{x:.1f}% with gains",
    )
    add_to_facets(figure, data, programmes, bars)
    figure.update_xaxes(**PERCENT_AXIS)
    return board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=data["group"].nunique(),
        legend=False,
    )


def _count_finding(data: pd.DataFrame) -> str:
    shown = data[data["gains_pct"].notna()]
    if shown.empty:
        return "Too few practices assessed to compare productivity gains by the number of actions adopted"
    parts = []
    for programme, rows in shown.groupby("programme", sort=False):
        if len(rows) == 1:
            r = rows.iloc[0]
            parts.append(f"{programme}: {fmt_pct(r['gains_pct'], 0)} with {r['group']}")
            continue
        few, many = rows.iloc[0], rows.iloc[-1]
        parts.append(
            f"{programme}: {fmt_pct(few['gains_pct'], 0)} with {few['group']}, "
            f"{fmt_pct(many['gains_pct'], 0)} with {many['group']}"
        )
    return (
        "Practices with productivity gains by the number of actions adopted (association, not cause). "
        + "; ".join(parts)
    )


def _count_alt(data: pd.DataFrame, scope_label: str) -> str:
    if data.empty:
        return f"Bar chart for {scope_label}: no supported practice with an assessed outcome."
    parts = [f"{r.programme}, {r.group}: {r.shown_as}" for r in data.itertuples(index=False)]
    return (
        f"Bar chart of the share of practices with productivity gains by the number of high impact actions "
        f"adopted, in {scope_label}; {ASSOCIATION.replace('the action', 'adopting more actions')}. {listing(parts, limit=22)}"
    )
