"""Every file in queries/ keeps the house contract and runs on the demo database through db.run.

Contract: a header naming grain, parameters, source and identities; CTEs ending in `final`; queries that
declare no identities return no identity columns (db.run raises if they do); queries that declare practice
identities are refused to anyone but the ICB's own viewer.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from gpaccess.access import PUBLIC, AccessDenied, Viewer
from gpaccess.db import IDENTITY_COLUMNS, load_query, query_names, run
from gpaccess.identification import window_bounds
from gpaccess.impact import query_params
from gpaccess.scope import Scope

NAMES = query_names()
LAST_MONTH = dt.date(2026, 9, 1)  # the demo's last month
WINDOW_FROM, WINDOW_TO = window_bounds(LAST_MONTH, 3)
EXTRA = {
    "phase": None,
    "month": LAST_MONTH,
    "measure": "face_to_face_pct",
    "window_from": WINDOW_FROM,
    "window_to": WINDOW_TO,
    "dimension": "time_band",
}
# The key each query's declared grain names (checked unique on the demo), for the queries of access in depth.
GRAIN_KEYS = {
    "access_mix_monthly": ("month", "category"),
    "access_by_sub_icb": ("sub_icb_code",),
    "access_by_pcn": ("pcn_code",),
    "appointments_monthly": ("month",),
    "access_by_icb": ("icb_code",),
}


def extra_for(name: str) -> dict:
    if name.startswith(("impact_panel", "impact_estimate")):
        return query_params("face_to_face")
    needed = set(load_query(name).parameters) - set(Scope().params())
    return {key: EXTRA[key] for key in needed}


@pytest.fixture(scope="module")
def con(demo_db):
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def test_there_are_queries():
    assert len(NAMES) >= 30


@pytest.mark.parametrize("name", NAMES)
def test_header_and_final_cte(name):
    text = (load_query(name).sql).lower()
    for field in ("grain", "parameters", "source", "identities"):
        assert re.search(rf"^-- {field}: \S", text, re.M), f"{name}: header lacks '{field}:'"
    assert re.search(r"\bfinal as \(", text), f"{name}: no CTE named final"


@pytest.mark.parametrize("name", NAMES)
def test_runs_for_its_viewer(con, name):
    query = load_query(name)
    scope = Scope(icb="QRV") if query.identities else Scope()
    if query.identities:
        with pytest.raises(AccessDenied):
            run(con, name, PUBLIC, scope, **extra_for(name))
        frame = run(con, name, Viewer(role="icb", icb_code="QRV"), scope, **extra_for(name))
    else:
        frame = run(con, name, PUBLIC, scope, **extra_for(name))
        assert not IDENTITY_COLUMNS & {c.lower() for c in frame.columns}
    assert len(frame.columns) > 0


@pytest.mark.parametrize("name", sorted(GRAIN_KEYS))
@pytest.mark.parametrize("dimension", ["time_band", "hcp_type", "national_category"])
def test_grain_is_as_declared(con, name, dimension):
    """One row per declared key, in an ICB's scope (the sub-ICB and PCN queries need one), on the full demo."""
    params = {
        **extra_for(name),
        **({"dimension": dimension} if name == "access_mix_monthly" else {}),
    }
    frame = run(con, name, PUBLIC, Scope(region="Y56", icb="QRV"), **params)
    assert not frame.empty, name
    key = list(GRAIN_KEYS[name])
    assert not frame.duplicated(key).any(), f"{name}: more than one row per {key}"
