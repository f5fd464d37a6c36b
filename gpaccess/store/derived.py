"""The tables derived from `appointment` at load time (practice_month, sub_icb_month_mix), as SQL shared by the
load (gpaccess.ingest.apply: the months and ICBs of a batch) and the migration of a database written before a
column or table existed (`migrate`, at a writable open). Fixed strings only: no value from input.

Definitions (docs/data-model.md): within_2_weeks counts the booking intervals Same Day to 8 to 14 Days
(gpaccess.reference.WITHIN_2_WEEKS_BANDS); its denominator is appointments less unknown_band. other_staff counts
HCP_TYPE 'Other Practice staff'; GP share is gp over gp + other_staff (staff type known).
"""

from __future__ import annotations

import duckdb

# Both read `derive_source`: a TEMP view of the appointment rows to derive from (SOURCE_BATCH or SOURCE_ALL).
# The within-2-weeks intervals are gpaccess.reference.WITHIN_2_WEEKS_BANDS, written out (tests check they agree).
PRACTICE_MONTH_SQL = """
INSERT INTO practice_month BY NAME
SELECT a.month, a.practice_code, any_value(a.sub_icb_code) AS sub_icb_code, a.icb_code,
       any_value(i.region_code) AS region_code,
       sum(appointments) AS appointments,
       coalesce(sum(appointments) FILTER (WHERE appt_mode = 'Face-to-Face'), 0) AS face_to_face,
       coalesce(sum(appointments) FILTER (WHERE appt_mode = 'Telephone'), 0) AS telephone,
       coalesce(sum(appointments) FILTER (WHERE appt_mode = 'Video Conference/Online'), 0) AS video_online,
       coalesce(sum(appointments) FILTER (WHERE appt_mode = 'Home Visit'), 0) AS home_visit,
       coalesce(sum(appointments) FILTER (WHERE appt_mode = 'Unknown'), 0) AS unknown_mode,
       coalesce(sum(appointments) FILTER (WHERE appt_status = 'Attended'), 0) AS attended,
       coalesce(sum(appointments) FILTER (WHERE appt_status = 'DNA'), 0) AS dna,
       coalesce(sum(appointments) FILTER (WHERE appt_status = 'Unknown'), 0) AS unknown_status,
       coalesce(sum(appointments) FILTER (WHERE time_band = 'Same Day'), 0) AS same_day,
       coalesce(sum(appointments) FILTER (WHERE time_band = 'Unknown / Data Issue'), 0) AS unknown_band,
       coalesce(sum(appointments) FILTER (WHERE hcp_type = 'GP'), 0) AS gp,
       coalesce(sum(appointments) FILTER (WHERE national_category = 'Unmapped'), 0) AS unmapped,
       coalesce(sum(appointments) FILTER (WHERE national_category = 'Inconsistent Mapping'), 0)
           AS inconsistent_mapping,
       coalesce(sum(appointments) FILTER (WHERE time_band IN ('Same Day', '1 Day', '2 to 7 Days', '8 to 14 Days')), 0) AS within_2_weeks,
       coalesce(sum(appointments) FILTER (WHERE hcp_type = 'Other Practice staff'), 0) AS other_staff
FROM derive_source a
JOIN icb i USING (icb_code)
GROUP BY a.month, a.practice_code, a.icb_code
"""

MIX_SQL = """
INSERT INTO sub_icb_month_mix
SELECT a.month, a.sub_icb_code, a.icb_code, any_value(i.region_code), d.dimension,
       CASE d.dimension WHEN 'time_band' THEN a.time_band WHEN 'hcp_type' THEN a.hcp_type
            ELSE a.national_category END AS category,
       sum(a.appointments)
FROM derive_source a
JOIN icb i USING (icb_code)
CROSS JOIN (VALUES ('time_band'), ('hcp_type'), ('national_category')) AS d(dimension)
GROUP BY a.month, a.sub_icb_code, a.icb_code, d.dimension, category
"""

SOURCE_BATCH = """CREATE OR REPLACE TEMP VIEW derive_source AS SELECT * FROM appointment a
WHERE EXISTS (SELECT 1 FROM stage_keys k WHERE k.month = a.month AND k.icb_code = a.icb_code)"""
SOURCE_ALL = "CREATE OR REPLACE TEMP VIEW derive_source AS SELECT * FROM appointment"

DELETE_BATCH_SQL = """
DELETE FROM practice_month p WHERE EXISTS (
    SELECT 1 FROM stage_keys k WHERE k.month = p.month AND k.icb_code = p.icb_code);
DELETE FROM sub_icb_month_mix x WHERE EXISTS (
    SELECT 1 FROM stage_keys k WHERE k.month = x.month AND k.icb_code = x.icb_code);
"""
# A load's statements, in order: the batch's months and ICBs replaced in both derived tables.
REPLACE_BATCH = (
    DELETE_BATCH_SQL,
    SOURCE_BATCH,
    PRACTICE_MONTH_SQL,
    MIX_SQL,
    "DROP VIEW derive_source",
)

ADD_COLUMNS_SQL = """
ALTER TABLE practice_month ADD COLUMN within_2_weeks BIGINT;
ALTER TABLE practice_month ADD COLUMN other_staff BIGINT;
"""

BACKFILL_SQL = """
UPDATE practice_month AS p SET within_2_weeks = d.within_2_weeks, other_staff = d.other_staff
FROM (
    SELECT month, practice_code,
           coalesce(sum(appointments) FILTER (WHERE time_band IN ('Same Day', '1 Day', '2 to 7 Days', '8 to 14 Days')), 0) AS within_2_weeks,
           coalesce(sum(appointments) FILTER (WHERE hcp_type = 'Other Practice staff'), 0) AS other_staff
    FROM appointment GROUP BY month, practice_code
) AS d
WHERE d.month = p.month AND d.practice_code = p.practice_code
"""


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a database written before #16 up to date, at a writable open (ensure_schema): add practice_month's
    within_2_weeks and other_staff and derive them, and sub_icb_month_mix, from `appointment`, in one
    transaction. A database that has the columns (new, or migrated) is left as it is."""
    if _has_depth_columns(con):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(ADD_COLUMNS_SQL)
        con.execute(BACKFILL_SQL)
        con.execute("DELETE FROM sub_icb_month_mix")
        con.execute(SOURCE_ALL)
        con.execute(MIX_SQL)
        con.execute("DROP VIEW derive_source")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _has_depth_columns(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(HAS_DEPTH_SQL).fetchone()
    return bool(row and row[0])


HAS_DEPTH_SQL = """SELECT count(*) FROM duckdb_columns() WHERE table_name = 'practice_month'
AND column_name = 'within_2_weeks' AND database_name = current_database() AND schema_name = 'main'"""
