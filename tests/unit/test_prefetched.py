"""A deck's declared queries started at once (gpaccess.export.pack.prefetched) through a `shared` fetch: each runs
once, in the order given, whoever asks for it first; an error reaches the caller that asks; a failed deck drops
the queries not yet started."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from gpaccess.export.pack import prefetched
from gpaccess.export.sections import shared
from gpaccess.registry import Read


def recording(started: list[str], gate: threading.Event | None = None):
    def fetch(name: str, scope=None, **extra) -> pd.DataFrame:
        started.append(name)
        if gate is not None:
            gate.wait(5)
        if name == "broken":
            raise ValueError("no such table")
        return pd.DataFrame({"name": [name]})

    return fetch


def test_each_query_runs_once_in_order():
    started: list[str] = []
    fetch = shared(recording(started))
    with prefetched(fetch, [Read("a"), Read("b"), Read("a"), Read.of("c", month=1)], workers=1):
        pass
    assert started == ["a", "b", "c"]
    assert fetch("c", month=1)["name"].tolist() == ["c"] and started == ["a", "b", "c"]  # held


def test_whoever_asks_first_runs_it_once_and_each_gets_its_result():
    started: list[str] = []
    fetch = shared(recording(started))
    with prefetched(fetch, [Read("a"), Read("b"), Read.of("c", month=1)], workers=1):
        assert fetch("b")["name"].tolist() == ["b"]
        assert fetch("c", month=1)["name"].tolist() == ["c"]
    assert sorted(started) == ["a", "b", "c"]


def test_an_error_reaches_the_caller_that_asks():
    fetch = shared(recording([]))
    with prefetched(fetch, [Read("broken"), Read("a")], workers=1):
        with pytest.raises(ValueError, match="no such table"):
            fetch("broken")
        assert fetch("a")["name"].tolist() == ["a"]


def test_a_failed_deck_drops_the_queries_not_started():
    started: list[str] = []
    gate = threading.Event()
    fetch = shared(recording(started, gate))
    with pytest.raises(RuntimeError), prefetched(fetch, [Read(n) for n in "abc"], workers=1):
        while not started:  # "a" is running (held at the gate)
            threading.Event().wait(0.01)
        threading.Timer(0.1, gate.set).start()  # let it finish while the deck fails
        raise RuntimeError("the deck failed")
    assert started == ["a"]  # b and c were never started


def test_no_workers_runs_nothing_ahead():
    started: list[str] = []
    with prefetched(shared(recording(started)), [Read("a")], workers=0):
        assert started == []
