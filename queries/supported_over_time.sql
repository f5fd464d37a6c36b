-- description: Cumulative practices supported by programme, by month of first support
-- grain: one row per programme and month (months with a start only)
-- parameters: $region, $icb
-- source: enrolment, practice
-- identities: none
WITH scoped AS (
    SELECT e.programme, e.practice_code, min(e.started_date) AS first_started
    FROM enrolment AS e
    JOIN practice AS p USING (practice_code)
    WHERE e.status <> 'withdrawn' AND e.started_date IS NOT NULL
      AND ($region IS NULL OR p.region_code = $region)
      AND ($icb IS NULL OR p.icb_code = $icb)
    GROUP BY e.programme, e.practice_code
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
