"""Uptake by ICB charts: share of practices enrolled, each ICB against its region and England, withdrawals,
practices blocked by the digital telephony criterion, and the barriers ICBs reported (the last three in
`charts.withdrawals` and `charts.barriers`, importable from here as before).

ICBs are organisations and are named; practices never are. Pure: no Streamlit.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.barriers import TABLE_COLUMNS, barrier_table, barriers_by_kind
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_int, fmt_pct
from gpaccess.charts.board import (
    add_to_facets,
    axis_end,
    board_style,
    legend_once,
    programme_facets,
    share_bars,
)
from gpaccess.charts.gains import by_programme, with_small_number_rule
from gpaccess.charts.withdrawals import telephony_blocked, withdrawal_reasons, withdrawals_by_icb
from gpaccess.charts.words import (
    TO_DATE,
    listing,
    short_icb_name,
    subtitle_for,
)
from gpaccess.disclosure import FEWER_THAN

UPTAKE_NOTE = (
    "Enrolled = hands-on support, not withdrawn (Accelerate: all; GPIP: intermediate and intensive "
    "levels, not the universal webinars). Practices = the ICB's practices with appointment data "
    "during the programme."
)


# --- share of practices enrolled --------------------------------------------------------------------------------
def uptake_rows(frame: pd.DataFrame, programme: str) -> pd.DataFrame:
    """ICB rows for the chosen programme ('All' keeps both), ICBs with no practice data left out, share applied
    with the small-number rule (frame: uptake_by_icb)."""
    rows = frame if programme == "All" else frame[frame["programme"] == programme]
    rows = rows[rows["practices"] > 0]
    data = with_small_number_rule(
        rows, n="practices", part="enrolled", pct="enrolled_pct", unit="practices"
    )
    data.insert(1, "icb", data["icb_name"].map(short_icb_name))
    data["label"] = [
        f"{s}" if pd.isna(p) else f"{fmt_pct(p)} ({fmt_int(e)} of {fmt_int(n)})"
        for p, e, n, s in zip(
            data["enrolled_pct"], data["enrolled"], data["practices"], data["shown_as"], strict=True
        )
    ]
    columns = [
        "programme",
        "icb",
        "icb_code",
        "icb_name",
        "region_code",
        "region_name",
        "practices",
        "enrolled",
        "enrolled_pct",
        "label",
    ]
    return data[columns].sort_values(["programme", "icb"]).reset_index(drop=True)


def uptake_share(frame: pd.DataFrame, programme: str, scope_label: str) -> Chart:
    """Practices enrolled (hands-on) as a share of each ICB's practices, by programme."""
    data = uptake_rows(frame, programme)
    title = uptake_finding(data)
    subtitle = subtitle_for(
        scope_label, TO_DATE, "practices enrolled for hands-on support, % of the ICB's practices"
    )
    draw = partial(_share_figure, data, title=title, subtitle=subtitle)
    alt = _share_alt(data, scope_label)
    plotted = data.drop(columns="label")
    return Chart(
        "uptake_share", title, subtitle, draw, plotted, alt, SOURCE_TRACKER, (UPTAKE_NOTE,)
    )


def _share_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    programmes = list(dict.fromkeys(data["programme"]))
    figure = programme_facets(programmes, len(data), x_title="Practices enrolled (%)")
    add_to_facets(figure, data, programmes, _share_traces)
    figure.update_xaxes(range=[0, axis_end(data["enrolled_pct"], 1.6)], ticksuffix="%")
    return board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=data["icb"].nunique(),
        legend=False,
    )


def _share_alt(data: pd.DataFrame, scope_label: str) -> str:
    if data.empty:
        return f"Bar chart for {scope_label}: no ICB with practice data."
    ranges = []
    for programme, rows in data.dropna(subset=["enrolled_pct"]).groupby("programme", sort=False):
        if len(rows) < 2:
            continue
        shares = rows["enrolled_pct"].to_numpy(dtype=float)
        low, high = (
            rows.iloc[int(shares.argmin())],
            rows.iloc[int(shares.argmax())],
        )  # the first of ties
        ranges.append(
            f"{programme}: lowest {low['icb']} {fmt_pct(low['enrolled_pct'])}, highest "
            f"{high['icb']} {fmt_pct(high['enrolled_pct'])}"
        )
    parts = [
        f"{programme}, {icb}: {label}"
        for programme, icb, label in zip(data["programme"], data["icb"], data["label"], strict=True)
    ]
    return (
        f"Bar chart of the share of each ICB's practices enrolled, by programme, in {scope_label}. "
        + "".join(f"{r}. " for r in ranges)
        + listing(parts)
    )


_share_traces = partial(
    share_bars, label="icb", share="enrolled_pct", text="label", hover="%{y}: %{x:.1f}% enrolled"
)


def uptake_finding(data: pd.DataFrame) -> str:
    shown = data[data["enrolled_pct"].notna()]
    if shown.empty:
        return "No ICB in this scope has practice data to compare enrolments with"
    if shown["icb_code"].nunique() == 1:
        parts = [
            f"{fmt_pct(r.enrolled_pct)} {'of its practices ' if i == 0 else ''}in {r.programme} "
            f"({fmt_int(r.enrolled)} of {fmt_int(r.practices)})"
            for i, r in enumerate(shown.itertuples(index=False))
        ]
        return f"{shown['icb'].iloc[0]} enrolled " + " and ".join(parts)
    parts = []
    for programme, shares in by_programme(shown, "enrolled_pct").items():
        low, high = min(shares), max(shares)
        parts.append(f"between {fmt_pct(low, 0)} and {fmt_pct(high, 0)}")
        parts[-1] += (
            f" of their practices in {programme}" if len(parts) == 1 else f" in {programme}"
        )
    return "ICBs enrolled " + ", and ".join(parts)


# --- each ICB against its region and England -------------------------------------------------------------------------
def reference_rates(national: pd.DataFrame) -> pd.DataFrame:
    """England's and each region's share of practices enrolled, per programme (national: uptake_by_icb for England).

    A practice belongs to one ICB, so ICB counts add up to regions and England."""
    rows = national[national["practices"] > 0]
    by_region = rows.groupby(["programme", "region_code", "region_name"], as_index=False)[
        ["practices", "enrolled"]
    ]
    regions = by_region.sum()
    england = rows.groupby("programme", as_index=False)[["practices", "enrolled"]].sum()
    england["region_code"], england["region_name"] = None, "England"
    both = pd.concat([england, regions], ignore_index=True)
    both["rate"] = (100.0 * both["enrolled"] / both["practices"]).round(1)
    return both[["programme", "region_code", "region_name", "practices", "enrolled", "rate"]]


def compare_with_reference(
    frame: pd.DataFrame, national: pd.DataFrame, programme: str
) -> pd.DataFrame:
    data = uptake_rows(frame, programme)
    rates = reference_rates(national)
    england = rates[rates["region_code"].isna()].set_index("programme")["rate"]
    region = rates[rates["region_code"].notna()].set_index(["programme", "region_code"])["rate"]
    data["region_pct"] = [
        region.get((p, r)) for p, r in zip(data["programme"], data["region_code"], strict=True)
    ]
    data["england_pct"] = data["programme"].map(england)
    return data.sort_values(["programme", "region_name", "icb"]).reset_index(drop=True)


REFERENCE_COLUMNS = [
    "programme",
    "icb_code",
    "icb_name",
    "region_name",
    "practices",
    "enrolled",
    "enrolled_pct",
    "region_pct",
    "england_pct",
]


def uptake_against_reference(
    frame: pd.DataFrame, national: pd.DataFrame, programme: str, scope_label: str
) -> Chart:
    """Each ICB's share enrolled (dot) against its region's (open diamond) and England's (dashed line),
    ICBs grouped under their region's name."""
    data = compare_with_reference(frame, national, programme)
    title = reference_finding(data)
    subtitle = subtitle_for(
        scope_label, TO_DATE, "share of practices enrolled; ICBs grouped by region"
    )
    draw = partial(_reference_figure, data, title=title, subtitle=subtitle)
    alt = _reference_alt(data, scope_label)
    plotted = data[REFERENCE_COLUMNS]
    return Chart(
        "uptake_vs_reference", title, subtitle, draw, plotted, alt, SOURCE_TRACKER, (UPTAKE_NOTE,)
    )


def _reference_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    programmes = list(dict.fromkeys(data["programme"]))
    england = {
        p: float(data.loc[data["programme"] == p, "england_pct"].iloc[0]) for p in programmes
    }
    figure = programme_facets(
        programmes,
        len(data),
        x_title="Practices enrolled (%)",
        titles=[f"{p}: England {fmt_pct(england[p])}" for p in programmes],
    )
    add_to_facets(figure, data, programmes, _reference_traces)
    legend_once(figure)
    for column, name in enumerate(programmes, start=1):
        figure.add_vline(
            x=england[name],
            line={"dash": "dash", "color": theme.NHS_DARK_GREY, "width": 2},
            row=1,
            col=column,
        )
    figure.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        name="England (dashed line)",
        line={"dash": "dash", "color": theme.NHS_DARK_GREY},
    )
    top = axis_end(data[["enrolled_pct", "region_pct", "england_pct"]].astype("Float64"), 1.15)
    figure.update_xaxes(range=[0, top], ticksuffix="%")
    board_style(
        figure,
        title=title,
        subtitle=subtitle,
        source=SOURCE_TRACKER,
        rows=data["icb"].nunique() + data["region_name"].nunique(),
    )
    figure.update_yaxes(type="multicategory", autorange="reversed")
    return figure


def _grouped(rows: pd.DataFrame) -> list[list[str]]:
    """A y axis of ICBs under their region's name (Plotly multicategory)."""
    return [rows["region_name"].tolist(), rows["icb"].tolist()]


def _reference_traces(programme: str, rows: pd.DataFrame) -> list[go.BaseTraceType]:
    shown = rows["enrolled_pct"].notna()
    icb = go.Scatter(
        y=_grouped(rows[shown]),
        x=rows.loc[shown, "enrolled_pct"],
        mode="markers",
        name="ICB",
        legendgroup="icb",
        marker={"symbol": "circle", "size": 11, "color": theme.NHS_BLUE},
        customdata=rows.loc[shown, ["icb", "label"]].to_numpy(),
        hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>" + programme + "</extra>",
    )
    region = go.Scatter(
        y=_grouped(rows),
        x=rows["region_pct"],
        mode="markers",
        name="ICB's region",
        legendgroup="region",
        marker={
            "symbol": "diamond-open",
            "size": 12,
            "line": {"width": 2},
            "color": theme.NHS_DARK_GREY,
        },
        customdata=rows["region_name"],
        hovertemplate="%{customdata} region: %{x:.1f}%<extra>" + programme + "</extra>",
    )
    small = go.Scatter(
        y=_grouped(rows[~shown]),
        x=[0] * int((~shown).sum()),
        text=rows.loc[~shown, "label"],
        mode="text",
        textposition="middle right",
        showlegend=False,
        hoverinfo="skip",
    )
    return [icb, region, small]


def reference_finding(data: pd.DataFrame) -> str:
    shown = data[data["enrolled_pct"].notna()]
    if shown.empty:
        return "No ICB in this scope has practice data to compare enrolments with"
    if shown["icb_code"].nunique() == 1:
        parts = [
            f"{fmt_pct(r.enrolled_pct)} in {r.programme} (England {fmt_pct(r.england_pct)}, "
            f"{r.region_name} {fmt_pct(r.region_pct)})"
            for r in shown.itertuples(index=False)
        ]
        return f"{shown['icb'].iloc[0]} enrolled " + "; ".join(parts)
    parts = []
    for programme, rows in shown.groupby("programme", sort=False):
        above = int((rows["enrolled_pct"] > rows["england_pct"]).sum())
        parts.append(
            f"{above} of {len(rows)} ICBs in {programme} (England {fmt_pct(rows['england_pct'].iloc[0])})"
        )
    return "ICBs enrolling a larger share of practices than England: " + "; ".join(parts)


def _reference_alt(data: pd.DataFrame, scope_label: str) -> str:
    if data.empty:
        return f"Dot chart for {scope_label}: no ICB with practice data."
    parts = [
        f"{r.programme}, {r.icb} ({r.region_name}): {r.label}; region {fmt_pct(r.region_pct)}, "
        f"England {fmt_pct(r.england_pct)}"
        for r in data.itertuples(index=False)
    ]
    return (
        f"Dot chart of each ICB's share of practices enrolled in {scope_label}, against its region's and "
        f"England's. {listing(parts)}"
    )


__all__ = [
    "FEWER_THAN",
    "REFERENCE_COLUMNS",
    "TABLE_COLUMNS",
    "UPTAKE_NOTE",
    "barrier_table",
    "barriers_by_kind",
    "compare_with_reference",
    "reference_finding",
    "reference_rates",
    "telephony_blocked",
    "uptake_against_reference",
    "uptake_finding",
    "uptake_rows",
    "uptake_share",
    "withdrawal_reasons",
    "withdrawals_by_icb",
]
