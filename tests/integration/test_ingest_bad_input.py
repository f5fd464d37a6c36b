"""Bad input gets a clear error (file, row, column, value, what was expected) and changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from gpaccess.cli import main
from gpaccess.ingest import IngestError, ingest_files
from gpaccess.store import connect_writable
from tests.conftest import REALDATA, snapshot

AUG = "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"


@pytest.fixture(scope="module")
def loaded_file(tmp_path_factory, empty_store_file) -> Path:
    """A store holding real data (Aug 2025 mapping and crosstab), loaded once for the file's tests."""
    path = tmp_path_factory.mktemp("loaded") / "loaded.duckdb"
    shutil.copyfile(empty_store_file, path)
    con = connect_writable(path)
    try:
        ingest_files(con, [REALDATA / "gpad_aug25/Mapping.csv", REALDATA / AUG])
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def loaded_tables(loaded_file) -> dict[str, list[tuple]]:
    """Every row of that store, read once: each test's copy holds the same."""
    con = duckdb.connect(str(loaded_file), read_only=True)
    try:
        return snapshot(con)
    finally:
        con.close()


@pytest.fixture
def loaded(loaded_file, tmp_path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A copy of that store, so 'unchanged' is checked against non-empty tables (a copy: loading the mapping
    of every practice for each of the 90 tests took a third of the file's time)."""
    path = tmp_path / "loaded.duckdb"
    shutil.copyfile(loaded_file, path)
    con = connect_writable(path)
    yield con
    con.close()


def lines_of(realdata: Path) -> list[str]:
    return (realdata / AUG).read_text(encoding="utf-8").splitlines(keepends=True)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def replace_field(line: str, index: int, value: str) -> str:
    fields = line.rstrip("\n").split(",")
    fields[index] = value
    return ",".join(fields) + "\n"


def refused(store, paths: list[Path], before: dict[str, list[tuple]] | None = None) -> str:
    """Load must fail, leave every table as it was (`before`, when the caller has read it), and return the
    message."""
    before = snapshot(store) if before is None else before
    with pytest.raises(IngestError) as caught:
        ingest_files(store, paths)
    assert snapshot(store) == before
    return str(caught.value)


# Each case: (id, builder(realdata, tmp_path) -> file, fragments the message must contain)
Case = Callable[[Path, Path], Path]


def missing_column(realdata, tmp_path):
    rows = [",".join(line.rstrip("\n").split(",")[:-1]) + "\n" for line in lines_of(realdata)]
    return write(tmp_path, "missing.csv", "".join(rows))


def renamed_column(realdata, tmp_path):
    lines = lines_of(realdata)
    lines[0] = lines[0].replace("COUNT_OF_APPOINTMENTS", "APPOINTMENTS")
    return write(tmp_path, "renamed.csv", "".join(lines))


def non_numeric_count(realdata, tmp_path):
    lines = lines_of(realdata)
    lines[5] = replace_field(lines[5], 12, "twelve")
    return write(tmp_path, "text_count.csv", "".join(lines))


def negative_count(realdata, tmp_path):
    lines = lines_of(realdata)
    lines[7] = replace_field(lines[7], 12, "-4")
    return write(tmp_path, "negative.csv", "".join(lines))


def bad_month(realdata, tmp_path):
    lines = lines_of(realdata)
    lines[3] = replace_field(lines[3], 0, "2025-08-01")
    return write(tmp_path, "bad_month.csv", "".join(lines))


def duplicate_key(realdata, tmp_path):
    lines = lines_of(realdata)
    lines.append(lines[10])
    return write(tmp_path, "duplicate.csv", "".join(lines))


def empty_file(realdata, tmp_path):
    return write(tmp_path, "empty.csv", "")


def header_only(realdata, tmp_path):
    return write(tmp_path, "header_only.csv", lines_of(realdata)[0])


def truncated_last_line(realdata, tmp_path):
    text = "".join(lines_of(realdata)).rstrip("\n")
    return write(tmp_path, "truncated.csv", text[: text.rfind(",", 0, len(text) - 12)])


def cp1252_bytes(realdata, tmp_path):
    text = "".join(lines_of(realdata)).replace("NEW BANK HEALTH", "NEW BANK HEALTH CAFÉ", 1)
    return write(tmp_path, "ansi.csv", text.encode("cp1252"))


def zip_without_crosstab(realdata, tmp_path):
    path = tmp_path / "Practice_Level_Crosstab_Aug_25.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(realdata / "gpad_aug25/Mapping.csv", "Mapping.csv")
    return path


def not_csv(realdata, tmp_path):
    return write(tmp_path, "chart.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))


def unknown_mode(realdata, tmp_path):
    lines = lines_of(realdata)
    lines[4] = replace_field(lines[4], 9, "Carrier Pigeon")
    return write(tmp_path, "mode.csv", "".join(lines))


CASES = [
    (missing_column, ["missing.csv", "row 1", "column APPT_STATUS", "missing APPT_STATUS"]),
    (
        renamed_column,
        ["renamed.csv", "row 1", "missing COUNT_OF_APPOINTMENTS", "unexpected APPOINTMENTS"],
    ),
    (
        non_numeric_count,
        ["text_count.csv", "row 6", "column COUNT_OF_APPOINTMENTS", "'twelve'", "a whole number"],
    ),
    (
        negative_count,
        [
            "negative.csv",
            "row 8",
            "column COUNT_OF_APPOINTMENTS",
            "'-4'",
            "a whole number from 0 to 2,147,483,647",
        ],
    ),
    (
        bad_month,
        [
            "bad_month.csv",
            "row 4",
            "column APPOINTMENT_MONTH_START_DATE",
            "'2025-08-01'",
            "01OCT2025",
        ],
    ),
    (duplicate_key, ["duplicate.csv", "row 11", "row 91", "one row per month, practice"]),
    (empty_file, ["empty.csv", "an empty file", "header row"]),
    (header_only, ["header_only.csv", "row 2", "no data rows"]),
    (truncated_last_line, ["truncated.csv", "row 90", "14 columns", "truncated"]),
    (cp1252_bytes, ["ansi.csv", "row 2", "UTF-8"]),
    (
        zip_without_crosstab,
        ["Practice_Level_Crosstab_Aug_25.zip", "Mapping.csv", "Practice_Level_Crosstab_*.csv"],
    ),
    (not_csv, ["chart.png", "binary content", "CSV"]),
    (unknown_mode, ["mode.csv", "row 5", "column APPT_MODE", "'Carrier Pigeon'", "Face-to-Face"]),
]


@pytest.mark.parametrize(("build", "fragments"), CASES, ids=[c[0].__name__ for c in CASES])
def test_bad_file_is_refused_with_a_clear_message(
    loaded, loaded_tables, realdata, tmp_path, build, fragments
):
    message = refused(loaded, [build(realdata, tmp_path)], loaded_tables)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def test_one_bad_file_refuses_the_whole_batch(loaded, loaded_tables, realdata, tmp_path):
    good = realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"
    message = refused(loaded, [good, negative_count(realdata, tmp_path)], loaded_tables)
    assert "negative.csv" in message


def test_cli_exits_non_zero_and_changes_nothing(realdata, tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    assert main(["--db", str(db), "ingest", str(realdata / AUG)]) == 0
    from gpaccess.store import connect_writable

    con = connect_writable(db)
    before = snapshot(con)
    con.close()
    assert main(["--db", str(db), "ingest", str(negative_count(realdata, tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "negative.csv, row 8, column COUNT_OF_APPOINTMENTS: found '-4'" in err
    con = connect_writable(db)
    assert snapshot(con) == before
    con.close()


# Hostile input (published files are CRLF): each case is a damaged copy of a real file, made in code, written
# with CRLF as published and again with LF; the message must name the file, row, column and value.
CROSSTAB = AUG
MAPPING = "gpad_aug25/Mapping.csv"
LIST_ALL = "gpad_oct25/gp-reg-pat-prac-all.csv"
LIST_MAP = "gpad_oct25/gp-reg-pat-prac-map.csv"
NEWLINES = {"crlf": "\r\n", "lf": "\n"}
COUNT = "a whole number from 0 to 2,147,483,647"
PRACTICE = "a GP practice code"
ICB = "an ICB code in data/reference/icb_reference.csv (update that file when ICBs change)"
REGION = "a region code in data/reference/icb_reference.csv"
LATEST_MONTH = f"not after {dt.date.today():%b %Y}"  # the load's default day is today


def real_lines(realdata: Path, source: str) -> list[str]:
    """The lines of a real file without their endings (the published files end every line with CRLF)."""
    text = (realdata / source).read_bytes().decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text.split("\r\n")[:-1]


def csv_line(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def set_cell(lines: list[str], row: int, column: str, value: str) -> None:
    """Set one value of file row `row` (the header is row 1), keeping the published quoting."""
    header = next(csv.reader([lines[0]]))
    fields = next(csv.reader([lines[row - 1]]))
    fields[header.index(column)] = value
    lines[row - 1] = csv_line(fields)


# A hostile case: (source file, builder(lines, newline) -> file text, fragments the message must contain).
Build = Callable[[list[str], str], str]


def cell(row: int, column: str, value: str) -> Build:
    def build(lines: list[str], newline: str) -> str:
        set_cell(lines, row, column, value)
        return newline.join(lines) + newline

    return build


def raw_line(row: int, text: Callable[[str], str]) -> Build:
    def build(lines: list[str], newline: str) -> str:
        lines[row - 1] = text(lines[row - 1])
        return newline.join(lines) + newline

    return build


def appended(row: int) -> Build:
    def build(lines: list[str], newline: str) -> str:
        return newline.join([*lines, lines[row - 1]]) + newline

    return build


def other_ending(row: int) -> Build:
    """Row `row` ends with the other line ending (LF in a CRLF file, CRLF in an LF file)."""

    def build(lines: list[str], newline: str) -> str:
        other = "\n" if newline == "\r\n" else "\r\n"
        return "".join(line + (other if i == row - 1 else newline) for i, line in enumerate(lines))

    return build


def nul_then(row: int, column: str, value: str) -> Build:
    """A NUL byte in a name past the first 64 KiB (the header sniff), then a bad value at `row`."""

    def build(lines: list[str], newline: str) -> str:
        lines[row - 3] = lines[row - 3].replace(",", ",\x00", 2)
        set_cell(lines, row, column, value)
        return newline.join(lines) + newline

    return build


def garbage(lines: list[str], newline: str) -> str:
    return newline.join([lines[0], *(['garbage,"unclosed'] * 5000)]) + newline


def col(name: str) -> str:
    return f"column {name}"


MONTH = "APPOINTMENT_MONTH_START_DATE"
HOSTILE = {
    # Counts: whole, 0 or more, at most 2,147,483,647; no sign, point, exponent or spaces.
    "count_too_big": (
        CROSSTAB,
        cell(6, "COUNT_OF_APPOINTMENTS", "2147483648"),
        ["row 6", col("COUNT_OF_APPOINTMENTS"), "'2147483648'", COUNT],
    ),
    "count_fraction": (
        CROSSTAB,
        cell(6, "COUNT_OF_APPOINTMENTS", "3.5"),
        ["row 6", col("COUNT_OF_APPOINTMENTS"), "'3.5'", COUNT],
    ),
    "count_exponent": (
        CROSSTAB,
        cell(7, "COUNT_OF_APPOINTMENTS", "1e3"),
        ["row 7", col("COUNT_OF_APPOINTMENTS"), "'1e3'", COUNT],
    ),
    "count_20_digits": (
        CROSSTAB,
        cell(6, "COUNT_OF_APPOINTMENTS", "12345678901234567890"),
        ["row 6", col("COUNT_OF_APPOINTMENTS"), "'12345678901234567890'", COUNT],
    ),
    "count_spaces": (
        CROSSTAB,
        cell(6, "COUNT_OF_APPOINTMENTS", " 17 "),
        ["row 6", col("COUNT_OF_APPOINTMENTS"), "' 17 '", COUNT],
    ),
    "count_text": (
        CROSSTAB,
        cell(6, "COUNT_OF_APPOINTMENTS", "twelve"),
        ["row 6", col("COUNT_OF_APPOINTMENTS"), "'twelve'", COUNT],
    ),
    "count_negative": (
        CROSSTAB,
        cell(8, "COUNT_OF_APPOINTMENTS", "-4"),
        ["row 8", col("COUNT_OF_APPOINTMENTS"), "'-4'", COUNT],
    ),
    # Months: the first of a month, from Jan 2015 to the current month.
    "month_future": (
        CROSSTAB,
        cell(6, MONTH, "01OCT2099"),
        ["row 6", col(MONTH), "'01OCT2099'", "the first day of a month", LATEST_MONTH],
    ),
    "month_mid": (
        CROSSTAB,
        cell(6, MONTH, "15OCT2025"),
        ["row 6", col(MONTH), "'15OCT2025'", "the first day of a month"],
    ),
    "month_too_early": (
        CROSSTAB,
        cell(6, MONTH, "01DEC2014"),
        ["row 6", col(MONTH), "'01DEC2014'", "not before Jan 2015"],
    ),
    "month_format": (
        CROSSTAB,
        cell(4, MONTH, "2025-08-01"),
        ["row 4", col(MONTH), "'2025-08-01'", "01OCT2025"],
    ),
    "mode_unknown": (
        CROSSTAB,
        cell(5, "APPT_MODE", "Carrier Pigeon"),
        ["row 5", col("APPT_MODE"), "'Carrier Pigeon'", "Face-to-Face"],
    ),
    # Practice codes: a letter, a letter or digit, four digits.
    "practice_code_crosstab": (
        CROSSTAB,
        cell(6, "GP_CODE", "Y0296"),
        ["row 6", col("GP_CODE"), "'Y0296'", PRACTICE],
    ),
    "practice_code_lower": (
        CROSSTAB,
        cell(9, "GP_CODE", "y02960"),
        ["row 9", col("GP_CODE"), "'y02960'", PRACTICE],
    ),
    "practice_code_mapping": (
        MAPPING,
        cell(10, "GP_CODE", "A8100X"),
        ["row 10", col("GP_CODE"), "'A8100X'", PRACTICE],
    ),
    "practice_code_list_size": (
        LIST_ALL,
        cell(10, "CODE", "12345"),
        ["row 10", col("CODE"), "'12345'", PRACTICE],
    ),
    "practice_code_list_map": (
        LIST_MAP,
        cell(10, "PRACTICE_CODE", "ZZ"),
        ["row 10", col("PRACTICE_CODE"), "'ZZ'", PRACTICE],
    ),
    # ICBs and regions only from data/reference/icb_reference.csv.
    "icb_unknown_mapping": (
        MAPPING,
        cell(10, "ICB_CODE", "QZZ"),
        ["row 10", col("ICB_CODE"), "'QZZ'", ICB],
    ),
    "region_unknown_mapping": (
        MAPPING,
        cell(11, "REGION_CODE", "Y99"),
        ["row 11", col("REGION_CODE"), "'Y99'", REGION],
    ),
    "icb_unknown_list_map": (
        LIST_MAP,
        cell(10, "ICB_CODE", "QZZ"),
        ["row 10", col("ICB_CODE"), "'QZZ'", ICB],
    ),
    "region_unknown_list_map": (
        LIST_MAP,
        cell(12, "COMM_REGION_CODE", "Y99"),
        ["row 12", col("COMM_REGION_CODE"), "'Y99'", REGION],
    ),
    # List sizes: counts as above; an extract date from 2015-01-01 to today.
    "patients_fraction": (
        LIST_ALL,
        cell(10, "NUMBER_OF_PATIENTS", "3.5"),
        ["row 10", col("NUMBER_OF_PATIENTS"), "'3.5'", COUNT],
    ),
    "patients_too_big": (
        LIST_ALL,
        cell(11, "NUMBER_OF_PATIENTS", "2147483648"),
        ["row 11", col("NUMBER_OF_PATIENTS"), "'2147483648'", COUNT],
    ),
    "patients_negative": (
        LIST_ALL,
        cell(12, "NUMBER_OF_PATIENTS", "-1"),
        ["row 12", col("NUMBER_OF_PATIENTS"), "'-1'", COUNT],
    ),
    "extract_future": (
        LIST_ALL,
        cell(10, "EXTRACT_DATE", "2099-12-01"),
        ["row 10", col("EXTRACT_DATE"), "'2099-12-01'", f"to today ({dt.date.today():%Y-%m-%d})"],
    ),
    "extract_too_early": (
        LIST_ALL,
        cell(10, "EXTRACT_DATE", "2014-12-01"),
        ["row 10", col("EXTRACT_DATE"), "'2014-12-01'", "from 2015-01-01"],
    ),
    "list_size_duplicate": (
        LIST_ALL,
        appended(10),
        ["row 10", "row 6198", "one row per practice and extract date"],
    ),
    # Line endings and hostile bytes: every case names the row.
    "duplicate_variant_band": (
        CROSSTAB,
        appended(6),
        ["row 6", "row 91", "22  to 28 Days", "one row per month, practice"],
    ),
    "carriage_return_in_line": (
        CROSSTAB,
        raw_line(6, lambda t: t.replace("NEW BANK", "NEW\rBANK")),
        ["row 6", "carriage return"],
    ),
    "carriage_return_doubled": (
        CROSSTAB,
        raw_line(6, lambda t: t + "\r\r"),  # \r\r\r\n or \r\r\n
        ["row 6", "carriage return"],
    ),
    "line_ending_mixed": (
        CROSSTAB,
        other_ending(6),
        ["row 6", "every line ending like the header"],
    ),
    "unclosed_quote": (
        CROSSTAB,
        raw_line(6, lambda t: t.replace("NEW BANK", '"NEW BANK')),
        ["row 6", "correctly quoted"],
    ),
    "quote_then_text": (
        CROSSTAB,
        raw_line(6, lambda t: t.replace("NEW BANK HEALTH", '"NEW BANK" HEALTH')),
        ["row 6", "correctly quoted"],
    ),
    "too_many_columns": (CROSSTAB, raw_line(6, lambda t: t + ",extra"), ["row 6", "14 columns"]),
    "line_too_long": (
        CROSSTAB,
        raw_line(6, lambda t: t.replace("NEW BANK", "NEW " + "B" * 200_000)),
        ["row 6", "a line of at most 65,536 bytes"],
    ),
    "line_of_40_mb": (  # DuckDB skips such a line without a reject: found by the ingest's own read
        CROSSTAB,
        raw_line(6, lambda t: t.replace("NEW BANK", "NEW " + "B" * 40_000_000)),
        ["row 6", "a line of at most 65,536 bytes"],
    ),
    "nul_byte_then_bad_icb": (
        MAPPING,
        nul_then(1000, "ICB_CODE", "QZZ"),
        ["row 1000", col("ICB_CODE"), "'QZZ'", ICB],
    ),
    "garbage_lines": (CROSSTAB, garbage, ["row 2", "row 3", "correctly quoted"]),
}


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
@pytest.mark.parametrize("case", HOSTILE.keys())
def test_hostile_file_is_refused_naming_the_row(
    loaded, loaded_tables, realdata, tmp_path, case, newline
):
    source, build, fragments = HOSTILE[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(build(real_lines(realdata, source), newline).encode("utf-8"))
    message = refused(loaded, [path], loaded_tables)
    for fragment in [f"{case}.csv", *fragments]:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert "Traceback" not in message
    assert max(len(line) for line in message.splitlines()) < 1000  # values quoted short


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
def test_counts_and_dates_at_the_bounds_load(store, realdata, tmp_path, newline):
    crosstab = real_lines(realdata, CROSSTAB)
    set_cell(crosstab, 6, "COUNT_OF_APPOINTMENTS", "2147483647")  # the largest count accepted
    set_cell(crosstab, 7, "COUNT_OF_APPOINTMENTS", "0")
    list_all = real_lines(realdata, LIST_ALL)
    set_cell(list_all, 2, "EXTRACT_DATE", "2025-12-15")  # an extract date need not be the 1st
    paths = [tmp_path / "crosstab.csv", tmp_path / "list.csv"]
    paths[0].write_bytes((newline.join(crosstab) + newline).encode())
    paths[1].write_bytes((newline.join(list_all) + newline).encode())
    ingest_files(store, [realdata / MAPPING, *paths])
    counts = {r[0] for r in store.execute("SELECT appointments FROM appointment").fetchall()}
    assert {2_147_483_647, 0} <= counts
    dates = {r[0] for r in store.execute("SELECT DISTINCT extract_date FROM list_size").fetchall()}
    assert dates == {dt.date(2025, 12, 1), dt.date(2025, 12, 15)}


def test_latest_month_follows_the_load_day(store, realdata):
    """APPOINTMENT_MONTH_START_DATE may be the current month at the latest; `today` sets it."""
    crosstab = realdata / CROSSTAB  # Aug 2025
    with pytest.raises(IngestError) as caught:
        ingest_files(store, [crosstab], today=dt.date(2025, 7, 31))
    assert "not after Jul 2025" in str(caught.value)
    ingest_files(store, [crosstab], today=dt.date(2025, 8, 1))


def test_slow_pass_reads_any_bytes(tmp_path):
    """iter_rows and the line finder never raise: huge fields, NUL bytes, stray carriage returns, bad UTF-8."""
    from gpaccess.ingest.gpad import checked_lines, iter_rows

    path = tmp_path / "hostile.csv"
    unclosed_quote = b'"' + (b"z" * 60_000 + b"\r\n") * 3  # one field past csv's 131,072 limit
    too_long = b"4," + b"y" * 200_000 + b"\r\n"  # a line longer than the reader keeps
    path.write_bytes(
        b"A,B\r\n1,2\r\n" + unclosed_quote + b"3,\x00\xff\r\n" + too_long + b"5,a\rb\r\n6,6\r\n"
    )
    rows = list(iter_rows(path))
    assert rows[0] == (2, {"A": "1", "B": "2"})
    assert (6, {"A": "3", "B": "\x00\ufffd"}) in rows
    assert rows[-1] == (9, {"A": "6", "B": "6"})
    lines = list(checked_lines(path, 2))
    assert [(line.row, line.kind) for line in lines] == [
        (2, ""),
        (3, "badly quoted values"),
        (4, "wrong number of columns"),
        (5, "wrong number of columns"),
        (6, ""),
        (7, "line too long"),
        (8, "carriage return inside a line"),
        (9, ""),
    ]
    assert (lines[1].expected, lines[1].text) == (
        "a CSV row with correctly quoted values",
        '"' + "z" * 60_000,
    )
    assert lines[4].fields == ["3", "\x00\ufffd"]
