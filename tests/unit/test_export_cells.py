"""Spreadsheet formula injection: the one rule (gpaccess.export.cells) and every writer that uses it: the chart
data CSV and XLSX, and the workbooks embedded in the PowerPoint deck's native charts. Hostile text is quoted and
written as text; numbers (negative ones too) stay numbers; no cell is a formula and none a hyperlink."""

from __future__ import annotations

import io
import math
import re
import zipfile

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook

from gpaccess.charts import Chart
from gpaccess.export.cells import csv_text, neutralise_text, safe_frame
from gpaccess.export.images import csv_bytes, xlsx_bytes
from gpaccess.export.pack import Section, build_pack
from tests.unit.test_export_slides import CTX, placed

HYPERLINK = '=HYPERLINK("http://evil.example","x")'
HOSTILE = (HYPERLINK, "+1", "-2+3", "@SUM(A1)")
FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")  # a formula element, with or without a namespace prefix


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_starting_like_a_formula_is_quoted(start):
    assert neutralise_text(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"
    assert neutralise_text(start) == f"'{start}"


@pytest.mark.parametrize(
    "text", ["Phase 1", "", "Cohort = 2", "a-b", "'=already quoted", " =spaced", "http://x.example"]
)
def test_safe_text_is_unchanged(text):
    assert neutralise_text(text) == text


@pytest.mark.parametrize("value", [-2, -2.5, 0, 3, True, None, np.int64(-7), np.float64(-1.5)])
def test_numbers_and_none_are_unchanged(value):
    assert neutralise_text(value) is value


def test_nan_and_na_are_unchanged():
    assert math.isnan(neutralise_text(float("nan")))
    assert neutralise_text(pd.NA) is pd.NA
    assert neutralise_text(pd.NaT) is pd.NaT


def test_safe_frame_quotes_text_columns_and_names_only():
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "fine", None, "-2"],
            "numbers": [-1, 2, -3, 4],
            "floats": [-1.5, np.nan, 2.0, -0.0],
            "mixed": pd.Series(["+x", -2, None, 3.5], dtype=object),
            "kinds": pd.Categorical(["@a", "b", "@a", None]),
            "when": pd.to_datetime(["2024-01-01"] * 4),
            "flag": [True, False, True, False],
            "=name": ["a", "b", "c", "d"],
        }
    )
    safe = safe_frame(frame)
    assert list(safe.columns) == [*frame.columns[:-1], "'=name"]
    assert safe["text"].tolist()[:2] == ["'=1+1", "fine"] and safe["text"].tolist()[3] == "'-2"
    assert pd.isna(safe["text"].iloc[2])
    assert (
        safe["numbers"].tolist() == [-1, 2, -3, 4]
        and safe["numbers"].dtype == frame["numbers"].dtype
    )
    assert safe["floats"].dtype == frame["floats"].dtype
    assert safe["mixed"].tolist()[:2] == ["'+x", -2] and safe["mixed"].iloc[3] == 3.5
    assert safe["kinds"].tolist()[:3] == ["'@a", "b", "'@a"]
    assert safe["when"].equals(frame["when"]) and safe["flag"].equals(frame["flag"])
    assert frame["text"].iloc[0] == "=1+1"  # the input is not changed
    assert csv_text(frame).splitlines()[1].startswith("'=1+1,-1,-1.5,'+x,'@a,")


def hostile_chart() -> Chart:
    data = pd.DataFrame(
        {
            "programme": ["GPIP"] * 4,
            "kind": list(HOSTILE),
            "detail": ["http://evil.example/x", "safe\r=1+1", "\tTab", "\rReturn"],
            "practices": [-4, 2, -1, 3],
        }
    )
    return Chart(
        "gain_kinds",
        f"{HYPERLINK} is the most common kind",
        "London region · programme to date",
        go.Figure(),
        data,
        "+Alt text.",
        "Source: test.",
        ("-A caveat.",),
    )


def test_chart_csv_quotes_every_hostile_cell_and_keeps_numbers():
    rows = list(
        pd.read_csv(io.BytesIO(csv_bytes(hostile_chart())), dtype=str).itertuples(index=False)
    )
    assert [r.kind for r in rows] == [f"'{t}" for t in HOSTILE]
    # a carriage return inside text stays inside its (quoted) cell: it cannot start a row of its own
    assert [r.detail for r in rows] == [
        "http://evil.example/x",
        "safe\n=1+1",
        "'\tTab",
        "'\nReturn",
    ]
    assert [r.practices for r in rows] == ["-4", "2", "-1", "3"]  # numbers are not quoted
    text = csv_bytes(hostile_chart()).decode()
    assert (
        "\r" not in text and ',"safe\n=1+1",' in text
    )  # a spreadsheet reads a lone \r as a row's end


def sheet_xml(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")}


def assert_values_only(blob: bytes) -> None:
    """No formula and no hyperlink in any sheet of an XLSX."""
    parts = sheet_xml(blob)
    assert any(n.endswith(".xml") for n in parts)
    for name, xml in parts.items():
        assert not FORMULA.search(xml), name
        assert b"<hyperlink" not in xml and b"/hyperlink" not in xml, name


def test_chart_xlsx_has_no_formulas_and_keeps_the_text_quoted():
    blob = xlsx_bytes(hostile_chart())
    assert_values_only(blob)
    book = load_workbook(io.BytesIO(blob))
    data = [[(c.value, c.data_type) for c in row] for row in book["data"].iter_rows(min_row=2)]
    assert [row[1] for row in data] == [(f"'{t}", "s") for t in HOSTILE]
    assert [row[3] for row in data] == [(-4, "n"), (2, "n"), (-1, "n"), (3, "n")]
    about = {row[0].value: row[1] for row in book["about"].iter_rows(min_row=2)}
    assert about["Finding"].value == f"'{HYPERLINK} is the most common kind"
    assert about["Notes"].value == "'-A caveat."
    assert about["Description"].value == "'+Alt text."
    assert all(row[1].data_type == "s" for row in book["about"].iter_rows(min_row=2))


def embedded_workbooks(pptx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(pptx)) as z:
        return {n: z.read(n) for n in z.namelist() if re.match(r"ppt/embeddings/.*\.xlsx$", n)}


def hostile_deck() -> bytes:
    reasons = pd.DataFrame(
        {
            "programme": ["@Accelerate", "@Accelerate", "GPIP"],
            "withdrawal_reason": ["a", "b", "c"],
            "practices": [4, 2, 16],
            "reason": [HYPERLINK, "http://evil.example/y", "-2+3"],
        }
    )
    withdrawals = Chart(
        "withdrawal_reasons",
        HYPERLINK,
        "London region",
        go.Figure(),
        reasons,
        "+alt",
        "Source: test.",
        ("@note",),
    )
    barriers = pd.DataFrame(
        {
            "ICB": ["=ICB"],
            "Reported": ["2024-01-01"],
            "Programme": ["GPIP"],
            "Barrier": ["http://evil.example/z"],
            "Practices affected": [3],
            "Detail": [HYPERLINK],
        }
    )
    table = Chart(
        "barrier_reports", "Barriers", "London", go.Figure(), barriers, "alt", "Source.", ()
    )
    return build_pack([Section("Hostile", placed(hostile_chart(), withdrawals, table))], CTX)


def test_deck_chart_workbooks_have_no_formulas_or_hyperlinks_and_quoted_names():
    blob = hostile_deck()
    books = embedded_workbooks(blob)
    assert len(books) == 2
    cells = set()
    for name, book in books.items():
        assert_values_only(book)
        with zipfile.ZipFile(io.BytesIO(book)) as z:
            rels = [n for n in z.namelist() if n.startswith("xl/worksheets/_rels/")]
            assert not any(b"hyperlink" in z.read(n) for n in rels), name
        sheet = load_workbook(io.BytesIO(book)).active
        assert sheet is not None
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type in ("s", "n"), (name, cell.coordinate, cell.value)
                cells.add(cell.value)
    # categories (kinds of gain, withdrawal reasons) and series names (programmes) quoted; URLs plain text
    assert {f"'{t}" for t in HOSTILE} <= cells
    assert {"'@Accelerate", "'-2+3", "http://evil.example/y", -4, 2} <= cells


def test_deck_slides_have_no_hyperlinks_from_data():
    with zipfile.ZipFile(io.BytesIO(hostile_deck())) as z:
        names = z.namelist()
        for name in names:
            if name.startswith(("ppt/slides/", "ppt/notesSlides/", "ppt/charts/")):
                xml = z.read(name)
                assert b"hlinkClick" not in xml and b"relationships/hyperlink" not in xml, name
        charts = b"".join(z.read(n) for n in names if re.match(r"ppt/charts/chart\d+\.xml$", n))
    assert b"&apos;=HYPERLINK" in charts or b"'=HYPERLINK" in charts  # the chart's own labels too


def test_months_since_the_start_of_support_are_signed_numbers_not_quoted_text():
    """The impact event study's categories (-6 ... +11) are numbers with a signed format: as text they would
    start with '+' or '-' and be quoted."""
    rows = [
        {
            "arm": arm,
            "relative_month": m,
            "practices": 9,
            "mean": 50.0 + m,
            "ci_low": 48.0,
            "ci_high": 70.0,
        }
        for arm in ("supported", "comparator")
        for m in range(-6, 12)
    ]
    event = Chart(
        "impact_event_face_to_face_gpip", "t", "s", go.Figure(), pd.DataFrame(rows), "a", "s", ()
    )
    blob = build_pack([Section("Impact", placed(event))], CTX)
    [book] = embedded_workbooks(blob).values()
    sheet = load_workbook(io.BytesIO(book)).active
    assert sheet is not None
    months = [(c.value, c.number_format) for c in sheet["A"][1:]]
    assert months == [(m, "+0;-0;0") for m in range(-6, 12)]
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        chart = b"".join(
            z.read(n) for n in z.namelist() if re.match(r"ppt/charts/chart\d+\.xml$", n)
        )
    assert b'<c:numFmt formatCode="+0;-0;0" sourceLinked="0"/>' in chart  # the axis shows +3, -2
    assert b"'" not in chart.split(b"<c:cat>")[1].split(b"</c:cat>")[0]
