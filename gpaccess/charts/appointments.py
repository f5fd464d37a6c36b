"""Appointment measures as Making Data Count XmR charts (face-to-face share, DNA rate, same-day share...)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

import pandas as pd

from gpaccess.charts.base import SOURCE_GPAD, Chart, describe_period
from gpaccess.spc import Direction, SpcSummary, summarise, xmr
from gpaccess.spc_chart import spc_figure


@dataclass(frozen=True)
class Measure:
    column: str  # column of appointments_monthly.sql
    label: str
    improvement: Direction
    percent: bool = True
    note: str = ""

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
        ),
        Measure("telephone_pct", "Telephone share", "neutral"),
        Measure("gp_pct", "Share of appointments with a GP", "neutral"),
    )
}


def spc_chart(
    frame: pd.DataFrame, column: str, scope_label: str, rebase_at: list[dt.date] | None = None
) -> tuple[Chart, SpcSummary]:
    """XmR chart of one monthly measure (frame: appointments_monthly.sql), its finding and its MDC summary.

    Limits come from the first 12 months of each segment; `rebase_at` (e.g. programme starts) starts new ones.
    """
    measure = MEASURES[column]
    series = frame[["month", column]].dropna()
    months = pd.to_datetime(series["month"]).dt.date
    rebase = sorted(
        {_month_start(d) for d in rebase_at or [] if months.min() < _month_start(d) <= months.max()}
    )
    table = xmr(
        months, series[column].astype(float), improvement=measure.improvement, rebase_at=rebase
    )
    summary = summarise(table, improvement=measure.improvement)
    title = (
        f"{measure.label} {measure.format(summary.latest_value)} in {summary.latest_date:%b %Y}: "
        f"{short_variation(summary)}"
    )
    period = describe_period(series["month"].min(), series["month"].max())
    rebased = f", re-based {', '.join(f'{d:%b %Y}' for d in rebase)}" if rebase else ""
    subtitle = f"{scope_label} · monthly, {period} · limits from the first 12 months{rebased}"
    draw = partial(
        spc_figure,
        table,
        title=title,
        subtitle=subtitle,
        y_title=measure.label,
        percent=measure.percent,
        source=SOURCE_GPAD,
    )
    data = table[["date", "value", "mean", "lcl", "ucl", "special_cause", "variation"]].rename(
        columns={"date": "month", "value": column, "lcl": "lower_limit", "ucl": "upper_limit"}
    )
    notes = (measure.note,) if measure.note else ()
    alt = _alt_text(table, measure, summary, scope_label)
    return Chart(f"spc_{column}", title, subtitle, draw, data, alt, SOURCE_GPAD, notes), summary


def _month_start(value: dt.date) -> dt.date:
    return dt.date(value.year, value.month, 1)


def short_variation(summary: SpcSummary, side: bool = True) -> str:
    """The verdict in words: 'a concern (lower than expected)'; without `side`, 'a concern'."""
    if summary.variation_icon == "common_cause":
        return "no significant change"
    kind, way = summary.variation_icon.split("_")
    words = {"improvement": "improving", "concern": "a concern", "neutral": "an unusual change"}[
        kind
    ]
    return f"{words} ({way}er than expected)" if side else words


def _alt_text(table: pd.DataFrame, measure: Measure, summary: SpcSummary, scope_label: str) -> str:
    special = int(table["special_cause"].sum())
    first, last = table["date"].iloc[0], table["date"].iloc[-1]
    return (
        f"Statistical process control chart of {measure.label.lower()} in {scope_label}, monthly from "
        f"{first:%B %Y} to {last:%B %Y}. Latest value {measure.format(summary.latest_value)} in "
        f"{summary.latest_date:%B %Y}; mean {measure.format(summary.mean)}, process limits "
        f"{measure.format(summary.lcl)} to {measure.format(summary.ucl)}. {summary.variation_text}. "
        f"{special} of {len(table)} months show special cause variation."
        + (" Limits are trial limits (fewer than 12 months)." if summary.trial_limits else "")
    )
