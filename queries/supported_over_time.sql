-- description: Cumulative practices supported by programme, by month of first support
-- grain: one row per programme and month (months with a start only)
-- parameters: $region, $icb
-- source: enrolment, practice
-- identities: none
WITH scoped AS (
    SELECT programme, practice_code, min(started_date) AS first_started
    FROM enrolments_in_scope($region, $icb, NULL)
    WHERE status <> 'withdrawn' AND started_date IS NOT NULL
    GROUP BY programme, practice_code
),
monthly AS (
    SELECT programme, date_trunc('month', first_started)::DATE AS month, count(*) AS started
    FROM scoped
    GROUP BY ALL
),
final AS (
    SELECT programme, month, started,
           sum(started) OVER (PARTITION BY programme ORDER BY month) AS cumulative_practices
    FROM monthly
)
SELECT * FROM final ORDER BY programme, month
