"""The programme tracker sheets (docs/programme-template.md) and how each cell is parsed and checked.

Every parser takes a raw cell (a CSV string, or the value openpyxl read from an Excel cell) and returns the
value to store, None for a blank cell, or raises CellError saying what was expected. The limits below are
documented in docs/programme-template.md ("Limits checked at load").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gpaccess.reference import (
    BARRIERS,
    FUNDS,
    HIGH_IMPACT_ACTIONS,
    LEVELS,
    PROGRAMMES,
    STATUSES,
    WITHDRAWAL_REASONS,
)

MAX_INTEGER = 2_147_483_647  # the largest whole number any integer column accepts
MAX_PRACTICES = 10_000  # counts of practices (England has about 6,200)
MAX_WEEKS = 260  # five years of support
MAX_SESSIONS = 1_000  # modules, group sessions, on-site visits (planned or delivered)
MAX_HOURS = 100_000  # hours a month released
MAX_TEXT = 500  # characters in free text
EARLIEST_DATE = dt.date(2015, 1, 1)  # before the 2021 access plan's programmes: allows history
PLANNING_YEARS = 5  # planning dates (programme and phase start and end) at most this far ahead
MAX_POUNDS = (
    1_000_000_000  # one funding row: at most a billion pounds (the winter access fund was £250m)
)
FIRST_FINANCIAL_YEAR = 2015  # 2015/16, as EARLIEST_DATE
LAST_FINANCIAL_YEAR = 2099  # 2099/00 at the latest
MAX_ROWS = 200_000  # rows below the header in one sheet or CSV file
MAX_COLUMNS = 100  # columns in one sheet or CSV file

EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_POUNDS = re.compile(r"\d+(?:\.\d{1,2})?")
_FINANCIAL_YEAR = re.compile(r"(\d{4})/(\d{2})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PRACTICE_CODE = re.compile(r"[A-Z][A-Z0-9][0-9]{4}")
ICB_CODE = re.compile(r"[A-Z][A-Z0-9]{2}")


class CellError(ValueError):
    """A cell's value is not what the column expects; the message says what was expected."""


Parser = Callable[[Any], Any]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _text(value: Any, maximum: int) -> str:
    """A non-blank cell as safe text: no formula start, no control characters, not too long."""
    raw = str(value)
    stripped = raw.strip()
    if raw.lstrip(" ").startswith(FORMULA_START) or stripped.startswith(FORMULA_START):
        raise CellError(
            "text that does not start with =, +, -, @, tab or carriage return"
            " (spreadsheet formula characters)"
        )
    if _CONTROL.search(stripped):
        raise CellError("text without control characters (such as line breaks or tabs)")
    if "<" in stripped or ">" in stripped:  # chart labels read <a href>, <b>... as markup
        raise CellError("text without < or > (write 'fewer than' or 'more than')")
    if stripped in EXCEL_ERRORS:
        raise CellError("a value, not an Excel error (correct the formula or paste values)")
    if len(stripped) > maximum:
        raise CellError(f"text of at most {maximum:,} characters")
    return stripped


def text(value: Any) -> str | None:
    """Free text (names, descriptions): at most MAX_TEXT characters, safe to export to a spreadsheet."""
    return None if _blank(value) else _text(value, MAX_TEXT)


def code(pattern: re.Pattern[str], expected: str) -> Parser:
    """A code of a fixed shape (ODS practice or ICB code), e.g. ``code(PRACTICE_CODE, ...)``."""

    def parse(value: Any) -> str | None:
        if _blank(value):
            return None
        found = str(value).strip()
        if not pattern.fullmatch(found):
            raise CellError(expected)
        return found

    return parse


practice_code = code(
    PRACTICE_CODE,
    "an ODS practice code: a capital letter, a capital letter or digit, then 4 digits",
)
icb_code = code(
    ICB_CODE, "an ODS ICB code: a capital letter then 2 capital letters or digits (e.g. QRV)"
)


def date(value: Any) -> dt.date | None:
    """A date (YYYY-MM-DD, or an Excel date cell). Its range is checked with the batch (tracker_rules)."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    found = str(value).strip()
    try:
        if not _ISO_DATE.fullmatch(found):
            raise ValueError(found)
        return dt.date.fromisoformat(found)
    except ValueError:
        raise CellError("a date as YYYY-MM-DD") from None


def _finite(value: Any) -> float | int | None:
    """A finite number from a cell, or None if the cell does not hold one (TRUE/FALSE never do)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    found = str(value).strip()
    if not _NUMBER.fullmatch(found):
        return None  # refuses nan, inf, infinity, 1_000, 1,000, TRUE
    result = float(found)
    return result if math.isfinite(result) else None


def whole(maximum: int = MAX_INTEGER) -> Parser:
    """A whole number from 0 to ``maximum``."""
    expected = f"a whole number from 0 to {maximum:,}"

    def parse(value: Any) -> int | None:
        if _blank(value):
            return None
        found = _finite(value)
        if found is None or found < 0 or found > maximum or found != int(found):
            raise CellError(expected)
        return int(found)

    return parse


def amount(maximum: float) -> Parser:
    """A number (decimals allowed) from 0 to ``maximum``."""
    expected = f"a number from 0 to {maximum:,}"

    def parse(value: Any) -> float | None:
        if _blank(value):
            return None
        found = _finite(value)
        if found is None or found < 0 or found > maximum:
            raise CellError(expected)
        return float(found)

    return parse


def pounds(value: Any) -> float | None:
    """An amount in pounds, 0 to MAX_POUNDS, whole or with pence (at most 2 decimal places): `1250000`,
    `1250000.50`. No £ sign, thousands separators or negative amounts."""
    if _blank(value):
        return None
    expected = (
        f"an amount in pounds from 0 to {MAX_POUNDS:,}, whole or with pence (e.g. 1250000.50)"
    )
    if isinstance(value, str):
        found = value.strip()
        if not _POUNDS.fullmatch(found):
            raise CellError(expected)
        amount_found: float | int | None = float(found)
    else:
        amount_found = _finite(value)
    if amount_found is None or not 0 <= amount_found <= MAX_POUNDS:
        raise CellError(expected)
    pence = amount_found * 100
    if abs(pence - round(pence)) > 1e-6:  # an Excel number with more than 2 decimal places
        raise CellError(expected)
    return round(float(amount_found), 2)


def financial_year(value: Any) -> str | None:
    """A financial year written as `2021/22` (April 2021 to March 2022)."""
    if _blank(value):
        return None
    expected = (
        f"a financial year written like 2021/22 (the second year the first plus one), from "
        f"{FIRST_FINANCIAL_YEAR}/{(FIRST_FINANCIAL_YEAR + 1) % 100:02d}"
    )
    found = _FINANCIAL_YEAR.fullmatch(str(value).strip())
    if found is None:
        raise CellError(expected)
    first, second = int(found.group(1)), int(found.group(2))
    if not FIRST_FINANCIAL_YEAR <= first <= LAST_FINANCIAL_YEAR or second != (first + 1) % 100:
        raise CellError(expected)
    return found.group(0)


integer = whole()
number = amount(MAX_HOURS)
practices = whole(MAX_PRACTICES)
sessions = whole(MAX_SESSIONS)
hours = amount(MAX_HOURS)


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def yes_no(value: Any) -> bool | None:
    if _blank(value):
        return None
    word = str(value).strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellError("yes or no")


def one_of(allowed: tuple[str, ...], *, case_insensitive: bool = True) -> Parser:
    lookup = {a.lower() if case_insensitive else a: a for a in allowed}

    def parse(value: Any) -> str | None:
        if _blank(value):
            return None
        key = str(value).strip()
        found = lookup.get(key.lower() if case_insensitive else key)
        if found is None:
            raise CellError("one of: " + ", ".join(allowed))
        return found

    return parse


_ACTION_BY_NAME = {name.lower(): n for n, name in HIGH_IMPACT_ACTIONS}


def action(value: Any) -> int | None:
    """A high impact action by number (1-10) or by name."""
    if _blank(value):
        return None
    word = str(value).strip()
    if word.lower() in _ACTION_BY_NAME:
        return _ACTION_BY_NAME[word.lower()]
    numeric = _finite(value)
    if numeric is not None and numeric == int(numeric) and 1 <= numeric <= 10:
        return int(numeric)
    names = ", ".join(f"{n} {name}" for n, name in HIGH_IMPACT_ACTIONS)
    raise CellError(f"one of the ten high impact actions by number or name ({names})")


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parser
    required: bool = False
    planning: bool = (
        False  # a planned date: may be up to PLANNING_YEARS ahead (other dates: not after today)
    )

    @property
    def is_date(self) -> bool:
        return self.parse is date


@dataclass(frozen=True)
class TrackerSheet:
    name: str  # sheet name in the workbook
    table: str  # store table it replaces
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


programme = one_of(PROGRAMMES)

SHEETS: tuple[TrackerSheet, ...] = (
    TrackerSheet(
        "programmes",
        "programme",
        (
            Column("programme", programme, True),
            Column("programme_name", text),
            Column("start_date", date, True, planning=True),
            Column("end_date", date, planning=True),
            Column("target_practices", practices),
        ),
        ("programme",),
    ),
    TrackerSheet(
        "phases",
        "programme_phase",
        (
            Column("programme", programme, True),
            Column("phase", text, True),
            Column("level", one_of(LEVELS), True),
            Column("planned_practices", practices),
            Column("start_date", date, True, planning=True),
            Column("end_date", date, planning=True),
            Column("weeks", whole(MAX_WEEKS)),
            Column("modules_planned", sessions),
            Column("group_sessions_planned", sessions),
            Column("onsite_visits_planned", sessions),
        ),
        ("programme", "phase", "level"),
    ),
    TrackerSheet(
        "enrolments",
        "enrolment",
        (
            Column("programme", programme, True),
            Column("phase", text, True),
            Column("level", one_of(LEVELS), True),
            Column("practice_code", practice_code, True),
            Column("enrolled_date", date, True),
            Column("started_date", date),
            Column("ended_date", date),
            Column("status", one_of(STATUSES), True),
            Column("withdrawal_reason", one_of(WITHDRAWAL_REASONS)),
            Column("modules_completed", sessions),
            Column("group_sessions_attended", sessions),
            Column("onsite_visits", sessions),
            Column("productivity_gain", yes_no),
            Column("clinical_hours_released", hours),
            Column("admin_hours_released", hours),
            Column("gain_kind", text),
        ),
        ("programme", "phase", "practice_code"),
    ),
    TrackerSheet(
        "actions",
        "action_adopted",
        (
            Column("programme", programme, True),
            Column("phase", text, True),
            Column("practice_code", practice_code, True),
            Column("action", action, True),
            Column("specific_change", text),
            Column("adopted_date", date, True),
        ),
        ("programme", "phase", "practice_code", "action"),
    ),
    TrackerSheet(
        "eligibility",
        "eligibility",
        (
            Column("practice_code", practice_code, True),
            Column("digital_telephony_live_date", date),
            Column("wished_to_enrol", yes_no),
            Column("assessed_date", date),
        ),
        ("practice_code",),
    ),
    TrackerSheet(
        "barriers",
        "barrier",
        (
            Column("icb_code", icb_code, True),
            Column("reported_date", date, True),
            Column("programme", programme, True),
            Column("barrier", one_of(BARRIERS), True),
            Column("practices_affected", practices),
            Column("detail", text),
        ),
        ("icb_code", "reported_date", "programme", "barrier"),
    ),
    TrackerSheet(
        "funding",
        "funding",
        (
            Column("fund", one_of(FUNDS), True),
            Column("icb_code", icb_code, True),
            Column("financial_year", financial_year, True),
            Column("allocated_gbp", pounds, True),
            Column("spent_gbp", pounds),
        ),
        ("fund", "icb_code", "financial_year"),
    ),
    TrackerSheet(
        "funding_payments",
        "funding_payment",
        (
            Column("fund", one_of(FUNDS), True),
            Column("practice_code", practice_code, True),
            Column("financial_year", financial_year, True),
            Column("paid_gbp", pounds, True),
        ),
        ("fund", "practice_code", "financial_year"),
    ),
)

SHEET_BY_NAME = {s.name: s for s in SHEETS}
