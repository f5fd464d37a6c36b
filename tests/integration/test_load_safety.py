"""A load never empties programme data by accident, says what it replaces before writing, and a revised month
replaces the month held (NHS England re-publishes earlier months in each release)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from gpaccess.cli import main
from gpaccess.config import TEMPLATES_DIR
from tests.conftest import REALDATA, snapshot
from tests.integration.test_ingest_real import REGIONAL_OCT25, icb_totals
from tests.integration.test_ingest_tracker import tracker_csvs

AUG = REALDATA / "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"
OCT = REALDATA / "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"
BLANK_XLSX = TEMPLATES_DIR / "programme_tracker.xlsx"
BLANK_CSVS = sorted((TEMPLATES_DIR / "programme_tracker_csv").glob("*.csv"))
PROGRAMME_TABLES = (
    "programme",
    "programme_phase",
    "enrolment",
    "action_adopted",
    "eligibility",
    "barrier",
)


@pytest.fixture
def with_programme(tmp_path) -> Path:
    """A store with a real practice's August appointments and a programme tracker for it (one row a sheet)."""
    db = tmp_path / "store.duckdb"
    assert main(["--db", str(db), "ingest", str(AUG)]) == 0
    assert main(["--db", str(db), "ingest", *map(str, tracker_csvs(tmp_path))]) == 0
    return db


def state(db: Path) -> dict[str, tuple[int, int]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return snapshot(con)
    finally:
        con.close()


def rows(db: Path) -> dict[str, int]:
    tables = state(db)
    return {table: tables[table][0] for table in PROGRAMME_TABLES}  # (count, hash of rows)


@pytest.mark.parametrize("blank", [[BLANK_XLSX], BLANK_CSVS], ids=["xlsx", "csv"])
def test_loading_the_blank_template_changes_nothing(with_programme, capsys, blank):
    before = state(with_programme)
    assert rows(with_programme)["enrolment"] == 1
    capsys.readouterr()
    assert main(["--db", str(with_programme), "ingest", *map(str, blank)]) == 2
    err = capsys.readouterr().err
    assert "every programme tracker sheet given is empty" in err and "--replace" in err
    assert state(with_programme) == before


def test_an_empty_sheet_leaves_its_table_as_it_is(with_programme, tmp_path, capsys):
    """A tracker with enrolments and no barriers: enrolments replaced, barriers kept, and the output says so."""
    sheets = {p.stem: p for p in tracker_csvs(tmp_path)}
    blank_barriers = TEMPLATES_DIR / "programme_tracker_csv" / "barriers.csv"
    capsys.readouterr()
    files = [sheets["enrolments"], blank_barriers]
    assert main(["--db", str(with_programme), "ingest", *map(str, files)]) == 0
    out = capsys.readouterr().out
    assert "enrolment: 1 rows replaced by 1 (the whole table)" in out
    assert "barrier: left as it is (1 rows): its sheet has no rows" in out
    assert rows(with_programme)["barrier"] == 1


def test_replace_empties_programme_data_on_purpose(with_programme, capsys):
    assert main(["--db", str(with_programme), "ingest", str(BLANK_XLSX), "--replace"]) == 0
    assert "enrolment: 1 rows replaced by 0" in capsys.readouterr().out
    assert set(rows(with_programme).values()) == {0}


def test_the_cli_says_what_the_load_replaces_before_writing(tmp_path, capsys):
    db = tmp_path / "store.duckdb"
    assert main(["--db", str(db), "ingest", str(OCT)]) == 0
    first = capsys.readouterr().out
    assert first.index("This load replaces:") < first.index("Loaded 1 file(s)")
    assert "appointment: 0 rows replaced by 41,173 (months 2025-10, 2 ICBs)" in first
    assert (
        main(["ingest", str(OCT), "--db", str(db)]) == 0
    )  # `ingest FILE --db PATH`, as the usage line
    again = capsys.readouterr().out
    assert "appointment: 41,173 rows replaced by 41,173 (months 2025-10, 2 ICBs)" in again


def test_a_revised_month_replaces_the_month_held(tmp_path):
    """Each release re-publishes earlier months, sometimes revised: loading the revision replaces the month
    (Devon's October counts doubled here), it is not added to it; Cambridgeshire, not in the revision, stays."""
    db = tmp_path / "store.duckdb"
    assert main(["--db", str(db), "ingest", str(OCT)]) == 0
    lines = OCT.read_text(encoding="utf-8").splitlines(keepends=True)
    revised = tmp_path / "Practice_Level_Crosstab_Oct_25.csv"
    revised.write_text(lines[0] + "".join(_doubled(r) for r in lines[1:] if ",15N," in r))
    assert main(["--db", str(db), "ingest", str(revised)]) == 0
    con = duckdb.connect(str(db), read_only=True)
    got = icb_totals(con)
    monthly = icb_totals(con, "practice_month")
    con.close()
    devon, cambs = REGIONAL_OCT25["QJK"], REGIONAL_OCT25["QUE"]
    assert got == monthly == {"QJK": (2 * devon[0], 2 * devon[1]), "QUE": cambs}


def _doubled(line: str) -> str:
    """A crosstab line with COUNT_OF_APPOINTMENTS (the last column but one) doubled."""
    head, count, status = line.rsplit(",", 2)
    return f"{head},{2 * int(count)},{status}"
