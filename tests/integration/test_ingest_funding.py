"""The tracker's funding sheets: amounts in pounds, known ICBs and practices, financial years as 2021/22; a bad
row refuses the whole load and changes nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from gpaccess.ingest import IngestError, ingest_files
from gpaccess.ingest.tracker_format import SHEETS
from gpaccess.templates import EXAMPLE_ROWS, csv_template
from tests.conftest import snapshot, writable_copy

PRACTICE = "Y02960"  # the real practice in the one-practice August 2025 file


def funding_csvs(
    tmp_path: Path, funding: list[list[str]], payments: list[list[str]] | None = None
) -> list[Path]:
    """The two funding sheets as CSV files, with the rows given (payments: the template's example)."""
    payments = payments or [
        [PRACTICE if v == "A81001" else v for v in EXAMPLE_ROWS["funding_payments"]]
    ]
    paths = []
    for name, rows in (("funding", funding), ("funding_payments", payments)):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path = tmp_path / f"{name}.csv"
        path.write_text(csv_template(name) + buffer.getvalue(), encoding="utf-8")
        paths.append(path)
    return paths


GOOD = [
    ["Winter access fund", "QRV", "2021/22", "9450000", "8912345.67"],
    ["Winter access fund", "QOP", "2021/22", "12000000.5", ""],
    ["GPIP transformation support", "QRV", "2023/24", "0", "0"],
]


def test_funding_sheets_load(with_practice, tmp_path):
    ingest_files(with_practice, funding_csvs(tmp_path, GOOD))
    rows = with_practice.execute(
        "SELECT fund, icb_code, financial_year, allocated_gbp, spent_gbp FROM funding ORDER BY ALL"
    ).fetchall()
    assert rows == [
        ("GPIP transformation support", "QRV", "2023/24", Decimal("0.00"), Decimal("0.00")),
        ("Winter access fund", "QOP", "2021/22", Decimal("12000000.50"), None),
        ("Winter access fund", "QRV", "2021/22", Decimal("9450000.00"), Decimal("8912345.67")),
    ]
    paid = with_practice.execute("SELECT practice_code, paid_gbp FROM funding_payment").fetchall()
    assert paid == [(PRACTICE, Decimal("5000.00"))]


def test_funding_sheets_in_a_workbook_load(with_practice, tmp_path):
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = next(s for s in SHEETS if s.name == "funding")
    worksheet = workbook.create_sheet("funding")
    worksheet.append(list(sheet.column_names))
    worksheet.append(["Winter access fund", "QRV", "2021/22", 9450000, 1234.5])  # number cells
    path = tmp_path / "tracker.xlsx"
    workbook.save(path)
    ingest_files(with_practice, [path])
    assert with_practice.execute("SELECT allocated_gbp, spent_gbp FROM funding").fetchall() == [
        (Decimal("9450000.00"), Decimal("1234.50"))
    ]


def test_a_new_funding_load_replaces_the_last(with_practice, tmp_path):
    ingest_files(with_practice, funding_csvs(tmp_path, GOOD))
    ingest_files(with_practice, funding_csvs(tmp_path, GOOD[:1]))
    assert with_practice.execute("SELECT count(*) FROM funding").fetchone() == (1,)


BAD_FUNDING = [
    ("negative", ["Winter access fund", "QRV", "2021/22", "-1", ""], "allocated_gbp"),
    ("negative spend", ["Winter access fund", "QRV", "2021/22", "10", "-0.01"], "spent_gbp"),
    ("unknown ICB", ["Winter access fund", "ZZZ", "2021/22", "10", ""], "icb_code"),
    ("malformed ICB", ["Winter access fund", "qrv", "2021/22", "10", ""], "icb_code"),
    ("year with a dash", ["Winter access fund", "QRV", "2021-22", "10", ""], "financial_year"),
    ("years not consecutive", ["Winter access fund", "QRV", "2021/23", "10", ""], "financial_year"),
    ("calendar year", ["Winter access fund", "QRV", "2021", "10", ""], "financial_year"),
    ("too early", ["Winter access fund", "QRV", "2010/11", "10", ""], "financial_year"),
    ("huge", ["Winter access fund", "QRV", "2021/22", "1000000000000", ""], "allocated_gbp"),
    ("exponent", ["Winter access fund", "QRV", "2021/22", "1e9", ""], "allocated_gbp"),
    ("not a number", ["Winter access fund", "QRV", "2021/22", "lots", ""], "allocated_gbp"),
    ("pound sign", ["Winter access fund", "QRV", "2021/22", "£10", ""], "allocated_gbp"),
    ("thousands", ["Winter access fund", "QRV", "2021/22", "1,000", ""], "allocated_gbp"),
    (
        "fractions of a penny",
        ["Winter access fund", "QRV", "2021/22", "10.005", ""],
        "allocated_gbp",
    ),
    ("formula amount", ["Winter access fund", "QRV", "2021/22", "=1+1", ""], "allocated_gbp"),
    ("formula fund", ['=HYPERLINK("http://x")', "QRV", "2021/22", "10", ""], "fund"),
    ("unknown fund", ["Lottery", "QRV", "2021/22", "10", ""], "fund"),
    ("no allocation", ["Winter access fund", "QRV", "2021/22", "", ""], "allocated_gbp"),
]


@pytest.fixture(scope="module")
def funded_store_file(tmp_path_factory, one_practice_store_file) -> Path:
    """The practice's store with the good funding rows loaded, once for the refused loads below."""
    folder = tmp_path_factory.mktemp("funded")
    con = writable_copy(one_practice_store_file, folder / "funded.duckdb")
    try:
        ingest_files(con, funding_csvs(folder, GOOD))
    finally:
        con.close()
    return folder / "funded.duckdb"


@pytest.fixture
def with_funding(funded_store_file, tmp_path):
    con = writable_copy(funded_store_file, tmp_path / "test.duckdb")
    yield con
    con.close()


@pytest.mark.parametrize(("case", "row", "column"), BAD_FUNDING, ids=[c[0] for c in BAD_FUNDING])
def test_bad_funding_row_is_refused_with_nothing_changed(with_funding, tmp_path, case, row, column):
    before = snapshot(with_funding)
    with pytest.raises(IngestError) as refused:
        ingest_files(with_funding, funding_csvs(tmp_path, [*GOOD[:1], row]))
    assert snapshot(with_funding) == before
    problems = refused.value.problems
    assert [(p.row, p.column) for p in problems] == [(3, column)], case
    assert "funding.csv" in problems[0].file


BAD_PAYMENTS = [
    ("unknown practice", ["GPIP transition cover", "A99999", "2023/24", "5000"], "practice_code"),
    ("negative", ["GPIP transition cover", PRACTICE, "2023/24", "-5000"], "paid_gbp"),
    ("malformed year", ["GPIP transition cover", PRACTICE, "23/24", "5000"], "financial_year"),
    ("formula", ["GPIP transition cover", PRACTICE, "2023/24", "@SUM(A1)"], "paid_gbp"),
]


@pytest.mark.parametrize(("case", "row", "column"), BAD_PAYMENTS, ids=[c[0] for c in BAD_PAYMENTS])
def test_bad_payment_row_is_refused_with_nothing_changed(with_funding, tmp_path, case, row, column):
    before = snapshot(with_funding)
    with pytest.raises(IngestError) as refused:
        ingest_files(with_funding, funding_csvs(tmp_path, GOOD, [row]))
    assert snapshot(with_funding) == before
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, column)], case


def test_a_duplicate_funding_row_is_refused(with_practice, tmp_path):
    with pytest.raises(IngestError) as refused:
        ingest_files(with_practice, funding_csvs(tmp_path, [GOOD[0], GOOD[0]]))
    assert "one row per fund, icb_code, financial_year" in str(refused.value)
