"""Productivity gains charts: share of practices with gains (by phase, region, ICB), hours released, kinds of gain.

The small-number rule lives here: a share whose denominator is fewer than 5 practices is never computed for display;
the group shows 'fewer than 5' instead. Pure: no Streamlit.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gpaccess import theme
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_int, fmt_pct
from gpaccess.charts.board import (
    PERCENT_AXIS,
    add_to_facets,
    board_style,
    count_bar_facets,
    labels_at_zero,
    programme_facets,
    programme_panels,
    share_bars,
)
from gpaccess.charts.words import (
    TO_DATE,
    leaders,
    listing,
    phase_label,
    plural,
    short_icb_name,
    subtitle_for,
)
from gpaccess.disclosure import FEWER_THAN, SMALL_NUMBER


def by_programme(data: pd.DataFrame, column: str) -> dict[str, list[float]]:
    """Each programme's values of `column`, programmes in the order they first appear."""
    found: dict[str, list[float]] = {}
    for programme, value in zip(data["programme"], data[column], strict=True):
        found.setdefault(programme, []).append(float(value))
    return found


# --- the small-number rule ------------------------------------------------------------------------------------
def with_small_number_rule(
    frame: pd.DataFrame, *, n: str, part: str, pct: str, unit: str
) -> pd.DataFrame:
    """Add `pct` (part as a % of n) and `shown_as` words; where n < SMALL_NUMBER, no % and no part count.

    `shown_as` reads '73.2% of 480 assessed', 'fewer than 5 assessed' or 'none assessed'."""
    data = frame.copy()
    whole = data[n].to_numpy(dtype=float, na_value=np.nan)
    counted = data[part].to_numpy(dtype=float, na_value=np.nan)
    small = (
        whole < SMALL_NUMBER
    )  # a missing n is not small (as a nullable comparison masks nothing)
    hidden = small | np.isnan(counted)
    data[part] = pd.arrays.IntegerArray(np.where(hidden, 0, counted).astype(np.int64), hidden)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.round(100.0 * counted / whole, 1)
    no_share = hidden | (whole == 0) | np.isnan(whole)
    data[pct] = pd.arrays.FloatingArray(np.where(no_share, 0.0, share), no_share)
    data["shown_as"] = [
        _shown_as(int(w), None if gone else float(p), unit)
        for w, p, gone in zip(whole, share, no_share, strict=True)
    ]
    return data


def _shown_as(whole: int, share: float | None, unit: str) -> str:
    if whole == 0:
        return f"none {unit}"
    if whole < SMALL_NUMBER:
        return f"{FEWER_THAN} {unit}"
    return f"{fmt_pct(share)} of {fmt_int(whole)} {unit}"


# --- share with gains -------------------------------------------------------------------------------------------
GROUPS = {  # by -> (words, how each group is named on the chart)
    "phase": ("phase", lambda r: phase_label(r.programme, r.phase, r.level).split(" · ", 1)[1]),
    "region": ("region", lambda r: r.region_name),
    "icb": ("ICB", lambda r: short_icb_name(r.icb_name)),
}


def gains_share(
    frame: pd.DataFrame, by: str, scope_label: str, period_label: str = TO_DATE
) -> Chart:
    """Share of assessed practices with productivity gains per group, each with its n (frame: gains_by_<by>)."""
    words, name_of = GROUPS[by]
    data = with_small_number_rule(
        frame, n="assessed", part="with_gains", pct="gains_pct", unit="assessed"
    )
    data.insert(1, "group", [name_of(r) for r in frame.itertuples(index=False)])
    empty = int((data["assessed"] == 0).sum())
    data = data[data["assessed"] > 0].reset_index(drop=True)
    title = gains_finding(data, words)
    subtitle = subtitle_for(scope_label, period_label, f"practices assessed, by {words}")
    notes = [
        f"Groups with {FEWER_THAN} practices assessed show '{FEWER_THAN}' instead of a percentage."
    ]
    if empty:
        notes.append(f"{empty} {words} rows with no practice assessed are not shown.")
    draw = partial(_share_figure, data, by_phase=by == "phase", title=title, subtitle=subtitle)
    alt = _share_alt(data, words, scope_label)
    return Chart(f"gains_by_{by}", title, subtitle, draw, data, alt, SOURCE_TRACKER, tuple(notes))


def _share_figure(data: pd.DataFrame, *, by_phase: bool, title: str, subtitle: str) -> go.Figure:
    """Bars per group, a facet per programme: side by side, or one above the other for phases (which differ
    between programmes)."""
    programmes = list(dict.fromkeys(data["programme"]))
    if by_phase:
        counts = [int((data["programme"] == p).sum()) for p in programmes]
        figure = programme_panels(programmes, counts, x_title="Practices with gains (%)")
    else:
        figure = programme_facets(programmes, len(data), x_title="Practices with gains (%)")
    add_to_facets(figure, data, programmes, _share_traces, vertical=by_phase)
    figure.update_xaxes(**PERCENT_AXIS)
    return board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=len(data) + 3 * len(programmes) if by_phase else data["group"].nunique(),
        legend=False,
    )


_share_traces = partial(
    share_bars,
    label="group",
    share="gains_pct",
    text="shown_as",
    hover="%{y}: %{x:.1f}% with gains",
)


def gains_finding(data: pd.DataFrame, words: str) -> str:
    shown = data[data["gains_pct"].notna()]
    if shown.empty:
        return f"Too few practices assessed in any {words} to show a share with productivity gains"
    if len(shown) == 1:
        row = shown.iloc[0]
        return (
            f"{fmt_pct(row['gains_pct'], 0)} of {fmt_int(row['assessed'])} assessed practices reported "
            f"productivity gains ({row['programme']}, {row['group']})"
        )
    parts = []
    for programme, shares in by_programme(shown, "gains_pct").items():
        low, high = min(shares), max(shares)
        spread = (
            fmt_pct(low, 0)
            if round(low) == round(high)
            else f"{fmt_pct(low, 0)} to {fmt_pct(high, 0)}"
        )
        parts.append(f"{programme} {spread}")
    return f"Practices with productivity gains by {words}: " + "; ".join(parts)


def _share_alt(data: pd.DataFrame, words: str, scope_label: str) -> str:
    if data.empty:
        return f"Bar chart for {scope_label}: no practices assessed for productivity gains."
    parts = [f"{r.programme}, {r.group}: {r.shown_as}" for r in data.itertuples(index=False)]
    return (
        f"Bar chart of the share of assessed practices with productivity gains by {words} in "
        f"{scope_label}. {listing(parts)}"
    )


# --- hours released ------------------------------------------------------------------------------------------------
HOURS = {
    "clinical": ("Clinical hours", theme.NHS_BLUE, ""),
    "admin": ("Admin hours", theme.NHS_AQUA_GREEN, "/"),
}


def hours_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Totals and means per practice reporting; none shown where fewer than 5 practices reported."""
    data = frame[
        ["programme", "phase", "level", "practices_reporting", "clinical_hours", "admin_hours"]
    ].copy()
    small = data["practices_reporting"] < SMALL_NUMBER
    for kind in HOURS:
        total = data[f"{kind}_hours"].astype("Float64").mask(small)
        data[f"{kind}_hours"] = total.round(0)
        data[f"{kind}_mean_per_practice"] = (total / data["practices_reporting"]).round(1)
    data["shown_as"] = [
        f"{FEWER_THAN} practices reporting" if s else f"{fmt_int(n)} practices reporting"
        for s, n in zip(small, data["practices_reporting"], strict=True)
    ]
    return data


def hours_released(frame: pd.DataFrame, scope_label: str, period_label: str = TO_DATE) -> Chart:
    """Clinical and admin hours a month released: totals and mean per practice, per phase (frame: hours_released)."""
    data = hours_table(frame)
    labels = [
        phase_label(*r) for r in data[["programme", "phase", "level"]].itertuples(index=False)
    ]
    title = _hours_finding(data)
    subtitle = subtitle_for(
        scope_label, period_label, "hours a month released, per phase or cohort"
    )
    notes = (
        f"Phases with {FEWER_THAN} practices reporting hours are not shown and not in the totals.",
    )
    draw = partial(_hours_figure, data, labels, title=title, subtitle=subtitle)
    alt = _hours_alt(data, labels, scope_label)
    return Chart("hours_released", title, subtitle, draw, data, alt, SOURCE_TRACKER, notes)


def _hours_figure(data: pd.DataFrame, labels: list[str], *, title: str, subtitle: str) -> go.Figure:
    """Total and mean hours side by side, clinical and admin bars per phase."""
    figure = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.08,
        subplot_titles=["Total hours a month", "Mean hours a month per practice"],
    )
    for kind, (words, colour, pattern) in HOURS.items():
        for column, suffix in ((1, "hours"), (2, "mean_per_practice")):
            values = data[f"{kind}_{suffix}"]
            figure.add_bar(
                y=labels,
                x=values,
                orientation="h",
                name=words,
                legendgroup=kind,
                showlegend=column == 1,
                text=[_hours_text(v) for v in values],
                textposition="outside",
                cliponaxis=False,
                marker={"color": colour, "pattern": {"shape": pattern}},
                hovertemplate="%{y}: %{x:,} hours<extra>" + words + "</extra>",
                row=1,
                col=column,
            )
    hidden = data["clinical_hours"].isna().to_numpy()
    hidden_labels = [lb for lb, h in zip(labels, hidden, strict=True) if h]
    for column in (1, 2):
        figure.add_trace(
            labels_at_zero(hidden_labels, data.loc[hidden, "shown_as"]), row=1, col=column
        )
    board_style(figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=2 * len(data))
    figure.update_layout(barmode="group")
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(
        rangemode="tozero", showgrid=True, gridcolor=theme.NHS_PALE_GREY, title="Hours a month"
    )
    return figure


def _hours_text(value: object) -> str:
    return "" if pd.isna(value) else f"{float(value):,.1f}".removesuffix(".0")  # type: ignore[arg-type]


def _hours_finding(data: pd.DataFrame) -> str:
    shown = data[data["clinical_hours"].notna()]
    if shown.empty:
        return "Too few practices reported hours released in this scope to show them"
    parts = []
    for programme, rows in shown.groupby("programme", sort=False):
        parts.append(
            f"{programme} {fmt_int(rows['clinical_hours'].sum())} clinical and "
            f"{fmt_int(rows['admin_hours'].sum())} admin"
        )
    return "Hours a month released by practices supported: " + "; ".join(parts)


def _hours_alt(data: pd.DataFrame, labels: list[str], scope_label: str) -> str:
    if data.empty:
        return f"Bar chart for {scope_label}: no practices reported hours released."
    parts = []
    for label, r in zip(labels, data.itertuples(index=False), strict=True):
        if pd.isna(r.clinical_hours):
            parts.append(f"{label}: {r.shown_as}")
        else:
            parts.append(
                f"{label}: {_hours_text(r.clinical_hours)} clinical and {_hours_text(r.admin_hours)} "
                f"admin hours a month in total, {_hours_text(r.clinical_mean_per_practice)} and "
                f"{_hours_text(r.admin_mean_per_practice)} per practice ({r.shown_as})"
            )
    return f"Bar charts of hours a month released in {scope_label}. {listing(parts)}"


# --- kinds of gain ----------------------------------------------------------------------------------------------
def gain_kinds(frame: pd.DataFrame, scope_label: str, period_label: str = TO_DATE) -> Chart:
    """Practices reporting each kind of gain, by programme (frame: gain_kinds)."""
    data = with_small_number_rule(
        frame.assign(share_base=frame["practices_with_kind"]),
        n="share_base",
        part="practices",
        pct="share_pct",
        unit="with gains",
    )
    data["practices"] = frame["practices"].astype(
        "Int64"
    )  # counts stay; only the share follows the rule
    data = data.drop(columns="share_base")
    data["kind"] = data["gain_kind"].str.capitalize()
    data["label"] = [
        f"{fmt_int(c)}" + ("" if pd.isna(p) else f" ({fmt_pct(p, 0)})")
        for c, p in zip(data["practices"], data["share_pct"], strict=True)
    ]
    title = _kinds_finding(data)
    subtitle = subtitle_for(
        scope_label,
        period_label,
        "practices with gains, by kind of gain (a practice can report several)",
    )
    draw = partial(
        count_bar_facets,
        data,
        label="kind",
        count="practices",
        text="label",
        hover="%{y}: %{x:,} practices",
        x_title="Practices",
        room=1.35,
        title=title,
        subtitle=subtitle,
    )
    notes = (
        f"Percentages are of practices with gains and a kind recorded; not shown for {FEWER_THAN}.",
    )
    alt = _kinds_alt(data, scope_label)
    return Chart("gain_kinds", title, subtitle, draw, data, alt, SOURCE_TRACKER, notes)


def _kinds_finding(data: pd.DataFrame) -> str:
    if data.empty:
        return "No kinds of productivity gain recorded in this scope"
    parts = []
    for programme, rows in data.groupby("programme", sort=False):
        names, top = leaders(rows, "practices", "gain_kind")
        each = " each" if " and " in names else ""
        share = rows.loc[rows["practices"] == top, "share_pct"].iloc[0]
        shown = "" if pd.isna(share) else f", {fmt_pct(share, 0)}"
        parts.append(f"{programme}: {names} ({plural(top, 'practice')}{each}{shown})")
    return "Most common kind of gain. " + "; ".join(parts)


def _kinds_alt(data: pd.DataFrame, scope_label: str) -> str:
    if data.empty:
        return f"Bar chart for {scope_label}: no kinds of gain recorded."
    parts = [
        f"{r.programme}, {r.gain_kind}: {r.label} of {fmt_int(r.practices_with_kind)} practices with gains"
        for r in data.itertuples(index=False)
    ]
    return f"Bar chart of practices by kind of productivity gain in {scope_label}. {listing(parts)}"
