-- description: Monthly appointment measures for the scope (feeds SPC charts and trends)
-- grain: one row per month
-- parameters: $region, $icb, $date_from, $date_to
-- source: practice_month, list_size
-- identities: none
-- Rates per 1,000 patients use each practice's latest list size on or before the month (or its earliest after,
-- for months before the first list-size extract); practices with no list size are left out of that rate only.
WITH scoped AS (
    SELECT *
    FROM practice_month
    WHERE ($region IS NULL OR region_code = $region)
      AND ($icb IS NULL OR icb_code = $icb)
      AND ($date_from IS NULL OR month >= $date_from)
      AND ($date_to IS NULL OR month <= $date_to)
),
earliest_list AS (  -- a practice's first list size: for months before its first extract
    SELECT practice_code, arg_min(patients, extract_date) AS patients
    FROM list_size
    GROUP BY practice_code
),
with_list AS (
    SELECT s.month, s.appointments, coalesce(before.patients, earliest.patients) AS patients
    FROM scoped AS s
    ASOF LEFT JOIN list_size AS before
        ON before.practice_code = s.practice_code AND before.extract_date <= s.month
    LEFT JOIN earliest_list AS earliest ON earliest.practice_code = s.practice_code
),
rates AS (
    SELECT month,
           1000.0 * sum(appointments) FILTER (WHERE patients IS NOT NULL) / nullif(sum(patients), 0)
               AS appointments_per_1000
    FROM with_list
    GROUP BY month
),
totals AS (
    SELECT
        month,
        count(DISTINCT practice_code) AS practices,
        sum(appointments) AS appointments,
        100.0 * sum(face_to_face) / nullif(sum(appointments), 0) AS face_to_face_pct,
        100.0 * sum(telephone) / nullif(sum(appointments), 0) AS telephone_pct,
        100.0 * sum(video_online) / nullif(sum(appointments), 0) AS video_online_pct,
        100.0 * sum(home_visit) / nullif(sum(appointments), 0) AS home_visit_pct,
        100.0 * sum(unknown_mode) / nullif(sum(appointments), 0) AS unknown_mode_pct,
        100.0 * sum(dna) / nullif(sum(appointments), 0) AS dna_pct,
        100.0 * sum(same_day) / nullif(sum(appointments), 0) AS same_day_pct,
        100.0 * sum(gp) / nullif(sum(appointments), 0) AS gp_pct
    FROM scoped
    GROUP BY month
),
final AS (
    SELECT t.*, r.appointments_per_1000
    FROM totals AS t
    LEFT JOIN rates AS r USING (month)
)
SELECT * FROM final ORDER BY month
