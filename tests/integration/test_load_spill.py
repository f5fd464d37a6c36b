"""A load that spills to disk (DuckDB over its memory limit) leaves a database that works on: its spill folder is
kept while the database uses it (DuckDB cannot switch it back, and a checkpoint that finds one of its files gone is
fatal: the national demo build failed so, after its load, at the commentary's write), and goes when it closes."""

from __future__ import annotations

import shutil

import gpaccess.ingest
from gpaccess.ingest import ingest_files
from gpaccess.store import connect_writable

FILES = ("gpad_oct25/Mapping.csv", "gpad_oct25/Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv")


def test_a_load_that_spilled_leaves_a_database_that_checkpoints_and_loads_again(
    realdata, tmp_path, empty_store_file, monkeypatch
):
    monkeypatch.setattr(gpaccess.ingest, "LOAD_MEMORY_LIMIT", "32MB")  # spill a 7 MB crosstab
    path = tmp_path / "spill.duckdb"
    shutil.copyfile(empty_store_file, path)
    work = tmp_path / "spill.duckdb.ingest-work"
    con = connect_writable(path)
    try:
        ingest_files(con, [realdata / name for name in FILES])
        spill = work / "duckdb"
        assert spill.is_dir(), "the load did not spill: lower the limit"
        assert [p.name for p in work.iterdir()] == [
            "duckdb"
        ]  # the unpacked files and the rest are gone
        con.execute(
            "CREATE TABLE after_load AS SELECT * FROM practice_month"
        )  # a write, then a checkpoint
        con.execute("CHECKPOINT")
        ingest_files(
            con, [realdata / FILES[1]]
        )  # the next load on the same database empties the rest only
        con.execute("CHECKPOINT")
        rows = con.execute("SELECT count(*) FROM practice_month").fetchone()
        assert rows is not None and rows[0] > 100
    finally:
        con.close()
    assert not any(work.rglob("*.tmp"))  # DuckDB removed its spill files when the database closed
