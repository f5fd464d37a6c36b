"""Stage GPAD CSV files (crosstab, Mapping.csv, list sizes) into temp tables and check them.

Each file is read once by DuckDB with the published dialect given explicitly (the sniffer misses quoted names
such as "ORCHARD SURGERY,MELBOURN") and typed columns. Rows DuckDB cannot parse (wrong column count, bad
date, non-numeric count, non-UTF-8 bytes) are captured in its rejects table with their line numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from gpaccess.ingest.errors import Problem
from gpaccess.ingest.formats import CROSSTAB, LIST_SIZE, LIST_SIZE_MAP, MAPPING, CsvFormat, expected_for
from gpaccess.ingest.sources import Source
from gpaccess.reference import CANONICAL

STAGE_TABLES_SQL = """
CREATE OR REPLACE TEMP TABLE stage_crosstab (source_file VARCHAR, month DATE, practice_code VARCHAR,
    practice_name VARCHAR, supplier VARCHAR, pcn_code VARCHAR, pcn_name VARCHAR, sub_icb_code VARCHAR,
    sub_icb_name VARCHAR, hcp_type VARCHAR, appt_mode VARCHAR, national_category VARCHAR, time_band VARCHAR,
    appointments BIGINT, appt_status VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_mapping (source_file VARCHAR, practice_code VARCHAR, practice_name VARCHAR,
    supplier VARCHAR, pcn_code VARCHAR, pcn_name VARCHAR, sub_icb_code VARCHAR, sub_icb_name VARCHAR,
    icb_code VARCHAR, icb_name VARCHAR, region_code VARCHAR, region_name VARCHAR, icb_ons_code VARCHAR,
    kind VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_list_size (source_file VARCHAR, extract_date DATE, type VARCHAR,
    practice_code VARCHAR, sex VARCHAR, age VARCHAR, patients BIGINT);
"""

_READ = """read_csv($path, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
    columns = $columns, dateformat = $dateformat, store_rejects = true, strict_mode = true)"""

INSERT_SQL = {
    "crosstab": """INSERT INTO stage_crosstab SELECT $display, APPOINTMENT_MONTH_START_DATE, GP_CODE, GP_NAME,
        SUPPLIER, PCN_CODE, PCN_NAME, SUB_ICB_LOCATION_CODE, SUB_ICB_LOCATION_NAME, HCP_TYPE, APPT_MODE,
        NATIONAL_CATEGORY, TIME_BETWEEN_BOOK_AND_APPT, COUNT_OF_APPOINTMENTS, APPT_STATUS FROM """
    + _READ,
    "mapping": """INSERT INTO stage_mapping SELECT $display, GP_CODE, GP_NAME, SUPPLIER, PCN_CODE, PCN_NAME,
        SUB_ICB_LOCATION_CODE, SUB_ICB_LOCATION_NAME, ICB_CODE, ICB_NAME, REGION_CODE, REGION_NAME, NULL, 'mapping' FROM """
    + _READ,
    "list_size": """INSERT INTO stage_list_size SELECT $display, EXTRACT_DATE, TYPE, CODE, SEX, AGE,
        NUMBER_OF_PATIENTS FROM """
    + _READ,
    "list_size_map": """INSERT INTO stage_mapping SELECT $display, PRACTICE_CODE, PRACTICE_NAME, SUPPLIER_NAME,
        PCN_CODE, PCN_NAME, SUB_ICB_LOCATION_CODE, SUB_ICB_LOCATION_NAME, ICB_CODE, ICB_NAME, COMM_REGION_CODE,
        COMM_REGION_NAME, ONS_ICB_CODE, 'list_size_map' FROM """
    + _READ,
}

REJECTS_SQL = """SELECT line, column_name, error_type, csv_line, column_idx FROM reject_errors
    ORDER BY line, column_idx LIMIT 50"""


def create_stage_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(STAGE_TABLES_SQL)


def stage_csv(con: duckdb.DuckDBPyConnection, source: Source) -> list[Problem]:
    """Insert one GPAD CSV into its stage table; problems for rows that could not be read."""
    fmt = source.csv_format
    assert fmt is not None
    types = dict(fmt.columns)
    columns = {name: types[name] for name in source.header}  # file order, published types
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
    params = {
        "path": str(source.path),
        "columns": columns,
        "dateformat": fmt.dateformat or "%Y-%m-%d",
        "display": source.display,
    }
    try:
        con.execute(INSERT_SQL[fmt.kind], params)
    except duckdb.Error as exc:
        return [Problem(source.display, f"a readable {fmt.description}", value=str(exc).splitlines()[0])]
    problems = list(dict.fromkeys(_reject_problem(source, fmt, row) for row in con.execute(REJECTS_SQL).fetchall()))
    if not problems and _is_header_only(source):
        problems.append(Problem(source.display, "data rows after the header", row=2, value="no data rows"))
    return problems


def _is_header_only(source: Source) -> bool:
    with open(source.path, "rb") as handle:
        handle.readline()
        return not handle.read(4096).strip()


def _reject_problem(source: Source, fmt: CsvFormat, reject: tuple) -> Problem:
    line, column, error_type, csv_line, column_idx = reject
    if error_type == "INVALID ENCODING":
        return Problem(source.display, "UTF-8 text (this looks like Windows-1252/ANSI: save as UTF-8)", line,
                       value=csv_line)
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        expected = f"{len(fmt.columns)} columns ({error_type.lower()}; a truncated or damaged line?)"
        return Problem(source.display, expected, line, value=csv_line)
    if error_type == "UNQUOTED VALUE" or error_type == "INVALID UNICODE":
        return Problem(source.display, "a CSV row with correctly quoted values", line, value=csv_line)
    value = _field(csv_line, column_idx)
    return Problem(source.display, expected_for(dict(fmt.columns).get(column, ""), fmt.dateformat), line,
                   column, value)


def _field(csv_line: str, column_idx: int) -> str:
    try:
        fields = next(csv.reader([csv_line]))
        return fields[column_idx - 1]
    except (StopIteration, IndexError):
        return csv_line


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV with their line numbers (slow path: used only to point at the rows behind an error)."""
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, row


def locate(path: Path, match: Callable[[dict[str, str]], bool], limit: int = 5) -> list[int]:
    found = []
    for line, row in iter_rows(path):
        if match(row):
            found.append(line)
            if len(found) >= limit:
                break
    return found


# -- checks over the staged rows ---------------------------------------------------------------------------

CROSSTAB_COLUMN = {
    "hcp_type": "HCP_TYPE",
    "appt_mode": "APPT_MODE",
    "time_band": "TIME_BETWEEN_BOOK_AND_APPT",
    "appt_status": "APPT_STATUS",
}

UNKNOWN_VALUES_SQL = """
SELECT s.source_file, d.dimension, d.value, count(*) AS n FROM stage_crosstab s,
LATERAL (VALUES ('hcp_type', s.hcp_type), ('appt_mode', s.appt_mode), ('time_band', s.time_band),
                ('appt_status', s.appt_status)) AS d(dimension, value)
WHERE d.value IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM value_map m WHERE m.dimension = d.dimension AND m.published = d.value)
GROUP BY ALL ORDER BY 1, 2, 3 LIMIT 20
"""

MISSING_VALUES_SQL = """
SELECT source_file, col, count(*) FROM (
    SELECT source_file, unnest([
        CASE WHEN month IS NULL THEN 'APPOINTMENT_MONTH_START_DATE' END,
        CASE WHEN practice_code IS NULL THEN 'GP_CODE' END,
        CASE WHEN sub_icb_code IS NULL THEN 'SUB_ICB_LOCATION_CODE' END,
        CASE WHEN hcp_type IS NULL THEN 'HCP_TYPE' END,
        CASE WHEN appt_mode IS NULL THEN 'APPT_MODE' END,
        CASE WHEN national_category IS NULL THEN 'NATIONAL_CATEGORY' END,
        CASE WHEN time_band IS NULL THEN 'TIME_BETWEEN_BOOK_AND_APPT' END,
        CASE WHEN appointments IS NULL THEN 'COUNT_OF_APPOINTMENTS' END,
        CASE WHEN appt_status IS NULL THEN 'APPT_STATUS' END]) AS col
    FROM stage_crosstab
    WHERE month IS NULL OR practice_code IS NULL OR sub_icb_code IS NULL OR hcp_type IS NULL
       OR appt_mode IS NULL OR national_category IS NULL OR time_band IS NULL OR appointments IS NULL
       OR appt_status IS NULL)
WHERE col IS NOT NULL GROUP BY ALL ORDER BY 1, 2
"""

NEGATIVE_SQL = """SELECT source_file, count(*) FROM stage_crosstab WHERE appointments < 0 GROUP BY 1 ORDER BY 1"""

DUPLICATES_SQL = """
SELECT month, practice_code, hcp_type, appt_mode, national_category, time_band, appt_status,
       list(DISTINCT source_file) AS files
FROM stage_crosstab
GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL LIMIT 5
"""

UNKNOWN_SUB_ICB_SQL = """
SELECT source_file, sub_icb_code, count(*) FROM stage_crosstab s
WHERE NOT EXISTS (SELECT 1 FROM sub_icb g WHERE g.sub_icb_code = s.sub_icb_code)
  AND NOT EXISTS (SELECT 1 FROM stage_mapping m WHERE m.sub_icb_code = s.sub_icb_code)
GROUP BY ALL ORDER BY 1, 2 LIMIT 20
"""

MAPPING_MISSING_SQL = """
SELECT source_file, count(*) FROM stage_mapping
WHERE practice_code IS NULL OR sub_icb_code IS NULL OR icb_code IS NULL OR region_code IS NULL
GROUP BY 1 ORDER BY 1
"""

LIST_SIZE_BAD_SQL = """
SELECT source_file, count(*) FILTER (WHERE practice_code IS NULL OR extract_date IS NULL OR patients IS NULL),
       count(*) FILTER (WHERE patients < 0)
FROM stage_list_size GROUP BY 1 HAVING count(*) FILTER (WHERE practice_code IS NULL OR extract_date IS NULL
    OR patients IS NULL OR patients < 0) > 0 ORDER BY 1
"""

LIST_SIZE_DUPLICATES_SQL = """
SELECT practice_code, extract_date FROM stage_list_size WHERE type = 'GP' AND sex = 'ALL' AND age = 'ALL'
GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL LIMIT 5
"""


def check_staged(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> list[Problem]:
    paths = {s.display: s.path for s in sources}
    checks = (_missing_values, _unknown_values, _negative_counts, _duplicate_keys, _unknown_sub_icbs,
              _mapping_missing, _list_size_bad)
    problems: list[Problem] = []
    for check in checks:
        problems += check(con, paths)
    return problems


def _missing_values(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for file, column, _ in con.execute(MISSING_VALUES_SQL).fetchall():
        lines = locate(paths[file], lambda row, c=column: not (row.get(c) or "").strip())
        problems += [Problem(file, "a value (required)", line, column, "") for line in lines]
    return problems


def _unknown_values(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for file, dimension, value, _ in con.execute(UNKNOWN_VALUES_SQL).fetchall():
        column = CROSSTAB_COLUMN[dimension]
        expected = "one of: " + ", ".join(CANONICAL[dimension])
        lines = locate(paths[file], lambda row, c=column, v=value: row.get(c) == v, limit=3)
        problems += [Problem(file, expected, line, column, value) for line in lines]
    return problems


def _negative_counts(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for file, _ in con.execute(NEGATIVE_SQL).fetchall():
        lines = locate(paths[file], lambda row: (row.get("COUNT_OF_APPOINTMENTS") or "").strip().startswith("-"))
        problems += [
            Problem(file, "a count of 0 or more", line, "COUNT_OF_APPOINTMENTS", _cell(paths[file], line))
            for line in lines
        ]
    return problems


def _cell(path: Path, line: int, column: str = "COUNT_OF_APPOINTMENTS") -> str:
    for found, row in iter_rows(path):
        if found == line:
            return row.get(column) or ""
    return ""


def _duplicate_keys(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    key_columns = ("GP_CODE", "HCP_TYPE", "APPT_MODE", "NATIONAL_CATEGORY", "TIME_BETWEEN_BOOK_AND_APPT",
                   "APPT_STATUS")
    for month, *key, files in con.execute(DUPLICATES_SQL).fetchall():
        where = []
        for file in files:
            where += [f"{file} row {line}" for line in locate(
                paths[file], lambda row, k=tuple(key): tuple(row.get(c) for c in key_columns) == k, limit=3)]
        expected = "one row per month, practice, HCP type, mode, category, time band and status (repeated at "
        problems.append(Problem(files[0], expected + "; ".join(where) + ")", column=", ".join(key_columns),
                                value=f"{month:%b %Y} / " + " / ".join(key)))
    return problems


def _unknown_sub_icbs(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for file, code, _ in con.execute(UNKNOWN_SUB_ICB_SQL).fetchall():
        line = locate(paths[file], lambda row, c=code: row.get("SUB_ICB_LOCATION_CODE") == c, limit=1)
        expected = "a sub-ICB location code known from reference data or a Mapping.csv in the same load"
        problems.append(Problem(file, expected, line[0] if line else None, "SUB_ICB_LOCATION_CODE", code))
    return problems


def _mapping_missing(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for file, _ in con.execute(MAPPING_MISSING_SQL).fetchall():
        for column in ("GP_CODE", "PRACTICE_CODE", "SUB_ICB_LOCATION_CODE", "ICB_CODE", "REGION_CODE",
                       "COMM_REGION_CODE"):
            lines = locate(paths[file], lambda row, c=column: c in row and not (row.get(c) or "").strip())
            problems += [Problem(file, "a value (required)", line, column, "") for line in lines]
    return problems


def _list_size_bad(con: duckdb.DuckDBPyConnection, paths: dict[str, Path]) -> list[Problem]:
    problems = []
    for file, _missing, _negative in con.execute(LIST_SIZE_BAD_SQL).fetchall():
        for column in ("CODE", "EXTRACT_DATE", "NUMBER_OF_PATIENTS"):
            lines = locate(paths[file], lambda row, c=column: not (row.get(c) or "").strip())
            problems += [Problem(file, "a value (required)", line, column, "") for line in lines]
        lines = locate(paths[file], lambda row: (row.get("NUMBER_OF_PATIENTS") or "").startswith("-"))
        problems += [Problem(file, "a number of patients, 0 or more", line, "NUMBER_OF_PATIENTS",
                             _cell(paths[file], line, "NUMBER_OF_PATIENTS")) for line in lines]
    for code, extract_date in con.execute(LIST_SIZE_DUPLICATES_SQL).fetchall():
        problems.append(Problem("list sizes", "one row per practice and extract date", column="CODE",
                                value=f"{code} {extract_date}"))
    return problems


FORMATS = {f.kind: f for f in (CROSSTAB, MAPPING, LIST_SIZE, LIST_SIZE_MAP)}
