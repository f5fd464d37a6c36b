"""The charts of the programme pages: Overview, Phase completion, Uptake by ICB, Productivity gains and What
practices changed. Each entry: the heading it sits under, how it is built from named queries, its slide rule."""

from __future__ import annotations

from dataclasses import replace

from gpaccess.charts import actions, gains, uptake
from gpaccess.charts.appointments import spc_chart
from gpaccess.charts.phases import phase_status, phase_timeline, support_delivery
from gpaccess.charts.programme import supported_over_time
from gpaccess.export import native
from gpaccess.export.native import PERCENT, bars, table
from gpaccess.export.native_gantt import phase_gantt
from gpaccess.registry.base import ChartContext, Entry, Fetch, Page, Read
from gpaccess.spc_changes import as_changes, changes_for

PRACTICES = "Practices"


def spc_reads(ctx: ChartContext) -> list[Read]:
    """What an SPC chart is built from: every month held for the scope (whatever the period chosen), and the
    scope's recorded changes."""
    return [
        Read("appointments_monthly", ctx.scope.with_(date_from=None, date_to=None)),
        Read("spc_changes"),
    ]


def spc_trend(fetch: Fetch, ctx: ChartContext, column: str):
    """The SPC chart of one monthly measure (None with fewer than 3 months of it), its verdict travelling with
    it (`Chart.spc`). Limits and rules over every month held for the scope, whatever the period chosen, re-based
    only at the scope's recorded changes; the chart shows the chosen period (docs/spc.md)."""
    monthly = spc_reads(ctx)[0].fetched(fetch)
    if monthly.empty or monthly[column].notna().sum() < 3:
        return None
    recorded = [c for c in as_changes(changes_for(fetch)) if c.measure == column]
    shown = (ctx.scope.date_from, ctx.scope.date_to)
    built = spc_chart(
        monthly, column, ctx.scope_label, [(c.month, c.reason) for c in recorded], shown
    )
    if built is None:
        return None
    chart, summary = built
    return replace(chart, spc=summary)


OVERVIEW = Page(
    "overview",
    "Overview",
    (
        Entry(
            "overview_face_to_face",
            "Appointments",
            lambda f, c: spc_trend(f, c, "face_to_face_pct"),
            native.spc,
            "No appointment data for this scope and period.",
            reads=spc_reads,
        ),
        Entry(
            "supported_over_time",
            "Programme support over time",
            lambda f, c: supported_over_time(f("supported_over_time"), c.scope_label),
            native.supported_over_time,
            reads=("supported_over_time",),
        ),
    ),
)

PHASES = Page(
    "phases",
    "Phase completion",
    (
        Entry(
            "phase_status",
            "Where practices are in their support",
            lambda f, c: phase_status(f("programme_phases"), c.scope_label),
            native.phase_status,
            reads=("programme_phases",),
        ),
        Entry(
            "support_delivery",
            "Support delivered against the plan",
            lambda f, c: support_delivery(f("programme_phases"), c.scope_label),
            native.support_delivery,
            detail=True,
            reads=("programme_phases",),
        ),
        Entry(
            "phase_timeline",
            "When each phase ran",
            lambda f, c: phase_timeline(f("programme_phases"), c.scope_label),
            phase_gantt,
            reads=("programme_phases",),
        ),
    ),
)


def _england(fetch: Fetch, ctx: ChartContext):
    return fetch("uptake_by_icb", ctx.scope.with_(region=None, icb=None))


def _telephony(fetch: Fetch, ctx: ChartContext):
    if ctx.scope.programme == "Accelerate":
        return None
    return uptake.telephony_blocked(fetch("telephony_blocked_by_icb"), ctx.scope_label)


ENROLLED = "Practices enrolled (%)"
WITHDREW = "Practices that withdrew"
UPTAKE = Page(
    "uptake",
    "Uptake by ICB",
    (
        Entry(
            "uptake_share",
            "Practices enrolled",
            lambda f, c: uptake.uptake_share(f("uptake_by_icb"), c.scope.programme, c.scope_label),
            bars("icb", [("enrolled_pct", ENROLLED)], PERCENT, ENROLLED, merge=True),
            reads=("uptake_by_icb",),
        ),
        Entry(
            "uptake_vs_reference",
            "Practices enrolled",
            lambda f, c: uptake.uptake_against_reference(
                f("uptake_by_icb"), _england(f, c), c.scope.programme, c.scope_label
            ),
            bars(
                "icb_name",
                [("enrolled_pct", "ICB"), ("region_pct", "Its region"), ("england_pct", "England")],
                PERCENT,
                ENROLLED,
            ),
            detail=True,
        ),
        Entry(
            "withdrawals_by_icb",
            "Withdrawals",
            lambda f, c: uptake.withdrawals_by_icb(
                f("uptake_by_icb"), c.scope.programme, c.scope_label
            ),
            bars("icb", [("withdrawn", WITHDREW)], value_title=WITHDREW, merge=True),
            detail=True,
            reads=("uptake_by_icb",),
        ),
        Entry(
            "withdrawal_reasons",
            "Withdrawals",
            lambda f, c: uptake.withdrawal_reasons(f("withdrawal_reasons"), c.scope_label),
            bars("reason", [("practices", WITHDREW)], value_title=WITHDREW, merge=True),
            reads=("withdrawal_reasons",),
        ),
        Entry(
            "telephony_blocked",
            "Blocked by the digital telephony criterion",
            _telephony,
            bars(
                "icb",
                [("blocked", "Blocked"), ("wished_to_enrol", "Wished to join")],
                value_title=PRACTICES,
            ),
            "The digital telephony criterion applies to GPIP only: choose GPIP or All to see it.",
        ),
        Entry(
            "barriers_by_kind",
            "Barriers ICBs reported",
            lambda f, c: uptake.barriers_by_kind(
                f("barriers_by_kind"), c.scope_label, c.period_label
            ),
            bars(
                "kind",
                [("icbs", "ICBs reporting")],
                value_title="ICBs reporting the barrier",
                merge=True,
            ),
            reads=("barriers_by_kind",),
        ),
        Entry(
            "barrier_reports",
            "Barriers ICBs reported",
            lambda f, c: uptake.barrier_table(f("barrier_reports"), c.scope_label, c.period_label),
            table(
                {
                    c: c
                    for c in (
                        "ICB",
                        "Reported",
                        "Programme",
                        "Barrier",
                        "Practices affected",
                        "Detail",
                    )
                }
            ),
            reads=("barrier_reports",),
        ),
    ),
)

WITH_GAINS = "Practices with gains (%)"
GAINS_RULE = bars("group", [("gains_pct", WITH_GAINS)], PERCENT, WITH_GAINS, merge=True)
GAINS = Page(
    "gains",
    "Productivity gains",
    (
        Entry(
            "gains_by_phase",
            "Practices with productivity gains",
            lambda f, c: gains.gains_share(f("gains_by_phase"), "phase", c.scope_label),
            bars("group", [("gains_pct", WITH_GAINS)], PERCENT, WITH_GAINS, "assessed"),
            reads=("gains_by_phase",),
        ),
        Entry(
            "gains_by_region",
            "Practices with productivity gains",
            lambda f, c: (
                None
                if c.scope.icb
                else gains.gains_share(f("gains_by_region"), "region", c.scope_label)
            ),
            GAINS_RULE,
            reads=lambda c: [] if c.scope.icb else [Read("gains_by_region")],
        ),
        Entry(
            "gains_by_icb",
            "Practices with productivity gains",
            lambda f, c: gains.gains_share(f("gains_by_icb"), "icb", c.scope_label),
            GAINS_RULE,
            reads=("gains_by_icb",),
        ),
        Entry(
            "hours_released",
            "Time released",
            lambda f, c: gains.hours_released(f("hours_released"), c.scope_label),
            native.hours_released,
            detail=True,
            reads=("hours_released",),
        ),
        Entry(
            "gain_kinds",
            "Kinds of gain",
            lambda f, c: gains.gain_kinds(f("gain_kinds"), c.scope_label),
            bars(
                "kind",
                [("practices", PRACTICES)],
                value_title="Practices reporting the kind of gain",
                merge=True,
            ),
            reads=("gain_kinds",),
        ),
    ),
)


def _phase(ctx: ChartContext) -> str | None:
    """The What practices changed page's phase or cohort (None: all of them)."""
    phase = ctx.choice("phase")
    return None if phase is None else str(phase)


def _by_area(fetch: Fetch, ctx: ChartContext):
    """Adoption per region (England and regions) and per ICB, a chart per programme."""
    by_area = fetch("actions_by_area", phase=_phase(ctx))
    areas = ("region", "icb") if ctx.scope.icb is None else ("icb",)
    return [
        actions.adoption_by_area(by_area, by, programme, ctx.scope_label, _phase(ctx))
        for by in areas
        for programme in actions.area_programmes(by_area, by)
    ]


def _for_phase(chart_function, query: str):
    """A build: the chart function on the query's result for the page's phase or cohort (None: all)."""
    return lambda f, c: chart_function(f(query, phase=_phase(c)), c.scope_label, _phase(c))


ADOPTED = "Practices that adopted it (%)"
ACTIONS = Page(
    "actions",
    "What practices changed",
    (
        Entry(
            "actions_adoption",
            "Actions adopted",
            _for_phase(actions.adoption_by_programme, "actions_by_programme"),
            bars("action", [("adopted_pct", ADOPTED)], PERCENT, ADOPTED, "assessed"),
        ),
        Entry(
            "actions_by_area",
            "Actions adopted",
            _by_area,
            native.adoption_by_area,
            detail=actions.many_areas,  # England's 42 ICBs; a region's ICBs are headline
        ),
        Entry(
            "actions_gains",
            "Actions and productivity gains",
            _for_phase(actions.gains_by_action, "actions_by_programme"),
            bars(
                "action",
                [
                    ("adopters_gains_pct", "Adopted the action: with gains (%)"),
                    ("non_adopters_gains_pct", "Did not adopt it: with gains (%)"),
                ],
                PERCENT,
                "Practices with productivity gains (%)",
            ),
        ),
        Entry(
            "actions_count_gains",
            "Actions and productivity gains",
            _for_phase(actions.gains_by_count, "actions_count_gains"),
            bars("group", [("gains_pct", WITH_GAINS)], PERCENT, WITH_GAINS, "assessed"),
        ),
    ),
)
