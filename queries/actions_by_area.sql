-- description: Adoption of each high impact action by region and by ICB: practices assessed (n) and adopters
-- grain: one row per area kind (region, ICB), area, programme and high impact action, for areas with at least one practice assessed
-- parameters: $region, $icb, $programme, $phase
-- source: enrolment, action_adopted, high_impact_action, practice, region, icb
-- identities: none
-- Assessed and adopter as in actions_by_programme (a practice counts once per programme; store macro
-- assessed_action_grid), by the practice's region and ICB.
WITH grid AS (
    SELECT g.*, p.region_code, p.icb_code
    FROM assessed_action_grid($region, $icb, $programme, $phase) AS g
    JOIN practice AS p USING (practice_code)
),
by_region AS (
    SELECT 'region' AS area_kind, g.region_code AS area_code, r.region_name AS area_name,
           g.programme, g.action_number, g.action_name,
           count(*) AS assessed, count(*) FILTER (WHERE g.adopter) AS adopters
    FROM grid AS g
    JOIN region AS r USING (region_code)
    GROUP BY ALL
),
by_icb AS (
    SELECT 'icb' AS area_kind, g.icb_code AS area_code, i.icb_name AS area_name,
           g.programme, g.action_number, g.action_name,
           count(*) AS assessed, count(*) FILTER (WHERE g.adopter) AS adopters
    FROM grid AS g
    JOIN icb AS i USING (icb_code)
    GROUP BY ALL
),
final AS (
    SELECT * FROM by_region
    UNION ALL
    SELECT * FROM by_icb
)
SELECT * FROM final ORDER BY area_kind DESC, programme, area_name, action_number
