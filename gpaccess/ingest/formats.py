"""The published file formats the ingest accepts, recognised by their header row.

Column types are DuckDB types; dates use the format each file is published in:
`01OCT2025` (practice crosstab), `2025-12-01` and `01Dec2025` (list-size files). Counts are read as text and
converted by the ingest itself (DuckDB's CSV cast rounds `3.5` to 4 and accepts `1e3`); the bounds every value
must keep are below (docs/loading-data.md, "What a load refuses").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

V = "VARCHAR"

# Counts (COUNT_OF_APPOINTMENTS, NUMBER_OF_PATIENTS): whole, 0 or more, and fit the store's INTEGER columns.
MAX_COUNT = 2_147_483_647
COUNT_PATTERN = "[0-9]{1,10}"  # then at most MAX_COUNT; no sign, point, exponent or spaces
COUNT_EXPECTED = f"a whole number from 0 to {MAX_COUNT:,}"
COUNT_KIND = "not a valid count"  # a count that is not a whole number from 0 to MAX_COUNT

# GP practice codes (ODS): a letter, a letter or digit, four digits (L83013, Y02960; the demo's DM0001).
PRACTICE_CODE_PATTERN = "[A-Z][A-Z0-9][0-9]{4}"
PRACTICE_CODE_EXPECTED = (
    "a GP practice code: a capital letter, a capital letter or digit, then four digits"
)
PRACTICE_CODE_KIND = "not a practice code"

# No GPAD or list-size date is older than this (GPAD starts in 2017-2018); the newest allowed depends on today.
EARLIEST_DATE = dt.date(2015, 1, 1)


@dataclass(frozen=True)
class CsvFormat:
    kind: str
    description: str
    columns: tuple[tuple[str, str], ...]
    dateformat: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


def _columns(names: str, **types: str) -> tuple[tuple[str, str], ...]:
    """Columns in file order (names separated by spaces), each VARCHAR unless given a type."""
    listed = names.split()
    if unknown := set(types) - set(listed):
        raise ValueError(f"types given for columns not listed: {sorted(unknown)}")
    return tuple((name, types.get(name, V)) for name in listed)


# Counts (COUNT_OF_APPOINTMENTS, NUMBER_OF_PATIENTS) are read as VARCHAR and converted by the ingest (COUNT_PATTERN).
CROSSTAB = CsvFormat(
    kind="crosstab",
    description="GPAD practice-level crosstab (Practice_Level_Crosstab_*.csv)",
    columns=_columns(
        "APPOINTMENT_MONTH_START_DATE GP_CODE GP_NAME SUPPLIER PCN_CODE PCN_NAME SUB_ICB_LOCATION_CODE "
        "SUB_ICB_LOCATION_NAME HCP_TYPE APPT_MODE NATIONAL_CATEGORY TIME_BETWEEN_BOOK_AND_APPT "
        "COUNT_OF_APPOINTMENTS APPT_STATUS",
        APPOINTMENT_MONTH_START_DATE="DATE",
        HCP_TYPE="hcp_published",
        APPT_MODE="mode_published",
        TIME_BETWEEN_BOOK_AND_APPT="band_published",
        APPT_STATUS="status_published",
    ),
    dateformat="%d%b%Y",
)

MAPPING = CsvFormat(
    kind="mapping",
    description="GPAD Mapping.csv (practice -> PCN -> sub-ICB -> ICB -> region)",
    columns=_columns(
        "GP_CODE GP_NAME SUPPLIER PCN_CODE PCN_NAME SUB_ICB_LOCATION_CODE SUB_ICB_LOCATION_NAME ICB_CODE "
        "ICB_NAME REGION_CODE REGION_NAME"
    ),
)

LIST_SIZE = CsvFormat(
    kind="list_size",
    description="Patients registered at a GP practice (gp-reg-pat-prac-all.csv)",
    columns=_columns(
        "PUBLICATION EXTRACT_DATE TYPE SUB_ICB_LOCATION_CODE ONS_SUB_ICB_LOCATION_CODE CODE POSTCODE SEX AGE "
        "NUMBER_OF_PATIENTS",
        EXTRACT_DATE="DATE",
    ),
    dateformat="%Y-%m-%d",
)

LIST_SIZE_MAP = CsvFormat(
    kind="list_size_map",
    description="Patients registered at a GP practice, practice mapping (gp-reg-pat-prac-map.csv)",
    columns=_columns(
        "PUBLICATION EXTRACT_DATE PRACTICE_CODE PRACTICE_NAME PRACTICE_POSTCODE PCN_CODE PCN_NAME "
        "ONS_SUB_ICB_LOCATION_CODE SUB_ICB_LOCATION_CODE SUB_ICB_LOCATION_NAME ONS_ICB_CODE ICB_CODE ICB_NAME "
        "ONS_COMM_REGION_CODE COMM_REGION_CODE COMM_REGION_NAME SUPPLIER_NAME",
        EXTRACT_DATE="DATE",
    ),
    dateformat="%d%b%Y",
)

GPAD_FORMATS = (CROSSTAB, MAPPING, LIST_SIZE, LIST_SIZE_MAP)

DATE_EXAMPLES = {"%d%b%Y": "a date like 01OCT2025", "%Y-%m-%d": "a date like 2025-12-01"}


ENUM_DIMENSIONS = {
    "hcp_published": "hcp_type",
    "mode_published": "appt_mode",
    "band_published": "time_band",
    "status_published": "appt_status",
}


def kind_for(duck_type: str) -> str:
    """The kind of problem (errors.Problem.kind) of a value that does not fit its column's type."""
    if duck_type in ENUM_DIMENSIONS:
        return "not a published value"
    if duck_type == "DATE":
        return "not a date"
    if duck_type == "BIGINT":
        return COUNT_KIND
    return "wrong value"


def expected_for(duck_type: str, dateformat: str | None) -> str:
    if duck_type in ENUM_DIMENSIONS:
        from gpaccess.reference import CANONICAL

        return "one of: " + ", ".join(CANONICAL[ENUM_DIMENSIONS[duck_type]])
    if duck_type == "DATE":
        return DATE_EXAMPLES.get(dateformat or "", "a date")
    if duck_type == "BIGINT":
        return COUNT_EXPECTED
    return "text"
