-- description: Monthly appointment counts for the scope: total, by mode, DNA and same-day (headline and mode mix)
-- grain: one row per month
-- parameters: $region, $icb, $date_from, $date_to
-- source: scope_month (practice_month)
-- identities: none
-- From the summary scope_month: the scope's practice_month sums per month, stored at load
-- (gpaccess/store/summaries.py).
WITH final AS (
    SELECT
        month, practices, appointments, face_to_face, telephone, video_online, home_visit, unknown_mode,
        attended, dna, unknown_status, same_day, unknown_band
    FROM scope_months($region, $icb, $date_from, $date_to)
)
SELECT * FROM final ORDER BY month
