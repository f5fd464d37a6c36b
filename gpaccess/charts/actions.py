"""What practices changed: adoption of the ten high impact actions, and productivity gains among adopters and
non-adopters of each action (an association, not evidence that an action caused gains).

Denominator everywhere: supported practices with an assessed outcome (productivity gain recorded yes or no) in
scope, once per programme. Groups with fewer than 5 practices show 'fewer than 5' (the rule in
`gpaccess.charts.gains`). Gains among adopters are in `charts.action_gains`, importable from here as before.
Pure: no Streamlit.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.action_gains import (
    ADOPTERS,
    ASSOCIATION,
    ASSOCIATION_SHORT,
    NON_ADOPTERS,
    gains_by_action,
    gains_by_count,
)
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_int, fmt_pct
from gpaccess.charts.board import (
    PERCENT_AXIS,
    add_to_facets,
    board_style,
    labels_at_zero,
    programme_bar,
    programme_facets,
)
from gpaccess.charts.gains import with_small_number_rule
from gpaccess.charts.trim import LONG
from gpaccess.charts.words import (
    TO_DATE,
    action_label,
    listing,
    scope_and_phase,
    short_icb_name,
    subtitle_for,
)
from gpaccess.disclosure import FEWER_THAN, SMALL_NUMBER


# --- adoption by programme ---------------------------------------------------------------------------------------
def adoption_by_programme(
    frame: pd.DataFrame, scope_label: str, phase: str | None = None, period_label: str = TO_DATE
) -> Chart:
    """Share of assessed practices that adopted each action, per programme (frame: actions_by_programme)."""
    data = with_small_number_rule(
        frame[["programme", "action_number", "action_name", "assessed", "adopters"]],
        n="assessed",
        part="adopters",
        pct="adopted_pct",
        unit="assessed",
    )
    data.insert(
        1,
        "action",
        [
            action_label(n, a)
            for n, a in zip(frame["action_number"], frame["action_name"], strict=True)
        ],
    )
    data = data[data["assessed"] > 0].reset_index(drop=True)
    title = _adoption_finding(data)
    subtitle = subtitle_for(
        scope_and_phase(scope_label, phase),
        period_label,
        "share of supported practices with an assessed outcome that adopted each action",
    )
    draw = partial(_adoption_figure, data, title=title, subtitle=subtitle)
    notes = (
        f"Programmes with {FEWER_THAN} practices assessed show '{FEWER_THAN}' instead of a percentage.",
    )
    alt = _adoption_alt(data, scope_label)
    return Chart("actions_adoption", title, subtitle, draw, data, alt, SOURCE_TRACKER, notes)


def _adoption_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    programmes = list(dict.fromkeys(data["programme"]))
    figure = programme_facets(programmes, len(data), x_title="Practices that adopted it (%)")
    add_to_facets(figure, data, programmes, _adoption_traces)
    figure.update_xaxes(**PERCENT_AXIS)
    return board_style(
        figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=10, legend=False
    )


def _adoption_traces(programme: str, rows: pd.DataFrame) -> list[go.BaseTraceType]:
    shown = rows["adopted_pct"].notna()
    text = [
        f"{fmt_pct(p, 0)} of {fmt_int(n)}"
        for p, n in zip(rows.loc[shown, "adopted_pct"], rows.loc[shown, "assessed"], strict=True)
    ]
    bar = programme_bar(
        programme,
        rows.loc[shown, "action"],
        rows.loc[shown, "adopted_pct"],
        text,
        "%{y}: %{x:.1f}% adopted",
    )
    return [bar, labels_at_zero(rows.loc[~shown, "action"], rows.loc[~shown, "shown_as"])]


def _adoption_finding(data: pd.DataFrame) -> str:
    shown = data[data["adopted_pct"].notna()]
    if shown.empty:
        return "Too few practices assessed to show which high impact actions they adopted"
    parts = []
    for programme, rows in shown.groupby("programme", sort=False):
        top = rows.sort_values(["adopted_pct", "action_number"], ascending=[False, True]).iloc[0]
        parts.append(f"{programme}: {top['action_name']} ({fmt_pct(top['adopted_pct'], 0)})")
    return "Most adopted high impact action. " + "; ".join(parts)


def _adoption_alt(data: pd.DataFrame, scope_label: str) -> str:
    if data.empty:
        return f"Bar chart for {scope_label}: no supported practice with an assessed outcome."
    parts = [
        f"{r.programme}, {r.action}: {r.shown_as}"
        if pd.isna(r.adopted_pct)
        else f"{r.programme}, {r.action}: {fmt_pct(r.adopted_pct)} of {fmt_int(r.assessed)} assessed"
        for r in data.itertuples(index=False)
    ]
    return (
        f"Bar chart of the share of supported practices with an assessed outcome that adopted each high "
        f"impact action in {scope_label}. {listing(parts, limit=20)}"
    )


# --- adoption by region or ICB -------------------------------------------------------------------------------------
AREAS = {"region": ("region", lambda name: name), "icb": ("ICB", short_icb_name)}


SHORT_NAMES = {  # column headings of the area tables (the data table has the full names)
    1: "Signposting",
    2: "Consultation types",
    3: "Reduce DNAs",
    4: "Develop the team",
    5: "Work flows",
    6: "Personal productivity",
    7: "Partnership working",
    8: "Social prescribing",
    9: "Self-care",
    10: "QI expertise",
}


def many_areas(chart: Chart) -> bool:
    """An area table too long to open a page with: more areas (rows) than a trimmed chart keeps."""
    return chart.data["area"].nunique() > LONG


def area_programmes(frame: pd.DataFrame, by: str) -> list[str]:
    """The programmes with an area table for `by` (one chart each)."""
    return list(dict.fromkeys(frame.loc[frame["area_kind"] == by, "programme"]))


def adoption_by_area(
    frame: pd.DataFrame,
    by: str,
    programme: str,
    scope_label: str,
    phase: str | None = None,
    period_label: str = TO_DATE,
) -> Chart:
    """Share of assessed practices in one programme that adopted each action, per region or ICB, as a table
    of cells each labelled with its percentage (frame: actions_by_area; `by` is 'region' or 'icb')."""
    words, name_of = AREAS[by]
    rows = frame[(frame["area_kind"] == by) & (frame["programme"] == programme)]
    data = with_small_number_rule(
        rows[
            [
                "programme",
                "area_code",
                "area_name",
                "action_number",
                "action_name",
                "assessed",
                "adopters",
            ]
        ],
        n="assessed",
        part="adopters",
        pct="adopted_pct",
        unit="assessed",
    ).reset_index(drop=True)
    data["area"] = [name_of(n) for n in data["area_name"]]
    data["action"] = [
        action_label(n, a) for n, a in zip(data["action_number"], data["action_name"], strict=True)
    ]
    title = _area_finding(data, words)
    subtitle = subtitle_for(
        scope_and_phase(f"{scope_label} · {programme}", phase),
        period_label,
        f"% of supported practices with an assessed outcome that adopted each action, by {words}",
    )
    draw = partial(_area_figure, data, programme, title=title, subtitle=subtitle)
    notes = (
        f"A {words} with {FEWER_THAN} practices assessed shows no percentages ('{FEWER_THAN}').",
    )
    alt = _area_alt(data, words, scope_label)
    key = f"actions_adoption_by_{by}_{programme.lower()}"
    return Chart(key, title, subtitle, draw, data, alt, SOURCE_TRACKER, notes)


def _area_figure(data: pd.DataFrame, programme: str, *, title: str, subtitle: str) -> go.Figure:
    """A table of cells, areas down and actions across, with the column labels on top."""
    heatmap, rows = _area_heatmap(data, programme)
    figure = go.Figure(heatmap)
    board_style(
        figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=rows, legend=False
    )
    figure.update_yaxes(autorange="reversed", type="category", showgrid=False)
    figure.update_xaxes(side="top", tickangle=-35, type="category", showgrid=False)
    figure.update_layout(
        margin={"t": figure.layout.margin.t + 120},
        height=figure.layout.height + 120,
    )
    return figure


def _area_heatmap(data: pd.DataFrame, programme: str) -> tuple[go.Heatmap, int]:
    """The cells (% adopted, labelled) and the number of areas (rows); an area's label gives its n."""
    numbers = sorted(dict.fromkeys(data["action_number"]))
    areas = sorted(dict.fromkeys(data["area"]))
    wide = data.pivot_table(
        index="area", columns="action_number", values="adopted_pct", aggfunc="first", dropna=False
    ).reindex(index=areas, columns=numbers)
    assessed = data.groupby("area")["assessed"].first()
    labels = [
        f"{a} ({FEWER_THAN})" if assessed[a] < SMALL_NUMBER else f"{a} (n={fmt_int(assessed[a])})"
        for a in areas
    ]
    z = wide.to_numpy(dtype=float)
    heatmap = go.Heatmap(
        z=z,
        x=[f"{n} {SHORT_NAMES.get(int(n), '')}" for n in numbers],
        y=labels,
        text=[["" if pd.isna(v) else f"{v:.0f}%" for v in row] for row in z],
        texttemplate="%{text}",
        # cells from white to NHS light blue under black text: 7:1 at least on every cell (to NHS blue, no
        # text colour reads at 4.5:1 on the cells in the middle of the scale)
        textfont={"color": theme.FONT_COLOUR},
        zmin=0,
        zmax=100,
        colorscale=[[0, theme.NHS_WHITE], [1, theme.NHS_LIGHT_BLUE]],
        showscale=False,
        hovertemplate="%{y}<br>%{x}: %{z:.1f}% adopted<extra>" + programme + "</extra>",
        xgap=2,
        ygap=2,
    )
    return heatmap, len(areas)


def _area_finding(data: pd.DataFrame, words: str) -> str:
    shown = data[data["adopted_pct"].notna()]
    if shown.empty:
        return (
            f"Too few practices assessed in any {words} to show adoption of the high impact actions"
        )
    if shown["area"].nunique() == 1:  # one area (e.g. an ICB's own view): its most adopted action
        top = shown.sort_values(["adopted_pct", "action_number"], ascending=[False, True]).iloc[0]
        return (
            f"{top['programme']}, {top['area']}: most adopted high impact action "
            f"{top['action_name']} ({fmt_pct(top['adopted_pct'], 0)} of "
            f"{fmt_int(top['assessed'])} practices assessed)"
        )
    parts = []
    for programme, rows in shown.groupby("programme", sort=False):
        spread = rows.groupby("action", sort=False)["adopted_pct"].agg(lambda s: s.max() - s.min())
        action = spread.idxmax()
        low, high = rows.loc[rows["action"] == action, "adopted_pct"].agg(["min", "max"])
        parts.append(
            f"{programme}: {action.split(' ', 1)[1]}, {fmt_pct(low, 0)} to {fmt_pct(high, 0)}"
        )
    return f"Adoption varied most between {words}s for " + "; ".join(parts)


def _area_alt(data: pd.DataFrame, words: str, scope_label: str) -> str:
    if data.empty:
        return f"Table chart for {scope_label}: no supported practice with an assessed outcome."
    parts = []
    for (programme, area), rows in data.groupby(["programme", "area"], sort=False):
        n = int(rows["assessed"].iloc[0])
        if n < SMALL_NUMBER:
            parts.append(f"{programme}, {area}: {FEWER_THAN} assessed")
        else:
            top = rows.sort_values(["adopted_pct", "action_number"], ascending=[False, True]).iloc[
                0
            ]
            parts.append(
                f"{programme}, {area}: {fmt_int(n)} assessed, most adopted {top['action_name']} ({fmt_pct(top['adopted_pct'], 0)})"
            )
    return (
        f"Table chart of the share of assessed practices that adopted each of the ten high impact actions, by "
        f"{words}, in {scope_label}; each cell is labelled with its percentage. {listing(parts)}"
    )


__all__ = [
    "ADOPTERS",
    "AREAS",
    "ASSOCIATION",
    "ASSOCIATION_SHORT",
    "NON_ADOPTERS",
    "SHORT_NAMES",
    "action_label",
    "adoption_by_area",
    "adoption_by_programme",
    "area_programmes",
    "gains_by_action",
    "gains_by_count",
]
