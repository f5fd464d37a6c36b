"""A hostile-input corpus, generated in code from the real published files: every variant is refused through the
command line with exit code 2, a message naming the file (and row, column and value where there is one), no
traceback, every table unchanged, no practice identity in the load history anyone can read, and a peak memory
for the load under 1.5 GB (measured here: the process's high-water mark is reset before each load).
"""

from __future__ import annotations

import csv
import errno
import io
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from gpaccess.access import PUBLIC
from gpaccess.cli import main
from gpaccess.db import run
from gpaccess.ingest import ingest_files
from gpaccess.ingest.tracker_format import SHEETS
from gpaccess.scope import NATIONAL
from gpaccess.store import connect_writable
from gpaccess.templates import EXAMPLE_ROWS
from tests.conftest import REALDATA, snapshot

AUG = REALDATA / "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"
AUG_MAPPING = REALDATA / "gpad_aug25/Mapping.csv"
LIST_ALL = REALDATA / "gpad_oct25/gp-reg-pat-prac-all.csv"
CROSSTAB = AUG.name
PRACTICE = "Y02960"  # the one practice in the August file
PEAK_LIMIT = 1.5e9  # bytes
MiB = 1 << 20


# --- building damaged copies ------------------------------------------------------------------------------------
def rows_of(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def csv_text(rows: list[list[str]], newline: str = "\r\n") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue()


def with_cell(source: Path, row: int, column: str, value: str, newline: str = "\r\n") -> Callable:
    """A copy of `source` (same name) whose cell at file row `row` (header = row 1) holds `value`."""

    def build(folder: Path) -> list[Path]:
        rows = rows_of(source)
        rows[row - 1][rows[0].index(column)] = value
        path = folder / source.name
        path.write_text(csv_text(rows, newline), encoding="utf-8")
        return [path]

    return build


def with_line(source: Path, row: int, transform: Callable[[bytes], bytes]) -> Callable:
    """A copy whose raw line `row` (bytes, CRLF kept) is transformed."""

    def build(folder: Path) -> list[Path]:
        lines = source.read_bytes().split(b"\r\n")
        lines[row - 1] = transform(lines[row - 1])
        path = folder / source.name
        path.write_bytes(b"\r\n".join(lines))
        return [path]

    return build


def raw(name: str, content: bytes | Callable[[], bytes]) -> Callable:
    def build(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes(content() if callable(content) else content)
        return [path]

    return build


def sparse(name: str, size: int, head: bytes = b"", tail: bytes = b"") -> Callable:
    """A file of `size` bytes that costs no disk: a header, a hole, and maybe a tail (e.g. a zip)."""

    def build(folder: Path) -> list[Path]:
        path = folder / name
        with open(path, "wb") as handle:
            handle.write(head)
            handle.truncate(size)
            handle.seek(size)
            handle.write(tail)
        return [path]

    return build


def header() -> bytes:
    return AUG.read_bytes().split(b"\r\n", 1)[0] + b"\r\n"


def garbage_lines(total: int) -> bytes:
    line = b"\x01garbage;not,a,crosstab,row,at,all,|||,999\r\n"
    return header() + line * (total // len(line))


def duplicated_row(folder: Path) -> list[Path]:
    lines = AUG.read_bytes().rstrip(b"\r\n").split(b"\r\n")
    path = folder / CROSSTAB
    path.write_bytes(b"\r\n".join([*lines, lines[5]]) + b"\r\n")
    return [path]


def zipped(members: dict[str, bytes], name: str = "Practice_Level_Crosstab_Aug_25.zip") -> Callable:
    def build(folder: Path) -> list[Path]:
        path = folder / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in members.items():
                archive.writestr(member, data)
        return [path]

    return build


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return out.getvalue()


def zip_declaring(size: int) -> Callable:
    """A small zip whose central directory claims its crosstab unpacks to `size` bytes."""

    def build(folder: Path) -> list[Path]:
        data = bytearray(zip_bytes({CROSSTAB: AUG.read_bytes()}))
        central = data.rfind(b"PK\x01\x02")
        struct.pack_into(
            "<I", data, central + 24, size
        )  # uncompressed size in the central directory
        path = folder / "Practice_Level_Crosstab_Aug_25.zip"
        path.write_bytes(bytes(data))
        return [path]

    return build


def zip_damaged(cut: bool) -> Callable:
    def build(folder: Path) -> list[Path]:
        data = bytearray(zip_bytes({CROSSTAB: AUG.read_bytes()}))
        if cut:
            data = data[: len(data) // 2]
        else:
            data[200] ^= 0xFF  # inside the compressed crosstab: a bad CRC or a broken stream
        path = folder / "Practice_Level_Crosstab_Aug_25.zip"
        path.write_bytes(bytes(data))
        return [path]

    return build


def tracker(
    sheet: str = "", column: str = "", value: object = None, *, formula: bool = False
) -> Callable:
    """The template's example tracker for the real practice as an XLSX, one cell (row 2) changed."""

    def build(folder: Path) -> list[Path]:
        workbook = Workbook()
        workbook.remove(workbook.active)
        for definition in SHEETS:
            ws = workbook.create_sheet(definition.name)
            ws.append(list(definition.column_names))
            row: list[object] = [
                PRACTICE if v == "A81001" else v for v in EXAMPLE_ROWS[definition.name]
            ]
            if definition.name == sheet:
                row[list(definition.column_names).index(column)] = value
            ws.append(row)
        path = folder / "tracker.xlsx"
        workbook.save(path)
        return [path]

    return build


def tracker_csv(sheet: str, column: str, value: str) -> Callable:
    def build(folder: Path) -> list[Path]:
        definition = next(s for s in SHEETS if s.name == sheet)
        row = [PRACTICE if v == "A81001" else v for v in EXAMPLE_ROWS[sheet]]
        row[list(definition.column_names).index(column)] = value
        path = folder / f"{sheet}.csv"
        path.write_text(csv_text([list(definition.column_names), row]), encoding="utf-8")
        return [path]

    return build


def tracker_xml(transform: Callable[[bytes], bytes]) -> Callable:
    """The example tracker with one worksheet's XML rewritten (e.g. a DOCTYPE with an entity)."""

    def build(folder: Path) -> list[Path]:
        (source,) = tracker()(folder)
        damaged = folder / "damaged.xlsx"
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(damaged, "w") as dst:
            for item in src.infolist():
                data = src.read(item)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = transform(data)
                dst.writestr(item, data)
        source.unlink()
        return [damaged.rename(source)]

    return build


def entity(data: bytes) -> bytes:
    declaration = b'<!DOCTYPE x [<!ENTITY boom "GPIP">]>'
    return declaration + data.replace(b">GPIP<", b">&boom;<", 1)


def xlsx_bomb(folder: Path) -> list[Path]:
    (source,) = tracker()(folder)
    with zipfile.ZipFile(source, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (20 * MiB))
    return [source]


def many_members(folder: Path) -> list[Path]:
    members = {f"Practice_Level_Crosstab_{i:02d}.csv": header() for i in range(60)}
    return zipped(members)(folder)


def utf16(folder: Path) -> list[Path]:
    path = folder / CROSSTAB
    path.write_bytes(AUG.read_text(encoding="utf-8").encode("utf-16"))
    return [path]


# --- the corpus -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path], list[Path]]
    fragments: tuple[str, ...]  # the message names these: file, row, column, value


C, M, L = "COUNT_OF_APPOINTMENTS", "APPOINTMENT_MONTH_START_DATE", "NUMBER_OF_PATIENTS"
ROW6 = "row 6"
TRACKER_CELL = ("tracker.xlsx", "row 2, column")  # then the sheet, the column's name and the value


def cell_case(id: str, column: str, value: str, newline: str = "\r\n") -> Case:
    return Case(id, with_cell(AUG, 6, column, value, newline), (CROSSTAB, ROW6, column, value))


CASES = [
    # counts: whole, 0 or more, at most 2,147,483,647
    cell_case("count_over_int32", C, "2147483648"),
    cell_case("count_20_digits", C, "99999999999999999999"),
    cell_case("count_decimal", C, "3.5"),
    cell_case("count_exponent", C, "1e3"),
    cell_case("count_negative", C, "-4"),
    cell_case("count_word", C, "twelve"),
    cell_case("count_hex", C, "0x10"),
    cell_case("count_thousands_separator", C, "1,000"),
    cell_case("count_plus_sign", C, "+7"),
    cell_case("count_formula", C, "=1+1"),
    Case("count_blank", with_cell(AUG, 6, C, ""), (CROSSTAB, ROW6, C)),
    cell_case("count_decimal_lf", C, "3.5", "\n"),
    cell_case("count_over_int32_lf", C, "2147483648", "\n"),
    # months: the first of a month, not after this month, not before the documented bound
    cell_case("month_future", M, "01OCT2099"),
    cell_case("month_mid_month", M, "15AUG2025"),
    cell_case("month_garbage", M, "01XYZ2025"),
    cell_case("month_iso_format", M, "2025-08-01"),
    cell_case("month_ancient", M, "01AUG1990"),
    cell_case("month_future_lf", M, "01OCT2099", "\n"),
    # coded values and keys
    cell_case("unknown_mode", "APPT_MODE", "Carrier pigeon"),
    cell_case("status_wrong_case", "APPT_STATUS", "attended"),
    Case("blank_practice", with_cell(AUG, 6, "GP_CODE", ""), (CROSSTAB, ROW6, "GP_CODE")),
    cell_case("practice_code_not_ods", "GP_CODE", "ABC"),
    cell_case("practice_code_formula", "GP_CODE", "=1+1"),
    cell_case("unknown_sub_icb", "SUB_ICB_LOCATION_CODE", "ZZZ"),
    Case("duplicate_key", duplicated_row, (CROSSTAB, ROW6, "row 91")),
    # damaged lines (CRLF as published)
    Case("too_many_columns", with_line(AUG, 6, lambda b: b + b",extra"), (CROSSTAB, ROW6)),
    Case(
        "too_few_columns",
        with_line(AUG, 6, lambda b: b.rsplit(b",", 1)[0]),
        (CROSSTAB, ROW6),
    ),
    Case(
        "unbalanced_quote",
        with_line(AUG, 6, lambda b: b.replace(b",", b',"', 2)),
        (CROSSTAB, ROW6, '01AUG2025,"Y02960,', "quoted"),
    ),
    Case(
        "cr_inside_line",
        with_line(AUG, 6, lambda b: b.replace(b",", b"\r,", 1)),
        (CROSSTAB, ROW6, "01AUG2025\\r,", "carriage return"),
    ),
    Case("nul_byte", with_line(AUG, 6, lambda b: b.replace(b",", b"\0,", 1)), (CROSSTAB,)),
    Case("cp1252_byte", with_line(AUG, 6, lambda b: b + b"\xe9"), (CROSSTAB, ROW6)),
    Case(
        "huge_line",
        raw(CROSSTAB, lambda: header() + b"9" * (12 * MiB) + b"\r\n"),
        (CROSSTAB, "row 2", "more than 1 MiB", "65,536 bytes"),
    ),
    Case(
        "garbage_after_header",
        raw(CROSSTAB, lambda: garbage_lines(100 * MiB)),
        (CROSSTAB, "row 2", "garbage;not,a,crosstab", "14 columns"),
    ),
    Case("empty_file", raw(CROSSTAB, b""), (CROSSTAB,)),
    Case("header_only", raw(CROSSTAB, header), (CROSSTAB,)),
    Case("binary_file", raw(CROSSTAB, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40), (CROSSTAB,)),
    Case("utf16_file", utf16, (CROSSTAB,)),
    Case(
        "renamed_column",
        raw(CROSSTAB, lambda: AUG.read_bytes().replace(b"GP_NAME", b"PRACTICE_NAME", 1)),
        (CROSSTAB, "GP_NAME"),
    ),
    Case("csv_over_size_limit", sparse(CROSSTAB, 600 * MiB, head=header()), (CROSSTAB, "MiB")),
    Case("missing_file", lambda folder: [folder / "nowhere.csv"], ("nowhere.csv",)),
    # Mapping.csv: geography must exist in data/reference; practice codes ODS-shaped
    Case(
        "mapping_unknown_icb",
        with_cell(AUG_MAPPING, 3, "ICB_CODE", "QZZ"),
        ("Mapping.csv", "row 3", "ICB_CODE", "QZZ"),
    ),
    Case(
        "mapping_unknown_region",
        with_cell(AUG_MAPPING, 3, "REGION_CODE", "Y99"),
        ("Mapping.csv", "row 3", "REGION_CODE", "Y99"),
    ),
    Case(
        "mapping_practice_not_ods",
        with_cell(AUG_MAPPING, 3, "GP_CODE", "12345X"),
        ("Mapping.csv", "row 3", "GP_CODE", "12345X"),
    ),
    Case(
        "mapping_practice_blank",
        with_cell(AUG_MAPPING, 3, "GP_CODE", ""),
        ("Mapping.csv", "row 3", "GP_CODE"),
    ),
    # list sizes
    Case(
        "list_size_decimal",
        with_cell(LIST_ALL, 3, L, "3.5"),
        (LIST_ALL.name, "row 3", L, "3.5"),
    ),
    Case(
        "list_size_over_int32",
        with_cell(LIST_ALL, 3, L, "2147483648"),
        (LIST_ALL.name, "row 3", L, "2147483648"),
    ),
    Case("list_size_negative", with_cell(LIST_ALL, 3, L, "-1"), (LIST_ALL.name, "row 3", L, "-1")),
    Case(
        "list_size_future_extract",
        with_cell(LIST_ALL, 3, "EXTRACT_DATE", "2099-12-01"),
        (LIST_ALL.name, "row 3", "EXTRACT_DATE", "2099-12-01"),
    ),
    Case(
        "list_size_impossible_date",
        with_cell(LIST_ALL, 3, "EXTRACT_DATE", "2025-13-01"),
        (LIST_ALL.name, "row 3", "EXTRACT_DATE", "2025-13-01"),
    ),
    # zips
    Case(
        "zip_bomb_ratio",
        zipped({CROSSTAB: header() + b"0" * (40 * MiB)}),
        ("Practice_Level_Crosstab_Aug_25.zip", "to 1"),
    ),
    Case(
        "zip_declares_3_gib", zip_declaring(3 << 30), ("Practice_Level_Crosstab_Aug_25.zip", "MiB")
    ),
    Case("zip_60_members", many_members, ("Practice_Level_Crosstab_Aug_25.zip", "60")),
    Case("zip_cut_in_half", zip_damaged(cut=True), ("Practice_Level_Crosstab_Aug_25.zip",)),
    Case("zip_bad_crc", zip_damaged(cut=False), ("Practice_Level_Crosstab_Aug_25.zip",)),
    Case(
        "zip_without_crosstab",
        zipped({"Mapping.csv": AUG_MAPPING.read_bytes()}),
        ("Practice_Level_Crosstab_Aug_25.zip", "Mapping.csv"),
    ),
    Case(
        "zip_with_bad_count",
        lambda folder: zipped({CROSSTAB: with_cell(AUG, 6, C, "3.5")(folder)[0].read_bytes()})(
            folder
        ),
        (f"Practice_Level_Crosstab_Aug_25.zip/{CROSSTAB}", ROW6, C, "3.5"),
    ),
    Case(
        "zip_over_size_limit",
        sparse("big.zip", 1100 * MiB, tail=zip_bytes({CROSSTAB: header()})),
        ("big.zip", "MiB"),
    ),
    # the programme tracker
    Case(
        "tracker_integer_nan",
        tracker("enrolments", "modules_completed", "nan"),
        TRACKER_CELL + ("[sheet enrolments]", "modules_completed", "'nan'"),
    ),
    Case(
        "tracker_integer_inf",
        tracker("enrolments", "modules_completed", "inf"),
        TRACKER_CELL + ("[sheet enrolments]", "modules_completed", "'inf'"),
    ),
    Case(
        "tracker_integer_1e10",
        tracker("enrolments", "modules_completed", 1e10),
        TRACKER_CELL + ("[sheet enrolments]", "modules_completed", "10000000000"),
    ),
    Case(
        "tracker_hours_inf",
        tracker("enrolments", "clinical_hours_released", "Infinity"),
        ("row 2", "clinical_hours_released"),
    ),
    Case(
        "tracker_hours_text_inf",
        tracker("enrolments", "admin_hours_released", "-inf"),
        ("row 2", "admin_hours_released"),
    ),
    Case(
        "tracker_date_2098",
        tracker("enrolments", "enrolled_date", "2098-01-01"),
        TRACKER_CELL + ("[sheet enrolments]", "enrolled_date", "2098-01-01"),
    ),
    Case(
        "tracker_date_1900",
        tracker("barriers", "reported_date", "1900-01-01"),
        TRACKER_CELL + ("[sheet barriers]", "reported_date", "1900-01-01"),
    ),
    Case(
        "tracker_formula_text",
        tracker("phases", "phase", '=HYPERLINK("http://evil.example","x")'),
        TRACKER_CELL + ("[sheet phases]", "phase", "=HYPERLINK("),
    ),
    Case(
        "tracker_at_text",
        tracker("enrolments", "gain_kind", "@SUM(A1)"),
        TRACKER_CELL + ("[sheet enrolments]", "gain_kind", "@SUM(A1)"),
    ),
    Case(
        "tracker_tab_text",
        tracker("barriers", "detail", "\tcalc"),
        TRACKER_CELL + ("[sheet barriers]", "detail", "calc"),
    ),
    Case(
        "tracker_formula_cell",
        tracker("programmes", "target_practices", "=1000+500"),
        TRACKER_CELL + ("[sheet programmes]", "target_practices", "=1000+500"),
    ),
    Case("tracker_entity_xml", tracker_xml(entity), ("tracker.xlsx",)),
    Case(
        "tracker_doctype_only",
        tracker_xml(lambda d: b"<!DOCTYPE worksheet>" + d),
        ("tracker.xlsx",),
    ),
    Case("tracker_not_a_workbook", raw("tracker.xlsx", b"not a zip at all"), ("tracker.xlsx",)),
    Case("tracker_over_size_limit", sparse("tracker.xlsx", 60 * MiB), ("tracker.xlsx", "MiB")),
    Case("tracker_zip_bomb", xlsx_bomb, ("tracker.xlsx",)),
    Case(
        "tracker_csv_formula",
        tracker_csv("barriers", "detail", "+cmd|' /C calc'!A0"),
        ("barriers.csv", "row 2", "detail"),
    ),
    Case(
        "tracker_csv_unknown_practice",
        tracker_csv("eligibility", "practice_code", "B99999"),
        ("eligibility.csv", "row 2", "practice_code", "B99999"),
    ),
]


# What the public load history says each case is (the kind of problem: never the value). Problems found while
# reading a tracker (gpaccess/ingest/tracker.py) do not name a kind yet.
COUNT_IDS = [c.id for c in CASES if c.id.startswith("count_") and c.id != "count_blank"]
COUNT_IDS += [
    "list_size_decimal",
    "list_size_over_int32",
    "list_size_negative",
    "zip_with_bad_count",
]
PUBLIC_KINDS = {
    **dict.fromkeys(COUNT_IDS, "not a valid count"),
    **dict.fromkeys(["count_blank", "blank_practice", "mapping_practice_blank"], "missing value"),
    **dict.fromkeys(["month_future", "month_ancient", "month_future_lf"], "month out of range"),
    "month_mid_month": "not the first day of a month",
    **dict.fromkeys(
        ["month_garbage", "month_iso_format", "list_size_impossible_date"], "not a date"
    ),
    **dict.fromkeys(["unknown_mode", "status_wrong_case"], "not a published value"),
    **dict.fromkeys(
        ["practice_code_not_ods", "practice_code_formula", "mapping_practice_not_ods"],
        "not a practice code",
    ),
    "unknown_sub_icb": "unknown sub-ICB code",
    "duplicate_key": "repeated row",
    **dict.fromkeys(["too_many_columns", "too_few_columns"], "wrong number of columns"),
    "unbalanced_quote": "badly quoted values",
    "cr_inside_line": "carriage return inside a line",
    **dict.fromkeys(
        ["nul_byte", "binary_file", "utf16_file", "zip_cut_in_half"], "not a text file"
    ),
    "cp1252_byte": "not UTF-8",
    "huge_line": "line too long",
    "garbage_after_header": "wrong number of columns",
    "empty_file": "empty file",
    "header_only": "no data rows",
    "renamed_column": "wrong columns",
    **dict.fromkeys(
        ["csv_over_size_limit", "zip_over_size_limit", "tracker_over_size_limit"], "file too large"
    ),
    "missing_file": "file not found",
    "mapping_unknown_icb": "unknown ICB code",
    "mapping_unknown_region": "unknown region code",
    "list_size_future_extract": "date out of range",
    **dict.fromkeys(["zip_bomb_ratio", "tracker_zip_bomb"], "compressed too far (zip bomb)"),
    "zip_declares_3_gib": "unpacks too large",
    "zip_60_members": "too many files in the zip",
    "zip_bad_crc": "damaged zip member",
    "zip_without_crosstab": "no crosstab in the zip",
    **dict.fromkeys(["tracker_date_2098", "tracker_date_1900"], "date out of range"),
    "tracker_not_a_workbook": "not an openable zip",
    "tracker_csv_unknown_practice": "unknown practice code",
}


def test_every_gpad_and_file_case_has_a_public_kind():
    assert set(PUBLIC_KINDS) <= {case.id for case in CASES}
    assert {case.id for case in CASES if not case.id.startswith("tracker_")} <= set(PUBLIC_KINDS)


def test_the_corpus_covers_at_least_60_variants():
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)


# --- running a case ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    """A store holding real practices (Aug 2025 mapping and crosstab), list sizes and a tracker."""
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "base.duckdb"
    con = connect_writable(path)
    ingest_files(con, [AUG_MAPPING, AUG, LIST_ALL])
    ingest_files(con, tracker()(folder))
    con.close()
    return path


@pytest.fixture(scope="module")
def base_tables(base_db) -> dict[str, list[tuple]]:
    """Every row of the base store, read once: each case loads into a copy of it."""
    return tables(base_db)


@pytest.fixture(scope="module")
def identities() -> tuple[set[str], set[str]]:
    codes, names = set(), set()
    for row in rows_of(AUG_MAPPING)[1:]:
        codes.add(row[0])
        names.add(row[1])
    return codes, names


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the high-water mark restarts from now


def peak_bytes() -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) * 1024  # type: ignore[union-attr]


def tables(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return snapshot(con)
    finally:
        con.close()


def public_history(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return run(con, "load_history", PUBLIC, NATIONAL).to_csv(index=False)
    finally:
        con.close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_file_is_refused_cleanly(case, base_db, base_tables, identities, tmp_path, capsys):
    db = tmp_path / "store.duckdb"
    shutil.copy(base_db, db)
    files = case.build(tmp_path)
    capsys.readouterr()

    reset_peak()
    code = main(["--db", str(db), "ingest", *map(str, files)])
    peak = peak_bytes()

    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert "Traceback" not in out + err
    assert "nothing was changed" in err.lower()
    for fragment in case.fragments:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert tables(db) == base_tables
    assert peak < PEAK_LIMIT, f"peak memory {peak / 1e9:.2f} GB"

    history = public_history(db)
    codes, names = identities
    assert "refused" in history
    assert PUBLIC_KINDS.get(case.id, "") in history  # what kind of problem, never the value
    if case.fragments[:2] == TRACKER_CELL:  # where: the sheet, row and column, never the value
        sheet, column = case.fragments[2:4]
        assert f"tracker.xlsx {sheet}, row 2, column {column}" in history, history
    assert not set(re.findall(r"[A-Z][A-Z0-9][0-9]{4}", history)) & codes
    assert not [name for name in names if name in history]
    assert list(tmp_path.glob("*.ingest-work")) == []  # the load's work folder is cleared


# --- operations ---------------------------------------------------------------------------------------------------
def test_a_killed_loads_leftovers_are_cleared_by_the_next_load(base_db, tmp_path, capsys):
    db = tmp_path / "store.duckdb"
    shutil.copy(base_db, db)
    stale = (
        tmp_path / "store.duckdb.ingest-work" / "unpacked" / "Practice_Level_Crosstab_Oct_25.csv"
    )
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"x" * MiB)  # what a load killed while unpacking leaves
    assert main(["--db", str(db), "ingest", str(AUG)]) == 0
    assert not stale.parent.parent.exists()


def test_a_database_held_by_another_process_is_named_not_a_traceback(
    base_db, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(
        "gpaccess.store.handover.WAIT_SECONDS", 0.5
    )  # the holder never lets go: no need to wait
    db = tmp_path / "store.duckdb"
    shutil.copy(base_db, db)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        before = capsys.readouterr()
        code = main(["--db", str(db), "ingest", str(AUG)])
        err = capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    assert before is not None and code == 2
    assert f"is in use by process {holder.pid}" in err
    assert "stop the dashboard or load from the Data page" in err and "Traceback" not in err


def test_too_little_disk_to_unpack_a_zip_is_refused_before_unpacking(
    base_db, tmp_path, capsys, monkeypatch
):
    db = tmp_path / "store.duckdb"
    shutil.copy(base_db, db)
    (archive,) = zipped({CROSSTAB: AUG.read_bytes()})(tmp_path)
    full = shutil.disk_usage(tmp_path)._replace(free=10 * MiB)
    monkeypatch.setattr("gpaccess.ingest.sources.shutil.disk_usage", lambda path: full)
    before = tables(db)
    assert main(["--db", str(db), "ingest", str(archive)]) == 2
    err = capsys.readouterr().err
    assert "room to unpack it" in err and "10.0 MiB free" in err and "Traceback" not in err
    assert tables(db) == before


def test_a_disk_that_fills_while_writing_rolls_back_and_says_so(
    base_db, tmp_path, capsys, monkeypatch
):

    db = tmp_path / "store.duckdb"
    shutil.copy(base_db, db)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("gpaccess.ingest.apply._log", disk_full)  # inside the write transaction
    before = tables(db)
    assert main(["--db", str(db), "ingest", str(AUG)]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "free disk space" in err
    assert "nothing was changed" in err.lower() and "Traceback" not in err
    assert tables(db) == before
