"""Bad input gets a clear error (file, row, column, value, what was expected) and changes nothing."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from gpaccess.cli import main
from gpaccess.ingest import IngestError, ingest_files
from tests.conftest import snapshot

AUG = "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"


@pytest.fixture
def loaded(store, realdata):
    """A store holding real data, so 'unchanged' is checked against non-empty tables."""
    ingest_files(store, [realdata / "gpad_aug25/Mapping.csv", realdata / AUG])
    return store


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


def refused(store, paths: list[Path]) -> str:
    """Load must fail, leave every table as it was, and return the message."""
    before = snapshot(store)
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
        ["negative.csv", "row 8", "column COUNT_OF_APPOINTMENTS", "'-4'", "0 or more"],
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
def test_bad_file_is_refused_with_a_clear_message(loaded, realdata, tmp_path, build, fragments):
    message = refused(loaded, [build(realdata, tmp_path)])
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def test_one_bad_file_refuses_the_whole_batch(loaded, realdata, tmp_path):
    good = realdata / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"
    message = refused(loaded, [good, negative_count(realdata, tmp_path)])
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
