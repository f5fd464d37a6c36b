-- description: Regions and ICBs, for filters and labels (organisations, not practices)
-- grain: one row per ICB
-- parameters: (none)
-- source: icb, region
-- identities: none
WITH final AS (
    SELECT i.icb_code, i.icb_name, i.region_code, r.region_name
    FROM icb AS i
    JOIN region AS r USING (region_code)
)
SELECT * FROM final ORDER BY region_name, icb_name
