-- description: Productivity gains by region: practices assessed (n) and practices with gains, per programme
-- grain: one row per programme and region in scope
-- parameters: $region, $icb, $programme
-- source: enrolment, practice, programme, region
-- identities: none
-- Assessed as in gains_by_phase. A practice assessed in more than one phase of a programme counts once, with
-- gains if any of its phases had gains. Regions with no practice assessed have assessed = 0.
WITH assessed AS (
    SELECT e.programme, e.practice_code, p.region_code, bool_or(e.productivity_gain) AS gained
    FROM enrolment AS e
    JOIN practice AS p USING (practice_code)
    WHERE e.status <> 'withdrawn' AND e.started_date IS NOT NULL AND e.productivity_gain IS NOT NULL
      AND ($icb IS NULL OR p.icb_code = $icb)
    GROUP BY ALL
),
counts AS (
    SELECT programme, region_code, count(*) AS assessed, count(*) FILTER (WHERE gained) AS with_gains
    FROM assessed
    GROUP BY ALL
),
final AS (
    SELECT
        g.programme, r.region_code, r.region_name,
        coalesce(c.assessed, 0) AS assessed,
        coalesce(c.with_gains, 0) AS with_gains
    FROM region AS r
    CROSS JOIN programme AS g
    LEFT JOIN counts AS c ON c.region_code = r.region_code AND c.programme = g.programme
    WHERE ($region IS NULL OR r.region_code = $region)
      AND ($programme IS NULL OR g.programme = $programme)
)
SELECT * FROM final ORDER BY programme, region_name
