-- description: Hours released by the support: clinical and admin hours a month, totals and practices reporting
-- grain: one row per programme, phase and level with at least one practice reporting hours
-- parameters: $region, $icb, $programme
-- source: enrolment, programme_phase, practice
-- identities: none
-- Reporting = support started, not withdrawn, and clinical or admin hours recorded (a blank in the other counts
-- as 0). Mean per practice = total / practices_reporting; the small-number rule is applied in
-- gpaccess.charts.gains.
WITH scoped AS (
    SELECT *
    FROM enrolments_in_scope($region, $icb, $programme)
    WHERE status <> 'withdrawn' AND started_date IS NOT NULL
      AND (clinical_hours_released IS NOT NULL OR admin_hours_released IS NOT NULL)
),
totals AS (
    SELECT
        programme, phase, level,
        count(DISTINCT practice_code) AS practices_reporting,
        sum(coalesce(clinical_hours_released, 0)) AS clinical_hours,
        sum(coalesce(admin_hours_released, 0)) AS admin_hours
    FROM scoped
    GROUP BY programme, phase, level
),
final AS (
    SELECT t.programme, t.phase, t.level, ph.start_date, t.practices_reporting, t.clinical_hours, t.admin_hours
    FROM totals AS t
    JOIN programme_phase AS ph USING (programme, phase, level)
)
SELECT * FROM final
ORDER BY programme, start_date, phase, CASE level WHEN 'universal' THEN 1 WHEN 'intermediate' THEN 2 ELSE 3 END
