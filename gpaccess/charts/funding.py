"""Funding charts: what was allocated and spent per ICB (also per 1,000 registered patients), set against uptake
and the share of practices with gains, the cost per practice supported and the hours released per £1,000.

ICBs are organisations and are named; practices never are. A share with gains over fewer than 5 practices, and
hours per £1,000 reported by fewer than 5 practices, are not shown (gpaccess.disclosure). Pure: no Streamlit.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from gpaccess import theme
from gpaccess.charts.base import SOURCE_TRACKER, Chart, fmt_pct

__all__ = ["fmt_gbp", "fmt_pct"]
from gpaccess.charts.board import board_style
from gpaccess.charts.words import TO_DATE, listing, short_icb_name, subtitle_for
from gpaccess.disclosure import FEWER_THAN, share, too_few

MONEY_NOTE = (
    "Allocated and spent: every fund and financial year in the tracker, with payments to practices (such as GPIP "
    "transition cover) counted as allocated and spent. Patients: registered patients, latest list size extract."
)
OUTCOME_NOTE = (
    "Supported: practices given hands-on support by either programme (not withdrawn; GPIP webinars alone do "
    "not count). A share with gains of fewer than 5 practices assessed is not shown."
)
ALLOCATED, SPENT = "Allocated", "Spent"
NO_LINK = 0.2  # |r| below this: no clear link


def fmt_gbp(value: float | None) -> str:
    """£250.0m, £9,450 or £12.50: millions from £1m, whole pounds from £100."""
    if value is None or pd.isna(value):
        return "no data"
    if abs(value) >= 1_000_000:
        return f"£{value / 1_000_000:,.1f}m"
    return f"£{value:,.0f}" if abs(value) >= 100 else f"£{value:,.2f}"


# --- the rows every chart reads -------------------------------------------------------------------------------
def funding_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """ICBs with funding recorded, with the ratios the charts plot (frame: queries/funding_by_icb.sql).
    per_1000: pounds per 1,000 registered patients; supported_pct: practices supported as a % of the ICB's
    practices; gains_pct: % of practices assessed with gains (None under 5 assessed); cost_per_practice: spent
    per practice supported; hours_per_1000: hours a month released per £1,000 spent (None under 5 reporting)."""
    data = frame[frame["has_funding"].astype(bool)].copy()
    money = ["winter_access_fund_gbp", "allocated_gbp", "spent_gbp", "paid_to_practices_gbp"]
    for column in money:
        data[column] = data[column].astype(float)
    data.insert(0, "icb", data["icb_name"].map(short_icb_name))
    patients = data["patients"].astype(float).replace(0, np.nan)
    data["allocated_per_1000"] = (1000 * data["allocated_gbp"] / patients).round(2)
    data["spent_per_1000"] = (1000 * data["spent_gbp"] / patients).round(2)
    practices = data["practices"].astype(float).replace(0, np.nan)
    data["supported_pct"] = (100 * data["practices_supported"] / practices).round(1)
    data["gains_pct"] = [
        share(g, a) for g, a in zip(data["with_gains"], data["assessed"], strict=True)
    ]
    supported = data["practices_supported"].astype(float).replace(0, np.nan)
    data["cost_per_practice"] = (data["spent_gbp"] / supported).round(2)
    data["hours_per_1000"] = [
        None if too_few(n) or not spent or not n else round(1000 * h / spent, 2)
        for h, n, spent in zip(
            data["hours_released"],
            data["practices_reporting_hours"],
            data["spent_gbp"],
            strict=True,
        )
    ]
    data["gains_pct"] = data["gains_pct"].astype("Float64")
    data["hours_per_1000"] = data["hours_per_1000"].astype("Float64")
    return data.sort_values("icb").reset_index(drop=True)


def _subtitle(scope_label: str, what: str) -> str:
    return subtitle_for(scope_label, TO_DATE, what)


def _empty(key: str, scope_label: str) -> Chart:
    title = f"No funding recorded for {scope_label}"
    return Chart(key, title, _subtitle(scope_label, "funding"), go.Figure(), pd.DataFrame())


# --- allocated and spent per ICB --------------------------------------------------------------------------------
def allocation_by_icb(frame: pd.DataFrame, scope_label: str, per_1000: bool = False) -> Chart:
    """Allocated and spent per ICB, in pounds or (`per_1000`) per 1,000 registered patients."""
    key = "funding_per_1000" if per_1000 else "funding_by_icb"
    rows = funding_rows(frame)
    if rows.empty:
        return _empty(key, scope_label)
    allocated, spent = (
        ("allocated_per_1000", "spent_per_1000") if per_1000 else ("allocated_gbp", "spent_gbp")
    )
    data = rows[["icb", "icb_code", "patients", allocated, spent]].sort_values(
        allocated, ascending=False, kind="stable"
    )
    title = _per_1000_finding(data) if per_1000 else _total_finding(rows)
    what = "£ per 1,000 registered patients" if per_1000 else "£ allocated and spent"
    subtitle = _subtitle(scope_label, what)
    draw = partial(
        _pair_figure, data, (allocated, spent), title=title, subtitle=subtitle, per_1000=per_1000
    )
    alt = f"Bar chart of {what} per ICB in {scope_label}. " + listing(
        [
            f"{r['icb']}: {fmt_gbp(r[allocated])} allocated, {fmt_gbp(r[spent])} spent"
            for _, r in data.iterrows()
        ]
    )
    return Chart(
        key, title, subtitle, draw, data.reset_index(drop=True), alt, SOURCE_TRACKER, (MONEY_NOTE,)
    )


def _total_finding(rows: pd.DataFrame) -> str:
    allocated, spent = rows["allocated_gbp"].sum(), rows["spent_gbp"].sum()
    spent_share = f" ({fmt_pct(100 * spent / allocated)})" if allocated else ""
    icbs = f"{len(rows)} ICB" + ("s" if len(rows) != 1 else "")
    return f"{fmt_gbp(allocated)} allocated to {icbs}; {fmt_gbp(spent)} spent{spent_share}"


def _per_1000_finding(data: pd.DataFrame) -> str:
    known = data.dropna(subset=["allocated_per_1000"])
    if known.empty:
        return "No registered patients held to compare allocations with"
    high = known.loc[known["allocated_per_1000"].idxmax()]
    low = known.loc[known["allocated_per_1000"].idxmin()]
    if len(known) == 1:
        return f"{fmt_gbp(high['allocated_per_1000'])} allocated per 1,000 registered patients"
    return (
        f"Allocated per 1,000 patients: from {fmt_gbp(low['allocated_per_1000'])} ({low['icb']}) "
        f"to {fmt_gbp(high['allocated_per_1000'])} ({high['icb']})"
    )


def _pair_figure(
    data: pd.DataFrame, columns: tuple[str, str], *, title: str, subtitle: str, per_1000: bool
) -> go.Figure:
    shown = data.iloc[::-1]  # the largest at the top
    figure = go.Figure()
    for column, name, colour in zip(
        columns, (ALLOCATED, SPENT), (theme.NHS_BLUE, theme.NHS_AQUA_GREEN), strict=True
    ):
        figure.add_bar(
            y=shown["icb"], x=shown[column], name=name, orientation="h", marker_color=colour,
            hovertemplate="%{y}: £%{x:,.0f}<extra>" + name + "</extra>",
        )  # fmt: skip
    figure.update_layout(barmode="group", legend={"traceorder": "reversed"})
    figure.update_xaxes(
        title="£ per 1,000 patients" if per_1000 else "£", tickprefix="£", separatethousands=True
    )
    return board_style(
        figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=2 * len(data)
    )


# --- against uptake and gains -----------------------------------------------------------------------------------
def spend_against(frame: pd.DataFrame, scope_label: str, outcome: str) -> Chart:
    """Spent per 1,000 patients against `outcome`: "supported_pct" (uptake) or "gains_pct" (share with gains),
    one named point per ICB; ICBs whose share is not shown (fewer than 5 practices) are left out and counted."""
    key = "funding_vs_uptake" if outcome == "supported_pct" else "funding_vs_gains"
    rows = funding_rows(frame)
    if rows.empty:
        return _empty(key, scope_label)
    words = OUTCOMES[outcome]
    data = rows[["icb", "icb_code", "spent_per_1000", outcome]].dropna().reset_index(drop=True)
    hidden = len(rows) - len(data)
    title = _link_finding(data, outcome, words)
    subtitle = _subtitle(scope_label, f"£ spent per 1,000 patients against {words}")
    notes = [MONEY_NOTE, OUTCOME_NOTE]
    if hidden:
        notes.append(f"{hidden} ICB(s) not shown: {FEWER_THAN} practices or no patients held.")
    draw = partial(_scatter_figure, data, outcome, words, title=title, subtitle=subtitle)
    alt = (
        f"Scatter chart of £ spent per 1,000 patients against {words}, one point per ICB, in {scope_label}. "
        + listing(
            [
                f"{r['icb']}: {fmt_gbp(r['spent_per_1000'])}, {fmt_pct(r[outcome])}"
                for _, r in data.iterrows()
            ]
        )
    )
    return Chart(key, title, subtitle, draw, data, alt, SOURCE_TRACKER, tuple(notes))


OUTCOMES = {
    "supported_pct": "the share of practices supported",
    "gains_pct": "the share of practices assessed with gains",
}


def correlation(x: pd.Series, y: pd.Series) -> float | None:
    """Pearson's r, or None with fewer than 3 points or no spread."""
    if len(x) < 3 or x.astype(float).std() == 0 or y.astype(float).std() == 0:
        return None
    r = float(np.corrcoef(x.astype(float), y.astype(float))[0, 1])
    return None if math.isnan(r) else r


def _link_finding(data: pd.DataFrame, outcome: str, words: str) -> str:
    r = correlation(data["spent_per_1000"], data[outcome])
    if r is None:
        return f"Too few ICBs to compare spend with {words}"
    if abs(r) < NO_LINK:
        return f"No clear link between spend per patient and {words} (r = {r:.2f})"
    more = "higher" if r > 0 else "lower"
    return f"ICBs that spent more per patient had {more} {words.removeprefix('the ')} (r = {r:.2f})"


QUARTERS = ("Lowest", "Second", "Third", "Highest")


def by_quarter_of_spend(data: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """The ICBs of a spend-against chart in four groups by spend per 1,000 patients (lowest first): how many,
    their median spend per 1,000 and the median of `outcome` (the slide's compact table; the chart has every
    ICB)."""
    if data.empty:
        return pd.DataFrame(columns=["quarter", "icbs", "spent_per_1000", outcome])
    if len(data) < len(QUARTERS):  # too few ICBs to split: one group
        quarter = pd.Series("All ICBs shown", index=data.index)
    else:
        order = data["spent_per_1000"].rank(method="first")
        words = [f"{q} quarter of spend per patient" for q in QUARTERS]
        quarter = pd.qcut(order, len(QUARTERS), labels=words)
    summary = data.groupby(quarter, observed=True).agg(
        icbs=("icb", "size"),
        spent_per_1000=("spent_per_1000", "median"),
        outcome=(outcome, "median"),
    )
    summary = summary.rename(columns={"outcome": outcome}).reset_index(names="quarter")
    summary["quarter"] = summary["quarter"].astype(str)
    return summary


LABELLED = (
    3  # ICBs named on a scatter at each end of each axis (every ICB is in the hover and the table)
)


def extremes(data: pd.DataFrame, columns: tuple[str, str], n: int = LABELLED) -> pd.Series:
    """Whether each row is among the `n` highest or lowest on either column: the points a scatter names."""
    marked = pd.Series(False, index=data.index)
    for column in columns:
        ranked = data[column].astype(float).rank(method="first")
        marked |= (ranked <= n) | (ranked > len(data) - n)
    return marked


def _scatter_figure(
    data: pd.DataFrame, outcome: str, words: str, *, title: str, subtitle: str
) -> go.Figure:
    named = data["icb"].where(extremes(data, ("spent_per_1000", outcome)), "")
    figure = go.Figure(
        go.Scatter(
            x=data["spent_per_1000"], y=data[outcome], text=named, customdata=data["icb"], mode="markers+text",
            textposition="top center", textfont={"size": 10}, marker={"color": theme.NHS_BLUE, "size": 9},
            hovertemplate="%{customdata}: £%{x:,.0f} per 1,000 patients, %{y:.1f}%<extra></extra>",
        )
    )  # fmt: skip
    figure.update_xaxes(title="£ spent per 1,000 registered patients", tickprefix="£")
    figure.update_yaxes(title=words.capitalize() + " (%)", ticksuffix="%", rangemode="tozero")
    return board_style(
        figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=14, legend=False
    )


# --- what the money bought ---------------------------------------------------------------------------------------
def cost_per_practice(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Spent per practice supported, per ICB (ICBs that supported none are left out)."""
    rows = funding_rows(frame)
    if rows.empty:
        return _empty("funding_cost_per_practice", scope_label)
    data = rows[
        ["icb", "icb_code", "spent_gbp", "practices_supported", "cost_per_practice"]
    ].dropna()
    data = data.sort_values("cost_per_practice", ascending=False, kind="stable").reset_index(
        drop=True
    )
    supported = rows["practices_supported"].sum()
    overall = rows["spent_gbp"].sum() / supported if supported else None
    title = (
        f"{fmt_gbp(overall)} spent per practice supported"
        if overall is not None
        else "No practice supported yet to set the spend against"
    )
    if len(data) > 1:
        title += f"; from {fmt_gbp(data['cost_per_practice'].min())} to {fmt_gbp(data['cost_per_practice'].max())}"
    subtitle = _subtitle(scope_label, "£ spent per practice supported hands-on")
    draw = partial(
        _single_figure,
        data,
        "cost_per_practice",
        "£ per practice supported",
        title=title,
        subtitle=subtitle,
    )
    alt = f"Bar chart of £ spent per practice supported, per ICB, in {scope_label}. " + listing(
        [f"{r['icb']}: {fmt_gbp(r['cost_per_practice'])}" for _, r in data.iterrows()]
    )
    return Chart(
        "funding_cost_per_practice",
        title,
        subtitle,
        draw,
        data,
        alt,
        SOURCE_TRACKER,
        (MONEY_NOTE, OUTCOME_NOTE),
    )


def hours_per_1000(frame: pd.DataFrame, scope_label: str) -> Chart:
    """Hours a month released per £1,000 spent, per ICB (not shown where fewer than 5 practices reported)."""
    rows = funding_rows(frame)
    if rows.empty:
        return _empty("funding_hours_per_1000", scope_label)
    columns = [
        "icb",
        "icb_code",
        "hours_released",
        "practices_reporting_hours",
        "spent_gbp",
        "hours_per_1000",
    ]
    data = rows[columns].dropna(subset=["hours_per_1000"])
    data = data.sort_values("hours_per_1000", ascending=False, kind="stable").reset_index(drop=True)
    shown = rows[rows["hours_per_1000"].notna()]  # 5 or more practices reporting, and some spend
    spent = shown["spent_gbp"].sum()
    overall = 1000 * shown["hours_released"].sum() / spent if spent else None
    title = (
        f"{overall:,.2f} hours a month released for each £1,000 spent"
        if overall is not None
        else "Too few practices reported hours released to set against the spend"
    )
    subtitle = _subtitle(scope_label, "hours a month released per £1,000 spent")
    draw = partial(
        _single_figure,
        data,
        "hours_per_1000",
        "Hours a month per £1,000",
        title=title,
        subtitle=subtitle,
    )
    alt = (
        f"Bar chart of hours a month released per £1,000 spent, per ICB, in {scope_label}. "
        + listing([f"{r['icb']}: {r['hours_per_1000']:,.2f}" for _, r in data.iterrows()])
    )
    notes = (
        MONEY_NOTE,
        "Hours: clinical and admin hours a month released, as practices reported them.",
    )
    return Chart("funding_hours_per_1000", title, subtitle, draw, data, alt, SOURCE_TRACKER, notes)


def _single_figure(
    data: pd.DataFrame, column: str, axis: str, *, title: str, subtitle: str
) -> go.Figure:
    shown = data.iloc[::-1]
    money = column != "hours_per_1000"
    figure = go.Figure(
        go.Bar(
            y=shown["icb"], x=shown[column], orientation="h", marker_color=theme.NHS_BLUE,
            hovertemplate="%{y}: " + ("£%{x:,.0f}" if money else "%{x:,.2f}") + "<extra></extra>",
        )
    )  # fmt: skip
    figure.update_xaxes(title=axis, tickprefix="£" if money else "")
    return board_style(
        figure, title=title, subtitle=subtitle, source=SOURCE_TRACKER, rows=len(data), legend=False
    )
