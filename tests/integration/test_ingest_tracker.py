"""The programme tracker loads from CSV or XLSX; bad values are refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from gpaccess.config import TEMPLATES_DIR
from gpaccess.ingest import IngestError, ingest_files
from gpaccess.ingest.tracker_format import SHEETS
from gpaccess.templates import EXAMPLE_ROWS, csv_template
from tests.conftest import snapshot

PRACTICE = "Y02960"  # the real practice in the one-practice August 2025 file


@pytest.fixture
def with_practice(store, realdata):
    ingest_files(store, [realdata / "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"])
    return store


def tracker_csvs(tmp_path: Path, overrides: dict[str, list[list[str]]] | None = None) -> list[Path]:
    """One CSV per sheet: the template's example row with the real practice, or the rows given."""
    paths = []
    for sheet in SHEETS:
        rows = (overrides or {}).get(sheet.name) or [
            [PRACTICE if v == "A81001" else v for v in EXAMPLE_ROWS[sheet.name]]
        ]
        path = tmp_path / f"{sheet.name}.csv"
        path.write_text(
            csv_template(sheet.name) + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8"
        )
        paths.append(path)
    return paths


def test_csv_tracker_loads_every_sheet(with_practice, tmp_path):
    ingest_files(with_practice, tracker_csvs(tmp_path))
    enrolment = with_practice.execute(
        "SELECT programme, phase, level, practice_code, status, productivity_gain, admin_hours_released FROM enrolment"
    ).fetchall()
    assert enrolment == [("GPIP", "Cohort 2023-07", "intensive", PRACTICE, "completed", True, 20.0)]
    assert with_practice.execute("SELECT action_number FROM action_adopted").fetchall() == [(1,)]
    assert with_practice.execute("SELECT target_practices FROM programme").fetchall() == [(1500,)]
    assert with_practice.execute("SELECT practices_affected FROM barrier").fetchall() == [(4,)]


def test_xlsx_tracker_loads(with_practice, tmp_path):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet.name)
        ws.append(list(sheet.column_names))
        ws.append([PRACTICE if v == "A81001" else v for v in EXAMPLE_ROWS[sheet.name]])
    path = tmp_path / "tracker.xlsx"
    workbook.save(path)
    report = ingest_files(with_practice, [path])
    assert {f.file_kind for f in report.files} == {f"tracker:{s.name}" for s in SHEETS}
    assert with_practice.execute("SELECT count(*) FROM enrolment").fetchone() == (1,)


def test_tracker_load_replaces_the_previous_snapshot(with_practice, tmp_path):
    ingest_files(with_practice, tracker_csvs(tmp_path))
    ingest_files(with_practice, tracker_csvs(tmp_path))
    assert with_practice.execute("SELECT count(*) FROM enrolment").fetchone() == (1,)


def test_committed_templates_match_the_sheet_definitions():
    for sheet in SHEETS:
        committed = (TEMPLATES_DIR / "programme_tracker_csv" / f"{sheet.name}.csv").read_text(
            encoding="utf-8"
        )
        assert committed == csv_template(sheet.name)
    workbook = load_workbook(TEMPLATES_DIR / "programme_tracker.xlsx", read_only=True)
    assert workbook.sheetnames == [s.name for s in SHEETS]
    for sheet in SHEETS:
        header = next(workbook[sheet.name].iter_rows(values_only=True))
        assert tuple(header) == sheet.column_names


def refused(store, paths):
    before = snapshot(store)
    with pytest.raises(IngestError) as caught:
        ingest_files(store, paths)
    assert snapshot(store) == before
    return str(caught.value)


def enrolment_row(**changes: str) -> list[str]:
    sheet = next(s for s in SHEETS if s.name == "enrolments")
    row = dict(
        zip(sheet.column_names, EXAMPLE_ROWS["enrolments"], strict=True), practice_code=PRACTICE
    )
    row.update(changes)
    return list(row.values())


def test_unknown_practices_are_listed(with_practice, tmp_path):
    rows = [
        enrolment_row(),
        enrolment_row(practice_code="ZZ0001"),
        enrolment_row(practice_code="ZZ0002"),
    ]
    message = refused(with_practice, tracker_csvs(tmp_path, {"enrolments": rows}))
    assert (
        "enrolments.csv, row 3, column practice_code: found '2 unknown: ZZ0001 (row 3), ZZ0002 (row 4)'"
        in message
    )


def test_unknown_action_is_refused(with_practice, tmp_path):
    actions = [["GPIP", "Cohort 2023-07", PRACTICE, "Buy a new phone system", "x", "2023-09-15"]]
    message = refused(with_practice, tracker_csvs(tmp_path, {"actions": actions}))
    assert "actions.csv, row 2, column action: found 'Buy a new phone system'" in message
    assert "ten high impact actions" in message


def test_action_date_outside_support_period_is_refused(with_practice, tmp_path):
    actions = [["GPIP", "Cohort 2023-07", PRACTICE, "Reduce DNAs", "text reminders", "2022-01-10"]]
    message = refused(with_practice, tracker_csvs(tmp_path, {"actions": actions}))
    assert "column adopted_date: found '2022-01-10'" in message
    assert "from 2023-07-03 to 2024-01-01" in message


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        (
            {"status": "finished"},
            "column status: found 'finished'; expected one of: enrolled, active",
        ),
        (
            {"enrolled_date": "31/07/2023"},
            "column enrolled_date: found '31/07/2023'; expected a date as YYYY-MM-DD",
        ),
        (
            {"status": "withdrawn"},
            "column withdrawal_reason: found ''; expected a withdrawal reason",
        ),
        (
            {"ended_date": "2023-07-01"},
            "column ended_date: found '2023-07-01'; expected an end on or after",
        ),
        ({"onsite_visits": "9"}, "column onsite_visits: found '9'; expected at most 6"),
        (
            {"productivity_gain": "maybe"},
            "column productivity_gain: found 'maybe'; expected yes or no",
        ),
    ],
)
def test_bad_enrolment_values(with_practice, tmp_path, changes, fragment):
    message = refused(
        with_practice, tracker_csvs(tmp_path, {"enrolments": [enrolment_row(**changes)]})
    )
    assert "enrolments.csv, row 2" in message
    assert fragment in message


def test_duplicate_enrolment_key(with_practice, tmp_path):
    message = refused(
        with_practice, tracker_csvs(tmp_path, {"enrolments": [enrolment_row(), enrolment_row()]})
    )
    assert "enrolments.csv, row 3" in message and "same key as row 2" in message
