"""The charts of the access pages: Access, Support identification, Evidence of impact and Data coverage and
quality. Each entry: the heading it sits under, how it is built from named queries, its slide rule."""

from __future__ import annotations

import pandas as pd

from gpaccess import theme
from gpaccess.charts import quality
from gpaccess.charts.access import (
    MODES,
    TREND_COLUMNS,
    icbs_compared,
    mode_mix,
    share_distribution,
    support_list,
    support_reach,
)
from gpaccess.charts.depth import (
    AREA_MEASURES,
    national_categories,
    pcns_compared,
    staff_mix,
    sub_icbs_compared,
    wait_distribution,
    year_on_year,
)
from gpaccess.charts.impact import before_after_chart, event_study_chart
from gpaccess.export import native
from gpaccess.export.native import PERCENT, monthly_lines, table
from gpaccess.identification import DEFAULT_MEASURE, DEFAULT_WINDOW, SUPPORT_MEASURES, window_bounds
from gpaccess.impact import (
    STORED_ESTIMATE,
    STORED_PANEL,
    estimate,
    event_study,
    panel,
    query_params,
    stored_or_estimated,
)
from gpaccess.labels import describe_period, programmes_of
from gpaccess.registry.base import ChartContext, Entry, Fetch, Page, Read
from gpaccess.registry.programme import spc_reads, spc_trend

SHARE = "Share of appointments (%)"
NO_APPOINTMENTS = "No appointment data for this scope and period."


def _newest_spread(fetch: Fetch, ctx: ChartContext):
    """How practices differ on face-to-face share in the newest month (bands, never names)."""
    counts = fetch("access_counts_monthly")
    if counts.empty:
        return None
    newest = counts["month"].iloc[-1]
    spread = fetch("practice_share_distribution", month=newest)
    return share_distribution(spread, ctx.scope_label, describe_period(newest, newest))


def _icbs(fetch: Fetch, ctx: ChartContext):
    by_icb = fetch("access_by_icb", ctx.scope.with_(icb=None))
    if by_icb.empty:
        return None
    measure = str(ctx.choice("icb_measure", "face_to_face_pct"))
    return icbs_compared(by_icb, measure, ctx.area_label, ctx.period_label, ctx.scope.icb)


def _mode_mix(fetch: Fetch, ctx: ChartContext):
    counts = fetch("access_counts_monthly")
    return None if counts.empty else mode_mix(counts, ctx.scope_label, ctx.period_label)


def _whole(ctx: ChartContext):
    """The scope over every month held up to the period's end: the latest month and the same month a year
    before, whatever the period's start."""
    return ctx.scope.with_(date_from=None)


def _waits(fetch: Fetch, ctx: ChartContext):
    return wait_distribution(
        fetch("access_mix_monthly", _whole(ctx), dimension="time_band"), ctx.scope_label
    )


def _categories(fetch: Fetch, ctx: ChartContext):
    mix = fetch("access_mix_monthly", _whole(ctx), dimension="national_category")
    return national_categories(mix, ctx.scope_label)


def _staff(fetch: Fetch, ctx: ChartContext):
    return staff_mix(fetch("appointments_monthly"), ctx.scope_label, ctx.period_label)


def _year_on_year(fetch: Fetch, ctx: ChartContext):
    return year_on_year(fetch("appointments_monthly", _whole(ctx)), ctx.scope_label)


def _area_measure(ctx: ChartContext) -> str:
    chosen = str(ctx.choice("icb_measure", "within_2_weeks_pct"))
    return chosen if chosen in AREA_MEASURES else "within_2_weeks_pct"


def _sub_icbs(fetch: Fetch, ctx: ChartContext):
    if not ctx.scope.icb:
        return None
    frame = fetch("access_by_sub_icb")
    return sub_icbs_compared(frame, _area_measure(ctx), ctx.scope_label, ctx.period_label)


def _pcns(fetch: Fetch, ctx: ChartContext):
    """PCNs of the scope's ICB: small PCNs pooled for everyone but the ICB's own users (docs/roles.md)."""
    if not ctx.scope.icb:
        return None
    exact = ctx.viewer.may_see_practices_of(ctx.scope.icb)
    frame = fetch("access_by_pcn")
    return pcns_compared(frame, _area_measure(ctx), ctx.scope_label, ctx.period_label, exact=exact)


PERCENT_BARS = "Share of appointments (%)"


def _area_bars(chart, name: str):
    """Slide bars of a within-ICB chart: its measure is the column its key names (sub_icbs_<measure>)."""
    column = (
        chart.key.split("_", 2)[-1]
        if chart.key.startswith("sub_icbs_")
        else chart.key[len("pcns_") :]
    )
    label = AREA_MEASURES[column][0]
    return native.bars(name, [(column, label)], PERCENT, label)(chart)


WITHIN_ICB = "Within the ICB: sub-ICB locations and PCNs"
CHOOSE_ICB = "Choose an ICB to see its sub-ICB locations and PCNs."


def _trend(column: str) -> Entry:
    return Entry(
        f"spc_{column}",
        "Monthly trends (statistical process control)",
        lambda f, c: spc_trend(f, c, column),
        native.spc,
        "Not enough months of this measure for an SPC chart (at least three).",
        reads=spc_reads,
    )


ACCESS = Page(
    "access",
    "Access",
    (
        Entry(
            "mode_mix",
            "How appointments were offered",
            _mode_mix,
            monthly_lines(
                [(f"{c}_pct", label, colour) for c, label, colour, _ in MODES], PERCENT, SHARE
            ),
            NO_APPOINTMENTS,
        ),
        *(_trend(column) for column in TREND_COLUMNS),
        Entry(
            "wait_distribution",
            "Time from booking to appointment",
            _waits,
            native.bars(
                "time_band",
                [("share_pct", "Latest month"), ("share_pct_year_before", "A year before")],
                PERCENT,
                PERCENT_BARS,
            ),
            "No booking intervals held for this scope (a database loaded before they were kept: reload).",
        ),
        Entry(
            "year_on_year",
            "The same month last year",
            _year_on_year,
            table(
                {
                    "measure": "Measure",
                    "value": "Latest month",
                    "year_before": "A year before",
                    "change": "Change",
                    "unit": "Change in",
                }
            ),
            "No month a year before the latest is held for this scope.",
        ),
        Entry(
            "staff_mix",
            "GP and other practice staff",
            _staff,
            monthly_lines(
                [
                    ("gp_pct", "GP", theme.NHS_DARK_BLUE),
                    ("other_staff_pct", "Other practice staff", theme.NHS_AQUA_GREEN),
                ],
                PERCENT,
                SHARE,
            ),
            "No staff types held for this scope (a database loaded before they were kept: reload).",
        ),
        Entry(
            "national_categories",
            "National appointment categories",
            _categories,
            native.bars(
                "category",
                [("share_pct", "Latest month"), ("share_pct_year_before", "A year before")],
                PERCENT,
                PERCENT_BARS,
            ),
            "No national categories held for this scope (a database loaded before they were kept: reload).",
        ),
        Entry(
            "icbs_compared",
            "ICBs compared",
            _icbs,
            native.icbs_compared,
            "No ICB had appointments in this period.",
        ),
        Entry(
            "sub_icbs_compared",
            WITHIN_ICB,
            _sub_icbs,
            lambda chart: _area_bars(chart, "sub_icb_name"),
            CHOOSE_ICB,
        ),
        Entry(
            "pcns_compared",
            WITHIN_ICB,
            _pcns,
            lambda chart: _area_bars(chart, "pcn_name"),
            CHOOSE_ICB + " PCNs of fewer than 5 practices are shown together.",
        ),
        Entry(
            "practice_share_distribution",
            "How practices differ",
            _newest_spread,
            native.share_distribution,
            NO_APPOINTMENTS,
        ),
    ),
)


def support_window(ctx: ChartContext) -> dict[str, object] | None:
    """The support page's measure and window (face-to-face share over the last 3 months unless chosen) as
    query parameters; None without appointment data or with a measure not on the list."""
    measure = str(ctx.choice("measure", DEFAULT_MEASURE))
    months = int(str(ctx.choice("window", DEFAULT_WINDOW)))
    if ctx.last_month is None or measure not in SUPPORT_MEASURES:
        return None
    first, last = window_bounds(ctx.last_month, months)
    return {"measure": measure, "window_from": first, "window_to": last}


def _reach_reads(ctx: ChartContext) -> list[Read]:
    window = support_window(ctx)
    return [] if window is None else [Read.of("support_reach", None, **window)]


def _reach(fetch: Fetch, ctx: ChartContext):
    window = support_window(ctx)
    if window is None:
        return None
    reach = _reach_reads(ctx)[0].fetched(fetch)
    own = ctx.viewer.icb_code if ctx.viewer.role == "icb" else None
    label = describe_period(window["window_from"], window["window_to"])  # type: ignore[arg-type]
    return support_reach(reach, str(window["measure"]), ctx.scope_label, label, exact_for=own)


def _named(fetch: Fetch, ctx: ChartContext):
    """The ICB's own named list: only for a viewer authorised for the scope's ICB (db.run refuses anyone
    else; a deck holding it is OFFICIAL-SENSITIVE)."""
    window = support_window(ctx)
    if window is None or not ctx.scope.icb or not ctx.viewer.may_see_practices_of(ctx.scope.icb):
        return None
    named = fetch("support_list", **window)
    label = describe_period(window["window_from"], window["window_to"])  # type: ignore[arg-type]
    return support_list(named, str(window["measure"]), ctx.scope_label, label)


SUPPORT = Page(
    "support",
    "Support identification",
    (
        Entry(
            "support_reach",
            "Reach of the programmes",
            _reach,
            native.support_reach,
            "No appointment data loaded.",
            reads=_reach_reads,
        ),
        Entry(
            "support_list",
            "Your ICB's practices in the lowest 20%",
            _named,
            table(
                {
                    "rank_in_icb": "Rank in ICB (1 = lowest)",
                    "practice_code": "Practice code",
                    "practice_name": "Practice",
                    "value": "Value",
                    "in_accelerate": "In Accelerate",
                    "in_gpip": "In GPIP",
                }
            ),
            "Practice names are shown only to an ICB's own authorised users, for their ICB.",
        ),
    ),
)


def impact_programmes(ctx: ChartContext) -> tuple[str, ...]:
    """The programme the impact page chose, else each programme of the scope."""
    chosen = ctx.choice("programme")
    return (str(chosen),) if chosen else programmes_of(ctx.scope)


def impact_read(ctx: ChartContext, programme: str, measure: str, query: str = STORED_PANEL) -> Read:
    """The panel of supported practices and their matched comparators (or with `query` its estimate), for the
    page's phase and level choices, as stored at load (the ones the page opens with are:
    `gpaccess.impact.panel`, `stored_or_estimated`)."""
    phase, level = ctx.choice("phase"), ctx.choice("level")
    params = query_params(measure, phase, level)  # type: ignore[arg-type]
    return Read.of(query, ctx.scope.with_(programme=programme), **params)


def impact_panel(fetch: Fetch, ctx: ChartContext, programme: str, measure: str) -> pd.DataFrame:
    """Supported practices and their matched comparators, for the page's phase and level choices: stored,
    else computed."""
    read = impact_read(ctx, programme, measure)
    return panel(fetch, read.scope, dict(read.extra))


def _impact_reads(ctx: ChartContext, measure: str | None = None) -> list[Read]:
    """The panels the impact page's charts are built from: each programme's, of `measure` (else the chosen)."""
    chosen = measure or str(ctx.choice("impact_measure", "face_to_face"))
    return [impact_read(ctx, programme, chosen) for programme in impact_programmes(ctx)]


def _estimate_read(ctx: ChartContext, programme: str) -> Read:
    """A programme's face-to-face estimate for the before-and-after chart, as stored at load for the panels
    the page opens with (`gpaccess.impact.stored_or_estimated` computes any other)."""
    return impact_read(ctx, programme, "face_to_face", STORED_ESTIMATE)


def _before_after(fetch: Fetch, ctx: ChartContext):
    charts = []
    for programme in impact_programmes(ctx):
        read = _estimate_read(ctx, programme)
        result = stored_or_estimated(fetch, read.scope, dict(read.extra))
        if not (result.suppressed or result.estimate is None):
            charts.append(before_after_chart(result, programme, ctx.scope_label))
    return charts


def _event(fetch: Fetch, ctx: ChartContext):
    measure = str(ctx.choice("impact_measure", "face_to_face"))
    charts = []
    for programme in impact_programmes(ctx):
        panel = impact_panel(fetch, ctx, programme, measure)
        result = estimate(panel, measure)
        if not (result.suppressed or result.estimate is None):
            charts.append(event_study_chart(event_study(panel), result, programme, ctx.scope_label))
    return charts


TOO_FEW = "Not shown: fewer than 5 supported practices could be compared with matched practices."
IMPACT = Page(
    "impact",
    "Evidence of impact",
    (
        Entry(
            "impact_before_after",
            "Face-to-face share: supported against comparable practices",
            _before_after,
            native.impact_before_after,
            TOO_FEW,
            reads=lambda c: [_estimate_read(c, p) for p in impact_programmes(c)],
        ),
        Entry(
            "impact_event",
            "Month by month, from the start of support",
            _event,
            native.impact_event,
            TOO_FEW,
            reads=_impact_reads,
        ),
    ),
)

COVERAGE = "Open practices with data (%)"
QUALITY_HEADING = "Coverage and recording quality"
DATA = Page(
    "data",
    "Data coverage and quality",
    (
        Entry(
            "coverage_over_time",
            QUALITY_HEADING,
            lambda f, c: quality.coverage_over_time(f("coverage_by_icb_month"), c.scope_label),
            monthly_lines([("coverage_pct", COVERAGE, theme.NHS_BLUE)], PERCENT, COVERAGE),
            reads=("coverage_by_icb_month",),
        ),
        Entry(
            "coverage_by_icb",
            QUALITY_HEADING,
            lambda f, c: quality.coverage_by_icb(f("coverage_by_icb_month"), c.scope_label),
            native.coverage_by_icb,
            reads=("coverage_by_icb_month",),
        ),
        Entry(
            "recording_quality",
            QUALITY_HEADING,
            lambda f, c: quality.recording_quality(
                f("recording_quality_by_icb_month"), c.scope_label
            ),
            monthly_lines(
                [
                    (column, name, colour)
                    for (column, (name, _, _)), colour in zip(
                        quality.QUALITY_SHARES.items(),
                        (theme.NHS_BLUE, theme.NHS_ORANGE, theme.NHS_DARK_GREEN, theme.NHS_PINK),
                        strict=True,
                    )
                ],
                PERCENT,
                SHARE,
            ),
            reads=("recording_quality_by_icb_month",),
        ),
        Entry(
            "dropped_out",
            QUALITY_HEADING,
            lambda f, c: quality.dropped_out(f("coverage_by_icb_month"), c.scope_label),
            monthly_lines(
                [
                    (
                        "dropped_out",
                        "Dropped out (data last month, none this month)",
                        theme.NHS_ORANGE,
                    ),
                    ("joined", "Joined (data this month, none last month)", theme.NHS_BLUE),
                ],
                "#,##0",
                "Practices",
            ),
            reads=("coverage_by_icb_month",),
        ),
    ),
)
