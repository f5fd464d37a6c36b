"""Checks over staged GPAD rows. A fast pass counts problems in SQL; only when it finds some does a slow pass
re-read the file to point at the rows behind them (line, column, value)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from gpaccess.ingest.errors import Problem
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

CROSSTAB_FAST_SQL = """
SELECT source_file,
       count(*) FILTER (WHERE month IS NULL OR practice_code IS NULL OR sub_icb_code IS NULL OR hcp_type IS NULL
           OR appt_mode IS NULL OR national_category IS NULL OR time_band IS NULL OR appt_status IS NULL
           OR appointments IS NULL) AS blank_or_unknown,
       count(*) FILTER (WHERE appointments < 0) AS negative
FROM stage_crosstab GROUP BY 1 ORDER BY 1
"""

DUPLICATE_HASHES_SQL = """
SELECT count(*) FROM (
    SELECT hash(month, practice_code, hcp_type, appt_mode, national_category, time_band, appt_status) AS h
    FROM stage_crosstab GROUP BY h HAVING count(*) > 1)
"""

DUPLICATES_SQL = """
SELECT month, practice_code, hcp_type, appt_mode, national_category, time_band, appt_status,
       list(DISTINCT source_file) AS files
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

MAPPING_MISSING_SQL = """
SELECT source_file, count(*) FROM stage_mapping
WHERE practice_code IS NULL OR sub_icb_code IS NULL OR icb_code IS NULL OR region_code IS NULL
GROUP BY 1 ORDER BY 1
"""

LIST_SIZE_BAD_SQL = """
SELECT source_file FROM stage_list_size
WHERE practice_code IS NULL OR extract_date IS NULL OR patients IS NULL OR patients < 0
GROUP BY 1 ORDER BY 1
"""

LIST_SIZE_DUPLICATES_SQL = """
SELECT practice_code, extract_date FROM stage_list_size WHERE type = 'GP' AND sex = 'ALL' AND age = 'ALL'
GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL LIMIT 5
"""


def check_staged(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems: list[Problem] = []
    for check in (
        _crosstab_rows,
        _duplicate_keys,
        _unknown_sub_icbs,
        _mapping_missing,
        _list_size_bad,
    ):
        problems += check(con, paths)
    return problems


def _crosstab_rows(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for file, blank_or_unknown, negative in con.execute(CROSSTAB_FAST_SQL).fetchall():
        if blank_or_unknown:
            problems += _blank_or_unknown_cells(file, paths[file])
        if negative:
            problems += _negative_counts(file, paths[file])
    return problems


def _blank_or_unknown_cells(file: str, path: Path) -> list[Problem]:
    problems: list[Problem] = []
    for line, row in iter_rows(path):
        for column in REQUIRED:
            value = (row.get(column) or "").strip()
            if not value:
                problems.append(Problem(file, "a value (required)", line, column, ""))
            elif (
                column in DIMENSION_COLUMNS
                and row[column] not in PUBLISHED[DIMENSION_COLUMNS[column]]
            ):
                expected = "one of: " + ", ".join(CANONICAL[DIMENSION_COLUMNS[column]])
                problems.append(Problem(file, expected, line, column, row[column]))
        if len(problems) >= MAX_PER_FILE:
            break
    return problems


def _negative_counts(file: str, path: Path) -> list[Problem]:
    found = []
    for line, row in iter_rows(path):
        value = (row.get("COUNT_OF_APPOINTMENTS") or "").strip()
        if value.startswith("-"):
            found.append(
                Problem(file, "a count of 0 or more", line, "COUNT_OF_APPOINTMENTS", value)
            )
            if len(found) >= MAX_PER_FILE:
                break
    return found


def _duplicate_keys(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    if not con.execute(DUPLICATE_HASHES_SQL).fetchone()[0]:  # type: ignore[index]
        return []
    problems = []
    for month, *key, files in con.execute(DUPLICATES_SQL).fetchall():
        where = []
        for file in files:
            lines = locate(paths[file], _key_is(tuple(key)), limit=3)
            where += [f"{file} row {line}" for line in lines]
        expected = "one row per month, practice, HCP type, mode, category, time band and status (repeated at "
        problems.append(
            Problem(
                files[0],
                expected + "; ".join(where) + ")",
                column=", ".join(KEY_COLUMNS),
                value=f"{month:%b %Y} / " + " / ".join(key),
            )
        )
    return problems


def _key_is(key: tuple[str, ...]) -> Callable[[dict[str, str]], bool]:
    return lambda row: _row_key(row) == key


def _column_is(column: str, value: str) -> Callable[[dict[str, str]], bool]:
    return lambda row: row.get(column) == value


def _column_blank(column: str) -> Callable[[dict[str, str]], bool]:
    return lambda row: column in row and not (row.get(column) or "").strip()


def _row_key(row: dict[str, str]) -> tuple[str, ...]:
    """A row's key in canonical spellings, to match the staged (canonical) duplicates."""
    canonical = {(d, pub): canon for d, pub, canon in value_map_rows()}
    return tuple(
        canonical.get((DIMENSION_COLUMNS[c], row.get(c) or ""), row.get(c) or "")
        if c in DIMENSION_COLUMNS
        else row.get(c) or ""
        for c in KEY_COLUMNS
    )


def _unknown_sub_icbs(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for file, code in con.execute(UNKNOWN_SUB_ICB_SQL).fetchall():
        line = locate(paths[file], _column_is("SUB_ICB_LOCATION_CODE", code), limit=1)
        expected = (
            "a sub-ICB location code known from reference data or a Mapping.csv in the same load"
        )
        problems.append(
            Problem(file, expected, line[0] if line else None, "SUB_ICB_LOCATION_CODE", code)
        )
    return problems


def _mapping_missing(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for file, _ in con.execute(MAPPING_MISSING_SQL).fetchall():
        for column in (
            "GP_CODE",
            "PRACTICE_CODE",
            "SUB_ICB_LOCATION_CODE",
            "ICB_CODE",
            "REGION_CODE",
            "COMM_REGION_CODE",
        ):
            lines = locate(paths[file], _column_blank(column))
            problems += [Problem(file, "a value (required)", line, column, "") for line in lines]
    return problems


def _list_size_bad(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for (file,) in con.execute(LIST_SIZE_BAD_SQL).fetchall():
        for line, row in iter_rows(paths[file]):
            for column in ("CODE", "EXTRACT_DATE", "NUMBER_OF_PATIENTS"):
                if not (row.get(column) or "").strip():
                    problems.append(Problem(file, "a value (required)", line, column, ""))
            if (row.get("NUMBER_OF_PATIENTS") or "").strip().startswith("-"):
                problems.append(
                    Problem(
                        file,
                        "a number of patients, 0 or more",
                        line,
                        "NUMBER_OF_PATIENTS",
                        row["NUMBER_OF_PATIENTS"],
                    )
                )
            if len(problems) >= MAX_PER_FILE:
                break
    for code, extract_date in con.execute(LIST_SIZE_DUPLICATES_SQL).fetchall():
        problems.append(
            Problem(
                "list sizes",
                "one row per practice and extract date",
                column="CODE",
                value=f"{code} {extract_date}",
            )
        )
    return problems
