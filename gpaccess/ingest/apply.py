"""Write a validated batch into the store in one transaction: all of it, or (on any error) none of it.

Appointments are replaced per (month, ICB) present in the batch, so re-loading a month replaces it, and a month
published in two regional files can be loaded in one batch or one file at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from gpaccess.ingest.tracker import TrackerBatch
from gpaccess.store.derived import REPLACE_BATCH, refresh_patients
from gpaccess.store.stored_panels import refresh_stored_panels
from gpaccess.store.summaries import refresh_summaries

# Regions and ICBs come only from data/reference/icb_reference.csv (seeded with the schema): a mapping naming
# any other is refused before this runs (gpad_checks), so a load never creates one.
GEOGRAPHY_SQL = """
DELETE FROM sub_icb WHERE sub_icb_code IN (SELECT sub_icb_code FROM stage_mapping);
INSERT INTO sub_icb SELECT sub_icb_code, any_value(sub_icb_name), any_value(icb_code)
FROM stage_mapping GROUP BY 1;

CREATE OR REPLACE TEMP TABLE stage_practice AS
WITH mapped AS (
    SELECT practice_code, practice_name, supplier, pcn_code, pcn_name, sub_icb_code,
           kind AS source
    FROM stage_mapping
    QUALIFY row_number() OVER (PARTITION BY practice_code ORDER BY kind, length(supplier), supplier, source_file) = 1
),
from_crosstab AS (
    SELECT *, 'crosstab' AS source FROM stage_crosstab_practice
    WHERE practice_code NOT IN (SELECT practice_code FROM mapped)
)
SELECT * FROM mapped UNION ALL SELECT * FROM from_crosstab;

DELETE FROM pcn WHERE pcn_code IN (SELECT pcn_code FROM stage_practice);
INSERT INTO pcn SELECT pcn_code, any_value(pcn_name) FROM stage_practice WHERE pcn_code IS NOT NULL GROUP BY 1;

DELETE FROM practice WHERE practice_code IN (SELECT practice_code FROM stage_practice);
INSERT INTO practice
SELECT p.practice_code, p.practice_name, p.supplier, p.pcn_code, p.sub_icb_code, s.icb_code, i.region_code, p.source
FROM stage_practice p JOIN sub_icb s USING (sub_icb_code) JOIN icb i USING (icb_code);
"""

APPOINTMENTS_SQL = """
CREATE OR REPLACE TEMP TABLE stage_keys AS
SELECT DISTINCT c.month, s.icb_code FROM (SELECT DISTINCT month, sub_icb_code FROM stage_crosstab) c
JOIN sub_icb s USING (sub_icb_code);

DELETE FROM appointment a WHERE EXISTS (
    SELECT 1 FROM stage_keys k WHERE k.month = a.month AND k.icb_code = a.icb_code);
INSERT INTO appointment
SELECT c.month, c.practice_code, c.sub_icb_code, s.icb_code, h.canonical, m.canonical, c.national_category,
       b.canonical, st.canonical, c.appointments
FROM stage_crosstab c
JOIN sub_icb s USING (sub_icb_code)
JOIN value_map h ON h.dimension = 'hcp_type' AND h.published = c.hcp_type::VARCHAR
JOIN value_map m ON m.dimension = 'appt_mode' AND m.published = c.appt_mode::VARCHAR
JOIN value_map b ON b.dimension = 'time_band' AND b.published = c.time_band::VARCHAR
JOIN value_map st ON st.dimension = 'appt_status' AND st.published = c.appt_status::VARCHAR;

"""


LIST_SIZES_SQL = """
DELETE FROM list_size WHERE extract_date IN (SELECT DISTINCT extract_date FROM stage_list_size);
INSERT INTO list_size SELECT practice_code, extract_date, patients FROM stage_list_size
WHERE type = 'GP' AND sex = 'ALL' AND age = 'ALL';
"""

DROP_STAGE_SQL = """
DROP TABLE IF EXISTS stage_crosstab; DROP TABLE IF EXISTS stage_crosstab_practice; DROP TABLE IF EXISTS stage_mapping; DROP TABLE IF EXISTS stage_list_size;
DROP TABLE IF EXISTS stage_practice; DROP TABLE IF EXISTS new_practice; DROP TABLE IF EXISTS stage_keys;
DROP TABLE IF EXISTS stage_tracker;
"""

# Tracker sheet -> (store table, DELETE statement, INSERT statement). Fixed strings: no identifier from input.
TRACKER_SQL = {
    "programmes": (
        "DELETE FROM programme",
        "INSERT INTO programme BY NAME SELECT * FROM stage_tracker",
    ),
    "phases": (
        "DELETE FROM programme_phase",
        "INSERT INTO programme_phase BY NAME SELECT * FROM stage_tracker",
    ),
    "enrolments": (
        "DELETE FROM enrolment",
        "INSERT INTO enrolment BY NAME SELECT * FROM stage_tracker",
    ),
    "actions": (
        "DELETE FROM action_adopted",
        "INSERT INTO action_adopted BY NAME SELECT * FROM stage_tracker",
    ),
    "eligibility": (
        "DELETE FROM eligibility",
        "INSERT INTO eligibility BY NAME SELECT * FROM stage_tracker",
    ),
    "barriers": ("DELETE FROM barrier", "INSERT INTO barrier BY NAME SELECT * FROM stage_tracker"),
    "funding": ("DELETE FROM funding", "INSERT INTO funding BY NAME SELECT * FROM stage_tracker"),
    "funding_payments": (
        "DELETE FROM funding_payment",
        "INSERT INTO funding_payment BY NAME SELECT * FROM stage_tracker",
    ),
}
TRACKER_TABLES = {
    "programmes": "programme",
    "phases": "programme_phase",
    "enrolments": "enrolment",
    "actions": "action_adopted",
    "eligibility": "eligibility",
    "barriers": "barrier",
    "funding": "funding",
    "funding_payments": "funding_payment",
}
RENAMES = {"actions": {"action": "action_number"}}


@dataclass(frozen=True)
class LogRow:
    file_name: str
    file_kind: str
    sha256: str
    rows: int
    months: str


def apply_batch(
    con: duckdb.DuckDBPyConnection,
    tracker: TrackerBatch,
    log_rows: list[LogRow],
    *,
    load_id: str,
    loaded_by: str,
    synthetic: bool,
    replace: bool = False,
) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(GEOGRAPHY_SQL)
        con.execute(APPOINTMENTS_SQL)
        for (
            statement
        ) in REPLACE_BATCH:  # practice_month and sub_icb_month_mix of the batch's months and ICBs
            con.execute(statement)
        con.execute(LIST_SIZES_SQL)
        if _writes_appointments_or_list_sizes(con):
            refresh_patients(con)  # practice_month.patients by the list-size rule, stored once
        if _writes_appointments_or_list_sizes(con) or _writes_practices(con):
            refresh_summaries(con)  # the small tables page queries read (gpaccess.store.summaries)
        _apply_tracker(con, tracker, replace)
        refresh_stored_panels(con)  # England's impact panels, on this load's data and tracker
        _log(con, log_rows, load_id, loaded_by)
        _label_dataset(con, synthetic)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _writes_appointments_or_list_sizes(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT EXISTS (SELECT 1 FROM stage_keys) OR EXISTS (SELECT 1 FROM stage_list_size)"
    ).fetchone()
    return bool(row and row[0])


def _writes_practices(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT EXISTS (SELECT 1 FROM stage_practice)").fetchone()
    return bool(row and row[0])


def _apply_tracker(con: duckdb.DuckDBPyConnection, tracker: TrackerBatch, replace: bool) -> None:
    """Each sheet given replaces its table; a sheet with no rows leaves it as it is, unless `replace`."""
    for name, sheet_rows in tracker.sheets.items():
        if not sheet_rows.rows and not replace:
            continue
        delete_sql, insert_sql = TRACKER_SQL[name]
        frame = pd.DataFrame(sheet_rows.rows, columns=list(sheet_rows.sheet.column_names))
        frame = frame.rename(columns=RENAMES.get(name, {}))
        con.execute(delete_sql)
        if not frame.empty:
            con.register("stage_tracker", frame)
            con.execute(insert_sql)
            con.unregister("stage_tracker")


def _log(con: duckdb.DuckDBPyConnection, rows: list[LogRow], load_id: str, loaded_by: str) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.executemany(
        "INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'loaded')",
        [
            (load_id, now, loaded_by, r.file_name, r.file_kind, r.sha256, r.rows, r.months)
            for r in rows
        ],
    )


def _label_dataset(con: duckdb.DuckDBPyConnection, synthetic: bool) -> None:
    """Mark the store as the synthetic demo after a synthetic load. Real files are never loaded into it
    (gpaccess.ingest.dataset refuses them), so no load takes the mark away."""
    if synthetic:
        con.execute("DELETE FROM dataset WHERE key = 'synthetic_demo'")
        con.execute("INSERT INTO dataset VALUES ('synthetic_demo', 'yes')")


def drop_stage(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DROP_STAGE_SQL)
