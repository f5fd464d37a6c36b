-- description: What data is loaded: months held, when last loaded, whether it is the synthetic demo
-- grain: one row
-- parameters: (none)
-- source: practice_month, load_log, dataset
-- identities: none
WITH months AS (
    SELECT min(month) AS first_month, max(month) AS last_month, list(DISTINCT month ORDER BY month) AS months
    FROM practice_month
),
loads AS (
    SELECT max(loaded_at) AS last_loaded FROM load_log
),
final AS (
    SELECT m.first_month, m.last_month, m.months, l.last_loaded,
           EXISTS (SELECT 1 FROM dataset WHERE key = 'synthetic_demo' AND value = 'yes') AS synthetic_demo
    FROM months AS m, loads AS l
)
SELECT * FROM final
