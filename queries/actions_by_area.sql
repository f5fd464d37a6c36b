-- description: Adoption of each high impact action by region and by ICB: practices assessed (n) and adopters
-- grain: one row per area kind (region, ICB), area, programme and high impact action, for areas with at least one practice assessed
-- parameters: $region, $icb, $programme, $phase
-- source: enrolment, action_adopted, high_impact_action, practice, region, icb
-- identities: none
-- Assessed and adopter as in actions_by_programme (a practice counts once per programme).
WITH assessed_enrolment AS (
    SELECT e.programme, e.phase, e.practice_code, p.region_code, p.icb_code
    FROM enrolment AS e
    JOIN practice AS p USING (practice_code)
    WHERE e.status <> 'withdrawn' AND e.started_date IS NOT NULL AND e.productivity_gain IS NOT NULL
      AND ($region IS NULL OR p.region_code = $region)
      AND ($icb IS NULL OR p.icb_code = $icb)
      AND ($programme IS NULL OR e.programme = $programme)
      AND ($phase IS NULL OR e.phase = $phase)
),
assessed AS (
    SELECT DISTINCT programme, practice_code, region_code, icb_code
    FROM assessed_enrolment
),
adopted AS (
    SELECT DISTINCT a.programme, a.practice_code, a.action_number
    FROM action_adopted AS a
    JOIN assessed_enrolment AS e USING (programme, phase, practice_code)
),
grid AS (
    SELECT s.programme, s.region_code, s.icb_code, h.action_number, h.action_name,
           d.action_number IS NOT NULL AS adopter
    FROM assessed AS s
    CROSS JOIN high_impact_action AS h
    LEFT JOIN adopted AS d
      ON d.programme = s.programme AND d.practice_code = s.practice_code AND d.action_number = h.action_number
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
