"""Appointment measures as Making Data Count XmR charts (face-to-face share, DNA rate, same-day share...).

Limits and rules are computed over every month held for the scope, re-based only at changes users recorded
(gpaccess.spc_changes), and the chart then shows the chosen period: the verdict does not move with the page's
From filter. Rules in docs/spc.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from gpaccess.charts.base import SOURCE_GPAD, Chart, describe_period
from gpaccess.spc import Direction, SpcSummary, summarise, xmr
from gpaccess.spc_chart import YEAR_BEFORE, MarkedChange, spc_figure
from gpaccess.text import shorten

Change = tuple[dt.date, str]  # a recorded change: the month it took effect, the reason


@dataclass(frozen=True)
class Measure:
    column: str  # column of appointments_monthly.sql
    label: str
    improvement: Direction
    percent: bool = True
    note: str = ""
    seasonal: bool = False  # drawn with the same month a year before alongside
    target: float | None = (
        None  # assurance is read only against a target; none is set for these measures
    )

    def format(self, value: float) -> str:
        return f"{value:.1f}%" if self.percent else f"{value:,.1f}"


MEASURES = {
    m.column: m
    for m in (
        Measure(
            "face_to_face_pct",
            "Face-to-face share",
            "up",
            note="Higher is treated as improvement, as in the 2021 access plan.",
            seasonal=True,  # a flu-clinic rise each autumn in the published data
        ),
        Measure("dna_pct", "Did-not-attend (DNA) rate", "down"),
        Measure(
            "same_day_pct",
            "Same-day share",
            "neutral",
            note="Same-day booking is neither good nor bad in itself: shown without a direction.",
        ),
        Measure(
            "appointments_per_1000",
            "Appointments per 1,000 registered patients",
            "up",
            percent=False,
            seasonal=True,  # August and December dips, autumn and March peaks in the published data
        ),
        Measure("telephone_pct", "Telephone share", "neutral"),
        Measure(
            "within_2_weeks_pct",
            "Booked within 2 weeks",
            "up",
            note="Within 2 weeks: booked same day to 14 days ahead, of those with a known interval.",
        ),
        Measure(
            "gp_pct",
            "Share of appointments with a GP",
            "neutral",
            note="Of appointments with a known staff type (GP or other practice staff).",
        ),
    )
}


def spc_chart(
    frame: pd.DataFrame,
    column: str,
    scope_label: str,
    changes: Sequence[Change] = (),
    shown: tuple[dt.date | None, dt.date | None] = (None, None),
) -> tuple[Chart, SpcSummary] | None:
    """XmR chart of one monthly measure, its finding and its MDC summary; None when the period shows no month.

    `frame` is appointments_monthly.sql over every month held for the scope (no date filter); `changes` are the
    scope's recorded changes of this measure; `shown` is the chosen period (first and last month, None: open).
    """
    measure = MEASURES[column]
    values = frame[column].to_numpy(dtype=float, na_value=np.nan)
    held = ~np.isnan(values)
    months = pd.to_datetime(frame["month"].to_numpy()[held]).date.tolist()
    table = xmr(
        months,
        values[held],
        improvement=measure.improvement,
        changes=[month for month, _ in changes],
    )
    table["year_before"] = _year_before(table) if measure.seasonal else float("nan")
    first, last = shown
    in_window = [(first is None or m >= first) and (last is None or m <= last) for m in months]
    window = table[in_window].reset_index(drop=True)
    if window.empty:
        return None
    summary = summarise(window, improvement=measure.improvement, target=measure.target)
    marked = _marked(table, changes, window)
    title = (
        f"{measure.label} {measure.format(summary.latest_value)} in {summary.latest_date:%b %Y}: "
        f"{short_variation(summary)}"
    )
    period = describe_period(window["date"].iloc[0], window["date"].iloc[-1])
    subtitle = f"{scope_label} · monthly, {period} · limits from {_baselines(table)}"
    draw = partial(
        spc_figure,
        window,
        title=title,
        subtitle=subtitle,
        y_title=measure.label,
        percent=measure.percent,
        source=SOURCE_GPAD,
        year_before=window["year_before"].tolist() if measure.seasonal else None,
        changes=[c for c in marked if window["date"].iloc[0] <= pd.Timestamp(c.month)],
    )
    data = _plotted(window, column, measure, marked)
    notes = _notes(measure, table, window, marked)
    alt = _alt_text(window, measure, summary, scope_label, marked)
    return Chart(f"spc_{column}", title, subtitle, draw, data, alt, SOURCE_GPAD, notes), summary


def _year_before(table: pd.DataFrame) -> list[float]:
    """Each month's value twelve months earlier, where that month is held (else NaN)."""
    when = pd.DatetimeIndex(table["date"])  # strictly increasing (spc.xmr): one value a date
    by_date = pd.Series(table["value"].to_numpy(dtype=float), index=when)
    return by_date.reindex(when - pd.DateOffset(years=1)).tolist()


def _marked(
    table: pd.DataFrame, changes: Sequence[Change], window: pd.DataFrame
) -> list[MarkedChange]:
    """The recorded changes up to the end of the window, each with whether the limits were re-based there."""
    segments = table["segment"].to_numpy()
    firsts = (
        np.flatnonzero(segments[1:] != segments[:-1]) + 1
    )  # where a segment after the first starts
    starts = set(pd.DatetimeIndex(table["date"].to_numpy()[firsts]).date)
    end = pd.Timestamp(window["date"].iloc[-1]).date()
    return [
        MarkedChange(month, reason, month in starts)
        for month, reason in sorted(changes)
        if month <= end
    ]


def _baselines(table: pd.DataFrame) -> str:
    """The months each segment's limits come from, e.g. 'Apr 2021 to Mar 2022; Jul 2022 to Jun 2023'."""
    dates, segments = pd.DatetimeIndex(table["date"]), table["segment"].to_numpy()
    spans = []
    for segment in np.unique(segments):
        base = dates[segments == segment][:12]
        spans.append(f"{base[0]:%b %Y} to {base[-1]:%b %Y}")
    return "; ".join(spans)


def _plotted(
    window: pd.DataFrame, column: str, measure: Measure, marked: list[MarkedChange]
) -> pd.DataFrame:
    names = {"date": "month", "value": column, "mean": "mean", "lcl": "lower_limit"}
    names |= {"ucl": "upper_limit", "special_cause": "special_cause", "variation": "variation"}
    data = {name: window[source].to_numpy() for source, name in names.items()}
    if measure.seasonal:
        data[f"{column}_year_before"] = window["year_before"].to_numpy()
    if marked:
        reasons = {pd.Timestamp(c.month): c.reason for c in marked}
        data["recorded_change"] = [reasons.get(pd.Timestamp(m), "") for m in data["month"]]
    return pd.DataFrame(data)


def _notes(
    measure: Measure, table: pd.DataFrame, window: pd.DataFrame, marked: list[MarkedChange]
) -> tuple[str, ...]:
    notes = [measure.note] if measure.note else []
    if measure.seasonal:
        notes.append(
            f"Seasonal measure: the light grey line, '{YEAR_BEFORE}', shows each month's value a year "
            "earlier."
        )
    for change in marked:
        effect = (
            "limits re-based from that month"
            if change.rebased
            else "limits not re-based: fewer than 12 months on one side of it"
        )
        notes.append(
            f"Recorded change, {change.month:%b %Y} ({effect}): {shorten(change.reason, None)}."
        )
    if window["date"].iloc[0] > table["date"].iloc[0]:
        notes.append(
            f"Limits and special-cause rules use every month held from {table['date'].iloc[0]:%b %Y}, "
            "whatever period is chosen; the chart shows the chosen period."
        )
    return tuple(notes)


def short_variation(summary: SpcSummary, side: bool = True) -> str:
    """The verdict in words: 'a concern (lower than expected)'; without `side`, 'a concern'."""
    if summary.variation_icon == "common_cause":
        return "no significant change"
    kind, way = summary.variation_icon.split("_")
    words = {"improvement": "improving", "concern": "a concern", "neutral": "an unusual change"}[
        kind
    ]
    return f"{words} ({way}er than expected)" if side else words


def _alt_text(
    table: pd.DataFrame,
    measure: Measure,
    summary: SpcSummary,
    scope_label: str,
    marked: list[MarkedChange],
) -> str:
    special = int(table["special_cause"].sum())
    first, last = table["date"].iloc[0], table["date"].iloc[-1]
    changes = "".join(
        f" Recorded change from {c.month:%B %Y}"
        f" ({'limits re-based' if c.rebased else 'limits not re-based'}): {shorten(c.reason, None)}."
        for c in marked
    )
    return (
        f"Statistical process control chart of {measure.label.lower()} in {scope_label}, monthly from "
        f"{first:%B %Y} to {last:%B %Y}. Latest value {measure.format(summary.latest_value)} in "
        f"{summary.latest_date:%B %Y}; mean {measure.format(summary.mean)}, process limits "
        f"{measure.format(summary.lcl)} to {measure.format(summary.ucl)}. {summary.variation_text}. "
        f"{special} of {len(table)} months show special cause variation."
        + (" Limits are trial limits (fewer than 12 months)." if summary.trial_limits else "")
        + changes
    )
