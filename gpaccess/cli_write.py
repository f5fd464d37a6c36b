"""What users write, from the command line: the board commentary and changes that re-base SPC limits.

    gpaccess commentary --month 2026-09 --text "..." --icb QRV --as icb --as-icb QRV --by name@nhs.net
    gpaccess spc-change --measure face_to_face_pct --month 2023-04 --reason "..." --as national
    gpaccess spc-change --measure dna_pct --month 2024-01 --remove --icb QRV --as icb --as-icb QRV

Both write the database the dashboard shows (the real one when it holds data, else the demo; --db names one),
through the same functions as the dashboard's forms (gpaccess.commentary, gpaccess.spc_changes), with the viewer
options of `figures` and `export`. Who may write: `Viewer.may_write_for` (docs/roles.md). Exit status 0 done,
2 refused (bad input, unknown code, busy database: nothing written), 3 not allowed for the scope.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable

import duckdb

from gpaccess.access import ROLES, Viewer
from gpaccess.charts.appointments import MEASURES
from gpaccess.db import run
from gpaccess.scope import NATIONAL, Scope
from gpaccess.store import connect_writable
from gpaccess.store.which import reading_database

Writer = Callable[[duckdb.DuckDBPyConnection, Viewer, Scope, argparse.Namespace], int]


def add_commands(commands: argparse._SubParsersAction, database: argparse.ArgumentParser) -> None:
    from gpaccess.cli import _month

    commentary = commands.add_parser(
        "commentary",
        parents=[database],
        help="write the board commentary for a scope and month",
        description="Write the 2 to 4 sentences shown on the Summary page and the board pack's summary "
        "slide. Each save is kept; the latest for the scope and month is shown.",
    )
    commentary.add_argument("--month", type=_month, required=True, help="YYYY-MM, the month")
    commentary.add_argument("--text", required=True, help="plain text, at most 600 characters")
    _add_writer_options(commentary)
    commentary.set_defaults(handler=lambda args: _run(args, _write_commentary))

    change = commands.add_parser(
        "spc-change",
        parents=[database],
        help="record (or with --remove take out) a change that re-bases an SPC chart's limits",
    )
    change.add_argument("--measure", required=True, choices=sorted(MEASURES))
    change.add_argument(
        "--month", required=True, type=_month, help="YYYY-MM, the month it took effect"
    )
    change.add_argument("--reason", help="what changed, in plain words (200 characters at most)")
    change.add_argument("--remove", action="store_true", help="take out the change of that month")
    _add_writer_options(change)
    change.set_defaults(handler=lambda args: _run(args, _write_change))


def _add_writer_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--region", help="the scope's NHS England region code (none: England)")
    command.add_argument("--icb", help="the scope's ICB ODS code")
    command.add_argument("--as", dest="role", choices=ROLES, default="public")
    command.add_argument("--as-region", help="the writer's region, with --as region")
    command.add_argument("--as-icb", help="the writer's ICB, with --as icb")
    command.add_argument("--by", help="who is writing, as shown (default: the role)")


def _run(args: argparse.Namespace, write: Writer) -> int:
    from gpaccess.cli import database_busy_message, unknown_codes

    viewer = Viewer(role=args.role, region_code=args.as_region, icb_code=args.as_icb)
    path = reading_database(getattr(args, "db", None))
    if not path.exists():
        print(f"No database at {path}: nothing to write to.", file=sys.stderr)
        return 2
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
            print(f"Refused: {viewer.label} may not write for this scope.", file=sys.stderr)
            return 3
        return write(con, viewer, scope, args)
    finally:
        con.close()


def _scope(con: duckdb.DuckDBPyConnection, region: str | None, icb: str | None) -> Scope:
    """The scope written for: an ICB's with its own region, a region's, or England's."""
    if icb:
        geography = run(con, "geography", Viewer(), NATIONAL)
        region = str(geography.loc[geography["icb_code"] == icb, "region_code"].iloc[0])
    return Scope(region=region, icb=icb)


def _write_commentary(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope, args: argparse.Namespace
) -> int:
    from gpaccess.commentary import CommentaryRefused, utc_now, write_commentary

    try:
        written = write_commentary(
            con, viewer, scope, args.month, args.text, utc_now(), args.by or viewer.label
        )
    except CommentaryRefused as error:
        print(f"Refused: {error} Nothing was written.", file=sys.stderr)
        return 2
    where = scope.icb or scope.region or "England"
    print(f"Commentary for {where}, {written.month:%b %Y} saved ({written.byline}).")
    return 0


def _write_change(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope, args: argparse.Namespace
) -> int:
    from gpaccess.spc_changes import ChangeRefused, record_change, remove_change

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
