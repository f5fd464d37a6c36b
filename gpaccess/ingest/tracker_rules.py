"""Rules across tracker rows and sheets: dates in range, codes exist, dates in order, phases known, actions in
support. Date ranges are checked here because they depend on the load's ``today``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from gpaccess.ingest.errors import Problem, Trouble
from gpaccess.ingest.tracker import SheetRows, TrackerBatch
from gpaccess.ingest.tracker_format import EARLIEST_DATE, PLANNING_YEARS

PHASES_SQL = """SELECT programme, phase, level, group_sessions_planned, onsite_visits_planned, modules_planned
    FROM programme_phase"""
ENROLMENTS_SQL = (
    "SELECT programme, phase, practice_code, started_date, ended_date, status FROM enrolment"
)
PROGRAMMES_SQL = "SELECT programme FROM programme"
ICBS_SQL = (
    "SELECT icb_code FROM icb UNION SELECT icb_code FROM stage_mapping WHERE icb_code IS NOT NULL"
)


def check_tracker(
    con: duckdb.DuckDBPyConnection, batch: TrackerBatch, known_practices: set[str], today: dt.date
) -> list[Problem]:
    problems: list[Problem] = []
    for sheet_rows in batch.sheets.values():
        problems += _date_ranges(sheet_rows, today)
    for name in ("enrolments", "actions", "eligibility", "funding_payments"):
        if name in batch.sheets:
            problems += _unknown_practices(batch.sheets[name], known_practices)
    for name in ("barriers", "funding"):
        if name in batch.sheets:
            icbs = {r[0] for r in con.execute(ICBS_SQL).fetchall()}
            problems += _unknown_values(
                batch.sheets[name],
                "icb_code",
                icbs,
                ("unknown ICB code", "an ICB code (e.g. QRV)"),
            )
    programmes = _programmes(con, batch)
    if "phases" in batch.sheets:
        problems += _unknown_values(
            batch.sheets["phases"],
            "programme",
            programmes,
            ("unknown programme", "a programme listed in the programmes sheet"),
        )
    if "enrolments" in batch.sheets:
        problems += _enrolment_rules(batch.sheets["enrolments"], _phases(con, batch))
    if "actions" in batch.sheets:
        problems += _action_rules(batch.sheets["actions"], _enrolments(con, batch), today)
    return problems


def _rows(sheet: SheetRows) -> list[tuple[int, dict[str, Any]]]:
    return list(zip(sheet.lines, sheet.rows, strict=True))


def latest_planning_date(today: dt.date) -> dt.date:
    """The latest planning date accepted: PLANNING_YEARS after today (28 February for 29 February)."""
    year = today.year + PLANNING_YEARS
    return (
        today.replace(year=year, day=28)
        if (today.month, today.day) == (2, 29)
        else today.replace(year=year)
    )


def _date_ranges(sheet: SheetRows, today: dt.date) -> list[Problem]:
    """Every date from EARLIEST_DATE; dates of things that happened not after today, planning dates (programme
    and phase start and end) at most PLANNING_YEARS ahead."""
    happened = f"a date from {EARLIEST_DATE} to {today} (not in the future)"
    latest_plan = latest_planning_date(today)
    planned = f"a date from {EARLIEST_DATE} to {latest_plan} (at most {PLANNING_YEARS} years ahead)"
    problems = []
    for column in sheet.sheet.columns:
        if not column.is_date:
            continue
        latest, expected = (latest_plan, planned) if column.planning else (today, happened)
        problems += [
            Problem(
                sheet.display,
                expected,
                line,
                column.name,
                row[column.name].isoformat(),
                "date out of range",
            )
            for line, row in _rows(sheet)
            if row[column.name] is not None and not EARLIEST_DATE <= row[column.name] <= latest
        ]
    return problems


def _unknown_practices(sheet: SheetRows, known: set[str]) -> list[Problem]:
    unknown = [
        (line, row["practice_code"])
        for line, row in _rows(sheet)
        if row["practice_code"] not in known
    ]
    if not unknown:
        return []
    listed = ", ".join(f"{code} (row {line})" for line, code in unknown[:50])
    more = f" and {len(unknown) - 50} more" if len(unknown) > 50 else ""
    expected = "practice codes that exist in the loaded practice data (GPAD crosstab, Mapping.csv or list sizes)"
    return [
        Problem(
            sheet.display,
            expected,
            unknown[0][0],
            "practice_code",
            f"{len(unknown)} unknown: {listed}{more}",
            "unknown practice code",
        )
    ]


def _unknown_values(
    sheet: SheetRows, column: str, allowed: set[str], trouble: Trouble
) -> list[Problem]:
    kind, expected = trouble
    return [
        Problem(sheet.display, expected, line, column, row[column], kind)
        for line, row in _rows(sheet)
        if row[column] not in allowed
    ]


RowsByKey = dict[
    tuple[Any, ...], dict[str, Any]
]  # rows of a sheet (or the store) by a Reference's key


@dataclass(frozen=True)
class Reference:
    """A row's reference to a row of another sheet (or the store) by key, and what to say when there is none."""

    key: tuple[str, ...]
    column: str  # the column a problem names
    kind: str
    expected: str

    def of(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[c] for c in self.key)

    def missing(self, sheet: SheetRows, line: int, row: dict[str, Any]) -> Problem:
        value = " / ".join(str(v) for v in self.of(row))
        return Problem(sheet.display, self.expected, line, self.column, value, self.kind)


PHASE_OF_ENROLMENT = Reference(
    ("programme", "phase", "level"),
    "phase",
    "unknown phase",
    "a programme, phase and level listed in the phases sheet",
)
ENROLMENT_OF_ACTION = Reference(
    ("programme", "phase", "practice_code"),
    "practice_code",
    "practice not enrolled",
    "a practice enrolled in that programme and phase",
)


def _programmes(con: duckdb.DuckDBPyConnection, batch: TrackerBatch) -> set[str]:
    if "programmes" in batch.sheets:
        return {r["programme"] for r in batch.rows("programmes")}
    return {r[0] for r in con.execute(PROGRAMMES_SQL).fetchall()}


def _phases(con: duckdb.DuckDBPyConnection, batch: TrackerBatch) -> RowsByKey:
    if "phases" in batch.sheets:
        return {PHASE_OF_ENROLMENT.of(r): r for r in batch.rows("phases")}
    names = (
        "programme",
        "phase",
        "level",
        "group_sessions_planned",
        "onsite_visits_planned",
        "modules_planned",
    )
    rows = [dict(zip(names, r, strict=True)) for r in con.execute(PHASES_SQL).fetchall()]
    return {PHASE_OF_ENROLMENT.of(r): r for r in rows}


def _enrolments(con: duckdb.DuckDBPyConnection, batch: TrackerBatch) -> RowsByKey:
    if "enrolments" in batch.sheets:
        rows = batch.rows("enrolments")
    else:
        names = ("programme", "phase", "practice_code", "started_date", "ended_date", "status")
        rows = [dict(zip(names, r, strict=True)) for r in con.execute(ENROLMENTS_SQL).fetchall()]
    return {ENROLMENT_OF_ACTION.of(r): r for r in rows}


DELIVERY_LIMITS = (
    ("modules_completed", "modules_planned"),
    ("group_sessions_attended", "group_sessions_planned"),
    ("onsite_visits", "onsite_visits_planned"),
)


def _enrolment_rules(sheet: SheetRows, phases: RowsByKey) -> list[Problem]:
    problems = []
    for line, row in _rows(sheet):
        phase = phases.get(PHASE_OF_ENROLMENT.of(row))
        if phase is None:
            problems.append(PHASE_OF_ENROLMENT.missing(sheet, line, row))
        else:
            problems += _delivery_limits(sheet.display, line, row, phase)
        problems += _date_order(sheet.display, line, row)
        if row["status"] == "withdrawn" and not row["withdrawal_reason"]:
            problems.append(
                Problem(
                    sheet.display,
                    "a withdrawal reason when status is withdrawn",
                    line,
                    "withdrawal_reason",
                    "",
                    "missing withdrawal reason",
                )
            )
    return problems


def _delivery_limits(
    display: str, line: int, row: dict[str, Any], phase: dict[str, Any]
) -> list[Problem]:
    problems = []
    for done, planned in DELIVERY_LIMITS:
        if row[done] is not None and phase.get(planned) is not None and row[done] > phase[planned]:
            problems.append(
                Problem(
                    display,
                    f"at most {phase[planned]} ({planned} for the phase)",
                    line,
                    done,
                    str(row[done]),
                    "more than planned",
                )
            )
    return problems


def _date_order(display: str, line: int, row: dict[str, Any]) -> list[Problem]:
    problems = []
    enrolled, started, ended = row["enrolled_date"], row["started_date"], row["ended_date"]
    if started and started < enrolled:
        problems.append(
            Problem(
                display,
                f"a start on or after the enrolled date {enrolled}",
                line,
                "started_date",
                started.isoformat(),
                "dates out of order",
            )
        )
    if ended and started and ended < started:
        problems.append(
            Problem(
                display,
                f"an end on or after the start date {started}",
                line,
                "ended_date",
                ended.isoformat(),
                "dates out of order",
            )
        )
    return problems


def _action_rules(sheet: SheetRows, enrolments: RowsByKey, today: dt.date) -> list[Problem]:
    problems = []
    for line, row in _rows(sheet):
        enrolment = enrolments.get(ENROLMENT_OF_ACTION.of(row))
        if enrolment is None:
            problems.append(ENROLMENT_OF_ACTION.missing(sheet, line, row))
            continue
        start, end = enrolment["started_date"], enrolment["ended_date"] or today
        adopted = row["adopted_date"]
        if start is None or not (start <= adopted <= end):
            period = f"from {start} to {end}" if start else "none (support not started)"
            problems.append(
                Problem(
                    sheet.display,
                    f"a date within the practice's support period ({period})",
                    line,
                    "adopted_date",
                    adopted.isoformat(),
                    "adopted outside support",
                )
            )
    return problems
