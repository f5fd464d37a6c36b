"""Shared fixtures. Real published files live in tests/data/realdata (NHS England, OGL v3.0)."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import duckdb
import pytest

from gpaccess.ingest import ingest_files
from gpaccess.store import connect_writable

PROJECT = Path(__file__).resolve().parent.parent
REALDATA = PROJECT / "tests" / "data" / "realdata"


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.fail(f"Real data folder missing: {REALDATA}")
    return REALDATA


@pytest.fixture(scope="session")
def empty_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new store (schema and reference data), made once: copying it is quicker than seeding each time."""
    path = tmp_path_factory.mktemp("empty_store") / "empty.duckdb"
    connect_writable(path).close()
    return path


def writable_copy(source: Path, path: Path) -> duckdb.DuckDBPyConnection:
    """A copy of a store built once (copying is quicker than loading it again), opened for loading."""
    shutil.copyfile(source, path)
    return connect_writable(path)


@pytest.fixture
def store(tmp_path: Path, empty_store_file: Path) -> duckdb.DuckDBPyConnection:
    con = writable_copy(empty_store_file, tmp_path / "test.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="session")
def one_practice_store_file(
    tmp_path_factory: pytest.TempPathFactory, empty_store_file: Path
) -> Path:
    """A store holding the one real practice of the August 2025 crosstab, loaded once: copy it."""
    path = tmp_path_factory.mktemp("one_practice") / "one_practice.duckdb"
    con = writable_copy(empty_store_file, path)
    try:
        ingest_files(con, [REALDATA / "gpad_aug25/Practice_Level_Crosstab_Aug_25_NewBankOnly.csv"])
    finally:
        con.close()
    return path


@pytest.fixture
def with_practice(tmp_path: Path, one_practice_store_file: Path) -> duckdb.DuckDBPyConnection:
    """A store holding that practice (a copy), open for loading."""
    con = writable_copy(one_practice_store_file, tmp_path / "test.duckdb")
    yield con
    con.close()


def gpaccess_command(capfd: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess:
    """`gpaccess ARGS` run in this process: what `python -m gpaccess` runs (gpaccess.cli.main), without a new
    interpreter's 2 s of imports. Its exit code, and all it wrote to file descriptors 1 and 2, with any
    Python warning as a new process would print it. (tests/integration/test_readme_commands.py and a few
    export tests run the command itself.)"""
    from gpaccess.cli import main

    capfd.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            code = main(list(args))
        except SystemExit as stop:  # argparse: a usage error
            code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    out, err = capfd.readouterr()
    err += "".join(
        warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line) for w in caught
    )
    return subprocess.CompletedProcess(["gpaccess", *args], code, out, err)


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Every table's rows as (count, sum of row hashes), in one query: for proving a failed load changed nothing
    (any changed, added or removed row changes its table's pair). Table names come from the catalog."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary ORDER BY 1"
        ).fetchall()
    ]
    if not tables:
        return {}
    digest = (
        " UNION ALL ".join(  # the names bound; each table quoted as an identifier (quotes doubled)
            f"SELECT $t{i}, count(*), coalesce(sum(hash(r)::HUGEINT), 0) FROM {_quoted(t)} r"  # noqa: S608
            for i, t in enumerate(tables)
        )
    )
    rows = con.execute(digest, {f"t{i}": t for i, t in enumerate(tables)}).fetchall()
    return {t: (n, h) for t, n, h in rows}


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# Slow without the demo (files, or single tests), end to end by nature; in the full suite, not in --fast:
SLOW_TESTS = (
    # the real-data leak sweep draws every page's figures in Chromium (a CPU-minute)
    "tests/app/test_no_leaks_real.py",
    # the README's commands as a user runs them: each a new Python process (30 s of a --fast run; the
    # commands' code is covered by tests/integration/test_cli.py and the ingest and export tests)
    "tests/integration/test_readme_commands.py::test_every_readme_command_works_as_written",
    "tests/integration/test_readme_commands.py::test_the_console_script_works_from_another_folder",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `slow` every test that needs the full demo (directly or through a fixture), and those in SLOW_TESTS,
    and `app` those in tests/app/, so that `scripts/test.sh --fast` (unit and integration) skips them without
    anyone having to remember."""
    for item in items:
        if "demo_db" in getattr(item, "fixturenames", ()) or item.nodeid.startswith(SLOW_TESTS):
            item.add_marker(pytest.mark.slow)
        if item.nodeid.startswith("tests/app/"):
            item.add_marker(pytest.mark.app)


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadfile` (scripts/test.sh) as tests/scheduling.py orders it: the browser tests on one worker,
    the longest units first."""
    if config.getvalue("dist") != "loadfile":
        return None
    from tests.scheduling import LongestFirst

    return LongestFirst(config, log)


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This run's pytest temporary folder, shared by pytest-xdist workers (each has its own popen-gwN in it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


SCREENSHOTS_ENV = "GPACCESS_SCREENSHOTS"


def screenshot_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests save screenshots: GPACCESS_SCREENSHOTS if set, else screenshots/ in this run's
    temporary folder (pytest keeps the last three runs' folders)."""
    return Path(os.environ.get(SCREENSHOTS_ENV) or run_folder(tmp_path_factory) / "screenshots")


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """Say where the screenshots are. Here, not in tests/browser: under pytest-xdist the main process, which
    writes the summary, loads only this conftest."""
    folder = screenshot_folder(config._tmp_path_factory)  # type: ignore[attr-defined]
    if folder.is_dir():
        terminalreporter.write_line(f"Screenshots: {folder}")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full synthetic demo, built once per test run through the real generator and ingest (~1 minute).

    Under pytest-xdist every worker runs session fixtures itself: the first to get the lock builds the demo,
    the others wait and then use the same file (tests open it read-only; a test that writes copies it first)."""
    from gpaccess.demo_build import build_demo_database

    folder = run_folder(tmp_path_factory) / "demo"
    folder.mkdir(exist_ok=True)
    path = folder / "demo.duckdb"
    with open(folder / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not path.exists():  # the build moves the file into place only when it is complete
            build_demo_database(path)
    return path


@pytest.fixture(scope="session")
def small_demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic demo of its last two months only (a few seconds), built by the real generator and ingest:
    for tests that need a synthetic database but not the whole demo. Copy it before writing to it."""
    from gpaccess.demo_build import build_demo_database

    folder = run_folder(tmp_path_factory) / "small_demo"
    folder.mkdir(exist_ok=True)
    path = folder / "small_demo.duckdb"
    with open(folder / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            build_demo_database(path, months=2)
    return path
