"""Connections to the DuckDB store and schema creation (with reference data seeded once)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from gpaccess.reference import HIGH_IMPACT_ACTIONS, read_reference_csv, value_map_rows

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text(encoding="utf-8")

# The published spellings of each coded crosstab column as ENUM types: the CSV reader stores one byte per value,
# and a value outside the set is a cast reject with its line number (so validation costs nothing extra).
PUBLISHED_ENUMS_SQL = """
CREATE TYPE IF NOT EXISTS hcp_published AS ENUM (
    SELECT published FROM value_map WHERE dimension = 'hcp_type' ORDER BY published);
CREATE TYPE IF NOT EXISTS mode_published AS ENUM (
    SELECT published FROM value_map WHERE dimension = 'appt_mode' ORDER BY published);
CREATE TYPE IF NOT EXISTS band_published AS ENUM (
    SELECT published FROM value_map WHERE dimension = 'time_band' ORDER BY published);
CREATE TYPE IF NOT EXISTS status_published AS ENUM (
    SELECT published FROM value_map WHERE dimension = 'appt_status' ORDER BY published);
"""


def connect_writable(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store for loading, with the schema in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    ensure_schema(con)
    return con


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise FileNotFoundError(
            f"No database at {path}: run `python -m gpaccess demo` or ingest files first"
        )
    return duckdb.connect(str(path), read_only=True)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL)
    if _is_empty(con, "value_map"):
        con.executemany("INSERT INTO value_map VALUES (?, ?, ?)", value_map_rows())
    con.execute(PUBLISHED_ENUMS_SQL)
    if _is_empty(con, "high_impact_action"):
        con.executemany("INSERT INTO high_impact_action VALUES (?, ?)", list(HIGH_IMPACT_ACTIONS))
    if _is_empty(con, "icb"):
        _seed_geography(con)


def _is_empty(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    # `table` comes only from the literals above, never from input.
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
    return row is not None and row[0] == 0


def _seed_geography(con: duckdb.DuckDBPyConnection) -> None:
    """Regions, ICBs and sub-ICB locations from the committed reference files (real codes and names)."""
    icbs = read_reference_csv("icb_reference.csv")
    regions = sorted({(r["region_code"], r["region_name"]) for r in icbs})
    con.executemany("INSERT INTO region VALUES (?, ?)", regions)
    con.executemany(
        "INSERT INTO icb VALUES (?, ?, ?, ?)",
        [(r["icb_code"], r["icb_ons_code"], r["icb_name"], r["region_code"]) for r in icbs],
    )
    subs = read_reference_csv("sub_icb_reference.csv")
    con.executemany(
        "INSERT INTO sub_icb VALUES (?, ?, ?)",
        [(r["sub_icb_code"], r["sub_icb_name"], r["icb_code"]) for r in subs],
    )
