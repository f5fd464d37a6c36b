"""Practices that left or could not join: withdrawals per ICB, the reasons recorded, and practices blocked from
GPIP by the digital telephony criterion. ICBs are named; practices never are. Pure: no Streamlit.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go

from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_int
from gpaccess.charts.board import (
    board_style,
    count_axis,
    count_bar_facets,
    programme_bar,
    programme_facets,
)
from gpaccess.charts.words import (
    TO_DATE,
    leaders,
    listing,
    plural,
    short_icb_name,
    subtitle_for,
)


# --- withdrawals ------------------------------------------------------------------------------------------------
def withdrawals_by_icb(frame: pd.DataFrame, programme: str, scope_label: str) -> Chart:
    """Practices that withdrew, per ICB with any withdrawal, by programme (frame: uptake_by_icb)."""
    rows = frame if programme == "All" else frame[frame["programme"] == programme]
    data = rows.loc[
        rows["withdrawn"] > 0, ["programme", "icb_code", "icb_name", "withdrawn"]
    ].copy()
    data.insert(1, "icb", data["icb_name"].map(short_icb_name))
    data = data.sort_values(["programme", "icb"]).reset_index(drop=True)
    in_scope = rows["icb_code"].nunique()
    title = _withdrawals_finding(data, in_scope)
    subtitle = subtitle_for(
        scope_label, TO_DATE, "practices that withdrew, ICBs with any withdrawal"
    )
    draw = partial(
        count_bar_facets,
        data,
        label="icb",
        count="withdrawn",
        text=None,
        hover="%{y}: %{x:,} practices withdrew",
        x_title="Practices that withdrew",
        room=1.25,
        title=title,
        subtitle=subtitle,
    )
    parts = [f"{r.programme}, {r.icb}: {r.withdrawn}" for r in data.itertuples(index=False)]
    alt = (
        f"Bar chart of practices that withdrew, by ICB and programme, in {scope_label}. "
        f"{listing(parts) if parts else 'No withdrawals.'} Other ICBs in scope (of {in_scope}) had none."
    )
    return Chart("withdrawals_by_icb", title, subtitle, draw, data, alt, SOURCE_TRACKER)


def _withdrawals_finding(data: pd.DataFrame, icbs_in_scope: int) -> str:
    if data.empty:
        return "No practice withdrew in this scope"
    totals = data.groupby("programme", sort=False)["withdrawn"].sum()
    parts = ", ".join(f"{fmt_int(n)} from {p}" for p, n in totals.items())
    if icbs_in_scope == 1:
        return f"Practices in {data['icb'].iloc[0]} that withdrew: {parts}"
    icbs = data["icb_code"].nunique()
    return f"Practices that withdrew: {parts}; {icbs} of {icbs_in_scope} ICBs had at least one"


def withdrawal_reasons(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Practices that withdrew, by reason and programme (frame: withdrawal_reasons)."""
    data = frame[["programme", "withdrawal_reason", "practices"]].copy()
    data["reason"] = data["withdrawal_reason"].str.capitalize()
    title = _reasons_finding(data)
    subtitle = subtitle_for(scope_label, TO_DATE, "practices that withdrew, by the reason recorded")
    draw = partial(
        count_bar_facets,
        data,
        label="reason",
        count="practices",
        text=None,
        hover="%{y}: %{x:,} practices",
        x_title="Practices that withdrew",
        room=1.25,
        title=title,
        subtitle=subtitle,
    )
    return Chart(
        "withdrawal_reasons",
        title,
        subtitle,
        draw,
        data,
        _reasons_alt(data, scope_label),
        SOURCE_TRACKER,
    )


def _reasons_alt(data: pd.DataFrame, scope_label: str) -> str:
    reasons = "; ".join(
        f"{r.programme}, {r.withdrawal_reason}: {r.practices}" for r in data.itertuples(index=False)
    )
    return (
        f"Bar chart of practices that withdrew by reason in {scope_label}. "
        + (reasons or "No withdrawals")
        + "."
    )


def _reasons_finding(data: pd.DataFrame) -> str:
    if data.empty:
        return "No practice withdrew in this scope"
    parts = []
    for programme, rows in data.groupby("programme", sort=False):
        names, top = leaders(rows, "practices", "withdrawal_reason")
        each = " each" if " and " in names else ""
        parts.append(f"{programme}: {names} ({top}{each} of {fmt_int(rows['practices'].sum())})")
    return "Most common reason for withdrawing. " + "; ".join(parts)


# --- digital telephony ------------------------------------------------------------------------------------------------
TELEPHONY_NOTE = "Blocked = wished to enrol but not live with digital telephony on the date eligibility was assessed."


def telephony_blocked(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Practices that wished to join GPIP but were blocked by the digital telephony criterion, per ICB."""
    data = frame.loc[
        frame["blocked"] > 0, ["icb_code", "icb_name", "region_name", "wished_to_enrol", "blocked"]
    ].copy()
    data.insert(0, "icb", data["icb_name"].map(short_icb_name))
    data = data.sort_values("icb").reset_index(drop=True)
    data["label"] = [
        f"{fmt_int(b)} of {fmt_int(w)} that wished to join"
        for b, w in zip(data["blocked"], data["wished_to_enrol"], strict=True)
    ]
    title = _blocked_finding(data)
    subtitle = f"{scope_label} · latest eligibility assessment · ICBs with any practice blocked"
    draw = partial(_blocked_figure, data, title=title, subtitle=subtitle)
    alt = (
        f"Bar chart of practices blocked from GPIP by the digital telephony criterion in {scope_label}. "
        + ("; ".join(f"{r.icb}: {r.label}" for r in data.itertuples(index=False)) or "None blocked")
        + f". {len(frame) - len(data)} other ICBs in scope had none."
    )
    plotted = data.drop(columns="label")
    return Chart(
        "telephony_blocked", title, subtitle, draw, plotted, alt, SOURCE_TRACKER, (TELEPHONY_NOTE,)
    )


def _blocked_figure(data: pd.DataFrame, *, title: str, subtitle: str) -> go.Figure:
    """One GPIP facet: a bar per ICB with any practice blocked."""
    figure = programme_facets(["GPIP"], len(data), x_title="Practices blocked")
    figure.add_trace(
        programme_bar(
            "GPIP", data["icb"], data["blocked"], data["label"], "%{y}: %{x:,} practices blocked"
        ),
        row=1,
        col=1,
    )
    figure.update_xaxes(**count_axis(data["blocked"], 1.8))
    return board_style(
        figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=len(data), legend=False
    )


def _blocked_finding(data: pd.DataFrame) -> str:
    if data.empty:
        return "No practice that wished to join GPIP was recorded as blocked by the digital telephony criterion"
    total = int(data["blocked"].sum())
    top = data.sort_values(["blocked", "icb"], ascending=[False, True]).iloc[0]
    where = "" if len(data) == 1 else f"; most in {top['icb']} ({fmt_int(top['blocked'])})"
    in_icb = f" in {top['icb']}" if len(data) == 1 else ""
    were = "was" if total == 1 else "were"
    return (
        f"{plural(total, 'practice')}{in_icb} wished to join GPIP but {were} blocked by the digital "
        f"telephony criterion{where}"
    )
