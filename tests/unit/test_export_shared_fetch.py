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
