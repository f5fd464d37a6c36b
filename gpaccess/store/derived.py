"""The tables derived from `appointment` at load time (practice_month, sub_icb_month_mix), as SQL shared by the
load (gpaccess.ingest.apply: the months and ICBs of a batch) and the migration of a database written before a
column or table existed (`migrate`, at a writable open). Fixed strings only: no value from input.

practice_month.patients is each practice-month's registered patients by the list-size rule (docs/roles.md): the
practice's latest list size on or before the month, else its earliest (months before its first extract), else
NULL. It is stored once, refreshed by every load that writes practice_month or list_size (REFRESH_PATIENTS_SQL),
so no query repeats the ASOF join.

Definitions (docs/data-model.md): within_2_weeks counts the booking intervals Same Day to 8 to 14 Days
(gpaccess.reference.WITHIN_2_WEEKS_BANDS); its denominator is appointments less unknown_band. other_staff counts
HCP_TYPE 'Other Practice staff'; GP share is gp over gp + other_staff (staff type known).
"""

from __future__ import annotations

import duckdb

from gpaccess.store.transaction import transaction

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

# The list-size rule, once: joined to practice-months `s` (month, practice_code), it gives PATIENTS_EXPR.
LIST_SIZE_RULE_JOIN = """
ASOF LEFT JOIN list_size AS before
    ON before.practice_code = s.practice_code AND before.extract_date <= s.month
LEFT JOIN (SELECT practice_code, arg_min(patients, extract_date) AS patients FROM list_size GROUP BY practice_code)
    AS earliest ON earliest.practice_code = s.practice_code"""
PATIENTS_EXPR = "coalesce(before.patients, earliest.patients)"

# Every practice-month's patients again: a list-size extract changes the months from its date to the next
# extract's (and, if it is a practice's first, the months before it), so the whole column is refreshed (a
# fraction of a second for 12 national months, a scan of two tables of a few hundred thousand rows).
# Composed of the fixed strings above only (no value from input).
REFRESH_PATIENTS_SQL = f"""
UPDATE practice_month AS p SET patients = r.patients
FROM (SELECT s.month, s.practice_code, {PATIENTS_EXPR} AS patients FROM practice_month AS s {LIST_SIZE_RULE_JOIN}) AS r
WHERE r.month = p.month AND r.practice_code = p.practice_code
"""  # noqa: S608

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


def refresh_patients(con: duckdb.DuckDBPyConnection) -> None:
    """Store every practice-month's registered patients by the list-size rule: after writing practice_month or
    list_size (a load, inside its transaction; a test's fixture written by hand)."""
    con.execute(REFRESH_PATIENTS_SQL)


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a database written before a derived column existed up to date, at a writable open (ensure_schema),
    each step in one transaction: #16's within_2_weeks, other_staff and sub_icb_month_mix, derived from
    `appointment`; then the stored list size (practice_month.patients), derived from list_size. A database that
    has the columns (new, or migrated) is left as it is."""
    if not has_column(con, "within_2_weeks"):
        _in_transaction(con, ADD_COLUMNS_SQL, BACKFILL_SQL, "DELETE FROM sub_icb_month_mix", SOURCE_ALL, MIX_SQL,
                        "DROP VIEW derive_source")  # fmt: skip
    if not has_column(con, "patients"):
        _in_transaction(
            con, "ALTER TABLE practice_month ADD COLUMN patients INTEGER", REFRESH_PATIENTS_SQL
        )


def _in_transaction(con: duckdb.DuckDBPyConnection, *statements: str) -> None:
    with transaction(con):
        for statement in statements:
            con.execute(statement)


def has_column(con: duckdb.DuckDBPyConnection, column: str) -> bool:
    """Whether practice_month has `column` (in the database's own main schema)."""
    row = con.execute(HAS_COLUMN_SQL, {"column": column}).fetchone()
    return bool(row and row[0])


HAS_COLUMN_SQL = """SELECT count(*) FROM duckdb_columns() WHERE table_name = 'practice_month'
AND column_name = $column AND database_name = current_database() AND schema_name = 'main'"""
