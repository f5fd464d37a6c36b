"""The programme tracker sheets (docs/programme-template.md) and how each cell is parsed and checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gpaccess.reference import (
    BARRIERS,
    HIGH_IMPACT_ACTIONS,
    LEVELS,
    PROGRAMMES,
    STATUSES,
    WITHDRAWAL_REASONS,
)


class CellError(ValueError):
    """A cell's value is not what the column expects; the message says what was expected."""


Parser = Callable[[Any], Any]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def text(value: Any) -> str | None:
    return None if _blank(value) else str(value).strip()


def date(value: Any) -> dt.date | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CellError("a date as YYYY-MM-DD") from None


def integer(value: Any) -> int | None:
    if _blank(value):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise CellError("a whole number") from None
    if number != int(number) or number < 0:
        raise CellError("a whole number, 0 or more")
    return int(number)


def number(value: Any) -> float | None:
    if _blank(value):
        return None
    try:
        result = float(str(value).strip())
    except ValueError:
        raise CellError("a number") from None
    if result < 0:
        raise CellError("a number, 0 or more")
    return result


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


_ACTION_BY_NAME = {name.lower(): number for number, name in HIGH_IMPACT_ACTIONS}


def action(value: Any) -> int | None:
    """A high impact action by number (1-10) or by name."""
    if _blank(value):
        return None
    word = str(value).strip()
    if word.lower() in _ACTION_BY_NAME:
        return _ACTION_BY_NAME[word.lower()]
    try:
        numeric = float(word)
    except ValueError:
        numeric = 0
    if numeric == int(numeric) and 1 <= int(numeric) <= 10:
        return int(numeric)
    names = ", ".join(f"{n} {name}" for n, name in HIGH_IMPACT_ACTIONS)
    raise CellError(f"one of the ten high impact actions by number or name ({names})")


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parser
    required: bool = False


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
            Column("start_date", date, True),
            Column("end_date", date),
            Column("target_practices", integer),
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
            Column("planned_practices", integer),
            Column("start_date", date, True),
            Column("end_date", date),
            Column("weeks", integer),
            Column("modules_planned", integer),
            Column("group_sessions_planned", integer),
            Column("onsite_visits_planned", integer),
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
            Column("practice_code", text, True),
            Column("enrolled_date", date, True),
            Column("started_date", date),
            Column("ended_date", date),
            Column("status", one_of(STATUSES), True),
            Column("withdrawal_reason", one_of(WITHDRAWAL_REASONS)),
            Column("modules_completed", integer),
            Column("group_sessions_attended", integer),
            Column("onsite_visits", integer),
            Column("productivity_gain", yes_no),
            Column("clinical_hours_released", number),
            Column("admin_hours_released", number),
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
            Column("practice_code", text, True),
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
            Column("practice_code", text, True),
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
            Column("icb_code", text, True),
            Column("reported_date", date, True),
            Column("programme", programme, True),
            Column("barrier", one_of(BARRIERS), True),
            Column("practices_affected", integer),
            Column("detail", text),
        ),
        ("icb_code", "reported_date", "programme", "barrier"),
    ),
)

SHEET_BY_NAME = {s.name: s for s in SHEETS}
