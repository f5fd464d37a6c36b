"""Load published files into the store: validate the whole batch, then write it in one transaction.

    report = ingest_files(con, [Path("Practice_Level_Crosstab_Oct_25.zip")], loaded_by="analyst@nhs.net")

Raises IngestError (naming file, row, column, value and what was expected) and changes nothing if any file
in the batch is wrong.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from gpaccess import failed_loads
from gpaccess.ingest.apply import LogRow, apply_batch, drop_stage
from gpaccess.ingest.errors import IngestError, Problem
from gpaccess.ingest.filescan import FileScan, scan
from gpaccess.ingest.gpad import create_stage_tables, stage_crosstab_practices, stage_csv
from gpaccess.ingest.gpad_checks import check_staged
from gpaccess.ingest.sources import Source, expand
from gpaccess.ingest.tracker import TrackerBatch, read_tracker_sources
from gpaccess.ingest.tracker_rules import check_tracker

__all__ = ["IngestError", "LoadReport", "Problem", "ingest_files"]

Progress = Callable[[float, str], None]

KNOWN_PRACTICES_SQL = """
SELECT practice_code FROM practice UNION SELECT practice_code FROM stage_crosstab
UNION SELECT practice_code FROM stage_mapping
"""
STAGED_COUNTS_SQL = """
SELECT source_file, count(*), string_agg(DISTINCT strftime(month, '%Y-%m'), ',' ORDER BY strftime(month, '%Y-%m'))
FROM stage_crosstab GROUP BY 1
UNION ALL SELECT source_file, count(*), NULL FROM stage_mapping GROUP BY 1
UNION ALL SELECT source_file, count(*), string_agg(DISTINCT strftime(extract_date, '%Y-%m'), ',')
FROM stage_list_size GROUP BY 1
"""


@dataclass(frozen=True)
class LoadReport:
    load_id: str
    files: list[LogRow]

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
) -> LoadReport:
    report = progress or (lambda fraction, message: None)
    if not paths:
        raise IngestError([Problem("(no files)", "at least one file to load")])
    with (
        tempfile.TemporaryDirectory(prefix="gpaccess-ingest-") as workdir,
        ThreadPoolExecutor(2) as pool,
    ):
        sources, problems = expand(list(paths), Path(workdir))
        scans = _start_scans(pool, sources)
        create_stage_tables(con)
        try:
            problems += _stage_gpad(con, sources, report)
            problems += _encoding_problems(sources, scans)
            tracker, tracker_problems = read_tracker_sources(sources)
            problems += tracker_problems
            if tracker.sheets:
                known = {r[0] for r in con.execute(KNOWN_PRACTICES_SQL).fetchall()}
                problems += check_tracker(con, tracker, known, today or dt.date.today())
            if problems:
                failed_loads.record(con, list(paths), problems, loaded_by=loaded_by)
                raise IngestError(problems)
            report(0.9, "Writing to the database")
            log_rows = _log_rows(con, sources, tracker, scans)
            load_id = uuid.uuid4().hex[:12]
            apply_batch(
                con,
                tracker,
                log_rows,
                load_id=load_id,
                loaded_by=loaded_by,
                dataset_label=dataset_label,
            )
        finally:
            drop_stage(con)
    report(1.0, "Loaded")
    return LoadReport(load_id, log_rows)


def _stage_gpad(
    con: duckdb.DuckDBPyConnection, sources: list[Source], report: Progress
) -> list[Problem]:
    gpad = [s for s in sources if s.csv_format is not None]
    problems: list[Problem] = []
    for index, source in enumerate(gpad):
        report(0.8 * index / max(len(gpad), 1), f"Reading {source.display}")
        problems += stage_csv(con, source)
    if gpad and not problems:
        report(0.85, "Checking values, keys and codes")
        problems += check_staged(con, {s.display: s.path for s in gpad})
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
                Problem(source.display, expected, result.bad_utf8_line, value=result.bad_utf8_text)
            )
    return problems
