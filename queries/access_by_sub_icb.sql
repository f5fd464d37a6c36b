-- description: Access measures per sub-ICB location of one ICB over the period
-- grain: one row per sub-ICB location
-- parameters: $icb, $date_from, $date_to
-- source: practice_month, sub_icb
-- identities: none
-- Shares pool the period's appointments; definitions as in appointments_monthly.sql (booked within 2 weeks of a
-- known interval, GP share of a known staff type).
WITH scoped AS (
    SELECT * FROM practice_months_in_scope(NULL, $icb, $date_from, $date_to)
),
final AS (
    SELECT
        s.sub_icb_code,
        coalesce(any_value(b.sub_icb_name), s.sub_icb_code) AS sub_icb_name,
        count(DISTINCT s.practice_code) AS practices,
        sum(s.appointments)::BIGINT AS appointments,
        100.0 * sum(s.face_to_face) / nullif(sum(s.appointments), 0) AS face_to_face_pct,
        100.0 * sum(s.dna) / nullif(sum(s.appointments), 0) AS dna_pct,
        100.0 * sum(s.same_day) / nullif(sum(s.appointments), 0) AS same_day_pct,
        100.0 * sum(s.within_2_weeks) / nullif(sum(s.appointments) - sum(s.unknown_band), 0)
            AS within_2_weeks_pct,
        100.0 * sum(s.gp) / nullif(sum(s.gp) + sum(s.other_staff), 0) AS gp_pct
    FROM scoped AS s
    LEFT JOIN sub_icb AS b USING (sub_icb_code)
    GROUP BY s.sub_icb_code
)
SELECT * FROM final ORDER BY sub_icb_name
