"""The export's shared fetch: each distinct query runs once even when section builders on several threads ask
for it together; callers get their own frame; a failing query fails every caller."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from gpaccess.export.sections import shared
from gpaccess.scope import Scope


def test_each_distinct_query_runs_once_across_threads():
    calls: list[tuple] = []
    lock = threading.Lock()

    def fetch(name, scope=None, **extra):
        with lock:
            calls.append((name, scope, tuple(sorted(extra.items()))))
        time.sleep(0.05)  # long enough for the other threads to ask while it runs
        return pd.DataFrame({"n": [len(calls)]})

    get = shared(fetch)
    asks = [
        ("a", None, {}),
        ("a", None, {}),
        ("a", Scope(region="Y56"), {}),
        ("a", None, {"m": 1}),
    ] * 3
    with ThreadPoolExecutor(max_workers=6) as pool:
        frames = list(pool.map(lambda ask: get(ask[0], ask[1], **ask[2]), asks))
    assert sorted(calls, key=repr) == sorted(
        [("a", None, ()), ("a", Scope(region="Y56"), ()), ("a", None, (("m", 1),))], key=repr
    )
    frames[0]["extra"] = 1  # one caller adding a column does not change what the others got
    assert "extra" not in frames[1].columns


def test_a_failing_query_fails_every_caller():
    def fetch(name, scope=None, **extra):
        raise ValueError(f"no query {name}")

    get = shared(fetch)
    for _ in range(2):
        with pytest.raises(ValueError, match="no query x"):
            get("x")


def test_with_the_exports_scope_a_query_is_keyed_on_the_filters_it_reads():
    """appointments_monthly reads region, ICB and dates, not the programme; data_status reads nothing: asked
    with no scope, with the export's scope or with filters they do not read, each is the same query."""
    calls: list[tuple] = []

    def fetch(name, scope=None, **extra):
        calls.append((name, scope))
        return pd.DataFrame({"n": [len(calls)]})

    export_scope = Scope(icb="QRV")
    get = shared(fetch, export_scope)
    get("appointments_monthly")
    get("appointments_monthly", export_scope)
    get("appointments_monthly", Scope(icb="QRV", programme="GPIP"))
    get("appointments_monthly", Scope(icb="QWE"))
    get("data_status")
    get("data_status", Scope(region="Y56"))
    assert calls == [
        ("appointments_monthly", None),
        ("appointments_monthly", Scope(icb="QWE")),
        ("data_status", None),
    ]
