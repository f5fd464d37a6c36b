"""A write while the dashboard serves (gpaccess.store.handover): the app's processes let go of the database
for a writer, show "being updated" meanwhile, and reopen on the new data version afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from gpaccess.store import connect_writable
from gpaccess.store.handover import request_path, write_requested
from tests.conftest import PROJECT

# A dashboard process's data layer, without the page: open the connection, then report what connection()
# does each time it is asked ("open <version>" or "busy"), as a page view would, until stdin closes.
READER = """
import sys
from gpaccess.app import data
data.connection()
print("ready", flush=True)
for _ in sys.stdin:
    try:
        data.connection()
        print("open", data.data_version(), flush=True)
    except data.DatabaseBusy:
        print("busy", flush=True)
"""


@pytest.fixture
def db(tmp_path: Path, empty_store_file: Path) -> Path:
    path = tmp_path / "store.duckdb"
    shutil.copyfile(empty_store_file, path)
    return path


@pytest.fixture
def reader(db: Path):
    process = subprocess.Popen(
        [sys.executable, "-c", READER],
        cwd=PROJECT,
        env={**os.environ, "GPACCESS_DB": str(db)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    yield process
    process.kill()
    process.wait()


def ask(reader: subprocess.Popen) -> str:
    assert reader.stdin is not None and reader.stdout is not None
    reader.stdin.write("\n")
    reader.stdin.flush()
    return reader.stdout.readline().strip()


def test_an_app_process_holding_the_database_lets_a_writer_in(db: Path, reader) -> None:
    first = ask(reader)
    assert first.startswith("open ")
    # Without the handover this is refused at once: DuckDB allows no writer beside the reader's connection.
    start = time.monotonic()
    con = connect_writable(db)
    waited = time.monotonic() - start
    try:
        assert not write_requested(db)  # dropped once the writer has the file
        assert ask(reader) == "busy"  # while the writer holds it, viewers are told, no traceback
        con.execute("INSERT INTO region VALUES ('Y99', 'Written while served')")
    finally:
        con.close()
    assert (
        waited < 5
    )  # the reader let go within its watch interval, not after the writer's whole wait
    after = ask(reader)
    assert after.startswith("open ") and after != first  # reopened, on the new data version
    check = duckdb.connect(str(db), read_only=True)
    try:
        assert check.execute(
            "SELECT region_name FROM region WHERE region_code = 'Y99'"
        ).fetchall() == [("Written while served",)]
    finally:
        check.close()


def test_a_pending_write_request_is_seen_and_ends_with_its_writer(db: Path) -> None:
    assert not write_requested(db)  # no request file at all
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl,os,sys,time; f=os.open(sys.argv[1], os.O_RDWR|os.O_CREAT); "
         "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)", str(request_path(db))],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert write_requested(db)
    finally:
        holder.kill()
        holder.wait()
    assert not write_requested(db)  # a writer that dies leaves no request behind
