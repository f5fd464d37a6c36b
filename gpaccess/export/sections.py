"""Which charts each board page shows, built from the same pure chart functions the pages call.

A section builder takes a `fetch(name, scope=None)` that runs a named query for the export's viewer (through
`gpaccess.db.run`, or the app's cached `data.query`), so an export only ever holds what its viewer may see.
Pure: no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

import duckdb
import pandas as pd

from gpaccess.access import Viewer
from gpaccess.charts import Chart, actions, describe_period, gains, quality, uptake
from gpaccess.charts.access import (
    TREND_COLUMNS,
    icbs_compared,
    mode_mix,
    share_distribution,
    support_list,
    support_reach,
)
from gpaccess.charts.appointments import spc_chart
from gpaccess.charts.impact import before_after_chart, event_study_chart
from gpaccess.charts.phases import phase_status, phase_timeline, support_delivery
from gpaccess.charts.programme import supported_over_time
from gpaccess.db import run
from gpaccess.identification import (
    DEFAULT_MEASURE,
    DEFAULT_WINDOW,
    SUPPORT_MEASURES,
    window_bounds,
)
from gpaccess.impact import estimate, event_study, query_params
from gpaccess.scope import NATIONAL, Scope

Fetch = Callable[..., pd.DataFrame]  # fetch(name, scope=None, **extra params) -> DataFrame


@dataclass(frozen=True)
class ExportContext:
    """Who the export is for and what it covers (the CLI and the app fill it in the same way)."""

    viewer: Viewer
    scope: Scope
    scope_label: str
    period_label: str
    # the newest month in the period (the end of support identification's window)
    last_month: dt.date | None = None
    # a page's own choices, e.g. (("measure", "same_day_pct"), ("window", 12))
    choices: tuple[tuple[str, object], ...] = ()

    def choice(self, name: str, default: object) -> object:
        return dict(self.choices).get(name, default)


def _overview(fetch: Fetch, ctx: ExportContext) -> list[Chart]:
    charts = []
    monthly = fetch("appointments_monthly")
    if not monthly.empty:
        starts = fetch("programmes")["start_date"].tolist()
        chart, _ = spc_chart(monthly, "face_to_face_pct", ctx.scope_label, rebase_at=starts)
        charts.append(chart)
    charts.append(supported_over_time(fetch("supported_over_time"), ctx.scope_label))
    return charts


def _phases(fetch: Fetch, ctx: ExportContext) -> list[Chart]:
    phases = fetch("programme_phases")
    if phases.empty:
        return []
    return [
        phase_status(phases, ctx.scope_label),
        support_delivery(phases, ctx.scope_label),
        phase_timeline(phases, ctx.scope_label),
    ]


def _uptake(fetch: Fetch, ctx: ExportContext) -> list[Chart]:
    programme, label, period = ctx.scope.programme, ctx.scope_label, ctx.period_label
    by_icb = fetch("uptake_by_icb")
    england = fetch("uptake_by_icb", ctx.scope.with_(region=None, icb=None))
    charts = [
        uptake.uptake_share(by_icb, programme, label),
        uptake.uptake_against_reference(by_icb, england, programme, label),
        uptake.withdrawals_by_icb(by_icb, programme, label),
        uptake.withdrawal_reasons(fetch("withdrawal_reasons"), label),
    ]
    if programme != "Accelerate":
        charts.append(uptake.telephony_blocked(fetch("telephony_blocked_by_icb"), label))
    charts.append(uptake.barriers_by_kind(fetch("barriers_by_kind"), label, period))
    charts.append(uptake.barrier_table(fetch("barrier_reports"), label, period))
    return charts


def _gains(fetch: Fetch, ctx: ExportContext) -> list[Chart]:
    label = ctx.scope_label
    charts = [gains.gains_share(fetch("gains_by_phase"), "phase", label)]
    if ctx.scope.icb is None:
        charts.append(gains.gains_share(fetch("gains_by_region"), "region", label))
    charts.append(gains.gains_share(fetch("gains_by_icb"), "icb", label))
    charts.append(gains.hours_released(fetch("hours_released"), label))
    charts.append(gains.gain_kinds(fetch("gain_kinds"), label))
    return charts


def _actions(fetch: Fetch, ctx: ExportContext) -> list[Chart]:
    """All phases (the page's phase choice is not part of the pack); the region and ICB tables stay on the page."""
    label = ctx.scope_label
    by_programme = fetch("actions_by_programme", phase=None)
    return [
        actions.adoption_by_programme(by_programme, label),
        actions.gains_by_action(by_programme, label),
        actions.gains_by_count(fetch("actions_count_gains", phase=None), label),
    ]


def _access(fetch: Fetch, ctx: ExportContext) -> list[Chart]:
    """As the access page shows it first: mode mix, the four SPC trends, ICBs compared on face-to-face
    share, and the unlabelled spread of practices in the newest month."""
    counts = fetch("access_counts_monthly")
    if counts.empty:
        return []
    label = ctx.scope_label
    charts = [mode_mix(counts, label, ctx.period_label)]
    monthly = fetch("appointments_monthly")
    starts = fetch("programmes")["start_date"].tolist()
    for column in TREND_COLUMNS:
        if monthly[column].notna().sum() >= 3:
            charts.append(spc_chart(monthly, column, label, rebase_at=starts)[0])
    by_icb = fetch("access_by_icb", ctx.scope.with_(icb=None))
    if not by_icb.empty:
        charts.append(
            icbs_compared(
                by_icb, "face_to_face_pct", _area(fetch, ctx), ctx.period_label, ctx.scope.icb
            )
        )
    newest = counts["month"].iloc[-1]
    spread = fetch("practice_share_distribution", month=newest)
    charts.append(share_distribution(spread, label, describe_period(newest, newest)))
    return charts


def _area(fetch: Fetch, ctx: ExportContext) -> str:
    """The ICBs compared: the scope's region, or England."""
    if not ctx.scope.region:
        return "England"
    geo = fetch("geography", NATIONAL)
    names = geo.loc[geo["region_code"] == ctx.scope.region, "region_name"]
    return f"{names.iloc[0]} region" if len(names) else "the region"


def _support(fetch: Fetch, ctx: ExportContext) -> list[Chart]:
    """Reach of the programmes into each ICB's lowest 20% (the page's measure and window: face-to-face share
    over the last 3 months unless chosen); the named list
    only when the viewer is authorised for the scope's ICB (db.run refuses anyone else; the pack is then
    OFFICIAL-SENSITIVE)."""
    measure = str(ctx.choice("measure", DEFAULT_MEASURE))
    months = int(str(ctx.choice("window", DEFAULT_WINDOW)))
    if ctx.last_month is None or measure not in SUPPORT_MEASURES:
        return []
    first, last = window_bounds(ctx.last_month, months)
    window = {"measure": measure, "window_from": first, "window_to": last}
    reach = fetch("support_reach", **window)
    if reach.empty:
        return []
    own = ctx.viewer.icb_code if ctx.viewer.role == "icb" else None
    label, window_label = ctx.scope_label, describe_period(first, last)
    charts = [support_reach(reach, measure, label, window_label, exact_for=own)]
    if ctx.scope.icb and ctx.viewer.may_see_practices_of(ctx.scope.icb):
        named = fetch("support_list", **window)
        charts.append(support_list(named, measure, label, window_label))
    return charts


def _impact(fetch: Fetch, ctx: ExportContext) -> list[Chart]:
    """Face-to-face share, supported against matched comparators, per programme (all phases; the whole
    programme to date, as on the page); no chart where fewer than 5 supported practices could be compared."""
    programme = ctx.scope.programme
    charts = []
    for name in ("Accelerate", "GPIP") if programme == "All" else (programme,):
        panel = fetch(
            "impact_panel", ctx.scope.with_(programme=name), **query_params("face_to_face")
        )
        result = estimate(panel, "face_to_face")
        if result.suppressed or result.estimate is None:
            continue
        charts.append(before_after_chart(result, name, ctx.scope_label))
        charts.append(event_study_chart(event_study(panel), result, name, ctx.scope_label))
    return charts


def _data(fetch: Fetch, ctx: ExportContext) -> list[Chart]:
    """Coverage and recording quality, as on the data page (the load history stays on the page)."""
    coverage = fetch("coverage_by_icb_month")
    label = ctx.scope_label
    return [
        quality.coverage_over_time(coverage, label),
        quality.coverage_by_icb(coverage, label),
        quality.recording_quality(fetch("recording_quality_by_icb_month"), label),
        quality.dropped_out(coverage, label),
    ]


# section key -> (heading, builder), one per page with charts, in the order of the dashboard's pages; each page's
# "Download slides" gives its own section
SECTIONS: dict[str, tuple[str, Callable[[Fetch, ExportContext], list[Chart]]]] = {
    "overview": ("Overview", _overview),
    "phases": ("Phase completion", _phases),
    "uptake": ("Uptake by ICB", _uptake),
    "gains": ("Productivity gains", _gains),
    "actions": ("What practices changed", _actions),
    "access": ("Access", _access),
    "support": ("Support identification", _support),
    "impact": ("Evidence of impact", _impact),
    "data": ("Data coverage and quality", _data),
}
# the board pack's sections: the programme update a board receives. Access, support identification and data
# quality are slides from their own pages (the support page's named list is never part of a circulated pack).
PACK_SECTIONS = ("overview", "phases", "uptake", "gains", "actions", "impact")


def shared(fetch: Fetch) -> Fetch:
    """A fetch that runs each distinct query once per export, even when section builders on several threads
    ask for it at the same moment (the others wait for the first); each caller gets its own shallow copy."""
    lock = threading.Lock()
    futures: dict[tuple[object, ...], Future[pd.DataFrame]] = {}

    def get(name: str, scope: Scope | None = None, **extra: object) -> pd.DataFrame:
        key = (name, scope, tuple(sorted(extra.items())))
        with lock:
            future = futures.get(key)
            first = future is None
            if future is None:
                future = futures[key] = Future()
        if first:
            try:
                future.set_result(fetch(name, scope, **extra))
            except BaseException as error:
                future.set_exception(error)
        return future.result().copy(deep=False)

    return get


def section_charts(section: str, fetch: Fetch, ctx: ExportContext) -> list[Chart]:
    """The charts of one section with something to plot (a chart with no data is said in words on the page)."""
    _, builder = SECTIONS[section]
    return [chart for chart in builder(fetch, ctx) if not chart.data.empty]


def db_fetch(con: duckdb.DuckDBPyConnection, ctx: ExportContext) -> Fetch:
    """A fetch that runs every query through `db.run` for the export's viewer."""

    def fetch(name: str, scope: Scope | None = None, **extra: object) -> pd.DataFrame:
        return run(con, name, ctx.viewer, scope or ctx.scope, **extra)

    return fetch


def export_context(con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope) -> ExportContext:
    """Scope and period in words, as the dashboard header says them (used by the CLI)."""
    geo = run(con, "geography", viewer, NATIONAL)
    if scope.icb:
        names = geo.loc[geo["icb_code"] == scope.icb, "icb_name"]
        if names.empty:
            raise ValueError(f"No ICB with code {scope.icb!r}")
        label = str(names.iloc[0]).replace("Integrated Care Board", "ICB")
    elif scope.region:
        names = geo.loc[geo["region_code"] == scope.region, "region_name"]
        if names.empty:
            raise ValueError(f"No region with code {scope.region!r}")
        label = f"{names.iloc[0]} region"
    else:
        label = "England"
    status = run(con, "data_status", viewer, NATIONAL).iloc[0]
    months = [
        pd.Timestamp(m).date() for m in (status["months"] if status["months"] is not None else [])
    ]
    first: dt.date | None = scope.date_from or (months[0] if months else None)
    last: dt.date | None = scope.date_to or (months[-1] if months else None)
    return ExportContext(viewer, scope, label, describe_period(first, last), last)
