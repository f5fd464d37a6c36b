-- description: Monthly appointment measures for the scope (feeds SPC charts and trends)
-- grain: one row per month
-- parameters: $region, $icb, $date_from, $date_to
-- source: scope_month (practice_month, list_size)
-- identities: none
-- Rates per 1,000 patients use each practice's latest list size on or before the month (or its earliest after,
-- for months before the first list-size extract: practice_months_with_patients); practices with no list size are
-- left out of that rate only. Read from the summary scope_month (the scope's practice_month sums per month,
-- stored at load: gpaccess/store/summaries.py). Booked within 2 weeks: Same Day to 8 to 14 days, of appointments with a known
-- interval; GP share: HCP type GP, of appointments with a known staff type (NHS England's definitions; NULL on a
-- database loaded before these columns existed, until its next load).
WITH final AS (
    SELECT
        month,
        practices,
        appointments,
        100.0 * face_to_face / nullif(appointments, 0) AS face_to_face_pct,
        100.0 * telephone / nullif(appointments, 0) AS telephone_pct,
        100.0 * video_online / nullif(appointments, 0) AS video_online_pct,
        100.0 * home_visit / nullif(appointments, 0) AS home_visit_pct,
        100.0 * unknown_mode / nullif(appointments, 0) AS unknown_mode_pct,
        100.0 * dna / nullif(appointments, 0) AS dna_pct,
        100.0 * same_day / nullif(appointments, 0) AS same_day_pct,
        100.0 * within_2_weeks / nullif(appointments - unknown_band, 0) AS within_2_weeks_pct,
        100.0 * gp / nullif(gp + other_staff, 0) AS gp_pct,
        1000.0 * appointments_with_patients / nullif(patients, 0) AS appointments_per_1000
    FROM scope_months($region, $icb, $date_from, $date_to)
)
SELECT * FROM final ORDER BY month
