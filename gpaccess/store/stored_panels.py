"""England's impact panels, stored at load (#19).

The national Impact view asks for the impact panel of England (every phase and level, the method's design) at
every visit, and computed it is the longest page query: every never-supported practice in England is a candidate
for every support start month. So every load stores it again, inside its transaction, for every programme held
and every measure: by running queries/impact_panel.sql itself, for England and gpaccess.impact.DESIGN, so the
stored rows are the query's own. The query reads them (macro stored_impact_panel) when asked for exactly that;
for any other scope, phase, level or design, or on a database written before the table, it computes the panel.

A load that changes the tracker, appointments, list sizes or practices changes the panel, so every load
(gpaccess.ingest.apply) refreshes it, after the tracker's tables; a store's first writable open with the table
missing fills it (ensure_schema).
"""

from __future__ import annotations

import re

import duckdb

from gpaccess.config import QUERIES_DIR

PANEL_COLUMNS = "arm, unit, start_month, weight, relative_month, value, supported_in_scope, supported_with_windows"
# The design parameters a stored panel was computed with (the stored_impact_panel macro matches on them).
DESIGN_COLUMNS = ("min_window_months", "caliper", "k_comparators", "event_before", "event_after")
# What a database without the table reads instead (gpaccess.store.connect): no stored panel, so each is computed.
NO_STORED_PANELS_SQL = """SELECT NULL::VARCHAR AS programme, NULL::VARCHAR AS measure,
NULL::INTEGER AS min_window_months, NULL::DOUBLE AS caliper, NULL::INTEGER AS k_comparators,
NULL::INTEGER AS event_before, NULL::INTEGER AS event_after, NULL::VARCHAR AS arm, NULL::BIGINT AS unit,
NULL::DATE AS start_month, NULL::DOUBLE AS weight, NULL::INTEGER AS relative_month, NULL::DOUBLE AS value,
NULL::BIGINT AS supported_in_scope, NULL::BIGINT AS supported_with_windows WHERE false"""
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def _store_sql(query_sql: str) -> str:
    """The INSERT that stores one panel: the query's result with its programme, measure and design."""
    design = ", ".join(f"${name}" for name in DESIGN_COLUMNS)
    # composed of the query file and the fixed names above: no value from input
    return (
        f"INSERT INTO stored_impact_panel (programme, measure, {', '.join(DESIGN_COLUMNS)}, {PANEL_COLUMNS}) "  # noqa: S608
        f"SELECT $programme, $measure, {design}, {PANEL_COLUMNS} FROM ({query_sql})"
    )


def refresh_stored_panels(con: duckdb.DuckDBPyConnection) -> None:
    """Store England's impact panel for every programme held and every measure, computed by the query (the
    table emptied first, so that the query computes rather than reads them)."""
    from gpaccess.impact import MEASURES, query_params  # the method's design; imports the store

    query_sql = (QUERIES_DIR / "impact_panel.sql").read_text(encoding="utf-8")
    code = "\n".join(line.split("--", 1)[0] for line in query_sql.splitlines())
    names = dict.fromkeys(_PARAM.findall(code))
    statement = _store_sql(query_sql)
    con.execute("DELETE FROM stored_impact_panel")
    programmes = [row[0] for row in con.execute("SELECT programme FROM programme").fetchall()]
    for programme in programmes:
        for measure in MEASURES:
            values = {"region": None, "icb": None, "programme": programme, **query_params(measure)}
            con.execute(statement, {name: values[name] for name in names})


def fill_stored_panels(con: duckdb.DuckDBPyConnection) -> None:
    """A database written before the table gains its panels at its next writable open (ensure_schema, after
    the summaries the query reads), in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        refresh_stored_panels(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
