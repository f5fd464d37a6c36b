"""Stage GPAD CSV files (crosstab, Mapping.csv, list sizes) into temp tables and check them.

Each file is read once by DuckDB with the published dialect given explicitly (the sniffer misses quoted names
such as "ORCHARD SURGERY,MELBOURN") and typed columns. Rows DuckDB cannot parse (wrong column count, bad
date, non-numeric count, non-UTF-8 bytes) are captured in its rejects table with their line numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from gpaccess.ingest.errors import Problem
from gpaccess.ingest.formats import (
    ENUM_DIMENSIONS,
    CsvFormat,
    expected_for,
)
from gpaccess.ingest.sources import Source
from gpaccess.reference import value_map_rows

STAGE_TABLES_SQL = """
CREATE OR REPLACE TEMP TABLE stage_crosstab (source_file VARCHAR, month DATE, practice_code VARCHAR,
    sub_icb_code VARCHAR, hcp_type hcp_published, appt_mode mode_published, national_category VARCHAR,
    time_band band_published, appt_status status_published, appointments BIGINT);
CREATE OR REPLACE TEMP TABLE stage_crosstab_practice (practice_code VARCHAR, practice_name VARCHAR,
    supplier VARCHAR, pcn_code VARCHAR, pcn_name VARCHAR, sub_icb_code VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_mapping (source_file VARCHAR, practice_code VARCHAR, practice_name VARCHAR,
    supplier VARCHAR, pcn_code VARCHAR, pcn_name VARCHAR, sub_icb_code VARCHAR, sub_icb_name VARCHAR,
    icb_code VARCHAR, icb_name VARCHAR, region_code VARCHAR, region_name VARCHAR, icb_ons_code VARCHAR,
    kind VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_list_size (source_file VARCHAR, extract_date DATE, type VARCHAR,
    practice_code VARCHAR, sex VARCHAR, age VARCHAR, patients BIGINT);
"""

# The crosstab stages only the columns stored (coded columns as published-spelling ENUMs); practice names are
# read in a second pass only for practices no mapping in the store or the batch knows. The CSV dialect is given
# explicitly: the sniffer misses quoted names such as "ORCHARD SURGERY,MELBOURN".
INSERT_SQL = {
    "crosstab": """
INSERT INTO stage_crosstab
SELECT $display, APPOINTMENT_MONTH_START_DATE, GP_CODE, SUB_ICB_LOCATION_CODE, HCP_TYPE, APPT_MODE,
       NATIONAL_CATEGORY, TIME_BETWEEN_BOOK_AND_APPT, APPT_STATUS, COUNT_OF_APPOINTMENTS
FROM read_csv($path, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
    columns = $columns, dateformat = $dateformat, store_rejects = true, strict_mode = true)""",
    "mapping": """
INSERT INTO stage_mapping
SELECT $display, GP_CODE, GP_NAME, SUPPLIER, PCN_CODE, PCN_NAME, SUB_ICB_LOCATION_CODE, SUB_ICB_LOCATION_NAME,
       ICB_CODE, ICB_NAME, REGION_CODE, REGION_NAME, NULL, 'mapping'
FROM read_csv($path, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
    columns = $columns, dateformat = $dateformat, store_rejects = true, strict_mode = true)""",
    "list_size": """
INSERT INTO stage_list_size
SELECT $display, EXTRACT_DATE, TYPE, CODE, SEX, AGE, NUMBER_OF_PATIENTS
FROM read_csv($path, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
    columns = $columns, dateformat = $dateformat, store_rejects = true, strict_mode = true)""",
    "list_size_map": """
INSERT INTO stage_mapping
SELECT $display, PRACTICE_CODE, PRACTICE_NAME, SUPPLIER_NAME, PCN_CODE, PCN_NAME, SUB_ICB_LOCATION_CODE,
       SUB_ICB_LOCATION_NAME, ICB_CODE, ICB_NAME, COMM_REGION_CODE, COMM_REGION_NAME, ONS_ICB_CODE, 'list_size_map'
FROM read_csv($path, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
    columns = $columns, dateformat = $dateformat, store_rejects = true, strict_mode = true)""",
}

NEW_PRACTICES_SQL = """
CREATE OR REPLACE TEMP TABLE new_practice AS SELECT DISTINCT practice_code FROM stage_crosstab
WHERE practice_code IS NOT NULL
  AND practice_code NOT IN (SELECT practice_code FROM practice)
  AND practice_code NOT IN (SELECT practice_code FROM stage_mapping WHERE practice_code IS NOT NULL)
"""

CROSSTAB_PRACTICES_SQL = """INSERT INTO stage_crosstab_practice
SELECT GP_CODE, arg_max(GP_NAME, APPOINTMENT_MONTH_START_DATE), arg_max(SUPPLIER, APPOINTMENT_MONTH_START_DATE),
       arg_max(PCN_CODE, APPOINTMENT_MONTH_START_DATE), arg_max(PCN_NAME, APPOINTMENT_MONTH_START_DATE),
       arg_max(SUB_ICB_LOCATION_CODE, APPOINTMENT_MONTH_START_DATE)
FROM read_csv($path, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
    columns = $columns, dateformat = $dateformat)
WHERE GP_CODE IN (SELECT practice_code FROM new_practice)
  AND GP_CODE NOT IN (SELECT practice_code FROM stage_crosstab_practice)
GROUP BY GP_CODE
"""

REJECTS_SQL = """SELECT line, column_name, error_type, csv_line, column_idx FROM reject_errors
    ORDER BY line, column_idx LIMIT 50"""


def create_stage_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(STAGE_TABLES_SQL)


def stage_csv(con: duckdb.DuckDBPyConnection, source: Source) -> list[Problem]:
    """Insert one GPAD CSV into its stage table; problems for rows that could not be read."""
    fmt = source.csv_format
    assert fmt is not None
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
    params = {**_read_params(source), "display": source.display}
    try:
        con.execute(INSERT_SQL[fmt.kind], params)
    except duckdb.Error as exc:
        return [
            Problem(source.display, f"a readable {fmt.description}", value=str(exc).splitlines()[0])
        ]
    rejects = [
        r for r in con.execute(REJECTS_SQL).fetchall() if r[2] != "INVALID ENCODING"
    ]  # see filescan
    problems = list(dict.fromkeys(_reject_problem(source, fmt, row) for row in rejects))
    if not problems and _is_header_only(source):
        problems.append(
            Problem(source.display, "data rows after the header", row=2, value="no data rows")
        )
    return problems


def _read_params(source: Source) -> dict[str, object]:
    fmt = source.csv_format
    assert fmt is not None
    types = dict(fmt.columns)
    return {
        "path": str(source.path),
        "columns": {name: types[name] for name in source.header},  # file order, published types
        "dateformat": fmt.dateformat or "%Y-%m-%d",
    }


def stage_crosstab_practices(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> None:
    """Names, PCN and supplier of practices known from no mapping: a second read of the crosstabs, only then."""
    con.execute(NEW_PRACTICES_SQL)
    if not con.execute("SELECT count(*) FROM new_practice").fetchone()[0]:  # type: ignore[index]
        return
    for source in sources:
        if source.kind == "crosstab":
            con.execute(CROSSTAB_PRACTICES_SQL, _read_params(source))


def _is_header_only(source: Source) -> bool:
    with open(source.path, "rb") as handle:
        handle.readline()
        return not handle.read(4096).strip()


def _reject_problem(source: Source, fmt: CsvFormat, reject: tuple) -> Problem:
    line, _column, error_type, csv_line, _index = reject
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        expected = (
            f"{len(fmt.columns)} columns ({error_type.lower()}; a truncated or damaged line?)"
        )
        return Problem(source.display, expected, line, value=csv_line)
    if error_type != "CAST":
        return Problem(
            source.display, "a CSV row with correctly quoted values", line, value=csv_line
        )
    # DuckDB's column name for a cast reject is unreliable when columns are projected away: find it ourselves.
    column, value = _cast_culprit(source, fmt, csv_line)
    expected = expected_for(dict(fmt.columns).get(column, ""), fmt.dateformat)
    return Problem(source.display, expected, line, column, value)


def _cast_culprit(source: Source, fmt: CsvFormat, csv_line: str) -> tuple[str, str]:
    fields = next(csv.reader([csv_line]), [])
    types = dict(fmt.columns)
    for name, value in zip(source.header, fields, strict=False):
        if value.strip() and not _fits(types[name], value, fmt.dateformat):
            return name, value
    return "", csv_line


def _fits(duck_type: str, value: str, dateformat: str | None) -> bool:
    if duck_type == "VARCHAR":
        return True
    if duck_type == "BIGINT":
        return value.strip().lstrip("-").isdigit()
    if duck_type == "DATE":
        try:
            dt.datetime.strptime(value.strip(), dateformat or "%Y-%m-%d")
        except ValueError:
            return False
        return True
    return value in PUBLISHED_BY_TYPE.get(duck_type, set())


PUBLISHED_BY_TYPE = {
    enum_type: {pub for dim, pub, _ in value_map_rows() if dim == dimension}
    for enum_type, dimension in ENUM_DIMENSIONS.items()
}


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
