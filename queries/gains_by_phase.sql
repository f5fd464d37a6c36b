-- description: Productivity gains by phase: practices assessed (n) and practices with gains, per phase and level
-- grain: one row per programme, phase and level with at least one practice assessed
-- parameters: $region, $icb, $programme
-- source: enrolment, programme_phase, practice
-- identities: none
-- Assessed = support started, not withdrawn, and productivity_gain recorded (yes or no). The share with gains and
-- the small-number rule (fewer than 5 assessed) are applied by gpaccess.charts.gains, not here.
WITH scoped AS (
    SELECT *
    FROM enrolments_in_scope($region, $icb, $programme)
    WHERE status <> 'withdrawn' AND started_date IS NOT NULL AND productivity_gain IS NOT NULL
),
counts AS (
    SELECT
        programme, phase, level,
        count(DISTINCT practice_code) AS assessed,
        count(DISTINCT practice_code) FILTER (WHERE productivity_gain) AS with_gains
    FROM scoped
    GROUP BY programme, phase, level
),
final AS (
    SELECT c.programme, c.phase, c.level, ph.start_date, c.assessed, c.with_gains
    FROM counts AS c
    JOIN programme_phase AS ph USING (programme, phase, level)
)
SELECT * FROM final
ORDER BY programme, start_date, phase, CASE level WHEN 'universal' THEN 1 WHEN 'intermediate' THEN 2 ELSE 3 END
