"""How an export runs its queries: for its viewer through `gpaccess.db.run` (`db_fetch`), each distinct query
once (`shared`), and what it covers in words (`export_context`, as the dashboard's header says it). Pure: no
Streamlit, no python-pptx."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import duckdb
import pandas as pd

from gpaccess.access import Viewer
from gpaccess.db import bound_scope, run
from gpaccess.labels import geography
from gpaccess.registry import ChartContext, Fetch, chart_context
from gpaccess.scope import NATIONAL, Scope


def shared(fetch: Fetch, scope: Scope | None = None) -> Fetch:
    """A fetch that runs each distinct query once per export, even when sections built on several threads
    ask for it at the same moment (the others wait for the first); each caller gets its own shallow copy.
    With `scope` (the export's, which `fetch` uses when asked for none), a query is the same query whether
    asked for with no scope, with that scope, or with one differing only in filters it does not read (its
    scope as `gpaccess.db` binds it)."""
    lock = threading.Lock()
    futures: dict[tuple[object, ...], Future[pd.DataFrame]] = {}

    def get(name: str, asked: Scope | None = None, **extra: object) -> pd.DataFrame:
        bound = asked if scope is None else bound_scope(name, asked or scope)
        key = (name, bound, tuple(sorted(extra.items())))
        with lock:
            future = futures.get(key)
            first = future is None
            if future is None:
                future = futures[key] = Future()
        if first:
            try:
                future.set_result(fetch(name, asked, **extra))
            except BaseException as error:
                future.set_exception(error)
        return future.result().copy(deep=False)

    return get


def db_fetch(con: duckdb.DuckDBPyConnection, ctx: ChartContext) -> Fetch:
    """A fetch that runs every query through `db.run` for the export's viewer."""

    def fetch(name: str, scope: Scope | None = None, **extra: object) -> pd.DataFrame:
        return run(con, name, ctx.viewer, scope or ctx.scope, **extra)

    return fetch


def export_context(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope: Scope,
    choices: dict[str, object] | None = None,
    status: pd.Series | None = None,
) -> ChartContext:
    """Scope and period in words for the command line, as the dashboard's header says them; ValueError for
    a region or ICB code the data does not hold. `status`: the data_status row, when the caller has it."""
    return status_and_context(con, viewer, scope, choices, status)[1]


def status_and_context(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope: Scope,
    choices: dict[str, object] | None = None,
    status: pd.Series | None = None,
) -> tuple[pd.Series, ChartContext]:
    """The data_status row (asked for at the same time as the geography, unless given) and `export_context`."""
    if status is None:
        with ThreadPoolExecutor(max_workers=1) as pool:  # the two queries at once
            asked = pool.submit(data_status, con, viewer)
            rows = run(con, "geography", viewer, NATIONAL)
            status = asked.result()
    else:
        rows = run(con, "geography", viewer, NATIONAL)
    geo = geography(rows, status["months"])
    if scope.icb and scope.icb not in geo.icbs:
        raise ValueError(f"No ICB with code {scope.icb!r}")
    if scope.region and scope.region not in geo.regions:
        raise ValueError(f"No region with code {scope.region!r}")
    return status, chart_context(viewer, scope, geo, choices)


def data_status(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.Series:
    """The loaded data's status (data_status.sql): months held, whether it is the synthetic demo."""
    return run(con, "data_status", viewer, NATIONAL).iloc[0]
