"""Read and check the programme tracker (XLSX workbook or one CSV per sheet).

A workbook is read defensively: its XML parts are checked before openpyxl sees them (no DOCTYPE or entity
declarations, no part unzipping to more than MAX_PART_BYTES), any error while reading becomes a Problem naming
the file (never a traceback), formula cells without a calculated result are refused rather than read as blank,
and a sheet is read only up to MAX_ROWS rows and MAX_COLUMNS columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gpaccess.ingest.errors import Problem
from gpaccess.ingest.sources import Source
from gpaccess.ingest.tracker_format import (
    MAX_COLUMNS,
    MAX_ROWS,
    SHEET_BY_NAME,
    SHEETS,
    CellError,
    TrackerSheet,
)

XLSX_EXPECTED = "an Excel workbook (.xlsx) saved by Excel or LibreOffice from the tracker template"
FORMULA_EXPECTED = (
    "a value, not a formula without a calculated result"
    " (open and save the workbook in Excel, or paste values)"
)
ROWS_EXPECTED = f"at most {MAX_ROWS:,} rows below the header (split the sheet into several loads)"
COLUMNS_EXPECTED = f"at most {MAX_COLUMNS} columns"
MAX_PART_BYTES = 256 << 20  # one XML part of a workbook, unzipped
SHOWN_CHARACTERS = 100  # of a value quoted in a message

_CHUNK = 1 << 20
_OVERLAP = 64
_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")
_ENTITY = tuple("<!entity".encode(e) for e in _ENCODINGS)
_DOCTYPE = tuple("<!doctype".encode(e) for e in _ENCODINGS)
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass
class SheetRows:
    sheet: TrackerSheet
    display: str  # file (and sheet) name for messages
    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # row number in the file/sheet for each row


@dataclass
class TrackerBatch:
    sheets: dict[str, SheetRows] = field(default_factory=dict)

    def rows(self, name: str) -> list[dict[str, Any]]:
        return self.sheets[name].rows if name in self.sheets else []


def read_tracker_sources(sources: list[Source]) -> tuple[TrackerBatch, list[Problem]]:
    batch, problems = TrackerBatch(), []
    for source in sources:
        if source.kind == "tracker_xlsx":
            problems += _read_workbook(source, batch)
        elif source.sheet is not None:
            problems += _read_csv_sheet(source, source.sheet, batch)
    for sheet_rows in batch.sheets.values():
        problems += _duplicate_keys(sheet_rows)
    return batch, problems


def _add(batch: TrackerBatch, sheet_rows: SheetRows) -> list[Problem]:
    name = sheet_rows.sheet.name
    if name in batch.sheets:
        first = batch.sheets[name].display
        return [Problem(sheet_rows.display, f"one '{name}' sheet per load (also given in {first})")]
    batch.sheets[name] = sheet_rows
    return []


# --- CSV ------------------------------------------------------------------------------------------
def _read_csv_sheet(source: Source, sheet: TrackerSheet, batch: TrackerBatch) -> list[Problem]:
    sheet_rows = SheetRows(sheet, source.display)
    problems: list[Problem] = []
    ended = (
        1  # the line the previous record ended on: a record starts on the next (quoted line breaks)
    )
    try:
        with open(source.path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                return [
                    Problem(source.display, "a header row and data rows", value="an empty file")
                ]
            ended = reader.line_num
            for index, record in enumerate(reader, start=1):
                line, ended = ended + 1, reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                if index > MAX_ROWS:
                    return [*problems, _too_many_rows(source.display, line)]
                if len(record) > MAX_COLUMNS:
                    return [*problems, _too_many_columns(source.display, line, len(record))]
                problems += _parse_row(sheet_rows, header, record, line)
    except UnicodeDecodeError as exc:
        return [
            Problem(
                source.display,
                "UTF-8 text",
                row=_line_of_offset(source, exc.start),
                value=f"byte 0x{exc.object[exc.start]:02x}",
            )
        ]
    except csv.Error as exc:  # a field over the csv module's size limit, for one
        expected = (
            "a CSV file: fields separated by commas, quotes in pairs, fields of reasonable length"
        )
        return [*problems, Problem(source.display, expected, row=ended + 1, value=str(exc))]
    return problems + _add(batch, sheet_rows)


def _line_of_offset(source: Source, offset: int) -> int:
    with open(source.path, "rb") as handle:
        return handle.read(offset).count(b"\n") + 1


# --- XLSX -----------------------------------------------------------------------------------------
def _read_workbook(source: Source, batch: TrackerBatch) -> list[Problem]:
    from openpyxl import load_workbook

    try:
        trouble, with_formulas = _check_parts(Path(source.path))
    except Exception as exc:  # a damaged zip: any error here is the file's fault
        return [Problem(source.display, XLSX_EXPECTED, value=_describe(exc))]
    if trouble:
        return [Problem(source.display, XLSX_EXPECTED, value=trouble)]
    where, problems, read = source.display, [], TrackerBatch()
    workbook = None
    try:
        workbook = load_workbook(source.path, read_only=True, data_only=True)
        names = [n for n in workbook.sheetnames if n in SHEET_BY_NAME]
        if not names:
            expected = "sheets named " + ", ".join(s.name for s in SHEETS)
            shown = _show(", ".join(workbook.sheetnames))
            return [Problem(source.display, expected, value=shown)]
        for name in names:
            where = f"{source.display} [sheet {name}]"
            worksheet = workbook[name]
            part = getattr(worksheet, "_worksheet_path", None)
            formulas = _uncalculated_formulas(source.path, part) if part in with_formulas else {}
            problems += _read_worksheet(where, worksheet, SHEET_BY_NAME[name], read, formulas)
    # openpyxl and the XML parser raise many types for a damaged or hostile file, some of them lazily
    # (while rows are read), so everything from opening the workbook to its last row is inside this try
    except Exception as exc:
        return [Problem(where, XLSX_EXPECTED, value=_describe(exc))]
    finally:
        if workbook is not None:
            workbook.close()
    for sheet_rows in read.sheets.values():
        problems += _add(batch, sheet_rows)
    return problems


def _check_parts(path: Path) -> tuple[str | None, set[str]]:
    """Before openpyxl parses anything: refuse oversized parts and DOCTYPE/ENTITY declarations in any XML
    part, and list the worksheet parts that hold formulas. Reads each part once, in bounded chunks."""
    with_formulas: set[str] = set()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.file_size > MAX_PART_BYTES:
                size = f"{info.file_size / (1 << 20):,.0f} MB"
                limit = f"{MAX_PART_BYTES >> 20} MB"
                return (
                    f"a part that unzips to {size}, over the {limit} limit ({info.filename})",
                    set(),
                )
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            is_sheet = info.filename.startswith("xl/worksheets/")
            trouble, has_formula = _scan_part(archive, info, is_sheet)
            if trouble:
                return f"{trouble} in {info.filename}", set()
            if has_formula:
                with_formulas.add(info.filename)
    return None, with_formulas


def _scan_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, is_sheet: bool
) -> tuple[str | None, bool]:
    has_formula, tail, first = False, b"", True
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            if first and chunk.startswith(_UTF16_BOMS):
                has_formula = is_sheet  # not searched for below: let the exact scan decide
            first = False
            window = (tail + chunk).lower()
            if any(p in window for p in _ENTITY):
                return "an XML entity declaration (not allowed)", False
            if any(p in window for p in _DOCTYPE):
                return "an XML document type declaration (DOCTYPE, not allowed)", False
            if is_sheet and not has_formula and _FORMULA_TAG.search(tail + chunk):
                has_formula = True
            tail = chunk[-_OVERLAP:]
    return None, has_formula


def _uncalculated_formulas(path: Path, part: str) -> dict[tuple[int, int], str]:
    """(row, column) -> formula of each cell in a worksheet part holding a formula but no calculated result
    (openpyxl reads those as blank with data_only=True). Only called for parts that hold formulas, after
    _check_parts found no DOCTYPE; defusedxml refuses one anyway."""
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils.cell import coordinate_to_tuple

    found: dict[tuple[int, int], str] = {}
    row, column = 0, 0
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "row":
                    row, column = int(element.get("r") or row + 1), 0
                continue
            if tag == "c":
                reference = element.get("r")
                if reference:
                    row, column = coordinate_to_tuple(reference)
                else:
                    column += 1
                children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
                value = children.get("v")
                # an empty <v/> is a calculated empty text only for t="str" (Excel, LibreOffice); programs
                # such as openpyxl write <f>..</f><v></v> with no result at all
                calculated = "is" in children or (
                    value is not None and (bool(value.text) or element.get("t") == "str")
                )
                if "f" in children and not calculated:
                    formula = children["f"].text
                    found[(row, column)] = f"={formula}" if formula else "a formula (shared)"
                element.clear()
            elif tag == "row":
                element.clear()
    return found


def _describe(exc: BaseException) -> str:
    """What kind of problem an exception from reading a workbook means, for the message's value.
    openpyxl wraps some errors (ValueError "Unable to read workbook"): their causes are looked at too."""
    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in chain and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    kinds: tuple[tuple[type[BaseException], str], ...] = (
        (EntitiesForbidden, "an XML entity declaration (not allowed)"),
        (DTDForbidden, "an XML document type declaration (DOCTYPE, not allowed)"),
        (ExternalReferenceForbidden, "an XML external reference (not allowed)"),
        (
            zipfile.BadZipFile,
            "a damaged file or not a zip archive (is it password-protected, or an old .xls?)",
        ),
    )
    for kind, description in kinds:
        if any(isinstance(e, kind) for e in chain):
            return description
    if any(type(e).__name__ in ("ParseError", "XMLSyntaxError") for e in chain):
        return "XML that cannot be read (a damaged workbook)"
    if isinstance(exc, KeyError):
        return "a workbook with a part missing (damaged)"
    return f"a workbook that cannot be read ({type(chain[-1]).__name__})"


def _read_worksheet(
    display: str,
    worksheet: Any,
    sheet: TrackerSheet,
    batch: TrackerBatch,
    formulas: dict[tuple[int, int], str],
) -> list[Problem]:
    worksheet.reset_dimensions()  # read every row the sheet holds: a wrong <dimension> must not hide rows
    rows = worksheet.iter_rows(min_row=1, min_col=1, values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    while header and header[-1] == "":
        header.pop()
    if len(header) > MAX_COLUMNS:
        return [_too_many_columns(display, 1, len(header))]
    missing = [c for c in sheet.column_names if c not in header]
    if missing:
        return [
            Problem(
                display,
                f"the template columns ({', '.join(sheet.column_names)})",
                row=1,
                column=", ".join(missing),
                value=_show(",".join(header)),
            )
        ]
    by_line: dict[int, dict[str, str]] = {}
    for (line, index), formula in formulas.items():
        if line >= 2 and index <= len(header) and header[index - 1] in sheet.column_names:
            by_line.setdefault(line, {})[header[index - 1]] = formula
    sheet_rows = SheetRows(sheet, display)
    problems: list[Problem] = []
    for line, record in enumerate(rows, start=2):
        in_formula = by_line.get(line, {})
        if not in_formula and all(_empty(c) for c in record):
            continue
        if line > MAX_ROWS + 1:
            return [*problems, _too_many_rows(display, line)]
        if len(record) > MAX_COLUMNS and not all(_empty(c) for c in record[MAX_COLUMNS:]):
            return [*problems, _too_many_columns(display, line, len(record))]
        cells = list(record[: len(header)]) + [None] * (len(header) - len(record))
        problems += _parse_row(sheet_rows, header, cells, line, in_formula)
    return problems + _add(batch, sheet_rows)


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _too_many_rows(display: str, line: int) -> Problem:
    return Problem(display, ROWS_EXPECTED, row=line, value=f"a row below row {MAX_ROWS + 1:,}")


def _too_many_columns(display: str, line: int, width: int) -> Problem:
    from openpyxl.utils.cell import get_column_letter

    column = get_column_letter(MAX_COLUMNS + 1)  # the first column past the limit
    return Problem(display, COLUMNS_EXPECTED, row=line, column=column, value=f"{width:,} columns")


# --- rows -----------------------------------------------------------------------------------------
def _parse_row(
    sheet_rows: SheetRows,
    header: list[str],
    record: list[Any],
    line: int,
    formulas: dict[str, str] | None = None,
) -> list[Problem]:
    sheet, problems = sheet_rows.sheet, []
    if len(record) < len(header):
        return [
            Problem(
                sheet_rows.display,
                f"{len(header)} columns",
                row=line,
                value=f"{len(record)} columns",
            )
        ]
    cells = dict(zip(header, record, strict=False))
    parsed: dict[str, Any] = {}
    for column in sheet.columns:
        if formulas and column.name in formulas:
            shown = _show(formulas[column.name])
            problems.append(Problem(sheet_rows.display, FORMULA_EXPECTED, line, column.name, shown))
            continue
        raw = cells.get(column.name)
        try:
            parsed[column.name] = column.parse(raw)
        except CellError as exc:
            problems.append(Problem(sheet_rows.display, str(exc), line, column.name, _show(raw)))
            continue
        if column.required and parsed[column.name] is None:
            problems.append(
                Problem(sheet_rows.display, "a value (required)", line, column.name, "")
            )
    if not problems:
        sheet_rows.rows.append(parsed)
        sheet_rows.lines.append(line)
    return problems


def _show(raw: Any) -> str:
    """A cell's value as quoted in a message: dates ISO, long text cut short (with its length)."""
    shown = raw.isoformat() if isinstance(raw, dt.date) else str(raw)
    if len(shown) > SHOWN_CHARACTERS:
        return f"{shown[:SHOWN_CHARACTERS]}... ({len(shown):,} characters)"
    return shown


def _duplicate_keys(sheet_rows: SheetRows) -> list[Problem]:
    seen: dict[tuple[Any, ...], int] = {}
    problems = []
    for row, line in zip(sheet_rows.rows, sheet_rows.lines, strict=True):
        key = tuple(row[k] for k in sheet_rows.sheet.key)
        if key in seen:
            expected = (
                f"one row per {', '.join(sheet_rows.sheet.key)} (same key as row {seen[key]})"
            )
            problems.append(
                Problem(
                    sheet_rows.display,
                    expected,
                    line,
                    ", ".join(sheet_rows.sheet.key),
                    _show(" / ".join(str(k) for k in key)),
                )
            )
        else:
            seen[key] = line
    return problems
