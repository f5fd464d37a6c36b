-- description: The programmes with their dates and targets (used to re-base SPC limits at programme starts)
-- grain: one row per programme
-- parameters: (none)
-- source: programme
-- identities: none
WITH final AS (
    SELECT programme, programme_name, start_date, end_date, target_practices
    FROM programme
)
SELECT * FROM final ORDER BY start_date
