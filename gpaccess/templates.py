"""The programme tracker template files, generated from the sheet definitions so they cannot drift apart.

python -m gpaccess.templates      rewrites data/templates/ (committed; a test checks they are current)
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from gpaccess.config import TEMPLATES_DIR
from gpaccess.ingest.tracker_format import SHEETS

EXAMPLE_ROWS: dict[str, list[str]] = {
    "programmes": ["GPIP", "General Practice Improvement Programme", "2023-05-01", "", "1500"],
    "phases": [
        "GPIP",
        "Cohort 2023-07",
        "intensive",
        "120",
        "2023-07-03",
        "2024-01-01",
        "26",
        "4",
        "4",
        "6",
    ],
    "enrolments": [
        "GPIP",
        "Cohort 2023-07",
        "intensive",
        "A81001",
        "2023-06-20",
        "2023-07-03",
        "2024-01-01",
        "completed",
        "",
        "4",
        "4",
        "6",
        "yes",
        "12",
        "20",
        "more appointments; reduced admin",
    ],
    "actions": ["GPIP", "Cohort 2023-07", "A81001", "1", "care navigation training", "2023-09-15"],
    "eligibility": ["A81001", "2023-03-01", "yes", "2023-06-15"],
    "barriers": [
        "QRV",
        "2023-10-31",
        "GPIP",
        "capacity",
        "4",
        "Practices withdrew: staff capacity",
    ],
    "funding": ["Winter access fund", "QRV", "2021/22", "9450000", "8912345.67"],
    "funding_payments": ["GPIP transition cover", "A81001", "2023/24", "5000"],
}


def csv_template(sheet_name: str, with_example: bool = False) -> str:
    sheet = next(s for s in SHEETS if s.name == sheet_name)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(sheet.column_names)
    if with_example:
        writer.writerow(EXAMPLE_ROWS[sheet_name])
    return buffer.getvalue()


def xlsx_template(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(list(sheet.column_names))
        for cell in worksheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="005EB8")
        for index, name in enumerate(sheet.column_names, start=1):
            worksheet.column_dimensions[worksheet.cell(1, index).column_letter].width = max(
                14, len(name) + 2
            )
    workbook.save(path)


def write_templates(directory: Path = TEMPLATES_DIR) -> list[Path]:
    csv_dir = directory / "programme_tracker_csv"
    csv_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in SHEETS:
        path = csv_dir / f"{sheet.name}.csv"
        path.write_text(csv_template(sheet.name), encoding="utf-8")
        written.append(path)
    workbook = directory / "programme_tracker.xlsx"
    xlsx_template(workbook)
    return [*written, workbook]


if __name__ == "__main__":
    for written_path in write_templates():
        print(written_path)
