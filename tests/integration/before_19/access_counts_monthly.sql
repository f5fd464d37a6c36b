-- description: Monthly appointment counts for the scope: total, by mode, DNA and same-day (headline and mode mix)
-- grain: one row per month
-- parameters: $region, $icb, $date_from, $date_to
-- source: practice_month
-- identities: none
WITH final AS (
    SELECT
        month,
        count(DISTINCT practice_code) AS practices,
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
        sum(unknown_band) AS unknown_band
    FROM practice_months_in_scope($region, $icb, $date_from, $date_to)
    GROUP BY month
)
SELECT * FROM final ORDER BY month
