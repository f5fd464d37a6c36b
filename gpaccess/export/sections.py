"""How an export runs its queries: for its viewer through `gpaccess.db.run` (`db_fetch`), each distinct query
once (`shared`), and what it covers in words (`export_context`, as the dashboard's header says it). Pure: no
Streamlit, no python-pptx."""

from __future__ import annotations

import threading
from concurrent.futures import Future

import duckdb
import pandas as pd

from gpaccess.access import Viewer
from gpaccess.db import run
from gpaccess.labels import geography
from gpaccess.registry import ChartContext, Fetch, chart_context
from gpaccess.scope import NATIONAL, Scope


def shared(fetch: Fetch) -> Fetch:
    """A fetch that runs each distinct query once per export, even when sections built on several threads
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
) -> ChartContext:
    """Scope and period in words for the command line, as the dashboard's header says them; ValueError for
    a region or ICB code the data does not hold."""
    status = run(con, "data_status", viewer, NATIONAL).iloc[0]
    geo = geography(run(con, "geography", viewer, NATIONAL), status["months"])
    if scope.icb and scope.icb not in geo.icbs:
        raise ValueError(f"No ICB with code {scope.icb!r}")
    if scope.region and scope.region not in geo.regions:
        raise ValueError(f"No region with code {scope.region!r}")
    return chart_context(viewer, scope, geo, choices)
