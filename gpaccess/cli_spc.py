"""`gpaccess spc-change`: record (or take out) a change that re-bases an SPC chart's limits, from the command line.

    gpaccess spc-change --measure face_to_face_pct --month 2023-04 --reason "..." --as national
    gpaccess spc-change --measure dna_pct --month 2024-01 --reason "..." --icb QRV --as icb --as-icb QRV
    gpaccess spc-change --measure dna_pct --month 2024-01 --remove --icb QRV --as icb --as-icb QRV

Writes the database the dashboard shows (the real one when it holds data, else the demo; --db names one), through
gpaccess.spc_changes: the same rules as the dashboard's form. Exit status 0 done, 2 refused (bad month, measure
or reason, unknown code, busy database: nothing written), 3 not allowed (the role may not write for the scope).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

import duckdb

from gpaccess.access import ROLES, Viewer
from gpaccess.charts.appointments import MEASURES
from gpaccess.db import run
from gpaccess.scope import NATIONAL, Scope
from gpaccess.spc_changes import ChangeRefused, record_change, remove_change
from gpaccess.store import connect_writable
from gpaccess.store.which import reading_database


def add_command(commands: argparse._SubParsersAction, database: argparse.ArgumentParser) -> None:
    from gpaccess.cli import _month

    command = commands.add_parser(
        "spc-change",
        parents=[database],
        help="record (or with --remove take out) a change that re-bases an SPC chart's limits",
    )
    command.add_argument("--measure", required=True, choices=sorted(MEASURES))
    command.add_argument(
        "--month", required=True, type=_month, help="YYYY-MM, the month it took effect"
    )
    command.add_argument("--reason", help="what changed, in plain words (200 characters at most)")
    command.add_argument("--remove", action="store_true", help="take out the change of that month")
    command.add_argument("--region", help="the scope's NHS England region code (none: England)")
    command.add_argument("--icb", help="the scope's ICB ODS code")
    command.add_argument("--as", dest="role", choices=ROLES, default="public")
    command.add_argument("--as-region", help="the writer's region, with --as region")
    command.add_argument("--as-icb", help="the writer's ICB, with --as icb")
    command.add_argument("--by", help="who is recording (kept with the change; default: the role)")
    command.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    from gpaccess.cli import database_busy_message, unknown_codes

    viewer = Viewer(role=args.role, region_code=args.as_region, icb_code=args.as_icb)
    path = reading_database(getattr(args, "db", None))
    try:
        con = connect_writable(path)
    except duckdb.IOException as error:
        print(
            database_busy_message(path, error).replace("Load refused", "Refused"), file=sys.stderr
        )
        return 2
    try:
        if message := unknown_codes(con, region=args.region, icb=args.icb):
            print(message, file=sys.stderr)
            return 2
        scope = _scope(con, args.region, args.icb)
        if not viewer.may_write_for(scope.region, scope.icb):
            print(
                f"Refused: {viewer.label} may not record changes for this scope.", file=sys.stderr
            )
            return 3
        return _write(con, viewer, scope, args)
    finally:
        con.close()


def _scope(con: duckdb.DuckDBPyConnection, region: str | None, icb: str | None) -> Scope:
    """The scope written for: an ICB's with its own region, a region's, or England's."""
    if icb:
        geography = run(con, "geography", Viewer(), NATIONAL)
        region = str(geography.loc[geography["icb_code"] == icb, "region_code"].iloc[0])
    return Scope(region=region, icb=icb)


def _write(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope, args: argparse.Namespace
) -> int:
    now = dt.datetime.now().replace(microsecond=0)
    label = MEASURES[args.measure].label.lower()
    try:
        if args.remove:
            remove_change(con, viewer, scope, args.measure, args.month, now, args.by)
            print(f"Taken out: the change to {label} from {args.month:%B %Y}.")
        else:
            record_change(
                con, viewer, scope, args.measure, args.month, args.reason or "", now, args.by
            )
            print(
                f"Recorded: {label} changed from {args.month:%B %Y} (limits re-based there when 12 "
                "months or more lie on each side)."
            )
    except ChangeRefused as refused:
        print(f"Refused: {refused}", file=sys.stderr)
        return 2
    return 0
