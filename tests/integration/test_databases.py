"""Synthetic and real data never share a database: the demo in data/demo.duckdb, real data in
data/gpaccess.duckdb; readers take the real one when it holds data, else the demo; the ingest refuses real files
into a synthetic database and synthetic files into a real one, saying what to do instead, with nothing changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

import gpaccess.config as config
from gpaccess.cli import main
from gpaccess.config import DB_ENV, database_path, demo_database_path
from gpaccess.demo import write_demo_files
from gpaccess.store import connect_writable
from gpaccess.store.which import holds_data, reading_database
from tests.conftest import REALDATA, snapshot

OCT25 = REALDATA / "gpad_oct25"
REAL_FILES = [OCT25 / "Mapping.csv", OCT25 / "Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv"]


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """The project's data folder moved to a temporary one, with no GPACCESS_DB: the default paths apply."""
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setattr(config, "REAL_DB", tmp_path / "gpaccess.duckdb")
    monkeypatch.setattr(config, "DEMO_DB", tmp_path / "demo.duckdb")
    return tmp_path


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> list[Path]:
    """The synthetic generator's files for one ICB and one month (as `gpaccess demo --files` writes them)."""
    return write_demo_files(tmp_path_factory.mktemp("demo_files"), months=1, icb_codes=["QRV"])


def state(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return snapshot(con)
    finally:
        con.close()


def test_default_paths(data_dir, monkeypatch):
    assert database_path() == data_dir / "gpaccess.duckdb"  # loads write the real database
    assert demo_database_path() == data_dir / "demo.duckdb"
    monkeypatch.setenv(DB_ENV, "/elsewhere/x.duckdb")  # one file for everything, as the tests use
    assert (
        database_path() == demo_database_path() == reading_database() == Path("/elsewhere/x.duckdb")
    )
    assert reading_database("given.duckdb") == Path("given.duckdb")


def test_readers_take_the_real_database_once_it_holds_data(data_dir, small_demo_db, capsys):
    shutil.copy(small_demo_db, data_dir / "demo.duckdb")
    assert reading_database() == data_dir / "demo.duckdb"  # nothing real yet
    connect_writable(
        data_dir / "gpaccess.duckdb"
    ).close()  # created, but nothing loaded (a refused load)
    assert not holds_data(data_dir / "gpaccess.duckdb")
    assert reading_database() == data_dir / "demo.duckdb"
    assert main(["ingest", *map(str, REAL_FILES)]) == 0  # no --db: into the real database
    assert "Database: " + str(data_dir / "gpaccess.duckdb") in capsys.readouterr().out
    assert reading_database() == data_dir / "gpaccess.duckdb"
    assert main(["figures", "--icb", "QJK"]) == 0  # figures read it
    assert "1,029,447" in capsys.readouterr().out


def test_real_files_into_the_demo_are_refused_with_nothing_changed(small_demo_db, tmp_path, capsys):
    demo = tmp_path / "demo.duckdb"
    shutil.copy(small_demo_db, demo)
    before = state(demo)
    assert main(["--db", str(demo), "ingest", *map(str, REAL_FILES)]) == 2
    err = capsys.readouterr().err
    assert "demo.duckdb holds the synthetic demo" in err
    assert "`gpaccess ingest FILE...` without --db" in err and "data/gpaccess.duckdb" in err
    assert state(demo) == before


def test_demo_files_into_a_real_database_are_refused_with_nothing_changed(
    demo_files, tmp_path, capsys
):
    real = tmp_path / "real.duckdb"
    assert main(["--db", str(real), "ingest", *map(str, REAL_FILES)]) == 0
    before = state(real)
    capsys.readouterr()
    assert main(["--db", str(real), "ingest", *map(str, demo_files)]) == 2
    err = capsys.readouterr().err
    assert "real.duckdb is the real database" in err and "`gpaccess demo`" in err
    assert state(real) == before


def test_demo_files_never_go_into_the_real_database_file_even_when_empty(data_dir, demo_files):
    assert main(["ingest", *map(str, demo_files)]) == 2
    assert not holds_data(data_dir / "gpaccess.duckdb")


def test_demo_files_into_a_new_database_make_it_the_synthetic_demo(demo_files, tmp_path):
    db = tmp_path / "hand_built_demo.duckdb"
    assert main(["--db", str(db), "ingest", *map(str, demo_files)]) == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT value FROM dataset WHERE key = 'synthetic_demo'").fetchone() == (
        "yes",
    )
    con.close()


def test_a_batch_mixing_demo_and_real_files_is_refused(demo_files, tmp_path, capsys):
    db = tmp_path / "new.duckdb"
    mapping = next(f for f in demo_files if f.name == "Mapping.csv")
    assert main(["--db", str(db), "ingest", str(mapping), *map(str, REAL_FILES[1:])]) == 2
    assert "one kind of data per load" in capsys.readouterr().err


def test_the_demo_is_never_built_over_real_data(data_dir, tmp_path, capsys):
    assert main(["demo", "--db", str(data_dir / "gpaccess.duckdb")]) == 2
    assert "is the real database" in capsys.readouterr().err
    real = tmp_path / "somewhere_real.duckdb"
    assert main(["--db", str(real), "ingest", *map(str, REAL_FILES)]) == 0
    before = state(real)
    assert main(["--db", str(real), "demo"]) == 2
    assert "holds real data" in capsys.readouterr().err and state(real) == before


def test_figures_without_any_database_says_what_to_do(data_dir, capsys):
    assert main(["figures"]) == 2
    err = capsys.readouterr().err
    assert "No database at" in err and "gpaccess fetch" in err and "gpaccess demo" in err
