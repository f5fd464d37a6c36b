"""Read and check the programme tracker (XLSX workbook or one CSV per sheet)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gpaccess.ingest.errors import Problem
from gpaccess.ingest.sources import Source
from gpaccess.ingest.tracker_format import SHEET_BY_NAME, SHEETS, CellError, TrackerSheet


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


def _read_csv_sheet(source: Source, sheet: TrackerSheet, batch: TrackerBatch) -> list[Problem]:
    sheet_rows = SheetRows(sheet, source.display)
    problems: list[Problem] = []
    try:
        with open(source.path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue
                problems += _parse_row(sheet_rows, header, record, reader.line_num)
    except UnicodeDecodeError as exc:
        return [
            Problem(
                source.display,
                "UTF-8 text",
                row=_line_of_offset(source, exc.start),
                value=f"byte 0x{exc.object[exc.start]:02x}",
            )
        ]
    return problems + _add(batch, sheet_rows)


def _line_of_offset(source: Source, offset: int) -> int:
    with open(source.path, "rb") as handle:
        return handle.read(offset).count(b"\n") + 1


def _read_workbook(source: Source, batch: TrackerBatch) -> list[Problem]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        return [
            Problem(
                source.display,
                "an Excel workbook (.xlsx) made from the tracker template",
                value=type(exc).__name__,
            )
        ]
    problems: list[Problem] = []
    names = [n for n in workbook.sheetnames if n in SHEET_BY_NAME]
    if not names:
        expected = "sheets named " + ", ".join(s.name for s in SHEETS)
        return [Problem(source.display, expected, value=", ".join(workbook.sheetnames))]
    for name in names:
        problems += _read_worksheet(source, workbook[name], SHEET_BY_NAME[name], batch)
    workbook.close()
    return problems


def _read_worksheet(
    source: Source, worksheet: Any, sheet: TrackerSheet, batch: TrackerBatch
) -> list[Problem]:
    display = f"{source.display} [sheet {sheet.name}]"
    rows = worksheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    while header and header[-1] == "":
        header.pop()
    missing = [c for c in sheet.column_names if c not in header]
    if missing:
        return [
            Problem(
                display,
                f"the template columns ({', '.join(sheet.column_names)})",
                row=1,
                column=", ".join(missing),
                value=",".join(header),
            )
        ]
    sheet_rows = SheetRows(sheet, display)
    problems: list[Problem] = []
    for line, record in enumerate(rows, start=2):
        if all(c is None or str(c).strip() == "" for c in record):
            continue
        problems += _parse_row(sheet_rows, header, list(record), line)
    return problems + _add(batch, sheet_rows)


def _parse_row(
    sheet_rows: SheetRows, header: list[str], record: list[Any], line: int
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
    return raw.isoformat() if isinstance(raw, dt.date) else str(raw)


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
                    " / ".join(str(k) for k in key),
                )
            )
        else:
            seen[key] = line
    return problems
