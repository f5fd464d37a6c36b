"""Which charts each board page shows, built from the same pure chart functions the pages call.

A section builder takes a `fetch(name, scope=None)` that runs a named query for the export's viewer (through
`gpaccess.db.run`, or the app's cached `data.query`), so an export only ever holds what its viewer may see.
Pure: no Streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import pandas as pd

from gpaccess.access import Viewer
from gpaccess.charts import Chart, actions, describe_period, gains, uptake
from gpaccess.charts.appointments import spc_chart
from gpaccess.charts.phases import phase_status, phase_timeline, support_delivery
from gpaccess.charts.programme import supported_over_time
from gpaccess.db import run
from gpaccess.scope import Scope

Fetch = Callable[..., pd.DataFrame]  # fetch(name, scope=None, **extra params) -> DataFrame


@dataclass(frozen=True)
class ExportContext:
    """Who the export is for and what it covers (the CLI and the app fill it in the same way)."""

    viewer: Viewer
    scope: Scope
    scope_label: str
    period_label: str


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


# section key -> (heading, builder); in the order of the dashboard's pages
SECTIONS: dict[str, tuple[str, Callable[[Fetch, ExportContext], list[Chart]]]] = {
    "overview": ("Overview", _overview),
    "phases": ("Phase completion", _phases),
    "uptake": ("Uptake by ICB", _uptake),
    "gains": ("Productivity gains", _gains),
    "actions": ("What practices changed", _actions),
}


# the queries each section runs for its own scope (started together by `prefetched`)
SECTION_QUERIES = {
    "overview": ("appointments_monthly", "programmes", "supported_over_time"),
    "phases": ("programme_phases",),
    "uptake": (
        "uptake_by_icb",
        "withdrawal_reasons",
        "telephony_blocked_by_icb",
        "barriers_by_kind",
        "barrier_reports",
    ),
    "gains": ("gains_by_phase", "gains_by_region", "gains_by_icb", "hours_released", "gain_kinds"),
}


def prefetched(fetch: Fetch, sections: Sequence[str], pool: ThreadPoolExecutor) -> Fetch:
    """A fetch whose section queries are all started at once on `pool` (DuckDB runs them while Python
    builds the charts of the sections already fetched); other calls go straight to `fetch`."""
    futures = {
        name: pool.submit(fetch, name)
        for section in sections
        for name in SECTION_QUERIES.get(section, ())
    }

    def get(name: str, scope: Scope | None = None, **extra: object) -> pd.DataFrame:
        if scope is None and not extra and name in futures:
            return futures[name].result()
        return fetch(name, scope, **extra)

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
    from gpaccess.scope import NATIONAL

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
    return ExportContext(viewer, scope, label, describe_period(first, last))
