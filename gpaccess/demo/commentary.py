"""The synthetic demo's board commentary: a few sentences for England, London and two ICBs for the demo's last
month, written through the one write path (gpaccess.commentary.write_commentary) by the viewer each scope's
rules require, and marked as synthetic by its author. Words only: every figure on the page is computed."""

from __future__ import annotations

import datetime as dt

import duckdb

from gpaccess.access import Viewer
from gpaccess.commentary import SYNTHETIC_AUTHOR, write_commentary
from gpaccess.scope import Scope

# (scope, the viewer who may write for it, text)
DEMO_COMMENTARY: tuple[tuple[Scope, Viewer, str], ...] = (
    (
        Scope(),
        Viewer("national"),
        "Synthetic demo commentary. GPIP sign-ups have slowed as the programme nears its target, so the "
        "trajectory depends on the regions with the lowest uptake. Outcomes are read against their SPC limits "
        "before any action is agreed. The board is asked to note the trajectory.",
    ),
    (
        Scope(region="Y56"),
        Viewer("region", region_code="Y56"),
        "Synthetic demo commentary. Uptake in London varies widely between ICBs. Two ICBs name staff "
        "capacity as the main barrier, and the region is agreeing backfill with them.",
    ),
    (
        Scope(region="Y56", icb="QRV"),
        Viewer("icb", icb_code="QRV"),
        "Synthetic demo commentary. GPIP uptake in North West London remains low and some practices withdrew. "
        "Practices ask for evidence of impact before they commit time. The ICB will share the matched "
        "comparison with its practices this quarter.",
    ),
    (
        Scope(region="Y63", icb="QF7"),
        Viewer("icb", icb_code="QF7"),
        "Synthetic demo commentary. Few practices in South Yorkshire have enrolled, mainly for lack of staff "
        "capacity. The ICB is testing a shorter intermediate offer.",
    ),
)


def write_demo_commentary(con: duckdb.DuckDBPyConnection) -> int:
    """Write the demo's commentary for its last month of appointments; returns how many were written."""
    row = con.execute("SELECT max(month) FROM practice_month").fetchone()
    if row is None or row[0] is None:
        return 0
    month: dt.date = row[0]
    written_at = dt.datetime(month.year, month.month, 1) + dt.timedelta(days=36, hours=9)
    for scope, viewer, text in DEMO_COMMENTARY:
        write_commentary(con, viewer, scope, month, text, written_at, written_by=SYNTHETIC_AUTHOR)
    return len(DEMO_COMMENTARY)
