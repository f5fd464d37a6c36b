"""Load published files into the store: validate the whole batch, then write it in one transaction.

    report = ingest_files(con, [Path("Practice_Level_Crosstab_Oct_25.zip")], loaded_by="analyst@nhs.net")

Raises IngestError (naming file, row, column, value and what was expected) and changes nothing if any file
in the batch is wrong.

Bounded: files past the size limits are refused before they are read (sources.py); DuckDB works within
`LOAD_MEMORY_LIMIT` and spills to a folder beside the database (at most `LOAD_TEMP_LIMIT`), where zips are
unpacked too. That folder is emptied at the start of every load, so a load killed mid-way leaves nothing that
the next one does not clear.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from gpaccess import failed_loads
from gpaccess.ingest.apply import LogRow, apply_batch, drop_stage
from gpaccess.ingest.dataset import BatchKind, batch_kind, dataset_problems, is_synthetic_load
from gpaccess.ingest.errors import IngestError, Problem
from gpaccess.ingest.filescan import FileScan, scan
from gpaccess.ingest.gpad import create_stage_tables, stage_crosstab_practices, stage_csv
from gpaccess.ingest.gpad_checks import check_staged
from gpaccess.ingest.plan import LoadPlan, plan_load
from gpaccess.ingest.sources import NOT_UTF8, Source, expand
from gpaccess.ingest.tracker import TrackerBatch, read_tracker_sources
from gpaccess.ingest.tracker_rules import check_tracker

__all__ = ["IngestError", "LoadPlan", "LoadReport", "Problem", "ingest_files"]

Progress = Callable[[float, str], None]
LOAD_MEMORY_LIMIT = "1GB"  # DuckDB's own limit; with Python's share, a load stays under 1.5 GB
LOAD_TEMP_LIMIT = "8GB"  # what DuckDB may spill to disk during one load
LIMIT_SETTINGS = ("memory_limit", "temp_directory", "max_temp_directory_size")

KNOWN_PRACTICES_SQL = """
SELECT practice_code FROM practice UNION SELECT practice_code FROM stage_crosstab
UNION SELECT practice_code FROM stage_mapping
"""
STAGED_COUNTS_SQL = """
SELECT source_file, count(*), string_agg(DISTINCT strftime(month, '%Y-%m'), ',' ORDER BY strftime(month, '%Y-%m'))
FROM stage_crosstab GROUP BY 1
UNION ALL SELECT source_file, count(*), NULL FROM stage_mapping GROUP BY 1
UNION ALL SELECT source_file, count(*),
    string_agg(DISTINCT strftime(extract_date, '%Y-%m'), ',' ORDER BY strftime(extract_date, '%Y-%m'))
FROM stage_list_size GROUP BY 1
"""


@dataclass(frozen=True)
class LoadReport:
    load_id: str
    files: list[LogRow]
    plan: LoadPlan = field(default_factory=LoadPlan)

    def describe(self) -> str:
        """What the load replaced, then the files loaded."""
        return f"{self.plan.describe()}\n{self.summary()}"

    def summary(self) -> str:
        lines = [f"Loaded {len(self.files)} file(s):"]
        lines += [
            f"  - {f.file_name} ({f.file_kind}): {f.rows:,} rows"
            + (f", months {f.months}" if f.months else "")
            for f in self.files
        ]
        return "\n".join(lines)


def ingest_files(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    *,
    loaded_by: str = "cli",
    progress: Progress | None = None,
    dataset_label: str | None = None,
    today: dt.date | None = None,
    replace: bool = False,
    on_plan: Callable[[LoadPlan], None] | None = None,
) -> LoadReport:
    """Load a batch: all of it, or nothing. `on_plan` hears what the load replaces before anything is
    written; `replace` lets a tracker sheet with no rows empty its table (otherwise the table stays as it is)."""
    report = progress or (lambda fraction, message: None)
    if not paths:
        raise IngestError([Problem("(no files)", "at least one file to load", kind="no files")])
    with _work_folder(con) as workdir, _bounded(con, workdir), ThreadPoolExecutor(2) as pool:
        sources, problems = expand(list(paths), workdir / "unpacked")
        scans = _start_scans(pool, sources)
        create_stage_tables(con)
        try:
            today = today or dt.date.today()
            tracker, problems = _validate(con, sources, scans, problems, report, today)
            kind = batch_kind(con, tracker) if not problems else BatchKind(0, 0, None)
            problems = problems or dataset_problems(con, kind, dataset_label)
            plan = LoadPlan() if problems else plan_load(con, tracker, replace)
            if not problems and not plan.writes_anything:
                problems = [_nothing_to_write(sources)]
            if problems:
                failed_loads.record(con, list(paths), problems, loaded_by=loaded_by)
                raise IngestError(problems)
            if on_plan is not None:
                on_plan(plan)
            report(0.9, "Writing to the database")
            log_rows = _log_rows(con, sources, tracker, scans)
            load_id = uuid.uuid4().hex[:12]
            synthetic = is_synthetic_load(kind, dataset_label)
            _write(con, paths, tracker, log_rows, load_id, loaded_by, synthetic, replace)
        finally:
            drop_stage(con)
    report(1.0, "Loaded")
    return LoadReport(load_id, log_rows, plan)


def _validate(
    con: duckdb.DuckDBPyConnection,
    sources: list[Source],
    scans: dict[Path, Future[FileScan]],
    problems: list[Problem],
    report: Progress,
    today: dt.date,
) -> tuple[TrackerBatch, list[Problem]]:
    """Stage and check every file; the tracker's rows and every problem found."""
    problems = problems + _stage_gpad(con, sources, report, today)
    problems += _encoding_problems(sources, scans)
    tracker, tracker_problems = read_tracker_sources(sources)
    problems += tracker_problems
    if tracker.sheets:
        known = {r[0] for r in con.execute(KNOWN_PRACTICES_SQL).fetchall()}
        problems += check_tracker(con, tracker, known, today)
    return tracker, problems


def _nothing_to_write(sources: list[Source]) -> Problem:
    names = ", ".join(sorted({s.origin.name for s in sources})) or "(no files)"
    return Problem(
        names,
        "rows to load: every programme tracker sheet given is empty, so the load would change nothing "
        "(an empty sheet never empties programme data; to empty it on purpose, load the file with "
        "`gpaccess ingest FILE --replace`)",
        value="no rows",
    )


def _write(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    tracker: TrackerBatch,
    log_rows: list[LogRow],
    load_id: str,
    loaded_by: str,
    synthetic: bool,
    replace: bool,
) -> None:
    try:
        apply_batch(
            con,
            tracker,
            log_rows,
            load_id=load_id,
            loaded_by=loaded_by,
            synthetic=synthetic,
            replace=replace,
        )
    except (duckdb.OutOfMemoryException, duckdb.IOException, OSError) as error:
        problem = _resource_problem(error)  # rolled back: nothing was written
        failed_loads.record(con, list(paths), [problem], loaded_by=loaded_by)
        raise IngestError([problem]) from error


def _resource_problem(error: BaseException) -> Problem:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    expected = (
        f"a load that fits in {LOAD_MEMORY_LIMIT} of memory and the free disk space beside the database "
        "(free some disk space, or load fewer months at once)"
    )
    return Problem("(this load)", expected, value=text, kind="out of memory or disk space")


@contextmanager
def _work_folder(con: duckdb.DuckDBPyConnection) -> Iterator[Path]:
    """`<db>.ingest-work/` beside a database file (emptied first: a killed load's files go), else a temp folder."""
    db = failed_loads.database_file(con)
    if db is None:
        with tempfile.TemporaryDirectory(prefix="gpaccess-ingest-") as temporary:
            yield Path(temporary)
        return
    folder = db.with_name(db.name + ".ingest-work")
    _empty(folder, con)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    finally:
        _empty(folder, con)


def _empty(folder: Path, con: duckdb.DuckDBPyConnection) -> None:
    """Remove `folder`, except DuckDB's spill folder while this connection's database still uses it: once a load
    has spilled, DuckDB cannot switch its temporary directory back, keeps files there until the database closes
    (and removes the folder itself then), and a checkpoint that finds one of them gone is fatal."""
    spill = _spill_folder(folder)
    if _setting(con, "temp_directory") != str(spill):
        shutil.rmtree(folder, ignore_errors=True)
        return
    for child in folder.iterdir() if folder.is_dir() else ():
        if child == spill:
            continue
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _spill_folder(workdir: Path) -> Path:
    return workdir / "duckdb"


@contextmanager
def _bounded(con: duckdb.DuckDBPyConnection, workdir: Path) -> Iterator[None]:
    """DuckDB's memory and spill limits for the load; the connection's own settings back afterwards."""
    before = {name: _setting(con, name) for name in LIMIT_SETTINGS}
    con.execute("SET memory_limit = $v", {"v": LOAD_MEMORY_LIMIT})
    spill = str(_spill_folder(workdir))
    if (
        before["temp_directory"] != spill
    ):  # else an earlier load's, still in use: DuckDB refuses to set it again
        con.execute("SET temp_directory = $v", {"v": spill})
    con.execute("SET max_temp_directory_size = $v", {"v": LOAD_TEMP_LIMIT})
    try:
        yield
    finally:
        for name, value in before.items():
            _restore(con, name, value)


def _setting(con: duckdb.DuckDBPyConnection, name: str) -> str:
    row = con.execute(
        "SELECT current_setting($n)", {"n": name}
    ).fetchone()  # 0.3 ms (duckdb_settings(): 3)
    return "" if row is None or row[0] is None else str(row[0])


def _restore(con: duckdb.DuckDBPyConnection, name: str, value: str) -> None:
    # `name` comes only from LIMIT_SETTINGS above, never from input; the value is bound.
    statement = {
        "memory_limit": "SET memory_limit = $v",
        "temp_directory": "SET temp_directory = $v",
        "max_temp_directory_size": "SET max_temp_directory_size = $v",
    }[name]
    try:
        con.execute(statement, {"v": value})
    except duckdb.Error:
        return  # e.g. a spill folder still in use: the connection keeps the load's setting


def _stage_gpad(
    con: duckdb.DuckDBPyConnection, sources: list[Source], report: Progress, today: dt.date
) -> list[Problem]:
    gpad = [s for s in sources if s.csv_format is not None]
    problems: list[Problem] = []
    for index, source in enumerate(gpad):
        report(0.8 * index / max(len(gpad), 1), f"Reading {source.display}")
        problems += stage_csv(con, source)
    if gpad and not problems:
        report(0.85, "Checking values, keys and codes")
        problems += check_staged(con, {s.display: s.path for s in gpad}, today=today)
    if gpad and not problems:
        stage_crosstab_practices(con, gpad)
    return problems


def _log_rows(
    con: duckdb.DuckDBPyConnection,
    sources: list[Source],
    tracker: TrackerBatch,
    scans: dict[Path, Future[FileScan]],
) -> list[LogRow]:
    by_display = {s.display: s for s in sources}
    rows = []
    for display, count, months in con.execute(STAGED_COUNTS_SQL).fetchall():
        source = by_display[display]
        rows.append(
            LogRow(display, source.kind, scans[source.origin].result().sha256, count, months or "")
        )
    for sheet_rows in tracker.sheets.values():
        origin = next(s.origin for s in sources if sheet_rows.display.startswith(s.display))
        rows.append(
            LogRow(
                sheet_rows.display,
                f"tracker:{sheet_rows.sheet.name}",
                scans[origin].result().sha256,
                len(sheet_rows.rows),
                "",
            )
        )
    return rows


def _start_scans(pool: ThreadPoolExecutor, sources: list[Source]) -> dict[Path, Future[FileScan]]:
    """Checksum every file given (zips whole) and check every CSV is UTF-8, in one read each, in the background."""
    scans = {
        s.path: pool.submit(scan, s.path, check_utf8=True)
        for s in sources
        if s.kind != "tracker_xlsx"
    }
    for origin in {s.origin for s in sources} - set(scans):
        scans[origin] = pool.submit(scan, origin, check_utf8=False)
    return scans


def _encoding_problems(sources: list[Source], scans: dict[Path, Future[FileScan]]) -> list[Problem]:
    problems = []
    for source in sources:
        result = scans[source.path].result()
        if result.bad_utf8_line is not None:
            expected = "UTF-8 text (this looks like Windows-1252/ANSI: save the file as UTF-8)"
            problems.append(
                Problem(
                    source.display,
                    expected,
                    result.bad_utf8_line,
                    value=result.bad_utf8_text,
                    kind=NOT_UTF8,
                )
            )
    return problems
