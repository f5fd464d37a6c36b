"""A writable open of a current database skips ensure_schema (its stamp), and the suite's `snapshot` tells any
changed row: both make the bad-input tests quick, and neither may hide a change."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from gpaccess.store import connect_writable
from gpaccess.store.connect import SCHEMA_VERSION, schema_current
from tests.conftest import snapshot


def test_a_new_store_is_stamped_and_a_current_one_is_left_as_it_is(tmp_path: Path):
    path = tmp_path / "new.duckdb"
    with connect_writable(path) as con:
        assert schema_current(con)
        assert con.execute("SELECT gpaccess_schema_version()").fetchone() == (SCHEMA_VERSION,)
        con.execute("DROP TABLE commentary")  # still stamped: the next open trusts the stamp
    with connect_writable(path) as con:
        assert not con.execute(
            "SELECT 1 FROM duckdb_tables() WHERE table_name = 'commentary'"
        ).fetchall()


def test_another_stamp_or_older_macros_run_the_whole_schema(tmp_path: Path, empty_store_file: Path):
    for older in (
        "CREATE OR REPLACE MACRO gpaccess_schema_version() AS 'older'",
        "CREATE OR REPLACE MACRO gpaccess_macros_version() AS 'older'",
        "DROP MACRO gpaccess_schema_version",
    ):
        path = tmp_path / "older.duckdb"
        shutil.copyfile(empty_store_file, path)
        with duckdb.connect(str(path)) as con:
            con.execute("DROP TABLE commentary")
            con.execute(older)
            assert not schema_current(con)
        with connect_writable(path) as con:
            assert con.execute("SELECT count(*) FROM commentary").fetchone() == (0,), older
            assert schema_current(con)


def test_snapshot_tells_a_changed_added_removed_or_swapped_row(store):
    store.execute("CREATE TABLE t (a INTEGER, b VARCHAR)")
    store.execute("INSERT INTO t VALUES (1, 'x'), (2, 'y')")
    before = snapshot(store)
    assert snapshot(store) == before
    for change, undo in (
        ("UPDATE t SET b = 'z' WHERE a = 1", "UPDATE t SET b = 'x' WHERE a = 1"),
        ("INSERT INTO t VALUES (3, NULL)", "DELETE FROM t WHERE a = 3"),
        ("DELETE FROM t WHERE a = 2", "INSERT INTO t VALUES (2, 'y')"),
        (
            "UPDATE t SET b = CASE b WHEN 'x' THEN 'y' ELSE 'x' END",
            "UPDATE t SET b = CASE a WHEN 1 THEN 'x' ELSE 'y' END",
        ),
        ("INSERT INTO t VALUES (1, 'x')", "DELETE FROM t WHERE rowid = (SELECT max(rowid) FROM t)"),
    ):
        store.execute(change)
        assert snapshot(store)["t"] != before["t"], change
        store.execute(undo)
        assert snapshot(store) == before, undo
