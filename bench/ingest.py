"""Ingest of one national-scale month (about a million crosstab rows) against a bare DuckDB read_csv aggregate.

    python bench/ingest.py [--keep DIR]

Prints: rows, file size, three bare DuckDB baselines over the same file (a one-column sum; a group-by over the
columns the ingest stores; a CREATE TABLE AS of those columns with no checks), ingest time, rows/s, the ratios,
and the ingest's peak memory (a separate process).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import best_of, run_child  # noqa: E402

BARE_SUM = """SELECT sum(COUNT_OF_APPOINTMENTS) FROM read_csv(?, header = true, quote = '"', escape = '"')"""
BARE_GROUP = """SELECT APPOINTMENT_MONTH_START_DATE, GP_CODE, SUB_ICB_LOCATION_CODE, HCP_TYPE, APPT_MODE,
    NATIONAL_CATEGORY, TIME_BETWEEN_BOOK_AND_APPT, APPT_STATUS, sum(COUNT_OF_APPOINTMENTS)
    FROM read_csv(?, header = true, quote = '"', escape = '"') GROUP BY ALL"""

BARE_LOAD = """CREATE OR REPLACE TABLE bare AS SELECT APPOINTMENT_MONTH_START_DATE, GP_CODE, SUB_ICB_LOCATION_CODE,
    HCP_TYPE, APPT_MODE, NATIONAL_CATEGORY, TIME_BETWEEN_BOOK_AND_APPT, APPT_STATUS, COUNT_OF_APPOINTMENTS
    FROM read_csv(?, header = true, quote = '"', escape = '"')"""

INGEST_CHILD = """
import json, sys, time
from pathlib import Path
from gpaccess.store import connect_writable
from gpaccess.ingest import ingest_files
con = connect_writable(Path(sys.argv[1]))
ingest_files(con, [Path(sys.argv[2])])          # Mapping.csv first, as a month's zip would bring it
start = time.perf_counter()
report = ingest_files(con, [Path(sys.argv[3])])
seconds = time.perf_counter() - start
# VmHWM: this process's own peak (ru_maxrss carries the parent's peak across fork and exec)
peak_kb = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
peak_mb = int(peak_kb) / 1024
print(json.dumps({"seconds": seconds, "rows": sum(f.rows for f in report.files), "peak_mb": peak_mb}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="write the generated files here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        crosstab, mapping = generate(folder)
        measure(crosstab, mapping, folder)


def generate(folder: Path) -> tuple[Path, Path]:
    from gpaccess.demo import write_demo_files

    files = write_demo_files(folder, scale="national", months=1)
    crosstab = next(f for f in files if f.name.startswith("Practice_Level_Crosstab"))
    return crosstab, next(f for f in files if f.name == "Mapping.csv")


def measure(crosstab: Path, mapping: Path, folder: Path) -> None:
    con = duckdb.connect()
    bare_sum = best_of(3, lambda: con.execute(BARE_SUM, [str(crosstab)]).fetchall())
    bare_group = best_of(3, lambda: con.execute(BARE_GROUP, [str(crosstab)]).fetchall())
    floor_db = duckdb.connect(str(folder / "bench_floor.duckdb"))
    bare_load = best_of(3, lambda: floor_db.execute(BARE_LOAD, [str(crosstab)]))
    floor_db.close()
    db = folder / "bench_ingest.duckdb"
    db.unlink(missing_ok=True)
    # the child reports its own peak: RUSAGE_CHILDREN would include the generator's process
    result, _, _ = run_child(INGEST_CHILD, str(db), str(mapping), str(crosstab))
    seconds, rows, peak_mb = result["seconds"], result["rows"], result["peak_mb"]
    print(
        f"file                     {crosstab.name}: {rows:,} rows, {crosstab.stat().st_size / 1e6:,.0f} MB"
    )
    print(f"bare read_csv sum        {bare_sum:6.2f} s   (one column summed)")
    print(
        f"bare read_csv group-by   {bare_group:6.2f} s   (the columns the ingest stores, grouped and summed)"
    )
    print(
        f"bare load, no checks     {bare_load:6.2f} s   (CREATE TABLE AS read_csv of those columns, on disk)"
    )
    print(f"ingest (validate+load)   {seconds:6.2f} s   {rows / seconds:,.0f} rows/s")
    print(f"ratio to bare sum        {seconds / bare_sum:6.2f} x")
    print(f"ratio to bare group-by   {seconds / bare_group:6.2f} x")
    print(f"ratio to bare load       {seconds / bare_load:6.2f} x")
    print(f"ingest peak memory       {peak_mb:6.0f} MB (the loading process; limit 1.5 GB)")


if __name__ == "__main__":
    main()
