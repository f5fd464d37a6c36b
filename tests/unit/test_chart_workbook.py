"""The native charts' embedded workbooks (gpaccess.export.chart_workbook): the same cells, values and number
formats as python-pptx's own writer (XlsxWriter) puts there, read back by openpyxl; text always text."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import pytest
from openpyxl import load_workbook
from pptx.chart.data import CategoryChartData

from gpaccess.export.chart_workbook import column_letters, workbook_blob
from gpaccess.export.slide_chart import SafeChartData


def cells(blob: bytes) -> dict[str, tuple[object, str]]:
    sheet = load_workbook(io.BytesIO(blob)).active
    assert sheet is not None and sheet.title == "Sheet1"
    return {
        c.coordinate: (c.value, c.number_format)
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    }


def filled(data: CategoryChartData, categories: list, series: dict[str, list], fmt: str):
    data.categories = categories
    if categories and isinstance(categories[0], int):
        data.categories.number_format = "+0;-0;0"
    for name, values in series.items():
        data.add_series(name, values, number_format=fmt)
    return data


CASES = {
    "dates": (
        [dt.date(2021, 4, 1) + dt.timedelta(days=31 * i) for i in range(30)],
        {"Value": [50.0 + i / 3 for i in range(30)], "Mean": [None] * 3 + [51.25] * 27},
        "0.0",
    ),
    "text": (
        ["North East and Yorkshire", "London & <South>", "Midlands _x0041_"],
        {"Accelerate": [4, 12, 0], "GPIP": [np.float64(3.5), np.int64(7), 1e-7]},
        "#,##0",
    ),
    "signed months": (list(range(-6, 12)), {"Supported": [float(m) for m in range(-6, 12)]}, "0.0"),
    "datetimes": (
        [dt.datetime(2024, 1, 1, 12, 0), dt.datetime(2024, 2, 1)],
        {"Days": [182.5, 3.0]},
        "General",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_same_cells_as_python_pptx_writes_with_xlsxwriter(case):
    categories, series, fmt = CASES[case]
    ours = filled(SafeChartData(), categories, series, fmt)._workbook_writer.xlsx_blob
    theirs = filled(CategoryChartData(), categories, series, fmt)._workbook_writer.xlsx_blob
    assert cells(ours) == cells(theirs)
    assert len(cells(ours)) == len(categories) + sum(
        1 + sum(v is not None for v in values) for values in series.values()
    )


def test_text_coded_as_a_spreadsheet_codes_characters_stays_as_written():
    """'_x003D_' in a cell is read by a spreadsheet as '=': written '_x005F_x003D_', as XlsxWriter does, so the
    cell shows (and is edited as) the text it was given, not a formula."""
    blob = workbook_blob([(0, 0, "_x003D_SUM(A1)", "General"), (1, 0, "a\ufffeb", "General")])
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        strings = package.read("xl/sharedStrings.xml").decode()
    assert '<t xml:space="preserve">_x005F_x003D_SUM(A1)</t>' in strings
    assert "_x003D_SUM" not in strings.replace("_x005F_x003D_SUM", "")
    assert '<t xml:space="preserve">ab</t>' in strings  # a character XML cannot hold: dropped
    assert [value for value, _ in cells(blob).values()] == ["_x003D_SUM(A1)", "ab"]  # as written


def test_text_is_never_a_formula_or_a_link_and_illegal_characters_are_dropped():
    hostile = ["=1+2", "@SUM(A1)", "http://evil.example/x", "a\x01b", "x" * 40_000]
    blob = workbook_blob([(i, 0, text, "General") for i, text in enumerate(hostile)])
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml")
        names = package.namelist()
    assert b"<f>" not in sheet and b"<f " not in sheet
    assert not any("hyperlink" in n or "_rels/sheet" in n for n in names)
    got = cells(blob)
    assert [got[f"A{i + 1}"][0] for i in range(4)] == ["=1+2", "@SUM(A1)", hostile[2], "ab"]
    assert got["A5"][0] == "x" * 32_767  # a cell's limit
    sheet_cells = load_workbook(io.BytesIO(blob)).active
    assert sheet_cells is not None
    assert all(c.data_type == "s" for row in sheet_cells.iter_rows() for c in row)


def test_missing_and_infinite_numbers_are_empty_cells_and_booleans_stay_booleans():
    blob = workbook_blob(
        [(0, 0, float("nan"), "0.0"), (1, 0, float("inf"), "0.0"), (2, 0, None, "0.0")]
        + [(3, 0, True, "General"), (4, 0, 2.5, "0.0")]
    )
    assert cells(blob) == {"A4": (True, "General"), "A5": (2.5, "0.0")}


def test_the_same_cells_give_the_same_bytes_and_columns_are_lettered_as_excel_does():
    data = [(0, 1, "Name", "General"), (1, 0, dt.date(2025, 3, 1), "yyyy\\-mm\\-dd")]
    assert workbook_blob(data, {0: 10}) == workbook_blob(list(reversed(data)), {0: 10})
    assert [column_letters(c) for c in (0, 25, 26, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"
    ]  # fmt: skip
