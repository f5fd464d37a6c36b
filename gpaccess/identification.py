"""Support identification: the up to 20% of each ICB's practices that most need support (2021 access plan).

Pure definitions shared by the pages, the CLI and the tests; the ranking itself runs in SQL where data is read
(queries/support_reach.sql for counts, queries/support_list.sql for the named list, ICB viewers only).

Rule: within each ICB, the practices with a value for the measure over the window are ranked from lowest to
highest on the unrounded value; equal values are ordered by practice code; the lowest ceil(0.2 x n) are "the
lowest 20%". Public, national and regional outputs show counts and shares only, with the small-number rule for
ranking counts (gpaccess.disclosure).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from gpaccess import disclosure
from gpaccess.access import Viewer
from gpaccess.db import run
from gpaccess.scope import Scope

FEWER_THAN = disclosure.FEWER_THAN


@dataclass(frozen=True)
class SupportMeasure:
    key: str  # value of $measure
    label: str
    unit: str


SUPPORT_MEASURES = {
    m.key: m
    for m in (
        SupportMeasure("face_to_face_pct", "Face-to-face share", "%"),
        SupportMeasure("appointments_per_1000", "Appointments per 1,000 registered patients", ""),
        SupportMeasure("same_day_pct", "Same-day share", "%"),
        # the lowest share booked within 2 weeks ranks first: the longest waits
        SupportMeasure("within_2_weeks_pct", "Booked within 2 weeks (longest waits first)", "%"),
    )
}
DEFAULT_MEASURE = "face_to_face_pct"

WINDOWS = {1: "One month", 3: "Last 3 months", 12: "Last 12 months"}
DEFAULT_WINDOW = 3  # months: the page's first choice and the board pack's window
ONE_MONTH_CAVEAT = (
    "One month is a snapshot: a practice's share moves from month to month (holidays, staff absence, a "
    "vaccination clinic), so a one-month list can name practices that are usually fine. Use 3 or 12 months "
    "to decide on support."
)


def window_bounds(last_month: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """First and last month of a window of `months` months ending with `last_month`."""
    if months not in WINDOWS:
        raise ValueError(f"window must be one of {sorted(WINDOWS)}")
    index = last_month.year * 12 + last_month.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1), dt.date(last_month.year, last_month.month, 1)


def shown_count(count: int | None, *, exact: bool = False) -> str:
    """A count from the ranking as shown: "fewer than 5" for 0 to 4 unless `exact` (the ICB's own users)."""
    return disclosure.shown_count(count, exact=exact, ranking=True)


def shown_share(part: int, whole: int, *, exact: bool = False) -> str:
    """part/whole as a whole percentage; "fewer than 5" when part or whole is below 5 (unless `exact`)."""
    return disclosure.shown_share(part, whole, exact=exact, ranking=True, digits=0)


def support_list_records(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope, measure: str, months: int
) -> list[dict[str, Any]]:
    """The named lowest-20% list for `scope.icb`, ending with the latest month held (for the CLI).

    Goes through gpaccess.db.run, so it raises AccessDenied for anyone but that ICB's own viewer."""
    if measure not in SUPPORT_MEASURES:
        raise ValueError(f"measure must be one of {sorted(SUPPORT_MEASURES)}")
    latest = con.execute("SELECT max(month) FROM practice_month").fetchone()
    if latest is None or latest[0] is None:
        return []
    window_from, window_to = window_bounds(latest[0], months)
    frame = run(
        con,
        "support_list",
        viewer,
        scope,
        measure=measure,
        window_from=window_from,
        window_to=window_to,
    )
    return [
        {
            "rank_in_icb": int(r.rank_in_icb),
            "practice_code": r.practice_code,
            "practice_name": r.practice_name,
            "value": float(r.value),
            "in_accelerate": bool(r.in_accelerate),
            "in_gpip": bool(r.in_gpip),
            "window": f"{window_from:%Y-%m} to {window_to:%Y-%m}",
            "marking": "OFFICIAL-SENSITIVE",
        }
        for r in frame.itertuples(index=False)
    ]
