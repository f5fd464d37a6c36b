"""Connections to the DuckDB store and schema creation (with reference data seeded once)."""

from __future__ import annotations

import hashlib
import re
import weakref
from pathlib import Path

import duckdb

from gpaccess.reference import HIGH_IMPACT_ACTIONS, read_reference_csv, value_map_rows
from gpaccess.store.derived import (
    LIST_SIZE_RULE_JOIN,
    PATIENTS_EXPR,
    has_column,
    migrate,
)
from gpaccess.store.handover import connect_for_writing
from gpaccess.store.stored_panels import (
    NO_STORED_ESTIMATES_SQL,
    NO_STORED_PANELS_SQL,
    fill_stored_panels,
)
from gpaccess.store.summaries import SUMMARIES, fill_summaries, has_table, missing_summaries

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text(encoding="utf-8")
# Table macros shared by queries (macros.sql), stored with the schema and their version (a hash of the file) as
# the macro gpaccess_macros_version(); see `provide_macros` for databases that lack them or hold an older version.
MACROS_SQL = (Path(__file__).parent / "macros.sql").read_text(encoding="utf-8")
MACROS_VERSION = hashlib.sha256(MACROS_SQL.encode("utf-8")).hexdigest()[:16]
_MACROS_VERSION_SQL = f"CREATE OR REPLACE MACRO gpaccess_macros_version() AS '{MACROS_VERSION}'"
_MACRO_START = re.compile(r"^CREATE OR REPLACE MACRO ([a-z_][a-z0-9_]*)\(", re.M)

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
    """Open (creating if needed) the store for loading, with the schema in place; the dashboard's readers are
    asked to let go of the file first (gpaccess.store.handover)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = connect_for_writing(path)
    ensure_schema(con)
    return con


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise FileNotFoundError(
            f"No database at {path}: run `python -m gpaccess demo` or ingest files first"
        )
    return duckdb.connect(str(path), read_only=True)


def _split_macros(text: str) -> dict[str, str]:
    """name -> its CREATE OR REPLACE MACRO statement (without the closing semicolon), in file order."""
    starts = list(_MACRO_START.finditer(text))
    ends = [m.start() for m in starts[1:]] + [len(text)]
    return {
        m.group(1): text[m.start() : end].strip().removesuffix(";")
        for m, end in zip(starts, ends, strict=True)
    }


MACROS = _split_macros(MACROS_SQL)
_TEMPORARY = {
    name: statement.replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO", 1)
    for name, statement in MACROS.items()
}


def _calls(sql: str) -> set[str]:
    """Names of the store macros `sql` calls directly (comments ignored)."""
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return {name for name in MACROS if re.search(rf"\b{name}\s*\(", code)}


# Tables written at load that a database may lack (written before them) -> what a query reads instead: the
# SELECT a summary table holds (its rows computed), or no stored impact panel (the query computes it).
_STAND_IN_SELECTS = {
    **SUMMARIES,
    "stored_impact_panel": NO_STORED_PANELS_SQL,
    "stored_impact_estimate": NO_STORED_ESTIMATES_SQL,
}


def _summaries_read(sql: str) -> set[str]:
    """Names of the tables of _STAND_IN_SELECTS `sql` reads (comments ignored)."""
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return {table for table in _STAND_IN_SELECTS if re.search(rf"\bFROM {table}\b", code)}


def _needs(body: str) -> set[str]:
    """The store macros a macro body calls, and those its summary tables' SELECTs call (its stand-in on a
    database without them reads the SELECT in place of the table; a SELECT may read another summary)."""
    tables: set[str] = set()
    pending = _summaries_read(body)
    while pending:
        table = pending.pop()
        tables.add(table)
        pending |= _summaries_read(_STAND_IN_SELECTS[table]) - tables
    return _calls(body).union(*(_calls(_STAND_IN_SELECTS[table]) for table in tables))


_CALLS = {name: _needs(statement.split("AS TABLE", 1)[1]) for name, statement in MACROS.items()}


def macros_called(sql: str) -> tuple[str, ...]:
    """The store macros `sql` needs (those it calls and those they call), in file order."""
    needed: set[str] = set()
    pending = _calls(sql)
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.add(name)
            pending |= _CALLS[name]
    return tuple(name for name in MACROS if name in needed)


# A database written before #16 (practice_month without within_2_weeks and other_staff, no sub_icb_month_mix),
# opened read-only, cannot be migrated: its queries get these TEMP macros instead, which give the new columns as
# NULL and no mix rows, so every query runs and the new measures read as "no data" until the next load.
_BEFORE_DEPTH = {
    "practice_months_in_scope": _TEMPORARY["practice_months_in_scope"].replace(
        "SELECT *\n    FROM practice_month",
        "SELECT *, NULL::BIGINT AS within_2_weeks, NULL::BIGINT AS other_staff\n    FROM practice_month",
        1,
    ),
    "mix_in_scope": (
        "CREATE OR REPLACE TEMP MACRO mix_in_scope(scope_region, scope_icb, first_month, last_month, "
        "mix_dimension) AS TABLE SELECT NULL::DATE AS month, NULL::VARCHAR AS sub_icb_code, "
        "NULL::VARCHAR AS icb_code, NULL::VARCHAR AS region_code, NULL::VARCHAR AS dimension, "
        "NULL::VARCHAR AS category, NULL::BIGINT AS appointments WHERE false"
    ),
}
# A database written before the stored list size (practice_month without `patients`), opened read-only: the
# practice-months' patients computed by the list-size rule (the same as the load stores), until the next load.
# Composed of the fixed strings of gpaccess.store.derived only (no value from input).
_BEFORE_STORED_PATIENTS = {
    "practice_months_with_patients": (
        "CREATE OR REPLACE TEMP MACRO practice_months_with_patients(scope_region, scope_icb, first_month, "  # noqa: S608
        f"last_month) AS TABLE SELECT s.*, {PATIENTS_EXPR} AS patients "
        "FROM practice_months_in_scope(scope_region, scope_icb, first_month, last_month) AS s"
        f"{LIST_SIZE_RULE_JOIN}"
    ),
}
assert all(_BEFORE_DEPTH[name] != _TEMPORARY[name] for name in _BEFORE_DEPTH)
# the columns a database may lack (it was written before them) -> the TEMP macros that stand in for them
_STAND_INS = (("within_2_weeks", _BEFORE_DEPTH), ("patients", _BEFORE_STORED_PATIENTS))


def _inlined(sql: str, missing: frozenset[str]) -> str:
    """`sql` with each missing summary table it reads replaced by the SELECT the table holds (nested likewise)."""
    for table in _summaries_read(sql) & missing:
        select = _inlined(_STAND_IN_SELECTS[table], missing)

        def computed(found: re.Match[str], select: str = select, table: str = table) -> str:
            return f"FROM ({select}) AS {found.group(1) or table}"  # keeps the alias given

        sql = re.sub(rf"\bFROM {table}\b(?:\s+AS\s+(\w+))?", computed, sql)
    return sql


def summary_stand_ins(missing: frozenset[str]) -> dict[str, str]:
    """A database written before summary tables existed, opened read-only: the TEMP macros that read them,
    computing their rows instead (the same SELECTs a load stores; slower, until the next writable open)."""
    return {
        name: _inlined(statement, missing)
        for name, statement in _TEMPORARY.items()
        if _summaries_read(statement) & missing
    }


# connection -> whether its database holds the current macros (a database opened read-only cannot change)
_STORED_CURRENT: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, bool] = (
    weakref.WeakKeyDictionary()
)


def stored_macros_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database holds macros.sql as it is now (checked once per connection)."""
    known = _STORED_CURRENT.get(con)
    if known is None:
        probe = con.cursor()
        try:
            row = probe.execute("SELECT gpaccess_macros_version()").fetchone()
            known = row is not None and row[0] == MACROS_VERSION
        except duckdb.CatalogException:  # written before the macros existed
            known = False
        finally:
            probe.close()
        _STORED_CURRENT[con] = known
    return known


def provide_macros(
    con: duckdb.DuckDBPyConnection, cursor: duckdb.DuckDBPyConnection, names: tuple[str, ...]
) -> None:
    """Make the named store macros callable on `cursor` (a cursor of `con`), as macros.sql defines them now.

    Nothing to do when the database holds the current version (ensure_schema stores it at every writable
    open, so after any load). Otherwise (a database written before a macro existed or changed, opened read-only
    by the app) they are defined as TEMP macros on this cursor only: a TEMP macro is found before a stored one of
    the same name. That costs about 1 ms a macro, so only until the next load rewrites the stored ones."""
    if names and not stored_macros_current(con):
        chosen = dict(_TEMPORARY)
        missing = _missing_derived(con)
        for column, stand_ins in _STAND_INS:
            if column in missing:
                chosen.update(stand_ins)
        chosen.update(summary_stand_ins(missing & frozenset(_STAND_IN_SELECTS)))
        cursor.execute(";\n".join(chosen[name] for name in names))


_MISSING_KNOWN: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, frozenset[str]] = (
    weakref.WeakKeyDictionary()
)


def _missing_derived(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """What the database lacks of the derived practice_month columns of _STAND_INS and the summary tables
    (written before them; checked once per connection)."""
    known = _MISSING_KNOWN.get(con)
    if known is None:
        probe = con.cursor()
        try:
            known = frozenset(column for column, _ in _STAND_INS if not has_column(probe, column))
            known |= frozenset(t for t in _STAND_IN_SELECTS if not has_table(probe, t))
        finally:
            probe.close()
        _MISSING_KNOWN[con] = known
    return known


# What ensure_schema makes of a database, as one stamp written last (gpaccess_schema_version()): a database that
# holds it with the macros of this version needs nothing (a writable open then costs 1 ms, not 35). One written
# before the stamp, or by another version, lacks it or holds another: the whole of ensure_schema runs.
SCHEMA_VERSION = hashlib.sha256(
    "\n".join(
        (
            SCHEMA_SQL,
            MACROS_SQL,
            PUBLISHED_ENUMS_SQL,
            *SUMMARIES.values(),
            NO_STORED_PANELS_SQL,
            NO_STORED_ESTIMATES_SQL,
        )
    ).encode("utf-8")
).hexdigest()[:16]
_SCHEMA_VERSION_SQL = f"CREATE OR REPLACE MACRO gpaccess_schema_version() AS '{SCHEMA_VERSION}'"


def schema_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ensure_schema has nothing to do: the database holds this version's stamp and macros."""
    try:
        row = con.execute("SELECT gpaccess_schema_version(), gpaccess_macros_version()").fetchone()
    except duckdb.CatalogException:  # written before the stamp (or without macros)
        return False
    return row == (SCHEMA_VERSION, MACROS_VERSION)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    _STORED_CURRENT.pop(con, None)
    _MISSING_KNOWN.pop(con, None)
    if schema_current(con):
        return
    without_summaries = missing_summaries(con)  # a new database, or one written before them
    without_panels = not all(
        has_table(con, table) for table in ("stored_impact_panel", "stored_impact_estimate")
    )
    con.execute(SCHEMA_SQL)
    migrate(con)
    con.execute(MACROS_SQL)
    con.execute(_MACROS_VERSION_SQL)
    if without_summaries:
        fill_summaries(con)  # after the macros: their SELECTs call them
    if without_panels:
        fill_stored_panels(con)  # after the summaries: the query reads them (and their estimates)
    _STORED_CURRENT.pop(con, None)
    _MISSING_KNOWN.pop(con, None)
    if _is_empty(con, "value_map"):
        con.executemany("INSERT INTO value_map VALUES (?, ?, ?)", value_map_rows())
    con.execute(PUBLISHED_ENUMS_SQL)
    if _is_empty(con, "high_impact_action"):
        con.executemany("INSERT INTO high_impact_action VALUES (?, ?)", list(HIGH_IMPACT_ACTIONS))
    if _is_empty(con, "icb"):
        _seed_geography(con)
    con.execute(_SCHEMA_VERSION_SQL)  # last: a stamped database has everything above


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
