-- description: Support identification, named: the ICB's practices in its lowest 20% on a measure (OFFICIAL-SENSITIVE)
-- grain: one row per practice in the lowest 20% of the ICB
-- parameters: $region, $icb, $measure, $window_from, $window_to
-- source: practice_month, list_size, enrolment, practice
-- identities: practice
-- Runs only for a viewer authorised for $icb (gpaccess.db.run refuses anyone else); $icb must be set.
-- The ranking, the lowest 20% and "in a programme" are the store macro support_ranking
-- (gpaccess/store/macros.sql; docs/roles.md, "Support identification"). value is rounded to one decimal place.
WITH ranked AS (
    SELECT * FROM support_ranking($region, $icb, $measure, $window_from, $window_to)
),
final AS (
    SELECT
        r.rank_in_icb,
        r.practice_code,
        p.practice_name,
        round(r.value, 1) AS value,
        r.practices_ranked,
        r.in_accelerate,
        r.in_gpip
    FROM ranked AS r
    JOIN practice AS p USING (practice_code)
    WHERE r.lowest AND $icb IS NOT NULL AND r.icb_code = $icb
)
SELECT * FROM final ORDER BY rank_in_icb
