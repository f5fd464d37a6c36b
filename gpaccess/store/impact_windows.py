"""The impact panel's before and after windows, stored per practice and possible support start month
(the summary table impact_window, gpaccess.store.summaries), so that queries/impact_panel.sql matches on a scan of
it instead of averaging each practice's months around each start month at every view (#19).

The windows are the method's (gpaccess.impact.Design takes them from here): the PRE_MONTHS months before the
start month, and POST_MONTHS months from POST_GAP months after it. For each practice with appointment data and
each month S from (first month held - POST_GAP - POST_MONTHS + 1) to (last month held + PRE_MONTHS), the months
whose windows can hold data, one row when either window holds a practice-month:

- the share measures (face_to_face, same_day, dna): the mean over the window's practice-month rows of 100 x the
  measure's appointments / appointments (a row without appointments has no share), and the rows with a share
  (`_pre_n`, `_post_n`);
- per_1000: the mean of 1000 x the month's appointments / the list size at S, and its rows (none without a list
  size at S);
- patients: the list size at S: the practice's extract of that date, else its nearest extract (the earlier on a
  tie: the latest on or before S against the earliest after it).

Every practice-month of the practice counts, whichever ICB or region it was recorded under. A window's sums add
its months one by one (lag and lead over a grid of every month), not a running total less another.
"""

from __future__ import annotations

PRE_MONTHS = 6
POST_GAP = 6
POST_MONTHS = 6
SHARE_MEASURES = ("face_to_face", "same_day", "dna")
# per practice-month: rows, appointments, rows with appointments (those with a share), each share summed
SUMMED = ("rows_held", "appointments", "rows_with_share", *(f"{m}_sum" for m in SHARE_MEASURES))


def _window_sums() -> str:
    """Each SUMMED column over the before window (`_pre`) and the after window (`_post`) of the row's month."""
    before = range(1, PRE_MONTHS + 1)
    after = range(POST_GAP, POST_GAP + POST_MONTHS)
    return ",\n".join(
        f"           {' + '.join(f'lag({c}, {k}, 0) OVER grid' for k in before)} AS {c}_pre,\n"
        f"           {' + '.join(f'lead({c}, {k}, 0) OVER grid' for k in after)} AS {c}_post"
        for c in SUMMED
    )


def _means() -> str:
    shares = ",\n".join(
        f"       w.{m}_sum_pre / nullif(w.rows_with_share_pre, 0) AS {m}_pre,"
        f" w.rows_with_share_pre AS {m}_pre_n,\n"
        f"       w.{m}_sum_post / nullif(w.rows_with_share_post, 0) AS {m}_post,"
        f" w.rows_with_share_post AS {m}_post_n"
        for m in SHARE_MEASURES
    )
    rates = ",\n".join(
        f"       1000.0 * w.appointments_{w} / nullif(w.patients, 0) / nullif(w.rows_held_{w}, 0) AS per_1000_{w},\n"
        f"       CASE WHEN nullif(w.patients, 0) IS NULL THEN 0 ELSE w.rows_held_{w} END AS per_1000_{w}_n"
        for w in ("pre", "post")
    )
    return f"{shares},\n{rates}"


# Composed of the constants and column names above only (no value from input).
IMPACT_WINDOW_SQL = f"""
WITH bounds AS (
    SELECT min(month) AS first_held, max(month) AS last_held FROM practice_month
),
starts AS (
    SELECT unnest(generate_series(first_held - INTERVAL {POST_GAP + POST_MONTHS - 1} MONTH,
                                  last_held + INTERVAL {PRE_MONTHS} MONTH, INTERVAL 1 MONTH))::DATE AS month
    FROM bounds
),
per_month AS (  -- a practice-month's rows: one, or one per ICB it was recorded under
    SELECT practice_code, month, count(*) AS rows_held, sum(appointments) AS appointments,
           count(nullif(appointments, 0)) AS rows_with_share,
           {", ".join(f"sum(100.0 * {m} / nullif(appointments, 0)) AS {m}_sum" for m in SHARE_MEASURES)}
    FROM practice_month
    GROUP BY practice_code, month
),
grid AS (  -- every practice with data, every month: N rows before or after a row are N calendar months; with
           -- the practice's list-size extract of that month, if any (list sizes are published monthly)
    SELECT p.practice_code, s.month, l.patients AS extract_patients,
           {", ".join(f"coalesce(m.{c}, 0) AS {c}" for c in SUMMED)}
    FROM (SELECT DISTINCT practice_code FROM practice_month) AS p
    CROSS JOIN starts AS s
    LEFT JOIN per_month AS m USING (practice_code, month)
    LEFT JOIN list_size AS l ON l.practice_code = p.practice_code AND l.extract_date = s.month
),
windowed AS (
    SELECT practice_code, month AS start_month, extract_patients,
{_window_sums()}
    FROM grid
    WINDOW grid AS (PARTITION BY practice_code ORDER BY month)
),
held AS (
    SELECT * FROM windowed WHERE rows_held_pre > 0 OR rows_held_post > 0
),
nearest AS (  -- without an extract that month: the nearest, the earlier on a tie (months before the first or
              -- after the last extract)
    SELECT h.practice_code, h.start_month,
           CASE WHEN later.extract_date IS NULL
                  OR date_diff('day', earlier.extract_date, h.start_month)
                     <= date_diff('day', h.start_month, later.extract_date)
                THEN earlier.patients ELSE later.patients END AS patients
    FROM (SELECT practice_code, start_month FROM held WHERE extract_patients IS NULL) AS h
    ASOF LEFT JOIN list_size AS earlier
        ON earlier.practice_code = h.practice_code AND earlier.extract_date <= h.start_month
    ASOF LEFT JOIN list_size AS later
        ON later.practice_code = h.practice_code AND later.extract_date >= h.start_month
),
sized AS (  -- the list size at the start month
    SELECT w.*, coalesce(w.extract_patients, n.patients) AS patients
    FROM held AS w
    LEFT JOIN nearest AS n USING (practice_code, start_month)
)
SELECT w.practice_code, w.start_month, w.patients,
{_means()}
FROM sized AS w
ORDER BY w.start_month  -- stored in this order: a query for some start months reads only theirs
"""  # noqa: S608
