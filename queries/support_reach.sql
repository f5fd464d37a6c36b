-- description: Support identification, counts only: per ICB, the lowest 20% on a measure and programme reach
-- grain: one row per ICB
-- parameters: $region, $icb, $measure, $window_from, $window_to
-- source: practice_month, list_size, enrolment, icb
-- identities: none
-- The ranking, the lowest 20% and "in a programme" are the store macro support_ranking
-- (gpaccess/store/macros.sql; docs/roles.md, "Support identification"). supported = ranked practices in a
-- programme, lowest or not.
WITH ranked AS (
    SELECT * FROM support_ranking($region, $icb, $measure, $window_from, $window_to)
),
final AS (
    SELECT
        r.icb_code,
        i.icb_name,
        count(*) AS practices_ranked,
        count(*) FILTER (WHERE r.lowest) AS lowest,
        count(*) FILTER (WHERE r.lowest AND r.in_accelerate) AS lowest_in_accelerate,
        count(*) FILTER (WHERE r.lowest AND r.in_gpip) AS lowest_in_gpip,
        count(*) FILTER (WHERE r.lowest AND r.in_either) AS lowest_in_either,
        count(*) FILTER (WHERE r.in_either) AS supported,
        count(*) FILTER (WHERE r.in_either AND NOT r.lowest) AS supported_not_lowest
    FROM ranked AS r
    JOIN icb AS i USING (icb_code)
    GROUP BY r.icb_code, i.icb_name
)
SELECT * FROM final ORDER BY icb_name
