"""Summary tables the pages read instead of practice_month (#19): each is rebuilt whole by every load that writes
appointments, list sizes or practices, inside the load's transaction (gpaccess.ingest.apply), so a page query
scans a few thousand rows, not every practice-month. Queries reach them through the store macros of
gpaccess/store/macros.sql (scope_months, icb_months_in_scope, practice_runs_in_scope, ...), never by name, so
that a database written before a table existed, opened read-only, gets a TEMP macro that computes the same rows
from the tables they summarise (gpaccess.store.connect), until its next writable open fills them (ensure_schema,
fill_summaries).

Each table (schema.sql) holds the result of one SELECT below. Fixed strings only: no value from input. Which query reads which, and the rules each keeps:

- scope_month: the sums of every practice_month measure, per month, for England, each region and each ICB
  (`level`), with the distinct practices (`practices`) and the practice-month rows (`practice_rows`); the
  registered patients (`patients`) and the appointments of practice-months with a list size
  (`appointments_with_patients`) for rates per 1,000 (docs/roles.md). Read by appointments_monthly,
  appointments_latest, access_counts_monthly, access_by_icb, recording_quality_by_icb_month.
- practice_run: one row per run of consecutive months with data of a practice in an ICB (from_month to
  to_month), so "practices with data in a period" is a count of the runs that overlap it. Read by access_by_icb,
  uptake_by_icb, funding_by_icb.
- practice_dropout: one row per practice and month its data dropped out (data the month before, in that ICB; in
  no ICB's data this month, a month held), with the month its data came back. Read by dropped_out_practices and
  icb_month_coverage.
- icb_month_coverage: per ICB and month held, practices open, in the data, open with data, dropped out and
  joined, as docs/loading-data.md defines them. Read by coverage_by_icb_month.
- impact_window: the impact panel's before and after windows per practice and possible support start month
  (gpaccess.store.impact_windows). Read by impact_panel.
"""

from __future__ import annotations

import duckdb

from gpaccess.store.impact_windows import IMPACT_WINDOW_SQL
from gpaccess.store.transaction import transaction

SCOPE_MONTH_SQL = """
SELECT month, region_code, icb_code,
       CASE grouping(region_code, icb_code) WHEN 3 THEN 'england' WHEN 1 THEN 'region' ELSE 'icb' END AS level,
       count(DISTINCT practice_code) AS practices,
       count(*) AS practice_rows,
       sum(appointments) AS appointments,
       sum(face_to_face) AS face_to_face,
       sum(telephone) AS telephone,
       sum(video_online) AS video_online,
       sum(home_visit) AS home_visit,
       sum(unknown_mode) AS unknown_mode,
       sum(attended) AS attended,
       sum(dna) AS dna,
       sum(unknown_status) AS unknown_status,
       sum(same_day) AS same_day,
       sum(unknown_band) AS unknown_band,
       sum(gp) AS gp,
       sum(unmapped) AS unmapped,
       sum(inconsistent_mapping) AS inconsistent_mapping,
       sum(within_2_weeks) AS within_2_weeks,
       sum(other_staff) AS other_staff,
       sum(appointments) FILTER (WHERE patients IS NOT NULL) AS appointments_with_patients,
       sum(patients) AS patients
FROM practice_months_with_patients(NULL, NULL, NULL, NULL)
GROUP BY GROUPING SETS ((month), (month, region_code), (month, region_code, icb_code))
"""

# Runs of consecutive months (a gap in a practice's data starts a new run): month number minus row number is
# constant along a run.
PRACTICE_RUN_SQL = """
WITH months AS (
    SELECT DISTINCT practice_code, icb_code, region_code, month FROM practice_month
),
numbered AS (
    SELECT *, datediff('month', DATE '2000-01-01', month)
              - row_number() OVER (PARTITION BY practice_code, icb_code, region_code ORDER BY month) AS run
    FROM months
)
SELECT practice_code, icb_code, region_code, min(month) AS from_month, max(month) AS to_month
FROM numbered
GROUP BY practice_code, icb_code, region_code, run
"""

# A practice-month row whose practice has no data (in any ICB) the next month, when that month is held; the
# month its data came back is the practice's next month with data.
PRACTICE_DROPOUT_SQL = """
WITH held AS (
    SELECT DISTINCT month FROM practice_month
),
data_months AS (
    SELECT practice_code, month, lead(month) OVER (PARTITION BY practice_code ORDER BY month) AS next_data_month
    FROM (SELECT DISTINCT practice_code, month FROM practice_month)
)
SELECT (p.month + INTERVAL 1 MONTH)::DATE AS month, p.practice_code, p.icb_code,
       p.appointments AS appointments_month_before, d.next_data_month AS data_again_from
FROM practice_month AS p
JOIN data_months AS d USING (practice_code, month)
WHERE (p.month + INTERVAL 1 MONTH)::DATE IN (SELECT month FROM held)
  AND (d.next_data_month IS NULL OR d.next_data_month > (p.month + INTERVAL 1 MONTH)::DATE)
"""

# Practices open in a month = practices with registered patients in the list-size extract nearest the month
# (within 92 days), else every practice of the practice table; their ICB is the practice table's. in_data =
# practices with any appointment in the month; dropped_out from practice_dropout; joined = in the data this
# month, in no ICB's data the month before (a month held). Reads practice_dropout: refreshed after it.
ICB_MONTH_COVERAGE_SQL = """
WITH months AS (
    SELECT DISTINCT month FROM practice_month
),
nearest AS (
    SELECT m.month, e.extract_date
    FROM months AS m
    JOIN (SELECT DISTINCT extract_date FROM list_size) AS e
      ON abs(date_diff('day', m.month, e.extract_date)) <= 92
    QUALIFY row_number() OVER (
        PARTITION BY m.month ORDER BY abs(date_diff('day', m.month, e.extract_date)), e.extract_date) = 1
),
open_from_list AS (
    SELECT n.month, p.icb_code, l.practice_code, 'list size ' || strftime(n.extract_date, '%d %b %Y') AS basis
    FROM nearest AS n
    JOIN list_size AS l ON l.extract_date = n.extract_date AND l.patients > 0
    JOIN practice AS p USING (practice_code)
),
open_from_table AS (
    SELECT m.month, p.icb_code, p.practice_code, 'practice table' AS basis
    FROM months AS m
    CROSS JOIN practice AS p
    WHERE m.month NOT IN (SELECT month FROM nearest)
),
open_practices AS (
    SELECT * FROM open_from_list UNION ALL SELECT * FROM open_from_table
),
counts AS (
    SELECT coalesce(o.month, p.month) AS month, coalesce(o.icb_code, p.icb_code) AS icb_code,
           any_value(o.basis) AS open_basis,
           count(o.practice_code) AS practices_open,
           count(p.practice_code) AS practices_in_data,
           count(*) FILTER (WHERE o.practice_code IS NOT NULL AND p.practice_code IS NOT NULL) AS open_with_data
    FROM open_practices AS o
    FULL JOIN (SELECT month, icb_code, practice_code FROM practice_month) AS p
      ON o.month = p.month AND o.icb_code = p.icb_code AND o.practice_code = p.practice_code
    GROUP BY ALL
),
dropped AS (
    SELECT month, icb_code, count(*) AS dropped_out FROM practice_dropout GROUP BY ALL
),
previous AS (
    SELECT practice_code, month, lag(month) OVER (PARTITION BY practice_code ORDER BY month) AS previous_data_month
    FROM (SELECT DISTINCT practice_code, month FROM practice_month)
),
joined AS (
    SELECT p.month, p.icb_code, count(*) AS joined
    FROM practice_month AS p
    JOIN previous AS v USING (practice_code, month)
    WHERE (p.month - INTERVAL 1 MONTH)::DATE IN (SELECT month FROM months)
      AND (v.previous_data_month IS NULL OR v.previous_data_month < (p.month - INTERVAL 1 MONTH)::DATE)
    GROUP BY ALL
)
SELECT c.month, c.icb_code, c.open_basis, c.practices_open, c.practices_in_data, c.open_with_data,
       coalesce(d.dropped_out, 0) AS dropped_out, coalesce(j.joined, 0) AS joined
FROM counts AS c
LEFT JOIN dropped AS d USING (month, icb_code)
LEFT JOIN joined AS j USING (month, icb_code)
"""

# table -> the SELECT it holds, in the order they are refreshed (a summary read by another comes first)
SUMMARIES: dict[str, str] = {
    "scope_month": SCOPE_MONTH_SQL,
    "practice_run": PRACTICE_RUN_SQL,
    "practice_dropout": PRACTICE_DROPOUT_SQL,
    "icb_month_coverage": ICB_MONTH_COVERAGE_SQL,
    "impact_window": IMPACT_WINDOW_SQL,
}


def refresh_summaries(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every summary table (schema.sql) from the tables it summarises: after writing practice_month,
    list_size or practice (a load, inside its transaction, after refresh_patients; a test's fixture written by
    hand)."""
    for table, select in SUMMARIES.items():
        # `table` and `select` are the fixed strings above, never input
        con.execute(f"DELETE FROM {table}")  # noqa: S608
        con.execute(f"INSERT INTO {table} BY NAME {select}")  # noqa: S608


def fill_summaries(con: duckdb.DuckDBPyConnection) -> None:
    """A database written before the summary tables gains them at its next writable open: ensure_schema creates
    them (schema.sql) and, after the macros their SELECTs call, has them filled here, in one transaction."""
    with transaction(con):
        refresh_summaries(con)


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the database's own main schema holds `table`."""
    row = con.execute(HAS_TABLE_SQL, {"table": table}).fetchone()
    return bool(row and row[0])


HAS_TABLE_SQL = """SELECT count(*) FROM duckdb_tables() WHERE table_name = $table
AND database_name = current_database() AND schema_name = 'main'"""


def missing_summaries(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The summary tables the database lacks (written before they existed)."""
    return tuple(table for table in SUMMARIES if not has_table(con, table))
