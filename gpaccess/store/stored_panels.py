"""Impact panels stored at load (#19): England's for every measure, and each region's and ICB's with supported
practices for the Impact page's headline measure.

The Impact page asks for the panel of its scope (every phase and level, the method's design) at every visit, and
computed it is the slowest page query (nationally every never-supported practice in England is a candidate for
every support start month; in an ICB most of the time goes on planning the query). So every load stores them
again, inside its transaction: by running queries/impact_panel.sql itself with gpaccess.impact.DESIGN, so the
stored rows are the query's own. The query reads them (macro stored_panel_rows) when asked for exactly that; for
another measure in a region or ICB, a phase, a level or another design, or on a database written before the
table, it computes the panel.

Beside each panel the load stores its difference-in-differences (stored_impact_estimate), computed from the stored
rows by gpaccess.impact.estimate: the before-and-after chart and the board pack read that one row
(queries/impact_estimate_stored.sql) rather than the panel's tens of thousands.

A load that changes the tracker, appointments, list sizes or practices changes the panels, so every load
(gpaccess.ingest.apply) refreshes them, after the tracker's tables; a store's first writable open with the table
missing fills it (ensure_schema).
"""

from __future__ import annotations

import re

import duckdb

from gpaccess.config import QUERIES_DIR
from gpaccess.store.transaction import transaction

PANEL_COLUMNS = "arm, unit, start_month, weight, relative_month, value, supported_in_scope, supported_with_windows"
# The design parameters a stored panel was computed with (the stored_panel_rows macro matches on them).
DESIGN_COLUMNS = ("min_window_months", "caliper", "k_comparators", "event_before", "event_after")
# The measure stored for regions and ICBs: the Impact page's headline and first event-study measure
# (gpaccess.registry.access); England's panels are stored for every measure.
HEADLINE_MEASURE = "face_to_face"
# What a database without the table reads instead (gpaccess.store.connect): no stored panel, so each is computed.
NO_STORED_PANELS_SQL = """SELECT NULL::VARCHAR AS region_code, NULL::VARCHAR AS icb_code, NULL::VARCHAR AS programme,
NULL::VARCHAR AS measure, NULL::INTEGER AS min_window_months, NULL::DOUBLE AS caliper,
NULL::INTEGER AS k_comparators, NULL::INTEGER AS event_before, NULL::INTEGER AS event_after, NULL::VARCHAR AS arm,
NULL::BIGINT AS unit, NULL::DATE AS start_month, NULL::DOUBLE AS weight, NULL::INTEGER AS relative_month,
NULL::DOUBLE AS value, NULL::BIGINT AS supported_in_scope, NULL::BIGINT AS supported_with_windows WHERE false"""
# The `dataset` key of the method version the stored estimates were computed by (impact_estimate_stored.sql).
METHOD_KEY = "impact_method_version"
# A stored panel's difference-in-differences (stored_impact_estimate): gpaccess.impact.DidResult's fields.
ESTIMATE_FIELDS = (
    "n_supported", "n_comparators", "estimate", "se", "ci_low", "ci_high", "supported_pre", "supported_change",
    "comparator_pre", "comparator_change", "suppressed",
)  # fmt: skip
NO_STORED_ESTIMATES_SQL = """SELECT NULL::VARCHAR AS region_code, NULL::VARCHAR AS icb_code,
NULL::VARCHAR AS programme, NULL::VARCHAR AS measure, NULL::INTEGER AS min_window_months, NULL::DOUBLE AS caliper,
NULL::INTEGER AS k_comparators, NULL::INTEGER AS event_before, NULL::INTEGER AS event_after,
NULL::BIGINT AS n_supported, NULL::BIGINT AS n_comparators, NULL::DOUBLE AS estimate, NULL::DOUBLE AS se,
NULL::DOUBLE AS ci_low, NULL::DOUBLE AS ci_high, NULL::DOUBLE AS supported_pre, NULL::DOUBLE AS supported_change,
NULL::DOUBLE AS comparator_pre, NULL::DOUBLE AS comparator_change, NULL::BOOLEAN AS suppressed WHERE false"""
# a row: region, ICB, programme, measure, the five design parameters, the eleven fields
_INSERT_ESTIMATE_SQL = (
    "INSERT INTO stored_impact_estimate VALUES "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_STORED_PANEL_SQL = """SELECT * FROM stored_panel_rows($region, $icb, $programme, $measure, $min_window_months,
$caliper, $k_comparators, $event_before, $event_after)"""
# The regions and ICBs with practices supported in a programme (hands-on, started, not withdrawn: the query's
# supported practices for every phase and level).
SUPPORTED_SCOPES_SQL = """
SELECT DISTINCT p.region_code, p.icb_code
FROM enrolment AS e
JOIN practice AS p USING (practice_code)
WHERE e.programme = $programme AND e.started_date IS NOT NULL AND e.status <> 'withdrawn' AND e.level <> 'universal'
"""
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def _store_sql(query_sql: str) -> str:
    """The INSERT that stores one panel: the query's result with its scope, programme, measure and design."""
    keys = f"region_code, icb_code, programme, measure, {', '.join(DESIGN_COLUMNS)}"
    design = ", ".join(f"${name}" for name in DESIGN_COLUMNS)
    # composed of the query file and the fixed names above: no value from input
    return (
        f"INSERT INTO stored_impact_panel ({keys}, {PANEL_COLUMNS}) "  # noqa: S608
        f"SELECT $region, $icb, $programme, $measure, {design}, {PANEL_COLUMNS} FROM ({query_sql}) "
        "ORDER BY arm, unit, start_month, relative_month"  # the query's order: impact_panel_stored.sql reads it
    )


def stored_scopes(
    con: duckdb.DuckDBPyConnection, programme: str
) -> list[tuple[str | None, str | None, str]]:
    """(region, ICB, measure) of every panel stored for a programme: England for every measure, then each region
    and ICB with supported practices for the headline measure."""
    from gpaccess.impact import MEASURES  # gpaccess.impact imports the store: imported when called

    scopes = con.execute(SUPPORTED_SCOPES_SQL, {"programme": programme}).fetchall()
    regions = sorted({region for region, _ in scopes})
    return [
        *((None, None, measure) for measure in MEASURES),
        *((region, None, HEADLINE_MEASURE) for region in regions),
        *((region, icb, HEADLINE_MEASURE) for region, icb in sorted(scopes)),
    ]


def refresh_stored_panels(con: duckdb.DuckDBPyConnection) -> None:
    """Store the impact panels of stored_scopes for every programme held, computed by the query (the table
    emptied first, so that the query computes rather than reads them)."""
    from gpaccess.impact import (
        query_params,
    )  # the method's design; gpaccess.impact imports the store

    query_sql = (QUERIES_DIR / "impact_panel.sql").read_text(encoding="utf-8")
    code = "\n".join(line.split("--", 1)[0] for line in query_sql.splitlines())
    names = dict.fromkeys(_PARAM.findall(code))
    statement = _store_sql(query_sql)
    con.execute("DELETE FROM stored_impact_panel")
    con.execute("DELETE FROM stored_impact_estimate")
    con.execute("DELETE FROM dataset WHERE key = $key", {"key": METHOD_KEY})
    programmes = [row[0] for row in con.execute("SELECT programme FROM programme").fetchall()]
    for programme in programmes:
        scopes = stored_scopes(con, programme)
        for region, icb, measure in scopes:
            values = {"region": region, "icb": icb, "programme": programme, **query_params(measure)}
            con.execute(statement, {name: values[name] for name in names})
        _store_estimates(con, programme, scopes)
    from gpaccess.impact import METHOD_VERSION  # the method the estimates were computed by

    con.execute(
        "INSERT INTO dataset VALUES ($key, $value)", {"key": METHOD_KEY, "value": METHOD_VERSION}
    )


def _store_estimates(
    con: duckdb.DuckDBPyConnection, programme: str, scopes: list[tuple[str | None, str | None, str]]
) -> None:
    """Each stored panel's difference-in-differences, by gpaccess.impact.estimate from the stored rows (the
    estimate the Impact page and the board pack would compute from the same panel)."""
    from gpaccess.impact import estimate, query_params

    rows = []
    for region, icb, measure in scopes:
        design = {name: query_params(measure)[name] for name in DESIGN_COLUMNS}
        keys = {"region": region, "icb": icb, "programme": programme, "measure": measure}
        panel = con.execute(_STORED_PANEL_SQL, {**keys, **design}).df()
        result = estimate(panel, measure)
        fields = [getattr(result, name) for name in ESTIMATE_FIELDS]
        rows.append([region, icb, programme, measure, *design.values(), *fields])
    if rows:
        con.executemany(_INSERT_ESTIMATE_SQL, rows)


def fill_stored_panels(con: duckdb.DuckDBPyConnection) -> None:
    """A database written before the table gains its panels at its next writable open (ensure_schema, after
    the summaries the query reads), in one transaction."""
    with transaction(con):
        refresh_stored_panels(con)
