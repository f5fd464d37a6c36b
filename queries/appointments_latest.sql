-- description: Appointments in the scope's latest month (up to the period's end), and a year earlier; booked within
-- 2 weeks (of a known interval) and GP share (of a known staff type) in the latest month
-- grain: one row for the scope (NULLs if no appointment data)
-- parameters: $region, $icb, $date_to
-- source: scope_month (practice_month)
-- identities: none
-- From the summary scope_month: the scope's practice_month sums per month, stored at load
-- (gpaccess/store/summaries.py).
WITH scoped AS (
    SELECT * FROM scope_months($region, $icb, NULL, $date_to)
),
latest AS (
    SELECT max(month) AS month FROM scoped
),
final AS (
    SELECT
        l.month AS latest_month,
        now.appointments::BIGINT AS total,
        now.face_to_face::BIGINT AS face_to_face,
        100.0 * now.face_to_face / nullif(now.appointments, 0) AS face_to_face_pct,
        coalesce(now.practices, 0) AS practices,
        100.0 * now.within_2_weeks / nullif(now.appointments - now.unknown_band, 0) AS within_2_weeks_pct,
        100.0 * now.gp / nullif(now.gp + now.other_staff, 0) AS gp_pct,
        100.0 * year_before.face_to_face / nullif(year_before.appointments, 0) AS face_to_face_pct_year_before
    FROM latest AS l
    LEFT JOIN scoped AS now ON now.month = l.month
    LEFT JOIN scoped AS year_before ON year_before.month = l.month - INTERVAL 1 YEAR
)
SELECT * FROM final
