"""Stage GPAD CSV files (crosstab, Mapping.csv, list sizes) into temp tables and check them.

Each file is read once by DuckDB with the published dialect given explicitly (the sniffer misses quoted names
such as "ORCHARD SURGERY,MELBOURN") and typed columns. Rows DuckDB cannot parse (wrong column count, bad
date, a line too long, non-UTF-8 bytes) are captured in its rejects table with their line numbers. Counts are
read as text and converted here: a value that is not a whole number from 0 to 2,147,483,647 is staged as NULL,
which the checks (gpad_checks) find and name. Lines are numbered as `wc -l` and DuckDB number them (by line
feeds; the header is row 1), whether the file ends its lines with CRLF, as published, or LF.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import duckdb

from gpaccess.ingest.errors import Problem, Trouble
from gpaccess.ingest.formats import (
    ENUM_DIMENSIONS,
    CsvFormat,
    expected_for,
    kind_for,
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

# Limits on one read: rejects recorded per file (a garbage file cannot fill the rejects table; a few are enough
# to name) and the longest line DuckDB will buffer (published lines are under 400 bytes; a longer line is a
# reject naming its row, never a line held whole in memory). Below Python's csv field limit (131,072), so the
# slow pass (iter_rows) can read every line DuckDB accepted.
MAX_LINE_PROBLEMS = 20  # rows named per file when DuckDB cannot read it
MAX_LINE_BYTES = 65_536
# DuckDB 2.0 skips a line of tens of MB silently (no reject, and rejects after it lost): lines of a MiB or more
# are found by a read of our own, in a thread beside DuckDB's.
HUGE_LINE_BYTES = 1 << 20

# The crosstab stages only the columns stored (coded columns as published-spelling ENUMs); practice names are
# read in a second pass only for practices no mapping in the store or the batch knows. The CSV dialect is given
# explicitly: the sniffer misses quoted names such as "ORCHARD SURGERY,MELBOURN".
INSERT_SQL = {
    "crosstab": """
INSERT INTO stage_crosstab
SELECT $display, APPOINTMENT_MONTH_START_DATE, GP_CODE, SUB_ICB_LOCATION_CODE, HCP_TYPE, APPT_MODE,
       NATIONAL_CATEGORY, TIME_BETWEEN_BOOK_AND_APPT, APPT_STATUS,
       CASE WHEN regexp_full_match(COUNT_OF_APPOINTMENTS, '[0-9]{1,10}')
            THEN TRY_CAST(COUNT_OF_APPOINTMENTS AS INTEGER) END
FROM read_csv($path, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
    columns = $columns, dateformat = $dateformat, strict_mode = true,
    max_line_size = $max_line_size)""",
    "mapping": """
INSERT INTO stage_mapping
SELECT $display, GP_CODE, GP_NAME, SUPPLIER, PCN_CODE, PCN_NAME, SUB_ICB_LOCATION_CODE, SUB_ICB_LOCATION_NAME,
       ICB_CODE, ICB_NAME, REGION_CODE, REGION_NAME, NULL, 'mapping'
FROM read_csv($path, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
    columns = $columns, dateformat = $dateformat, strict_mode = true,
    max_line_size = $max_line_size)""",
    "list_size": """
INSERT INTO stage_list_size
SELECT $display, EXTRACT_DATE, TYPE, CODE, SEX, AGE,
       CASE WHEN regexp_full_match(NUMBER_OF_PATIENTS, '[0-9]{1,10}')
            THEN TRY_CAST(NUMBER_OF_PATIENTS AS INTEGER) END
FROM read_csv($path, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
    columns = $columns, dateformat = $dateformat, strict_mode = true,
    max_line_size = $max_line_size)""",
    "list_size_map": """
INSERT INTO stage_mapping
SELECT $display, PRACTICE_CODE, PRACTICE_NAME, SUPPLIER_NAME, PCN_CODE, PCN_NAME, SUB_ICB_LOCATION_CODE,
       SUB_ICB_LOCATION_NAME, ICB_CODE, ICB_NAME, COMM_REGION_CODE, COMM_REGION_NAME, ONS_ICB_CODE, 'list_size_map'
FROM read_csv($path, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
    columns = $columns, dateformat = $dateformat, strict_mode = true,
    max_line_size = $max_line_size)""",
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
    columns = $columns, dateformat = $dateformat, strict_mode = true, max_line_size = $max_line_size)
WHERE GP_CODE IN (SELECT practice_code FROM new_practice)
  AND GP_CODE NOT IN (SELECT practice_code FROM stage_crosstab_practice)
GROUP BY GP_CODE
"""

DUCKDB_LINE = re.compile(r"CSV Error on Line: (\d+)")
LINE_TOO_LONG = "line too long"


@dataclass(frozen=True)
class Line:
    """One line of a CSV as a strict reader sees it: its values, or what is wrong with its shape."""

    row: int  # as `wc -l` numbers it (the header is row 1)
    text: str
    fields: list[str] = field(default_factory=list)  # none when its shape is wrong
    kind: str = ""  # what is wrong with its shape (errors.Problem.kind); "" when it is fine
    expected: str = ""

    def problem(self, file: str) -> Problem:
        return Problem(file, self.expected, self.row, value=self.text, kind=self.kind)


def create_stage_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(STAGE_TABLES_SQL)


def stage_csv(con: duckdb.DuckDBPyConnection, source: Source) -> list[Problem]:
    """Insert one GPAD CSV into its stage table; problems for rows that could not be read.

    DuckDB reads the file strictly and stops at the first row it cannot take; only then is the file read
    line by line to name the rows (at most MAX_LINE_PROBLEMS). DuckDB's own rejects table is not used: it
    costs about 150 MB and a second for every 1 MB of a file whose every line is bad.
    """
    fmt = source.csv_format
    assert fmt is not None
    params = {**_read_params(source), "display": source.display}
    failure: duckdb.Error | None = None
    with ThreadPoolExecutor(1) as pool:
        huge_line = pool.submit(find_huge_line, source.path)  # read alongside DuckDB's read
        try:
            con.execute(INSERT_SQL[fmt.kind], params)
        except duckdb.Error as exc:
            failure = exc
        huge_row = huge_line.result()
    if huge_row is not None:  # DuckDB may skip such a line, and rows after it, without a word
        expected = f"a line of at most {MAX_LINE_BYTES:,} bytes (published lines are a few hundred)"
        return [
            Problem(
                source.display,
                expected,
                huge_row,
                value="a line of more than 1 MiB",
                kind=LINE_TOO_LONG,
            )
        ]
    if failure is not None:
        return line_problems(source, fmt) or [_unreadable_problem(source, fmt, failure)]
    if _is_header_only(source):
        expected = "data rows after the header"
        return [Problem(source.display, expected, row=2, value="no data rows", kind="no data rows")]
    return []


def line_problems(source: Source, fmt: CsvFormat) -> list[Problem]:
    """The rows a strict read cannot take, named by reading the file a line at a time: the line's shape
    (see `checked_lines`), then each typed value. Stops at MAX_LINE_PROBLEMS, so a file of garbage costs
    no more than its first lines."""
    types = dict(fmt.columns)
    problems: list[Problem] = []
    for line in checked_lines(source.path, len(source.header)):
        if line.kind:
            problems.append(line.problem(source.display))
        for name, value in zip(source.header, line.fields, strict=False):
            if value.strip() and not _fits(types[name], value, fmt.dateformat):
                expected = expected_for(types[name], fmt.dateformat)
                kind = kind_for(types[name])
                problems.append(Problem(source.display, expected, line.row, name, value, kind))
        if len(problems) >= MAX_LINE_PROBLEMS:
            break
    return problems[:MAX_LINE_PROBLEMS]


def _read_params(source: Source) -> dict[str, object]:
    fmt = source.csv_format
    assert fmt is not None
    types = dict(fmt.columns)
    return {
        "path": str(source.path),
        "columns": {name: types[name] for name in source.header},  # file order, published types
        "dateformat": fmt.dateformat or "%Y-%m-%d",
        "max_line_size": MAX_LINE_BYTES,
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
        handle.readline(MAX_LINE_BYTES)
        return not handle.read(4096).strip()


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


def find_huge_line(path: Path) -> int | None:
    """The row of the first line longer than a MiB or so, if any (fast: a MiB with no line feed in it)."""
    with open(path, "rb") as handle:
        while chunk := handle.read(HUGE_LINE_BYTES):
            if len(chunk) == HUGE_LINE_BYTES and b"\n" not in chunk:
                start = handle.tell() - len(chunk)
                break
        else:
            return None
        handle.seek(0)
        newlines = 0
        while start > 0:
            block = handle.read(min(HUGE_LINE_BYTES, start))
            newlines += block.count(b"\n")
            start -= len(block)
        return newlines + 1


def _unreadable_problem(source: Source, fmt: CsvFormat, exc: duckdb.Error) -> Problem:
    """DuckDB stopped reading (e.g. "state machine reached an invalid state"): find the line ourselves."""
    misshapen = (line for line in checked_lines(source.path, len(source.header)) if line.kind)
    first = next(misshapen, None)
    if first is not None:
        return first.problem(source.display)
    message = str(exc)
    match = DUCKDB_LINE.search(message)
    return Problem(
        source.display,
        f"a readable {fmt.description}",
        int(match.group(1)) if match else None,
        value=message.splitlines()[0] if message else type(exc).__name__,
        kind="unreadable CSV",
    )


def checked_lines(path: Path, columns: int) -> Iterator[Line]:
    """Each data line with its values, or any line (the header too) with what is wrong with its shape: a line
    too long, a carriage return inside a line, a line ending unlike the header's (CRLF or LF), badly quoted
    values, or a wrong number of values. Blank lines are skipped."""
    header_crlf: bool | None = None
    for number, raw, complete in _raw_lines(path):
        crlf = raw.endswith(b"\r\n")
        body = raw[:-2] if crlf else raw.removesuffix(b"\n")
        text = body.decode("utf-8", errors="replace")
        trouble = _broken(body, complete)
        if trouble is None and header_crlf is None:
            header_crlf = crlf
        elif trouble is None and raw.endswith(b"\n"):
            trouble = _ending_unlike_header(crlf, header_crlf)
        if trouble is not None:
            yield Line(number, text, kind=trouble[0], expected=trouble[1])
        elif number > 1 and body:
            yield _parsed(number, text, columns)


def _broken(body: bytes, complete: bool) -> Trouble | None:
    if not complete:
        return LINE_TOO_LONG, f"a line of at most {MAX_LINE_BYTES:,} bytes"
    if b"\r" in body:
        expected = "line breaks only between rows (found a carriage return, \\r, inside this line)"
        return "carriage return inside a line", expected
    return None


def _ending_unlike_header(crlf: bool, header_crlf: bool | None) -> Trouble | None:
    if crlf == header_crlf:
        return None
    ending = ("CRLF", "LF") if header_crlf else ("LF", "CRLF")
    expected = f"every line ending like the header, in {ending[0]} (this one ends in {ending[1]})"
    return "line ending unlike the header's", expected


def _parsed(row: int, text: str, columns: int) -> Line:
    try:
        fields = next(csv.reader([text], strict=True), [])
    except csv.Error:
        expected = "a CSV row with correctly quoted values"
        return Line(row, text, kind="badly quoted values", expected=expected)
    if len(fields) != columns:
        expected = f"{columns} columns (found {len(fields)})"
        return Line(row, text, kind="wrong number of columns", expected=expected)
    return Line(row, text, fields)


def _raw_lines(path: Path) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, bytes, whether whole) of each line, split on line feeds; a line longer than
    MAX_LINE_BYTES is cut there (and the rest skipped), so no line is held whole in memory."""
    with open(path, "rb") as handle:
        number = 0
        while line := handle.readline(MAX_LINE_BYTES):
            number += 1
            complete = line.endswith(b"\n") or len(line) < MAX_LINE_BYTES
            if not complete:
                while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass
            yield number, line, complete


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV with their line numbers (slow path: used only to point at the rows behind an error).

    Never raises on hostile content: lines split on line feeds only (a CRLF ending is the csv module's; a
    stray carriage return is not a new row), undecodable bytes replaced, and a line the csv module cannot
    read (too long, badly quoted) skipped: DuckDB has reported those already. Missing values are "".
    """
    with open(path, newline="\n", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(_bounded(handle))
        try:
            header = next(reader)
        except (StopIteration, csv.Error):
            return
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error:
                continue
            if fields:
                padded = fields + [""] * (len(header) - len(fields))
                yield reader.line_num, dict(zip(header, padded, strict=False))


def _bounded(handle: TextIO) -> Iterator[str]:
    """Lines of a text file, each cut at MAX_LINE_BYTES characters (the rest of a longer line skipped)."""
    while line := handle.readline(MAX_LINE_BYTES):
        if not line.endswith("\n") and len(line) == MAX_LINE_BYTES:
            while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith("\n"):
                pass
            line = "\n"  # a blank line in its place keeps the numbering; DuckDB rejected the line itself
        yield line


def locate(path: Path, match: Callable[[dict[str, str]], bool], limit: int = 5) -> list[int]:
    found = []
    for line, row in iter_rows(path):
        if match(row):
            found.append(line)
            if len(found) >= limit:
                break
    return found
