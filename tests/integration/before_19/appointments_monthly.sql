-- description: Monthly appointment measures for the scope (feeds SPC charts and trends)
-- grain: one row per month
-- parameters: $region, $icb, $date_from, $date_to
-- source: practice_month, list_size
-- identities: none
-- Rates per 1,000 patients use each practice's latest list size on or before the month (or its earliest after,
-- for months before the first list-size extract: practice_months_with_patients); practices with no list size are
-- left out of that rate only. Booked within 2 weeks: Same Day to 8 to 14 days, of appointments with a known
-- interval; GP share: HCP type GP, of appointments with a known staff type (NHS England's definitions; NULL on a
-- database loaded before these columns existed, until its next load).
WITH final AS (
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
        100.0 * sum(within_2_weeks) / nullif(sum(appointments) - sum(unknown_band), 0) AS within_2_weeks_pct,
        100.0 * sum(gp) / nullif(sum(gp) + sum(other_staff), 0) AS gp_pct,
        1000.0 * sum(appointments) FILTER (WHERE patients IS NOT NULL) / nullif(sum(patients), 0)
            AS appointments_per_1000
    FROM practice_months_with_patients($region, $icb, $date_from, $date_to)
    GROUP BY month
)
SELECT * FROM final ORDER BY month
