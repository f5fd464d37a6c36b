"""The board summary: where GPIP stands against its target and when it reaches it at the current rate, the
headline access outcomes with their SPC verdicts, what changed since the previous month, and the author's
commentary. Built from named queries through a `fetch` for a `ChartContext`, as the registry's charts are; the
Summary page, the summary slide (gpaccess.export.summary_slide) and its speaker notes all show this one model.
Pure: no Streamlit, no python-pptx.

The current rate is defined once, in gpaccess.trajectory (`RATE_MONTHS`, `Trajectory.rate`): the mean number of practices newly
benefiting from GPIP per month over the last 6 months up to the summary's month (fewer when GPIP has fewer). At
that rate the target is reached in the first month in which practices benefited to date would reach it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from gpaccess.charts import Chart
from gpaccess.charts.appointments import MEASURES
from gpaccess.commentary import Commentary, from_rows
from gpaccess.registry.base import ChartContext, Fetch, Read
from gpaccess.registry.programme import spc_trend
from gpaccess.spc import SpcSummary
from gpaccess.spc_icons import assurance_symbol, variation_symbol
from gpaccess.trajectory import (
    RATE_MONTHS,
    TARGET_WORDS,
    Trajectory,
    add_months,
    gpip_status,
    month_label,
    trajectory,
)

Trend = Callable[[Fetch, ChartContext, str], Chart | None]  # a measure's SPC chart, or None

HEADLINE_MEASURES = ("face_to_face_pct", "dna_pct", "same_day_pct", "appointments_per_1000")
SOURCE = (
    "Source: NHS England, Appointments in General Practice (practice level); programme tracker "
    "(NHS England and ICBs)."
)
OUTCOME_COLUMNS = (
    "Measure",
    "Latest",
    "Change on the month before",
    "Variation (SPC)",
    "Assurance",
)
SHORT_OUTCOME_COLUMNS = ("Measure", "Latest", "Change", "Variation (SPC)", "Assurance")


@dataclass(frozen=True)
class Outcome:
    """One headline access measure in its latest month, the month before, and its SPC verdict."""

    column: str
    month: dt.date
    value: float
    previous: float | None  # the month before, when held
    spc: SpcSummary | None  # None with fewer than 3 months

    @property
    def label(self) -> str:
        return MEASURES[self.column].label

    @property
    def percent(self) -> bool:
        return MEASURES[self.column].percent

    def shown(self, value: float) -> str:
        return MEASURES[self.column].format(value)

    @property
    def change(self) -> float | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def change_words(self) -> str:
        if self.change is None:
            return f"no figure for {month_label(add_months(self.month, -1))}"
        unit = " pp" if self.percent else " per 1,000"
        change = round(self.change, 1) + 0.0  # no "-0.0"
        return f"{change:+.1f}{unit} on {month_label(add_months(self.month, -1))}"

    @property
    def variation_words(self) -> str:
        if self.spc is None:
            return "Not assessed: fewer than 3 months"
        return f"{variation_symbol(self.spc.variation_icon)} {self.spc.variation_text}"

    @property
    def assurance_words(self) -> str:
        if self.spc is None or self.spc.assurance_icon is None:
            return f"{assurance_symbol(None)} No target set: assurance not assessed"
        return f"{assurance_symbol(self.spc.assurance_icon)} {self.spc.assurance_text}"

    @property
    def row(self) -> tuple[str, ...]:
        """Measure, latest value and month, change, variation and assurance in full words (page, notes)."""
        latest = f"{self.shown(self.value)} ({month_label(self.month)})"
        return (self.label, latest, self.change_words, self.variation_words, self.assurance_words)

    @property
    def short_row(self) -> tuple[str, ...]:
        """The same in fewer words, for the slide's table (the notes hold the full words)."""
        change = "no figure" if self.change is None else self.change_words.split(" on ")[0]
        return (
            self.label,
            f"{self.shown(self.value)} ({self.month:%b %Y})",
            change,
            _short_variation(self.spc),
            "– No target: not assessed"
            if self.spc is None or self.spc.assurance_icon is None
            else self.assurance_words,
        )


SHORT_VARIATION = {
    "common_cause": "Common cause: no significant change",
    "improvement_high": "Improvement: higher than expected",
    "improvement_low": "Improvement: lower than expected",
    "concern_high": "Concern: higher than expected",
    "concern_low": "Concern: lower than expected",
    "neutral_high": "Unusual, neither better nor worse: higher",
    "neutral_low": "Unusual, neither better nor worse: lower",
}


def _short_variation(spc: SpcSummary | None) -> str:
    if spc is None:
        return "Not assessed: fewer than 3 months"
    return f"{variation_symbol(spc.variation_icon)} {SHORT_VARIATION[spc.variation_icon]}"


def outcomes(fetch: Fetch, ctx: ChartContext, trend: Trend = spc_trend) -> tuple[Outcome, ...]:
    """The headline measures with a value in the scope and period (appointments_monthly.sql), with the verdict
    of the same SPC chart the Access page draws (limits re-based at programme starts); `trend` builds it (a
    board pack passes the charts it has built already)."""
    monthly = fetch("appointments_monthly")
    months = pd.DatetimeIndex(monthly["month"]).date
    found = []
    for column in HEADLINE_MEASURES:
        values = monthly[column].to_numpy(dtype=float, na_value=np.nan)
        held = ~np.isnan(values)
        if not held.any():
            continue
        when, value = months[held], values[held]
        before = value[when == add_months(when[-1], -1)]
        chart = trend(fetch, ctx, column)
        found.append(
            Outcome(
                column=column,
                month=when[-1],
                value=float(value[-1]),
                previous=float(before[0]) if len(before) else None,
                spc=None if chart is None else chart.spc,
            )
        )
    return tuple(found)


def read_commentary(fetch: Fetch, month: dt.date | None) -> Commentary | None:
    """The latest commentary for the context's scope and month; None when none is written (or the database
    predates the commentary table: it is added at the next writable open, gpaccess.store.ensure_schema)."""
    if month is None:
        return None
    try:
        return from_rows(fetch("commentary", month=month))
    except duckdb.CatalogException:
        return None


@dataclass(frozen=True)
class Summary:
    scope_label: str
    period_label: str
    month: dt.date | None  # the summary's month: the last of the period
    national: bool  # England: the GPIP target applies
    gpip: Trajectory | None
    outcomes: tuple[Outcome, ...]
    commentary: Commentary | None

    @property
    def title(self) -> str:
        """The finding, as the page's and the slide's headline."""
        return "Summary: " + (
            self._gpip_finding() or self._outcome_finding() or "no data for this scope"
        )

    def _gpip_finding(self) -> str:
        g = self.gpip
        return "" if g is None else g.finding("" if self.national else self.scope_label)

    def _outcome_finding(self) -> str:
        if not self.outcomes:
            return ""
        first = self.outcomes[0]
        verdict = "" if first.spc is None else f", {first.spc.variation_text.split(': ', 1)[-1]}"
        return f"{first.label.lower()} {first.shown(first.value)} in {month_label(first.month)}{verdict}"

    @property
    def status_lines(self) -> list[str]:
        """Status against target and trajectory, in sentences."""
        g = self.gpip
        if g is None:
            return ["GPIP: no programme data for this scope."]
        lines = [
            f"GPIP: {g.benefited:,} practices benefited by the end of {month_label(g.month)} "
            "(universal offer included)"
            + (
                f", {g.share_of_target:.1f}% of the {g.target:,} target."
                if g.target
                else f". No local target: the {TARGET_WORDS} is England's."
            )
        ]
        first, last = g.window
        lines.append(
            f"Current rate: {g.rate:.1f} practices a month (the mean of practices newly benefiting per "
            f"month, {month_label(first)} to {month_label(last)})."
        )
        if g.target and g.reached is not None:
            lines.append(f"The target of {g.target:,} was reached in {month_label(g.reached)}.")
        elif g.target and g.projected is not None:
            lines.append(
                f"At that rate the target of {g.target:,} is reached in {month_label(g.projected)} "
                f"({g.target - g.benefited:,} practices to go)."
            )
        elif g.target:
            lines.append(
                f"At that rate the target of {g.target:,} is not reached: no practice newly benefited "
                f"in the last {g.rate_months} months."
            )
        return lines

    @property
    def change_lines(self) -> list[str]:
        """What changed since the previous month, in sentences."""
        lines = []
        if self.gpip is not None:
            g = self.gpip
            lines.append(
                f"GPIP in {month_label(g.month)}: {g.benefited_in_month:,} practices newly benefited, "
                f"{g.enrolled_in_month:,} newly enrolled."
            )
        for outcome in self.outcomes:
            lines.append(
                f"{outcome.label}: {outcome.shown(outcome.value)} in {month_label(outcome.month)}, "
                f"{outcome.change_words}."
            )
        return lines or ["No data for this scope and period."]

    @property
    def outcome_rows(self) -> tuple[tuple[str, ...], ...]:
        return tuple(outcome.row for outcome in self.outcomes)

    def short_outcome_table(self) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """Columns and rows for the slide's table: the month in the header when every measure's latest month
        is the summary's month, else beside each value."""
        rows = tuple(outcome.short_row for outcome in self.outcomes)
        if any(outcome.month != self.month for outcome in self.outcomes):
            return SHORT_OUTCOME_COLUMNS, rows
        columns = (SHORT_OUTCOME_COLUMNS[0], month_label(self.month), *SHORT_OUTCOME_COLUMNS[2:])
        return columns, tuple((r[0], r[1].split(" (")[0], *r[2:]) for r in rows)

    @property
    def commentary_text(self) -> str:
        c = self.commentary
        if c is None:
            return f"No commentary written for {self.scope_label}, {month_label(self.month)}."
        return f"{c.text} ({c.byline})"

    @property
    def subtitle(self) -> str:
        return f"{self.scope_label} · {month_label(self.month)} · programme counts to the end of the month"

    def table(self) -> pd.DataFrame:
        """Every figure of the summary as rows (section, item, value, detail): the page's data table and its
        CSV and XLSX downloads (written through the export's formula neutralising)."""
        rows: list[tuple[str, str, str, str]] = [
            ("Status", f"Line {i}", line, "") for i, line in enumerate(self.status_lines, 1)
        ]
        rows += [("Outcomes", r[0], r[1], f"{r[2]}; {r[3]}; {r[4]}") for r in self.outcome_rows]
        rows += [
            ("What changed", f"Line {i}", line, "") for i, line in enumerate(self.change_lines, 1)
        ]
        c = self.commentary
        rows.append(
            ("Commentary", month_label(self.month), c.text, c.byline)
            if c is not None
            else ("Commentary", month_label(self.month), "", "none written")
        )
        return pd.DataFrame(rows, columns=["section", "item", "value", "detail"])

    @property
    def notes(self) -> str:
        """The speaker notes: the commentary, then the key figures."""
        parts = [f"Commentary: {self.commentary_text}", "Status: " + " ".join(self.status_lines)]
        parts += (
            ["Outcomes: " + "; ".join(_outcome_sentence(o) for o in self.outcomes)]
            if self.outcomes
            else []
        )
        parts += ["What changed: " + " ".join(self.change_lines), f"Scope: {self.subtitle}", SOURCE]
        return "\n\n".join(parts)


def _outcome_sentence(outcome: Outcome) -> str:
    return f"{' '.join(outcome.row[:3])} ({outcome.variation_words}; {outcome.assurance_words})"


def summary_reads(ctx: ChartContext) -> list[Read]:
    """The queries `build_summary` runs for `ctx` besides its SPC charts' (`spc_reads`)."""
    if ctx.last_month is None:
        return [Read("gpip_headline"), Read("appointments_monthly")]
    month = ctx.last_month
    return [
        Read("gpip_headline"),
        Read.of("gpip_monthly", month=month),
        Read("appointments_monthly"),
        Read.of("commentary", month=month),
    ]


def build_summary(fetch: Fetch, ctx: ChartContext, trend: Trend = spc_trend) -> Summary:
    """The summary for the context's viewer, scope and period (`trend`: as for `outcomes`)."""
    national, monthly, gpip = gpip_status(fetch, ctx)
    return Summary(
        scope_label=ctx.scope_label,
        period_label=ctx.period_label,
        month=ctx.last_month,
        national=national,
        gpip=gpip,
        outcomes=outcomes(fetch, ctx, trend),
        commentary=read_commentary(fetch, ctx.last_month),
    )


__all__: Sequence[str] = (
    "HEADLINE_MEASURES",
    "RATE_MONTHS",
    "Outcome",
    "Summary",
    "Trajectory",
    "build_summary",
    "summary_reads",
    "trajectory",
)
