-- description: Appointments in the scope's latest month (up to the period's end), and a year earlier; booked within
-- 2 weeks (of a known interval) and GP share (of a known staff type) in the latest month
-- grain: one row for the scope (NULLs if no appointment data)
-- parameters: $region, $icb, $date_to
-- source: practice_month
-- identities: none
WITH scoped AS (
    SELECT * FROM practice_months_in_scope($region, $icb, NULL, $date_to)
),
latest AS (
    SELECT max(month) AS month FROM scoped
),
final AS (
    SELECT
        l.month AS latest_month,
        sum(s.appointments) FILTER (WHERE s.month = l.month)::BIGINT AS total,
        sum(s.face_to_face) FILTER (WHERE s.month = l.month)::BIGINT AS face_to_face,
        100.0 * sum(s.face_to_face) FILTER (WHERE s.month = l.month)
            / nullif(sum(s.appointments) FILTER (WHERE s.month = l.month), 0) AS face_to_face_pct,
        count(DISTINCT s.practice_code) FILTER (WHERE s.month = l.month) AS practices,
        100.0 * sum(s.within_2_weeks) FILTER (WHERE s.month = l.month)
            / nullif(sum(s.appointments - s.unknown_band) FILTER (WHERE s.month = l.month), 0)
            AS within_2_weeks_pct,
        100.0 * sum(s.gp) FILTER (WHERE s.month = l.month)
            / nullif(sum(s.gp + s.other_staff) FILTER (WHERE s.month = l.month), 0) AS gp_pct,
        100.0 * sum(s.face_to_face) FILTER (WHERE s.month = l.month - INTERVAL 1 YEAR)
            / nullif(sum(s.appointments) FILTER (WHERE s.month = l.month - INTERVAL 1 YEAR), 0)
            AS face_to_face_pct_year_before
    FROM latest AS l
    LEFT JOIN scoped AS s ON s.month IN (l.month, l.month - INTERVAL 1 YEAR)
    GROUP BY l.month
)
SELECT * FROM final
