"""Checks over staged GPAD rows. A fast pass counts problems in SQL; only when it finds some does a slow pass
re-read the file to point at the rows behind them (line, column, value).

Every bound a value must keep (docs/loading-data.md, "What a load refuses") is checked twice, alike: in SQL over
the staged rows, and in Python over the file's rows to name them. Counts that are not whole numbers from 0 to
2,147,483,647 were staged as NULL (gpad.INSERT_SQL), so "NULL" in the fast pass covers them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from gpaccess.ingest.errors import Problem, Trouble
from gpaccess.ingest.formats import (
    COUNT_EXPECTED,
    COUNT_KIND,
    COUNT_PATTERN,
    EARLIEST_DATE,
    MAX_COUNT,
    PRACTICE_CODE_EXPECTED,
    PRACTICE_CODE_KIND,
    PRACTICE_CODE_PATTERN,
)
from gpaccess.ingest.gpad import iter_rows, locate
from gpaccess.reference import CANONICAL, value_map_rows

REQUIRED = (
    "APPOINTMENT_MONTH_START_DATE",
    "GP_CODE",
    "SUB_ICB_LOCATION_CODE",
    "HCP_TYPE",
    "APPT_MODE",
    "NATIONAL_CATEGORY",
    "TIME_BETWEEN_BOOK_AND_APPT",
    "COUNT_OF_APPOINTMENTS",
    "APPT_STATUS",
)
DIMENSION_COLUMNS = {
    "HCP_TYPE": "hcp_type",
    "APPT_MODE": "appt_mode",
    "TIME_BETWEEN_BOOK_AND_APPT": "time_band",
    "APPT_STATUS": "appt_status",
}
PUBLISHED = {dim: {pub for d, pub, _ in value_map_rows() if d == dim} for dim in CANONICAL}
KEY_COLUMNS = (
    "GP_CODE",
    "HCP_TYPE",
    "APPT_MODE",
    "NATIONAL_CATEGORY",
    "TIME_BETWEEN_BOOK_AND_APPT",
    "APPT_STATUS",
)
MAX_PER_FILE = 20
CROSSTAB_DATE = "%d%b%Y"
LIST_SIZE_DATE = "%Y-%m-%d"
COUNT_RE = re.compile(COUNT_PATTERN)
PRACTICE_CODE_RE = re.compile(PRACTICE_CODE_PATTERN)
MISSING: Trouble = ("missing value", "a value (required)")
NOT_A_COUNT: Trouble = (COUNT_KIND, COUNT_EXPECTED)
NOT_A_PRACTICE_CODE: Trouble = (PRACTICE_CODE_KIND, PRACTICE_CODE_EXPECTED)
UNKNOWN_ICB: Trouble = (
    "unknown ICB code",
    "an ICB code in data/reference/icb_reference.csv (update that file when ICBs change)",
)
UNKNOWN_REGION: Trouble = (
    "unknown region code",
    "a region code in data/reference/icb_reference.csv (update that file when regions change)",
)
REPEATED_ROW = "repeated row"

# Mapping.csv and the list-size map: (practice, sub-ICB, ICB, region) column names, by staged kind.
MAPPING_COLUMNS = {
    "mapping": ("GP_CODE", "SUB_ICB_LOCATION_CODE", "ICB_CODE", "REGION_CODE"),
    "list_size_map": ("PRACTICE_CODE", "SUB_ICB_LOCATION_CODE", "ICB_CODE", "COMM_REGION_CODE"),
}

# The practice-code pattern is written out in the SQL below; it must stay PRACTICE_CODE_PATTERN.
CROSSTAB_FAST_SQL = """
SELECT source_file, count(*) FROM stage_crosstab
WHERE month IS NULL OR practice_code IS NULL OR sub_icb_code IS NULL OR hcp_type IS NULL
   OR appt_mode IS NULL OR national_category IS NULL OR time_band IS NULL OR appt_status IS NULL
   OR appointments IS NULL
   OR day(month) <> 1 OR month < $earliest OR month > $latest
   OR NOT regexp_full_match(practice_code, '[A-Z][A-Z0-9][0-9]{4}')
GROUP BY 1 ORDER BY 1
"""

DUPLICATE_HASHES_SQL = """
SELECT count(*) FROM (
    SELECT hash(month, practice_code, hcp_type, appt_mode, national_category, time_band, appt_status) AS h
    FROM stage_crosstab GROUP BY h HAVING count(*) > 1)
"""

# Coded columns as staged: the published spellings (ENUMs of them), as in the file.
DUPLICATES_SQL = """
SELECT month, practice_code, hcp_type::VARCHAR, appt_mode::VARCHAR, national_category, time_band::VARCHAR,
       appt_status::VARCHAR, list(DISTINCT source_file ORDER BY source_file) AS files
FROM stage_crosstab
GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL LIMIT 5
"""

UNKNOWN_SUB_ICB_SQL = """
SELECT DISTINCT source_file, sub_icb_code FROM stage_crosstab s
WHERE sub_icb_code IS NOT NULL
  AND sub_icb_code NOT IN (SELECT sub_icb_code FROM sub_icb)
  AND sub_icb_code NOT IN (SELECT sub_icb_code FROM stage_mapping WHERE sub_icb_code IS NOT NULL)
ORDER BY 1, 2 LIMIT 20
"""

MAPPING_FAST_SQL = """
SELECT source_file, any_value(kind), count(*) FROM stage_mapping
WHERE practice_code IS NULL OR sub_icb_code IS NULL OR icb_code IS NULL OR region_code IS NULL
   OR NOT regexp_full_match(practice_code, '[A-Z][A-Z0-9][0-9]{4}')
   OR icb_code NOT IN (SELECT icb_code FROM icb)
   OR region_code NOT IN (SELECT region_code FROM region)
GROUP BY 1 ORDER BY 1
"""

LIST_SIZE_FAST_SQL = """
SELECT source_file, count(*) FROM stage_list_size
WHERE practice_code IS NULL OR extract_date IS NULL OR patients IS NULL
   OR extract_date < $earliest OR extract_date > $today
   OR (type = 'GP' AND NOT regexp_full_match(practice_code, '[A-Z][A-Z0-9][0-9]{4}'))
GROUP BY 1 ORDER BY 1
"""

LIST_SIZE_DUPLICATES_SQL = """
SELECT practice_code, extract_date, list(DISTINCT source_file ORDER BY source_file) AS files
FROM stage_list_size WHERE type = 'GP' AND sex = 'ALL' AND age = 'ALL'
GROUP BY practice_code, extract_date HAVING count(*) > 1 ORDER BY ALL LIMIT 5
"""


@dataclass(frozen=True)
class Bounds:
    """The dates a load accepts, from the day it runs: no month after the current one, no extract after today."""

    today: dt.date

    @property
    def latest_month(self) -> dt.date:
        return self.today.replace(day=1)

    def month_problem(self, value: str) -> Trouble | None:
        """What is wrong with an APPOINTMENT_MONTH_START_DATE, or None if it is fine."""
        day = _parse_date(value, CROSSTAB_DATE)
        if day is None:
            return "not a date", "a date like 01OCT2025"
        if day.day != 1 or not EARLIEST_DATE <= day <= self.latest_month:
            kind = "not the first day of a month" if day.day != 1 else "month out of range"
            return kind, (
                f"the first day of a month, not before {EARLIEST_DATE:%b %Y} "
                f"and not after {self.latest_month:%b %Y}"
            )
        return None

    def extract_problem(self, value: str) -> Trouble | None:
        """What is wrong with a list-size EXTRACT_DATE, or None if it is fine."""
        day = _parse_date(value, LIST_SIZE_DATE)
        if day is None:
            return "not a date", "a date like 2025-12-01"
        if not EARLIEST_DATE <= day <= self.today:
            expected = f"a date from {EARLIEST_DATE:%Y-%m-%d} to today ({self.today:%Y-%m-%d})"
            return "date out of range", expected
        return None


def _parse_date(value: str, dateformat: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, dateformat).date()
    except ValueError:
        return None


def is_count(value: str) -> bool:
    return COUNT_RE.fullmatch(value) is not None and int(value) <= MAX_COUNT


def is_practice_code(value: str) -> bool:
    return PRACTICE_CODE_RE.fullmatch(value) is not None


def check_staged(
    con: duckdb.DuckDBPyConnection, paths: dict[str, Path], today: dt.date | None = None
) -> list[Problem]:
    bounds = Bounds(today or dt.date.today())
    problems = _crosstab_rows(con, paths, bounds)
    problems += _duplicate_keys(con, paths)
    problems += _unknown_sub_icbs(con, paths)
    problems += _mapping_rows(con, paths)
    problems += _list_size_rows(con, paths, bounds)
    problems += _list_size_duplicates(con, paths)
    return problems


class Cell(NamedTuple):
    """One cell's trouble."""

    column: str
    value: str
    kind: str
    expected: str


CellCheck = Callable[[dict[str, str]], Iterator[Cell]]


def _counted_rows(
    con: duckdb.DuckDBPyConnection,
    paths: dict[str, Path],
    fast_sql: str,
    params: dict[str, Any],
    cells: CellCheck,
) -> list[Problem]:
    """Both passes: `fast_sql` counts the bad rows per file (file, count); the slow pass names them."""
    problems = []
    for file, bad_rows in con.execute(fast_sql, params).fetchall():
        problems += _rows_problems(file, paths[file], bad_rows, cells)
    return problems


def _rows_problems(file: str, path: Path, bad_rows: int, cells: CellCheck) -> list[Problem]:
    """The slow pass over one file: name up to MAX_PER_FILE cells the fast pass counted rows for."""
    problems: list[Problem] = []
    for line, row in iter_rows(path):
        problems += [Problem(file, c.expected, line, c.column, c.value, c.kind) for c in cells(row)]
        if len(problems) >= MAX_PER_FILE:
            break
    if not problems:  # never let a counted problem pass because the slow pass could not point at it
        expected = "rows that pass the checks (these could not be located in the file)"
        kind = "rows failing checks"
        problems.append(Problem(file, expected, value=f"{bad_rows:,} row(s)", kind=kind))
    return problems


def _crosstab_rows(
    con: duckdb.DuckDBPyConnection, paths: dict[str, Path], bounds: Bounds
) -> list[Problem]:
    params = {"earliest": EARLIEST_DATE, "latest": bounds.latest_month}
    cells = partial(_crosstab_cells, bounds=bounds)
    return _counted_rows(con, paths, CROSSTAB_FAST_SQL, params, cells)


def _crosstab_cells(row: dict[str, str], bounds: Bounds) -> Iterator[Cell]:
    for column in REQUIRED:
        value = row.get(column) or ""
        trouble = _crosstab_trouble(column, value, bounds)
        if trouble is not None:
            yield Cell(column, value, *trouble)


def _crosstab_trouble(column: str, value: str, bounds: Bounds) -> Trouble | None:
    if not value.strip():
        return MISSING
    if column in DIMENSION_COLUMNS:
        dimension = DIMENSION_COLUMNS[column]
        if value in PUBLISHED[dimension]:
            return None
        return "not a published value", "one of: " + ", ".join(CANONICAL[dimension])
    if column == "GP_CODE":
        return None if is_practice_code(value) else NOT_A_PRACTICE_CODE
    if column == "COUNT_OF_APPOINTMENTS":
        return None if is_count(value) else NOT_A_COUNT
    if column == "APPOINTMENT_MONTH_START_DATE":
        return bounds.month_problem(value)
    return None


def _duplicate_keys(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    if not con.execute(DUPLICATE_HASHES_SQL).fetchone()[0]:  # type: ignore[index]
        return []
    problems = []
    for month, *key, files in con.execute(DUPLICATES_SQL).fetchall():
        found = [
            (file, line)
            for file in files
            for line in locate(paths[file], _key_is(month, tuple(key)), limit=3)
        ]
        where = _rows_at(found)
        expected = "one row per month, practice, HCP type, mode, category, time band and status"
        file, row = found[1] if len(found) > 1 else (files[0], None)
        problems.append(
            Problem(
                file,
                f"{expected} (repeated at {where})",
                row,
                ", ".join(("APPOINTMENT_MONTH_START_DATE", *KEY_COLUMNS)),
                f"{month:%b %Y} / " + " / ".join(key),
                REPEATED_ROW,
            )
        )
    return problems


def _rows_at(found: list[tuple[str, int]]) -> str:
    """'a.csv row 11 and row 91; b.csv row 4'."""
    by_file: dict[str, list[int]] = {}
    for file, line in found:
        by_file.setdefault(file, []).append(line)
    where = [
        f"{file} " + " and ".join(f"row {n}" for n in lines) for file, lines in by_file.items()
    ]
    return "; ".join(where) or "rows not found"


def _key_is(month: dt.date, key: tuple[str, ...]) -> Callable[[dict[str, str]], bool]:
    """A row with this key, as staged: published spellings, the month parsed (01OCT2025 or 01Oct2025)."""

    def match(row: dict[str, str]) -> bool:
        return (
            tuple(row.get(c) or "" for c in KEY_COLUMNS) == key
            and _parse_date(row.get("APPOINTMENT_MONTH_START_DATE") or "", CROSSTAB_DATE) == month
        )

    return match


def _column_is(column: str, value: str) -> Callable[[dict[str, str]], bool]:
    return lambda row: row.get(column) == value


def _unknown_sub_icbs(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for file, code in con.execute(UNKNOWN_SUB_ICB_SQL).fetchall():
        line = locate(paths[file], _column_is("SUB_ICB_LOCATION_CODE", code), limit=1)
        expected = (
            "a sub-ICB location code known from reference data or a Mapping.csv in the same load"
        )
        row = line[0] if line else None
        kind = "unknown sub-ICB code"
        problems.append(Problem(file, expected, row, "SUB_ICB_LOCATION_CODE", code, kind))
    return problems


def _mapping_rows(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    rows = con.execute(MAPPING_FAST_SQL).fetchall()
    if not rows:
        return []
    icbs = {r[0] for r in con.execute("SELECT icb_code FROM icb").fetchall()}
    regions = {r[0] for r in con.execute("SELECT region_code FROM region").fetchall()}
    problems = []
    for file, kind, bad_rows in rows:
        columns = MAPPING_COLUMNS[kind]
        problems += _rows_problems(
            file,
            paths[file],
            bad_rows,
            partial(_mapping_cells, columns=columns, icbs=icbs, regions=regions),
        )
    return problems


def _mapping_cells(
    row: dict[str, str], columns: tuple[str, ...], icbs: set[str], regions: set[str]
) -> Iterator[Cell]:
    practice, sub_icb, icb, region = columns
    for column in columns:
        value = row.get(column) or ""
        trouble: Trouble | None = None
        if not value.strip():
            trouble = MISSING
        elif column == practice and not is_practice_code(value):
            trouble = NOT_A_PRACTICE_CODE
        elif column == icb and value not in icbs:
            trouble = UNKNOWN_ICB
        elif column == region and value not in regions:
            trouble = UNKNOWN_REGION
        if trouble is not None:
            yield Cell(column, value, *trouble)


def _list_size_rows(
    con: duckdb.DuckDBPyConnection, paths: dict[str, Path], bounds: Bounds
) -> list[Problem]:
    params = {"earliest": EARLIEST_DATE, "today": bounds.today}
    cells = partial(_list_size_cells, bounds=bounds)
    return _counted_rows(con, paths, LIST_SIZE_FAST_SQL, params, cells)


def _list_size_cells(row: dict[str, str], bounds: Bounds) -> Iterator[Cell]:
    for column in ("CODE", "EXTRACT_DATE", "NUMBER_OF_PATIENTS"):
        value = row.get(column) or ""
        trouble = _list_size_trouble(column, value, row.get("TYPE") == "GP", bounds)
        if trouble is not None:
            yield Cell(column, value, *trouble)


def _list_size_trouble(column: str, value: str, is_gp: bool, bounds: Bounds) -> Trouble | None:
    if not value.strip():
        return MISSING
    if column == "CODE" and is_gp:
        return None if is_practice_code(value) else NOT_A_PRACTICE_CODE
    if column == "EXTRACT_DATE":
        return bounds.extract_problem(value)
    if column == "NUMBER_OF_PATIENTS":
        return None if is_count(value) else NOT_A_COUNT
    return None


def _list_size_duplicates(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for code, extract_date, files in con.execute(LIST_SIZE_DUPLICATES_SQL).fetchall():
        found = [
            (file, line)
            for file in files
            for line in locate(paths[file], _list_size_key_is(code, extract_date), limit=3)
        ]
        where = _rows_at(found)
        file, row = found[1] if len(found) > 1 else (files[0], None)
        problems.append(
            Problem(
                file,
                f"one row per practice and extract date for TYPE GP, SEX ALL, AGE ALL (repeated at {where})",
                row,
                "CODE, EXTRACT_DATE",
                f"{code} / {extract_date:%Y-%m-%d}",
                REPEATED_ROW,
            )
        )
    return problems


def _list_size_key_is(code: str, extract_date: dt.date) -> Callable[[dict[str, str]], bool]:
    def match(row: dict[str, str]) -> bool:
        return (
            row.get("CODE") == code
            and (row.get("TYPE"), row.get("SEX"), row.get("AGE")) == ("GP", "ALL", "ALL")
            and _parse_date(row.get("EXTRACT_DATE") or "", LIST_SIZE_DATE) == extract_date
        )

    return match
