-- description: The ten high impact actions per programme: practices assessed (n), adopters, and practices with productivity gains among adopters and non-adopters
-- grain: one row per programme and high impact action (programmes in scope with at least one practice assessed)
-- parameters: $region, $icb, $programme, $phase
-- source: enrolment, action_adopted, high_impact_action, practice
-- identities: none
-- Assessed = support started, not withdrawn, productivity_gain recorded (as in gains_by_phase), in the phase
-- chosen ($phase NULL = all phases). A practice counts once per programme: with gains if any of its assessed
-- phases had gains, an adopter of an action if it adopted it in any of its assessed phases. Shares and the
-- small-number rule are applied by gpaccess.charts.actions, not here.
WITH assessed_enrolment AS (
    SELECT programme, phase, practice_code, productivity_gain
    FROM enrolments_in_scope($region, $icb, $programme)
    WHERE status <> 'withdrawn' AND started_date IS NOT NULL AND productivity_gain IS NOT NULL
      AND ($phase IS NULL OR phase = $phase)
),
assessed AS (
    SELECT programme, practice_code, bool_or(productivity_gain) AS gained
    FROM assessed_enrolment
    GROUP BY programme, practice_code
),
adopted AS (
    SELECT DISTINCT a.programme, a.practice_code, a.action_number
    FROM action_adopted AS a
    JOIN assessed_enrolment AS e USING (programme, phase, practice_code)
),
grid AS (
    SELECT s.programme, s.practice_code, s.gained, h.action_number, h.action_name,
           d.action_number IS NOT NULL AS adopter
    FROM assessed AS s
    CROSS JOIN high_impact_action AS h
    LEFT JOIN adopted AS d
      ON d.programme = s.programme AND d.practice_code = s.practice_code AND d.action_number = h.action_number
),
final AS (
    SELECT
        programme, action_number, action_name,
        count(*) AS assessed,
        count(*) FILTER (WHERE gained) AS with_gains,
        count(*) FILTER (WHERE adopter) AS adopters,
        count(*) FILTER (WHERE adopter AND gained) AS adopters_with_gains,
        count(*) FILTER (WHERE NOT adopter) AS non_adopters,
        count(*) FILTER (WHERE NOT adopter AND gained) AS non_adopters_with_gains
    FROM grid
    GROUP BY programme, action_number, action_name
)
SELECT * FROM final ORDER BY programme, action_number
