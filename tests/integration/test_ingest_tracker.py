"""The programme tracker loads from CSV or XLSX; bad values are refused with a clear message."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import get_column_letter

import gpaccess.ingest.tracker as tracker_reader
from gpaccess.config import TEMPLATES_DIR
from gpaccess.ingest import IngestError, ingest_files
from gpaccess.ingest.tracker_format import SHEETS
from gpaccess.store import connect_writable
from gpaccess.templates import EXAMPLE_ROWS, csv_template
from tests.conftest import REALDATA, snapshot

PRACTICE = "Y02960"  # the real practice in the one-practice August 2025 file
TODAY = dt.date(2026, 11, 28)


def tracker_csvs(tmp_path: Path, overrides: dict[str, list[list[str]]] | None = None) -> list[Path]:
    """One CSV per sheet: the template's example row with the real practice, or the rows given."""
    paths = []
    for sheet in SHEETS:
        rows = (overrides or {}).get(sheet.name) or [
            [PRACTICE if v == "A81001" else v for v in EXAMPLE_ROWS[sheet.name]]
        ]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path = tmp_path / f"{sheet.name}.csv"
        path.write_text(csv_template(sheet.name) + buffer.getvalue(), encoding="utf-8")
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


def refused(store, paths, today: dt.date = TODAY):
    before = snapshot(store)
    with pytest.raises(IngestError) as caught:
        ingest_files(store, paths, today=today)
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


# --- hostile input: every bad value is a Problem naming file [sheet], row, column and value ----------
class Text(str):
    """A cell written to XLSX as text even if it starts with '=' (as when typed after a quote in Excel)."""


@pytest.fixture(scope="module")
def tracker_store_file(tmp_path_factory) -> Path:
    """A store holding the real practice and a valid tracker, built once: a refused load must leave all of it."""
    folder = tmp_path_factory.mktemp("tracker_store")
    con = connect_writable(folder / "base.duckdb")
    try:
        ingest_files(con, [REALDATA / "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"])
        ingest_files(con, tracker_csvs(folder), today=TODAY)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return folder / "base.duckdb"


@pytest.fixture
def with_tracker(tracker_store_file, tmp_path):
    path = tmp_path / "store" / "test.duckdb"
    path.parent.mkdir()
    shutil.copy(tracker_store_file, path)
    con = connect_writable(path)
    assert con.execute("SELECT count(*) FROM enrolment").fetchone() == (1,)
    yield con
    con.close()


def example_row(sheet_name: str, **changes: Any) -> list[Any]:
    """The template's example row for a sheet (with the real practice), with some columns changed."""
    sheet = next(s for s in SHEETS if s.name == sheet_name)
    values = [PRACTICE if v == "A81001" else v for v in EXAMPLE_ROWS[sheet_name]]
    row: dict[str, Any] = dict(zip(sheet.column_names, values, strict=True))
    assert set(changes) <= set(row)
    row.update(changes)
    return list(row.values())


def tracker_xlsx(
    tmp_path: Path, overrides: dict[str, list[list[Any]]] | None = None, name: str = "tracker.xlsx"
) -> Path:
    """A six-sheet workbook: the example rows, or the rows given (Python values become typed cells;
    a str starting with '=' becomes a formula without a calculated result, as openpyxl writes them)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(list(sheet.column_names))
        for values in (overrides or {}).get(sheet.name) or [example_row(sheet.name)]:
            worksheet.append(values)
            for cell, value in zip(worksheet[worksheet.max_row], values, strict=False):
                if isinstance(value, Text):
                    cell.data_type = "s"
    path = tmp_path / name
    workbook.save(path)
    return path


def rewrite_part(path: Path, part: str, change) -> None:
    """Rewrite one XML part of a workbook (as a hostile or careless program could)."""
    with zipfile.ZipFile(path) as archive:
        contents = {info.filename: archive.read(info) for info in archive.infolist()}
    changed = change(contents[part])
    assert changed != contents[part], f"{part} unchanged"
    contents[part] = changed
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


def sheet_part(sheet_name: str) -> str:
    return f"xl/worksheets/sheet{[s.name for s in SHEETS].index(sheet_name) + 1}.xml"


def cell_ref(sheet_name: str, column: str, row: int = 2) -> str:
    sheet = next(s for s in SHEETS if s.name == sheet_name)
    return f"{get_column_letter(sheet.column_names.index(column) + 1)}{row}"


def one_change(
    fmt: str, tmp_path: Path, sheet: str, column: str, value: Any
) -> tuple[list[Path], str]:
    """The example tracker with one cell changed, as CSV files or one workbook; and how messages name it."""
    if fmt == "csv":
        return tracker_csvs(
            tmp_path, {sheet: [example_row(sheet, **{column: value})]}
        ), f"{sheet}.csv"
    path = tracker_xlsx(tmp_path, {sheet: [example_row(sheet, **{column: value})]})
    return [path], f"tracker.xlsx [sheet {sheet}]"


def found(display: str, row: int, column: str | None, value: str, expected: str) -> str:
    where = ", ".join([display, f"row {row}", *([f"column {column}"] if column else [])])
    return f"{where}: found {value!r}; expected {expected}"


WHOLE_1000 = "a whole number from 0 to 1,000"
WHOLE_10000 = "a whole number from 0 to 10,000"
HOURS = "a number from 0 to 100,000"
ACTION = "one of the ten high impact actions by number or name"

# (sheet, column, CSV text, XLSX cell value, expected); the XLSX value is shown as str(value)
NUMBER_CASES = [
    ("enrolments", "modules_completed", "nan", "nan", WHOLE_1000),
    ("enrolments", "modules_completed", "inf", "inf", WHOLE_1000),
    ("enrolments", "modules_completed", "-inf", "-Infinity", WHOLE_1000),
    ("enrolments", "modules_completed", "1e10", 10_000_000_000, WHOLE_1000),
    ("enrolments", "modules_completed", "1.5", 1.5, WHOLE_1000),
    ("enrolments", "modules_completed", "-1", -1, WHOLE_1000),
    ("enrolments", "modules_completed", "1_0", "1_0", WHOLE_1000),
    ("enrolments", "modules_completed", "TRUE", True, WHOLE_1000),
    ("enrolments", "group_sessions_attended", "1e400", "1e400", WHOLE_1000),
    ("enrolments", "clinical_hours_released", "inf", "inf", HOURS),
    ("enrolments", "clinical_hours_released", "NaN", "NaN", HOURS),
    ("enrolments", "clinical_hours_released", "100000.5", 100_000.5, HOURS),
    ("enrolments", "admin_hours_released", "-0.5", -0.5, HOURS),
    ("enrolments", "admin_hours_released", "FALSE", False, HOURS),
    ("barriers", "practices_affected", "2147483648", 2_147_483_648, WHOLE_10000),
    ("barriers", "practices_affected", "10001", 10_001, WHOLE_10000),
    ("programmes", "target_practices", "1e10", 10_000_000_000, WHOLE_10000),
    ("phases", "weeks", "261", 261, "a whole number from 0 to 260"),
    ("phases", "modules_planned", "nan", "nan", WHOLE_1000),
    ("actions", "action", "nan", "nan", ACTION),
    ("actions", "action", "inf", "inf", ACTION),
    ("actions", "action", "1e10", 10_000_000_000, ACTION),
    ("actions", "action", "2.5", 2.5, ACTION),
    ("actions", "action", "TRUE", True, ACTION),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("sheet", "column", "csv_text", "xlsx_value", "expected"), NUMBER_CASES)
def test_numbers_that_are_not_finite_whole_or_in_range_are_refused(
    with_tracker, tmp_path, fmt, sheet, column, csv_text, xlsx_value, expected
):
    value = csv_text if fmt == "csv" else xlsx_value
    paths, display = one_change(fmt, tmp_path, sheet, column, value)
    message = refused(with_tracker, paths)
    assert found(display, 2, column, str(value), expected) in message
    assert "Traceback" not in message


def test_an_infinite_number_cell_is_refused(with_tracker, tmp_path):
    """A number cell written as 1e999 by a program reads as infinity."""
    path = tracker_xlsx(
        tmp_path, {"enrolments": [example_row("enrolments", admin_hours_released=123456)]}
    )
    rewrite_part(
        path, sheet_part("enrolments"), lambda xml: xml.replace(b"<v>123456</v>", b"<v>1e999</v>")
    )
    message = refused(with_tracker, [path])
    expected = found("tracker.xlsx [sheet enrolments]", 2, "admin_hours_released", "inf", HOURS)
    assert expected in message


def test_a_number_cell_openpyxl_cannot_read_names_the_sheet(with_tracker, tmp_path):
    path = tracker_xlsx(
        tmp_path, {"enrolments": [example_row("enrolments", admin_hours_released=123456)]}
    )
    rewrite_part(
        path, sheet_part("enrolments"), lambda xml: xml.replace(b"<v>123456</v>", b"<v>nan</v>")
    )
    message = refused(with_tracker, [path])
    assert (
        "tracker.xlsx [sheet enrolments]: found 'a workbook that cannot be read (ValueError)'"
        in message
    )


EVENT = f"a date from 2015-01-01 to {TODAY} (not in the future)"
PLAN = "a date from 2015-01-01 to 2031-11-28 (at most 5 years ahead)"

DATE_CASES = [
    ("enrolments", "enrolled_date", "2098-01-01", EVENT),
    ("enrolments", "enrolled_date", "2014-12-31", EVENT),
    ("enrolments", "started_date", "2026-11-29", EVENT),
    ("enrolments", "ended_date", "2098-06-30", EVENT),
    ("actions", "adopted_date", "2098-01-01", EVENT),
    ("eligibility", "digital_telephony_live_date", "2027-01-01", EVENT),
    ("eligibility", "assessed_date", "1900-01-01", EVENT),
    ("barriers", "reported_date", "2026-11-29", EVENT),
    ("programmes", "start_date", "2098-01-01", PLAN),
    ("programmes", "end_date", "2031-11-29", PLAN),
    ("phases", "start_date", "2010-01-01", PLAN),
    ("phases", "end_date", "2098-12-31", PLAN),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("sheet", "column", "iso", "expected"), DATE_CASES)
def test_dates_out_of_range_are_refused(with_tracker, tmp_path, fmt, sheet, column, iso, expected):
    value = iso if fmt == "csv" else dt.date.fromisoformat(iso)
    paths, display = one_change(fmt, tmp_path, sheet, column, value)
    message = refused(with_tracker, paths)
    assert found(display, 2, column, iso, expected) in message


@pytest.mark.parametrize("text", ["20230620", "2023-W25-2", "2023-6-20", "2023-02-30"])
def test_dates_only_as_yyyy_mm_dd(with_tracker, tmp_path, text):
    paths, display = one_change("csv", tmp_path, "enrolments", "enrolled_date", text)
    message = refused(with_tracker, paths)
    assert found(display, 2, "enrolled_date", text, "a date as YYYY-MM-DD") in message


def test_dates_up_to_the_bounds_load(with_tracker, tmp_path):
    overrides = {
        "phases": [example_row("phases", end_date="2031-11-28")],
        "eligibility": [example_row("eligibility", digital_telephony_live_date=TODAY.isoformat())],
        "barriers": [example_row("barriers", reported_date="2015-01-01")],
    }
    ingest_files(with_tracker, tracker_csvs(tmp_path, overrides), today=TODAY)
    assert with_tracker.execute("SELECT end_date FROM programme_phase").fetchall() == [
        (dt.date(2031, 11, 28),)
    ]


FORMULA = "a value, not a formula without a calculated result (open and save the workbook in Excel, or paste values)"


@pytest.mark.parametrize(
    ("sheet", "column", "formula"),
    [
        ("enrolments", "gain_kind", '="more "&"appointments"'),
        (
            "enrolments",
            "practice_code",
            '="Y02960"',
        ),  # required: refused as a formula, not as blank
        ("enrolments", "clinical_hours_released", "=2*6"),
        ("actions", "adopted_date", "=DATE(2023,9,15)"),
        ("barriers", "practices_affected", "=SUM(1,3)"),
    ],
)
def test_formulas_without_a_calculated_result_are_refused(
    with_tracker, tmp_path, sheet, column, formula
):
    path = tracker_xlsx(tmp_path, {sheet: [example_row(sheet, **{column: formula})]})
    message = refused(with_tracker, [path])
    assert found(f"tracker.xlsx [sheet {sheet}]", 2, column, formula, FORMULA) in message
    assert "a value (required)" not in message


def test_a_row_holding_only_an_uncalculated_formula_is_not_skipped_as_blank(with_tracker, tmp_path):
    rows = [example_row("barriers"), [None, None, None, None, None, "=B2"]]
    message = refused(with_tracker, [tracker_xlsx(tmp_path, {"barriers": rows})])
    assert found("tracker.xlsx [sheet barriers]", 3, "detail", "=B2", FORMULA) in message


def test_formulas_with_a_calculated_result_load(with_tracker, tmp_path):
    """Saved by Excel: the cached result is read; a formula whose result is empty text is a blank cell."""
    row = example_row("enrolments", admin_hours_released="=4*5", gain_kind='=""')
    path = tracker_xlsx(tmp_path, {"enrolments": [row]})
    hours, kind = (
        cell_ref("enrolments", "admin_hours_released"),
        cell_ref("enrolments", "gain_kind"),
    )

    def calculated(xml: bytes) -> bytes:
        xml = xml.replace(
            f'<c r="{hours}"><f>4*5</f><v></v>'.encode(),
            f'<c r="{hours}"><f>4*5</f><v>20</v>'.encode(),
        )
        return xml.replace(
            f'<c r="{kind}"><f>""</f><v></v>'.encode(),
            f'<c r="{kind}" t="str"><f>""</f><v></v>'.encode(),
        )

    rewrite_part(path, sheet_part("enrolments"), calculated)
    ingest_files(with_tracker, [path], today=TODAY)
    assert with_tracker.execute(
        "SELECT admin_hours_released, gain_kind FROM enrolment"
    ).fetchall() == [(20.0, None)]


DOCTYPE = b'<!DOCTYPE worksheet [<!ENTITY boom "boom">]>'
EXPECTED_XLSX = "an Excel workbook (.xlsx) saved by Excel or LibreOffice from the tracker template"


def declare(declaration: bytes):
    def change(xml: bytes) -> bytes:
        if xml.startswith(b"<?xml"):
            end = xml.index(b"?>") + 2
            return xml[:end] + declaration + xml[end:]
        return declaration + xml

    return change


@pytest.mark.parametrize(
    ("part", "declaration", "kind"),
    [
        (sheet_part("enrolments"), DOCTYPE, "an XML entity declaration (not allowed)"),
        (
            sheet_part("barriers"),
            b"<!DOCTYPE worksheet>",
            "an XML document type declaration (DOCTYPE, not allowed)",
        ),
        ("xl/workbook.xml", DOCTYPE, "an XML entity declaration (not allowed)"),
        ("[Content_Types].xml", DOCTYPE, "an XML entity declaration (not allowed)"),
        (
            "xl/_rels/workbook.xml.rels",
            b"<!doctype x>",
            "an XML document type declaration (DOCTYPE, not allowed)",
        ),
    ],
)
def test_xml_declarations_are_refused_before_parsing(
    with_tracker, tmp_path, part, declaration, kind
):
    path = tracker_xlsx(tmp_path)
    rewrite_part(path, part, declare(declaration))
    message = refused(with_tracker, [path])
    assert f"tracker.xlsx: found '{kind} in {part}'; expected {EXPECTED_XLSX}" in message


def test_utf16_xml_declarations_are_refused(with_tracker, tmp_path):
    path = tracker_xlsx(tmp_path)
    part = sheet_part("actions")
    rewrite_part(
        path,
        part,
        lambda xml: (
            declare(DOCTYPE)(xml.replace(b'encoding="UTF-8"', b'encoding="UTF-16"'))
            .decode()
            .encode("utf-16")
        ),
    )
    message = refused(with_tracker, [path])
    assert f"tracker.xlsx: found 'an XML entity declaration (not allowed) in {part}'" in message


@pytest.mark.parametrize(
    ("change", "where", "kind"),
    [
        # a declaration that got past the check: openpyxl refuses it while opening the workbook
        (declare(DOCTYPE), "tracker.xlsx", "an XML entity declaration (not allowed)"),
        # broken XML after the rows start: raised lazily, while the rows are read
        (
            lambda xml: xml.replace(b"</sheetData>", b"</sheetDat>"),
            "tracker.xlsx [sheet enrolments]",
            "XML that cannot be read (a damaged workbook)",
        ),
        # a cell pointing at a shared string that is not there
        (
            lambda xml: xml.replace(
                b'<c r="A2" t="inlineStr"><is><t>GPIP</t></is></c>',
                b'<c r="A2" t="s"><v>99</v></c>',
            ),
            "tracker.xlsx [sheet enrolments]",
            "a workbook that cannot be read (IndexError)",
        ),
    ],
)
def test_errors_while_reading_a_workbook_become_a_problem(
    with_tracker, tmp_path, monkeypatch, change, where, kind
):
    """Whatever openpyxl or the XML parser raises, while opening the workbook or reading rows, is a Problem
    naming the file (and the sheet once it is being read), never a traceback."""
    monkeypatch.setattr(tracker_reader, "_check_parts", lambda path: (None, set()))
    path = tracker_xlsx(tmp_path)
    rewrite_part(path, sheet_part("enrolments"), change)
    message = refused(with_tracker, [path])
    assert f"{where}: found '{kind}'; expected {EXPECTED_XLSX}" in message


def test_a_file_that_is_not_a_workbook_is_refused(with_tracker, tmp_path):
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    message = refused(with_tracker, [path])
    assert "tracker.xlsx" in message and "Traceback" not in message


def test_a_workbook_part_that_unzips_too_large_is_refused(with_tracker, tmp_path, monkeypatch):
    monkeypatch.setattr(tracker_reader, "MAX_PART_BYTES", 1 << 20)
    path = tracker_xlsx(tmp_path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/image1.bin", random.Random(1).randbytes(2 << 20))
    message = refused(with_tracker, [path])
    assert (
        "tracker.xlsx: found 'a part that unzips to 2 MB, over the 1 MB limit (xl/media/image1.bin)'"
        in message
    )


FORMULA_TEXT = "text that does not start with =, +, -, @, tab or carriage return (spreadsheet formula characters)"
CONTROL = "text without control characters (such as line breaks or tabs)"
ANGLES = "text without < or > (write 'fewer than' or 'more than')"
ODS = "an ODS practice code: a capital letter, a capital letter or digit, then 4 digits"

TEXT_CASES = [
    ("enrolments", "gain_kind", '=HYPERLINK("http://example.com","more")', FORMULA_TEXT),
    ("enrolments", "gain_kind", "+1 appointments", FORMULA_TEXT),
    ("enrolments", "gain_kind", "-2+3", FORMULA_TEXT),
    ("enrolments", "gain_kind", "@SUM(A1:A2)", FORMULA_TEXT),
    ("enrolments", "gain_kind", "  =1+1", FORMULA_TEXT),
    ("enrolments", "gain_kind", "\t=1+1", FORMULA_TEXT),
    ("actions", "specific_change", "=cmd|' /C calc'!A0", FORMULA_TEXT),
    ("barriers", "detail", "@SUM(1+1)*cmd|' /C calc'!A0", FORMULA_TEXT),
    ("programmes", "programme_name", "+General Practice Improvement Programme", FORMULA_TEXT),
    ("phases", "phase", "=Cohort", FORMULA_TEXT),
    ("enrolments", "gain_kind", "more appointments\nreduced admin", CONTROL),
    ("barriers", "detail", "staff\tcapacity", CONTROL),
    ("phases", "phase", '<a href="http://evil.example">Cohort</a>', ANGLES),
    ("barriers", "detail", "practices with <6 GPs", ANGLES),
    ("enrolments", "gain_kind", "x" * 501, "text of at most 500 characters"),
    ("enrolments", "practice_code", "Y0296", ODS),
    ("enrolments", "practice_code", "y02960", ODS),
    ("enrolments", "practice_code", "Y029600", ODS),
    ("enrolments", "practice_code", "=Y02960", ODS),
    ("actions", "practice_code", "Y02960' OR 1=1", ODS),
    ("eligibility", "practice_code", "Y 02960", ODS),
    (
        "barriers",
        "icb_code",
        "QRVX",
        "an ODS ICB code: a capital letter then 2 capital letters or digits (e.g. QRV)",
    ),
]


def shown(value: str) -> str:
    return value if len(value) <= 100 else f"{value[:100]}... ({len(value):,} characters)"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("sheet", "column", "value", "expected"), TEXT_CASES)
def test_unsafe_text_and_codes_are_refused(
    with_tracker, tmp_path, fmt, sheet, column, value, expected
):
    paths, display = one_change(fmt, tmp_path, sheet, column, Text(value))
    message = refused(with_tracker, paths)
    assert found(display, 2, column, shown(value), expected) in message


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_control_characters_are_refused(with_tracker, tmp_path, fmt):
    value = "reduced\x1badmin" if fmt == "csv" else "reduced\r\nadmin"  # openpyxl cannot write ESC
    paths, display = one_change(fmt, tmp_path, "enrolments", "gain_kind", value)
    message = refused(with_tracker, paths)
    assert found(display, 2, "gain_kind", value, CONTROL) in message


def test_excel_error_values_are_refused(with_tracker, tmp_path):
    paths, display = one_change("xlsx", tmp_path, "barriers", "detail", "#N/A")
    message = refused(with_tracker, paths)
    expected = "a value, not an Excel error (correct the formula or paste values)"
    assert found(display, 2, "detail", "#N/A", expected) in message


def test_ordinary_text_loads(with_tracker, tmp_path):
    """Hyphens, apostrophes, brackets and an ampersand inside text are fine; only the first character matters."""
    overrides = {
        "actions": [
            example_row("actions", specific_change="self-referral (e-consult) & 'care navigation'")
        ],
        "barriers": [example_row("barriers", detail="x" * 500)],
    }
    ingest_files(with_tracker, tracker_csvs(tmp_path, overrides), today=TODAY)
    assert with_tracker.execute("SELECT specific_change FROM action_adopted").fetchall() == [
        ("self-referral (e-consult) & 'care navigation'",)
    ]


ROWS = "at most 200,000 rows below the header (split the sheet into several loads)"


def test_a_csv_with_too_many_rows_is_refused(with_tracker, tmp_path):
    paths = tracker_csvs(tmp_path)
    enrolments = next(p for p in paths if p.name == "enrolments.csv")
    header, row = enrolments.read_text(encoding="utf-8").splitlines()
    enrolments.write_text(
        header + "\n" + row + "\n" + "\n" * 199_999 + row + "\n", encoding="utf-8"
    )
    message = refused(with_tracker, paths)
    assert found("enrolments.csv", 200_002, None, "a row below row 200,001", ROWS) in message


def test_a_sheet_with_too_many_rows_is_refused(with_tracker, tmp_path):
    path = tracker_xlsx(
        tmp_path,
        {"barriers": [example_row("barriers"), example_row("barriers", barrier="funding")]},
    )

    def far_down(xml: bytes) -> bytes:
        xml = xml.replace(b'<row r="3">', b'<row r="300000">')
        return (
            xml.replace(b' r="A3"', b' r="A300000"')
            .replace(b'3" t=', b'300000" t=')
            .replace(b'3"><', b'300000"><')
        )

    rewrite_part(path, sheet_part("barriers"), far_down)
    message = refused(with_tracker, [path])
    assert (
        found("tracker.xlsx [sheet barriers]", 300_000, None, "a row below row 200,001", ROWS)
        in message
    )


def test_a_sheet_with_too_many_columns_is_refused(with_tracker, tmp_path):
    path = tracker_xlsx(tmp_path, {"actions": [[*example_row("actions"), *([None] * 94), "stray"]]})
    message = refused(with_tracker, [path])
    assert (
        found("tracker.xlsx [sheet actions]", 2, "CW", "101 columns", "at most 100 columns")
        in message
    )


def test_a_csv_row_with_too_many_columns_is_refused(with_tracker, tmp_path):
    paths = tracker_csvs(tmp_path, {"actions": [[*example_row("actions"), *([""] * 200)]]})
    message = refused(with_tracker, paths)
    assert found("actions.csv", 2, "CW", "206 columns", "at most 100 columns") in message


def test_a_csv_field_over_the_csv_limit_is_refused(with_tracker, tmp_path):
    paths = tracker_csvs(tmp_path, {"barriers": [example_row("barriers", detail="x" * 200_000)]})
    message = refused(with_tracker, paths)
    assert "barriers.csv, row 2: found 'field larger than field limit (131072)'" in message


def test_rows_past_a_wrong_sheet_dimension_are_still_read(with_tracker, tmp_path):
    """A workbook whose <dimension> claims one row: row 2 is still read (and here refused)."""
    path = tracker_xlsx(tmp_path, {"barriers": [example_row("barriers", practices_affected=-3)]})
    rewrite_part(
        path,
        sheet_part("barriers"),
        lambda xml: xml.replace(b'<dimension ref="A1:F2"/>', b'<dimension ref="A1:B1"/>'),
    )
    message = refused(with_tracker, [path])
    assert (
        found("tracker.xlsx [sheet barriers]", 2, "practices_affected", "-3", WHOLE_10000)
        in message
    )
