"""Changes users record to a process, at which an SPC chart's limits are re-based (docs/spc.md).

Making Data Count re-bases limits only where something known changed the process, never because the data moved.
A change is recorded for one measure and one scope (England, a region or an ICB), from the month it took effect,
with a reason in plain words. Who may record: `Viewer.may_write_for(region, icb)` (national users for England, a
region's users for it, an ICB's users for it). Everything else is refused with `ChangeRefused` before anything
is written.

Recording a change for a month that already has one in force supersedes it (the earlier one is marked removed,
by the new recorder); `remove_change` takes one out. Nothing is deleted: removed rows keep who and when.

The app writes through `gpaccess.app.data.writing()`, the command line through `gpaccess spc-change`, the
synthetic demo build through the same `record_change`. Reading is `queries/spc_changes.sql` (`changes_for`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from gpaccess.access import Viewer, role_token
from gpaccess.charts.appointments import MEASURES
from gpaccess.db import run
from gpaccess.scope import Scope
from gpaccess.text import CONTROL

REASON_LIMIT = 200  # characters
COLUMNS = ["measure", "change_month", "reason", "recorded_as", "recorded_at"]


class ChangeRefused(ValueError):
    """The change was not recorded (or removed): the message says why, in words a user can act on."""


@dataclass(frozen=True)
class RecordedChange:
    measure: str
    month: dt.date
    reason: str


def record_change(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope: Scope,
    measure: str,
    month: dt.date,
    reason: str,
    now: dt.datetime,
    recorded_by: str | None = None,
) -> RecordedChange:
    """Record that `measure` changed in `scope` from `month`, for `reason`; refused (nothing written) unless the
    viewer may write for the scope, the measure is an SPC measure, the month is one held for the scope after its
    first, and the reason is one line of plain text within REASON_LIMIT characters."""
    _check_writer(viewer, scope)
    _check_measure(measure)
    text = checked_reason(reason)
    _check_month(con, viewer, scope, measure, month)
    who = recorded_by or viewer.email or viewer.label
    con.execute("BEGIN TRANSACTION")
    try:
        _mark_removed(con, scope, measure, month, who, now)
        con.execute(
            "INSERT INTO spc_change VALUES ($id, $measure, $region, $icb, $month, $reason, $by, $as, $at, "
            "NULL, NULL)",
            {
                "id": str(uuid.uuid4()),
                "measure": measure,
                "region": scope.region,
                "icb": scope.icb,
                "month": month,
                "reason": text,
                "by": who,
                "as": role_token(viewer),
                "at": now,
            },
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return RecordedChange(measure, month, text)


def remove_change(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope: Scope,
    measure: str,
    month: dt.date,
    now: dt.datetime,
    removed_by: str | None = None,
) -> None:
    """Take out the change in force for `measure`, `scope` and `month` (kept, marked removed by whom and when);
    refused like `record_change`, and when there is no such change."""
    _check_writer(viewer, scope)
    _check_measure(measure)
    if not _in_force(con, scope, measure, month):
        raise ChangeRefused(
            f"No change is recorded for {MEASURES[measure].label.lower()} from {month:%B %Y} here: "
            "nothing was removed."
        )
    _mark_removed(con, scope, measure, month, removed_by or viewer.email or viewer.label, now)


def changes_for(fetch: Callable[..., pd.DataFrame], measure: str | None = None) -> pd.DataFrame:
    """The changes in force for the fetch's scope (`queries/spc_changes.sql`), of one measure if given. A database
    written before changes could be recorded has no such table: no changes, rather than no chart."""
    try:
        frame = fetch("spc_changes")
    except duckdb.CatalogException:
        return pd.DataFrame(columns=COLUMNS)
    if measure is not None:
        frame = frame[(frame["measure"].to_numpy() == measure)]
    return frame.reset_index(drop=True)


def as_changes(frame: pd.DataFrame) -> list[RecordedChange]:
    """Rows of `spc_changes` as RecordedChange, in month order."""
    return [
        RecordedChange(str(m), pd.Timestamp(d).date(), str(r))
        for m, d, r in zip(frame["measure"], frame["change_month"], frame["reason"], strict=True)
    ]


def checked_reason(reason: object) -> str:
    """The reason, trimmed: non-empty plain text on one line within REASON_LIMIT characters, else refused."""
    if not isinstance(reason, str) or not reason.strip():
        raise ChangeRefused("Give a reason for the change (what changed, in a few words).")
    text = reason.strip()
    if CONTROL.search(text):
        raise ChangeRefused(
            "The reason must be one line of plain text (no line breaks or control characters)."
        )
    if len(text) > REASON_LIMIT:
        raise ChangeRefused(
            f"The reason is {len(text)} characters long: keep it to {REASON_LIMIT} at most."
        )
    return text


def _check_writer(viewer: Viewer, scope: Scope) -> None:
    if not viewer.may_write_for(scope.region, scope.icb):
        where = (
            f"ICB {scope.icb}"
            if scope.icb
            else f"region {scope.region}"
            if scope.region
            else "England"
        )
        raise ChangeRefused(
            f"{viewer.label} may not record changes for {where}: national users record them for England, a "
            "region's users for their region, an ICB's users for their ICB. Nothing was written."
        )


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise ChangeRefused(
            f"Unknown measure {measure!r}: one of {', '.join(sorted(MEASURES))}. Nothing was written."
        )


def _check_month(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope, measure: str, month: dt.date
) -> None:
    if not isinstance(month, dt.date) or isinstance(month, dt.datetime) or month.day != 1:
        raise ChangeRefused("The month of a change is the first day of a month (e.g. 2023-04-01).")
    whole = scope.with_(date_from=None, date_to=None, programme="All")
    monthly = run(con, "appointments_monthly", viewer.permission, whole)
    held = sorted(pd.Timestamp(m).date() for m in monthly.dropna(subset=[measure])["month"])
    if len(held) < 2 or month not in held[1:]:
        span = f"{held[1]:%b %Y} to {held[-1]:%b %Y}" if len(held) > 1 else "none"
        raise ChangeRefused(
            f"{month:%B %Y} is not a month this scope holds data for after its first (months held: {span}). "
            "Nothing was written."
        )


def _in_force(con: duckdb.DuckDBPyConnection, scope: Scope, measure: str, month: dt.date) -> bool:
    recorded = run(con, "spc_changes", Viewer(), scope)  # the scope's own changes in force
    months = {
        pd.Timestamp(m).date() for m in recorded.loc[recorded["measure"] == measure, "change_month"]
    }
    return month in months


def _mark_removed(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    measure: str,
    month: dt.date,
    who: str,
    now: dt.datetime,
) -> None:
    # the same scope as queries/spc_changes.sql reads: an ICB's changes by its code, a region's or England's by
    # the region code (NULL for England)
    con.execute(
        "UPDATE spc_change SET removed_by = $who, removed_at = $now WHERE removed_at IS NULL "
        "AND measure = $measure AND change_month = $month AND icb_code IS NOT DISTINCT FROM $icb "
        "AND ($icb IS NOT NULL OR region_code IS NOT DISTINCT FROM $region)",
        {
            "who": who,
            "now": now,
            "measure": measure,
            "month": month,
            "icb": scope.icb,
            "region": scope.region,
        },
    )
