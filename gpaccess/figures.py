"""Headline figures for a scope, computed by the same queries the dashboard shows.

`gpaccess figures [--region CODE] [--icb CODE]` prints them as text (`figures_text`); with `--json`, as JSON
(`headline_figures`). Percentages are 0-100, rounded to one decimal place; a percentage of fewer than 5
practices is null except for the ICB's own users (gpaccess.disclosure). When no programme data is loaded for the
scope, every programme figure is null (never 0) and `programme_data` says "No programme data loaded".
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import duckdb
import pandas as pd

from gpaccess.access import Viewer
from gpaccess.db import run
from gpaccess.disclosure import share
from gpaccess.impact import query_params, stored_or_estimated
from gpaccess.scope import Scope


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _clean(value: Any) -> Any:
    """JSON-friendly scalars: numpy/pandas values to Python, NaN/NA to None, dates to ISO."""
    if _missing(value) or (hasattr(value, "__class__") and value.__class__.__name__ == "NaTType"):
        return None
    if isinstance(value, pd.Timestamp | dt.date):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "item"):
        return value.item()
    return value


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    return [{c: _clean(row[c]) for c in columns} for _, row in frame.iterrows()]


NO_PROGRAMME_DATA = "No programme data loaded"


def programme_data_held(con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope) -> bool:
    """Whether any programme enrolment is loaded for a practice in the scope (queries/programme_held.sql)."""
    return bool(run(con, "programme_held", viewer, scope).iloc[0]["enrolments"])


def headline_figures(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope
) -> dict[str, Any]:
    held = programme_data_held(con, viewer, scope)
    programme = {
        "accelerate": accelerate_figures(con, viewer, scope),
        "gpip": gpip_figures(con, viewer, scope),
        "uptake_by_icb": _records(
            run(con, "uptake_by_icb", viewer, scope),
            ["icb_code", "programme", "practices", "enrolled", "withdrawn", "universal"],
        ),
    }
    impact = impact_figures(con, viewer, scope)
    return {
        "scope": {"region": scope.region, "icb": scope.icb},
        "programme_data": "loaded" if held else NO_PROGRAMME_DATA,
        **(programme if held else _nulled(programme)),
        "appointments": appointment_figures(con, viewer, scope),
        "impact": impact if held else _nulled(impact),
        "funding": funding_figures(con, viewer, scope),
    }


def _nulled(value: Any) -> Any:
    """The same shape with every figure null and every list empty: no programme data is not zero."""
    if isinstance(value, dict):
        return {key: _nulled(item) for key, item in value.items()}
    if isinstance(value, list):
        return []
    return None


def accelerate_figures(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope
) -> dict[str, Any]:
    head = run(con, "accelerate_headline", viewer, scope).iloc[0]
    phases = run(con, "programme_phases", viewer, scope.with_(programme="Accelerate"))
    by_phase = phases.groupby("phase", sort=False)["supported"].sum().reset_index()
    exact = viewer.may_see_practices_of(
        scope.icb
    )  # shares of fewer than 5 practices: null for others
    return {
        "practices_supported": _clean(head["practices_supported"]),
        "extended_pct": share(head["practices_extended"], head["practices_supported"], exact=exact),
        "gains_pct_phases_1_3": share(
            head["gains_phases_1_3"], head["assessed_phases_1_3"], exact=exact
        ),
        "gains_pct_all": share(head["gains_all"], head["assessed_all"], exact=exact),
        "withdrawn": _clean(head["withdrawn"]),
        "phases": [
            {"phase": r["phase"], "practices": _clean(r["supported"])}
            for _, r in by_phase.iterrows()
        ],
    }


def gpip_figures(con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope) -> dict[str, Any]:
    head = run(con, "gpip_headline", viewer, scope).iloc[0]
    over_time = run(con, "supported_over_time", viewer, scope)
    gpip = over_time[over_time["programme"] == "GPIP"]
    return {
        "practices_benefited": _clean(head["practices_benefited"]),
        "practices_hands_on": _clean(head["practices_hands_on"]),
        "practices_universal_only": _clean(head["practices_universal_only"]),
        "target": _clean(head["target_practices"]) if bool(head["target_applies"]) else None,
        "benefited_over_time": _records(gpip, ["month", "cumulative_practices"]),
    }


def appointment_figures(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope
) -> dict[str, Any]:
    latest = run(con, "appointments_latest", viewer, scope).iloc[0]
    return {
        "latest_month": _clean(latest["latest_month"]),
        "total": _clean(latest["total"]),
        "face_to_face_pct": _round(latest["face_to_face_pct"]),
        "face_to_face_pct_year_before": _round(latest["face_to_face_pct_year_before"]),
        "within_2_weeks_pct": _round(latest["within_2_weeks_pct"]),
        "gp_pct": _round(latest["gp_pct"]),
    }


def _round(value: Any) -> float | None:
    return None if _missing(value) else round(float(value), 1)


def impact_figures(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope
) -> dict[str, dict[str, Any]]:
    """Per programme: difference-in-differences of the face-to-face share (pp) against matched comparators."""
    out: dict[str, dict[str, Any]] = {}
    for programme in ("Accelerate", "GPIP"):
        within = scope.with_(programme=programme)
        result = stored_or_estimated(
            lambda name, at, **extra: run(con, name, viewer, at, **extra),
            within,
            query_params("face_to_face"),
        )
        out[programme] = {
            "did_face_to_face_pp": _round(result.estimate),
            "ci_low": _round(result.ci_low),
            "ci_high": _round(result.ci_high),
            "n_supported": result.n_supported,
            "n_comparators": result.n_comparators,
        }
    return out


FUNDING_BY_ICB = [
    "icb_code",
    "winter_access_fund_gbp",
    "allocated_gbp",
    "spent_gbp",
    "practices_supported",
]


def funding_figures(con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope) -> dict[str, Any]:
    """The scope's winter access fund total and, per ICB with funding recorded, pounds allocated and spent (all
    funds, with payments to practices) and practices supported (queries/funding_by_icb.sql). Null (and no
    rows) when no funding is loaded for the scope, as programme figures are."""
    by_icb = run(con, "funding_by_icb", viewer, scope)
    held = by_icb[by_icb["has_funding"].astype(bool)]
    if held.empty:
        return {"winter_access_fund_gbp": None, "by_icb": []}
    rows = _records(held, FUNDING_BY_ICB)
    for row in rows:
        for key in ("winter_access_fund_gbp", "allocated_gbp", "spent_gbp"):
            row[key] = _pounds(row[key])
    return {
        "winter_access_fund_gbp": _pounds(held["winter_access_fund_gbp"].sum()),
        "by_icb": rows,
    }


def _pounds(value: Any) -> int | float | None:
    """Pounds for JSON: a whole number when there are no pence, else to the penny."""
    if _missing(value):
        return None
    amount = round(float(value), 2)
    return int(amount) if amount.is_integer() else amount
