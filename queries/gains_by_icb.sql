-- description: Productivity gains by ICB: practices assessed (n) and practices with gains, per programme
-- grain: one row per programme and ICB in scope
-- parameters: $region, $icb, $programme
-- source: enrolment, practice, programme, icb
-- identities: none
-- Assessed as in gains_by_phase; a practice counts once per programme, as in gains_by_region. ICBs with no
-- practice assessed have assessed = 0.
WITH assessed AS (
    SELECT e.programme, e.practice_code, p.icb_code, bool_or(e.productivity_gain) AS gained
    FROM enrolment AS e
    JOIN practice AS p USING (practice_code)
    WHERE e.status <> 'withdrawn' AND e.started_date IS NOT NULL AND e.productivity_gain IS NOT NULL
    GROUP BY ALL
),
counts AS (
    SELECT programme, icb_code, count(*) AS assessed, count(*) FILTER (WHERE gained) AS with_gains
    FROM assessed
    GROUP BY ALL
),
final AS (
    SELECT
        g.programme, i.icb_code, i.icb_name, i.region_code,
        coalesce(c.assessed, 0) AS assessed,
        coalesce(c.with_gains, 0) AS with_gains
    FROM icb AS i
    CROSS JOIN programme AS g
    LEFT JOIN counts AS c ON c.icb_code = i.icb_code AND c.programme = g.programme
    WHERE ($region IS NULL OR i.region_code = $region)
      AND ($icb IS NULL OR i.icb_code = $icb)
      AND ($programme IS NULL OR g.programme = $programme)
)
SELECT * FROM final ORDER BY programme, icb_name
