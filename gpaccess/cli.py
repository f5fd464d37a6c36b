"""Command line: `gpaccess` (installed by scripts/setup.sh into .venv), or `python -m gpaccess` in the project.

gpaccess [--db PATH] ingest FILE... [--replace]     load published files and the programme tracker (all or nothing)
gpaccess [--db PATH] fetch [--month YYYY-MM] [--page URL] [--list-sizes]
                                                    download a month from NHS England and load it
gpaccess [--db PATH] demo [--scale national]        build the synthetic demo in its own database
gpaccess [--db PATH] figures [--json] [--region CODE] [--icb CODE]   headline figures (text; JSON with --json)
gpaccess [--db PATH] export [--out FILE] [--charts KEY,...|--page NAME] [--region CODE] [--icb CODE] [--as ROLE]
                                                    board pack (the default charts, or those chosen), or
                                                    one page's slides (PowerPoint)
gpaccess [--db PATH] commentary --month YYYY-MM --text TEXT [--region CODE] [--icb CODE] --as ROLE [--by NAME]
                                                    write the board commentary for a scope and month
gpaccess [--db PATH] spc-change --measure M --month YYYY-MM --reason TEXT [--remove] [--region CODE] [--icb CODE]
         --as ROLE [--by NAME]                      record (or take out) a change that re-bases SPC limits

--db goes before or after the command. Databases (gpaccess/config.py): loads write the real database
data/gpaccess.duckdb; `demo` builds data/demo.duckdb; `figures` and `export` read the real database when it holds
data, else the demo. --db, or the GPACCESS_DB environment variable, names one file for all of them.
`commentary` and `spc-change` write to the database `figures` and `export` read (--as as for those).
Exit status: 0 done; 2 refused (bad input, unknown code, busy database: nothing was changed); 3 not allowed.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

import duckdb

from gpaccess.access import PUBLIC, ROLES, AccessDenied, Viewer
from gpaccess.cli_write import add_commands as add_write_commands
from gpaccess.config import database_path, demo_database_path
from gpaccess.db import run
from gpaccess.ingest import IngestError, LoadPlan, ingest_files
from gpaccess.registry import PAGES
from gpaccess.scope import NATIONAL, Scope
from gpaccess.store import connect_read_only, connect_writable
from gpaccess.store.which import reading_database


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return int(args.handler(args) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gpaccess",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", help="database file (default: see above)")
    commands = parser.add_subparsers(required=True, dest="command")
    # --db also after the subcommand (as the usage line shows); SUPPRESS keeps the top-level value when absent
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument("--db", default=argparse.SUPPRESS, help="database file")
    _add_load_commands(commands, database)
    demo = commands.add_parser("demo", parents=[database], help="build the synthetic demo database")
    demo.add_argument("--scale", choices=("demo", "national"), default="demo")
    demo.add_argument("--months", type=int, help="only the last N months (benchmarks)")
    demo.add_argument(
        "--files", type=Path, help="where to write the generated files (default: a temp folder)"
    )
    demo.add_argument("--seed", type=int, default=2021)
    demo.set_defaults(handler=_demo)
    _add_figures(commands, database)
    _add_export(commands, database)
    add_write_commands(commands, database)
    return parser


def _add_load_commands(
    commands: argparse._SubParsersAction, database: argparse.ArgumentParser
) -> None:
    ingest = commands.add_parser(
        "ingest",
        parents=[database],
        help="load published GPAD files, list sizes, programme tracker",
    )
    ingest.add_argument("files", nargs="+", type=Path)
    _add_load_options(ingest)
    ingest.set_defaults(handler=_ingest)
    fetch = commands.add_parser(
        "fetch",
        parents=[database],
        help="download a month's practice-level zip from NHS England and load it",
        description="Find the practice-level crosstab zip on NHS England's 'Appointments in General "
        "Practice' page for the month (default: the newest edition), download it and load it.",
    )
    fetch.add_argument(
        "--month", type=_month, help="the edition's month, YYYY-MM (default: newest)"
    )
    fetch.add_argument("--page", help="the edition page's address, instead of finding it")
    fetch.add_argument(
        "--list-sizes",
        action="store_true",
        help="also gp-reg-pat-prac-all.csv and -map.csv from the newest 'Patients Registered at a GP "
        "Practice' edition",
    )
    fetch.add_argument(
        "--list-page", help="with list sizes: that publication's edition page address"
    )
    _add_load_options(fetch)
    fetch.set_defaults(handler=_fetch)


def _add_load_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--by", default="cli", help="who is loading (recorded in the load log)")
    command.add_argument(
        "--replace",
        action="store_true",
        help="let a programme tracker sheet with no rows empty its table (otherwise it is left as it is)",
    )


def _month(text: str):  # type: ignore[no-untyped-def]
    from gpaccess.fetch import parse_month

    try:
        return parse_month(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_figures(commands: argparse._SubParsersAction, database: argparse.ArgumentParser) -> None:
    figures = commands.add_parser(
        "figures", parents=[database], help="print headline figures for a scope"
    )
    figures.add_argument("--json", action="store_true", help="JSON for programs (default: text)")
    figures.add_argument("--region", help="NHS England region code, e.g. Y56")
    figures.add_argument("--icb", help="ICB ODS code, e.g. QRV")
    figures.add_argument("--as", dest="role", choices=ROLES, default="public")
    figures.add_argument("--as-icb", help="the viewer's ICB, with --as icb")
    figures.add_argument("--as-region", help="the viewer's region, with --as region")
    figures.add_argument(
        "--support-list",
        choices=("face_to_face_pct", "appointments_per_1000", "same_day_pct"),
        help="print the ICB's named lowest-20%% list on this measure (ICB viewers for their --icb only)",
    )
    figures.add_argument(
        "--window", type=int, choices=(1, 3, 12), default=3, help="months, with --support-list"
    )
    figures.set_defaults(handler=_figures)


def _add_export(commands: argparse._SubParsersAction, database: argparse.ArgumentParser) -> None:
    export = commands.add_parser(
        "export", parents=[database], help="write the board pack as a PowerPoint deck"
    )
    export.add_argument(
        "--out",
        type=Path,
        help="where to write the .pptx (a file, or a folder for the default name; default: here, named "
        "board-pack_<scope>_<YYYY-MM>_<marking>.pptx)",
    )
    what = export.add_mutually_exclusive_group()
    what.add_argument(
        "--page",
        choices=list(PAGES),
        help="one page's slides, as its Download slides button gives them (NAME as in the page's URL)",
    )
    what.add_argument(
        "--charts",
        help="the board pack's charts, KEY,KEY,... (registry keys, as in the board pack page's URL); "
        "default: the default pack",
    )
    export.add_argument("--region", help="NHS England region code, e.g. Y56")
    export.add_argument("--icb", help="ICB ODS code, e.g. QRV")
    export.add_argument("--programme", choices=("All", "Accelerate", "GPIP"), default="All")
    export.add_argument("--as", dest="role", choices=ROLES, default="public")
    export.add_argument(
        "--as-region", dest="viewer_region", help="the viewer's region (role region)"
    )
    export.add_argument("--as-icb", dest="viewer_icb", help="the viewer's ICB (role icb)")
    export.set_defaults(handler=_export)


def _ingest(args: argparse.Namespace) -> int:
    return _load(database_path(args.db), args.files, args)


def _fetch(args: argparse.Namespace) -> int:
    from gpaccess.fetch import FetchError, fetch_files

    path = database_path(args.db)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=path.name + ".download-", dir=path.parent) as folder:
        try:
            files = fetch_files(
                Path(folder),
                month=args.month,
                page=args.page,
                list_sizes=args.list_sizes,
                list_page=args.list_page,
                progress=_print_progress,
            )
        except FetchError as error:
            print(f"\nFetch failed: {error}\nNothing was changed.", file=sys.stderr)
            return 2
        print()
        return _load(path, files, args)


def _load(path: Path, files: list[Path], args: argparse.Namespace) -> int:
    """Load files into the database at `path`: say what the load replaces, then load; exit 2 if refused."""
    try:
        con = connect_writable(path)
    except duckdb.IOException as error:
        print(database_busy_message(path, error), file=sys.stderr)
        return 2
    try:
        report = ingest_files(
            con, files, loaded_by=args.by, replace=args.replace, on_plan=_print_plan
        )
    except IngestError as error:
        print(error.describe(), file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - no traceback for an analyst; the transaction rolled back
        if os.environ.get("GPACCESS_DEBUG"):
            raise
        print(
            f"Load failed: {type(error).__name__}: {str(error)[:300]}\nNothing was changed "
            "(the load runs in one transaction). Set GPACCESS_DEBUG=1 to see the traceback.",
            file=sys.stderr,
        )
        return 2
    finally:
        con.close()
    print(report.summary())
    print(f"Database: {path}")
    return 0


def _print_plan(plan: LoadPlan) -> None:
    print(plan.describe(), flush=True)


def database_busy_message(path: Path, error: duckdb.Error) -> str:
    """DuckDB's lock error in words (docs/loading-data.md): who holds the file and what to do."""
    text = str(error)
    if "lock" not in text.lower():
        return f"Cannot open the database {path} for loading: {text.splitlines()[0][:300]}"
    pid = re.search(r"PID (\d+)", text)
    holder = f"process {pid.group(1)}" if pid else "another process"
    return (
        f"Load refused: the database {path} is in use by {holder}: stop the dashboard or load from "
        "the Data page (DuckDB allows one writer at a time). Nothing was changed."
    )


def _demo(args: argparse.Namespace) -> int:
    from gpaccess.demo_build import DemoTargetRefused, build_demo_database, check_demo_target

    path = demo_database_path(args.db)
    try:
        check_demo_target(path)
    except DemoTargetRefused as error:
        print(f"Refused: {error}", file=sys.stderr)
        return 2
    build_demo_database(
        path,
        scale=args.scale,
        months=args.months,
        files_dir=args.files,
        seed=args.seed,
        progress=_print_progress,
    )
    print(f"\nDemo database ready: {path}")
    return 0


def _print_progress(fraction: float, message: str) -> None:
    print(f"\r[{fraction:6.1%}] {message[:70]:<70}", end="", flush=True)


def unknown_codes(con: duckdb.DuckDBPyConnection, **codes: str | None) -> str | None:
    """A message for region/ICB codes (option name -> code) not in the data, naming close matches; else None."""
    geography = run(con, "geography", PUBLIC, NATIONAL)
    known = {
        "region": set(geography["region_code"]),
        "icb": set(geography["icb_code"]),
    }
    problems = []
    for option, code in codes.items():
        kind = "icb" if option.endswith("icb") else "region"
        if code is not None and code not in known[kind]:
            close = difflib.get_close_matches(code.upper(), sorted(known[kind]), n=3, cutoff=0.3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            label = "an ICB" if kind == "icb" else "a region"
            problems.append(
                f"--{option.replace('_', '-')} {code!r} is not {label} code in the data{hint}"
            )
    return "; ".join(problems) or None


def _open_for_reading(explicit: str | None) -> duckdb.DuckDBPyConnection | None:
    """The database `figures` and `export` read, opened read-only; None (after saying why) if it cannot be."""
    path = reading_database(explicit)
    if not path.exists():
        print(
            f"No database at {path}. Load real data with `gpaccess fetch` or `gpaccess ingest FILE...`, "
            "or build the synthetic demo with `gpaccess demo`.",
            file=sys.stderr,
        )
        return None
    try:
        return connect_read_only(path)
    except duckdb.IOException as error:
        print(
            database_busy_message(path, error).replace("Load refused", "Refused"), file=sys.stderr
        )
        return None


def _figures(args: argparse.Namespace) -> int:
    from gpaccess.figures import headline_figures
    from gpaccess.figures_text import figures_text

    con = _open_for_reading(args.db)
    if con is None:
        return 2
    try:
        if message := unknown_codes(
            con, region=args.region, icb=args.icb, as_icb=args.as_icb, as_region=args.as_region
        ):
            print(message, file=sys.stderr)
            return 2
        scope = Scope(region=args.region, icb=args.icb)
        viewer = Viewer(role=args.role, region_code=args.as_region, icb_code=args.as_icb)
        if args.support_list:
            return _support_list(con, viewer, scope, args)
        figures = headline_figures(con, viewer, scope)
    finally:
        con.close()
    print(json.dumps(figures, indent=2) if args.json else figures_text(figures))
    return 0


def _support_list(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, scope: Scope, args: argparse.Namespace
) -> int:
    from gpaccess.figures_text import records_text
    from gpaccess.identification import support_list_records

    try:
        records = support_list_records(con, viewer, scope, args.support_list, args.window)
    except AccessDenied as error:
        print(f"Refused: {error}", file=sys.stderr)
        return 3
    print(json.dumps(records, indent=2) if args.json else records_text(records))
    return 0


def _export(args: argparse.Namespace) -> int:
    from gpaccess.export.pack import DEFAULT_PACK, PACK_CHOICES, make_deck, unknown_charts

    charts = [key.strip() for key in args.charts.split(",") if key.strip()] if args.charts else []
    unknown = unknown_charts(charts)
    if args.charts is not None and (unknown or not charts):
        print(
            f"Refused: unknown charts: {', '.join(unknown) or '(none given)'}. "
            f"Known charts: {', '.join(PACK_CHOICES)}",
            file=sys.stderr,
        )
        return 2
    con = _open_for_reading(args.db)
    if con is None:
        return 2
    try:
        if message := unknown_codes(
            con,
            region=args.region,
            icb=args.icb,
            as_icb=args.viewer_icb,
            as_region=args.viewer_region,
        ):
            print(message, file=sys.stderr)
            return 2
        scope = Scope(region=args.region, icb=args.icb, programme=args.programme)
        viewer = Viewer(
            role=args.role,
            region_code=args.viewer_region or (args.region if args.role == "region" else None),
            icb_code=args.viewer_icb or (args.icb if args.role == "icb" else None),
        )
        try:
            deck = make_deck(con, viewer, scope, charts or DEFAULT_PACK, page=args.page)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
    finally:
        con.close()
    out = args.out or Path(deck.file_name)
    if out.is_dir():
        out = out / deck.file_name
    out.write_bytes(deck.content)
    what = f"Slides of page {args.page}" if args.page else "Board pack"
    print(f"{what} written: {out} ({len(deck.content) // 1024:,} KB, {deck.marking})")
    return 0
