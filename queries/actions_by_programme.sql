-- description: The ten high impact actions per programme: practices assessed (n), adopters, and practices with productivity gains among adopters and non-adopters
-- grain: one row per programme and high impact action (programmes in scope with at least one practice assessed)
-- parameters: $region, $icb, $programme, $phase
-- source: enrolment, action_adopted, high_impact_action, practice
-- identities: none
-- Assessed = support started, not withdrawn, productivity_gain recorded (as in gains_by_phase), in the phase
-- chosen ($phase NULL = all phases). A practice counts once per programme: with gains if any of its assessed
-- phases had gains, an adopter of an action if it adopted it in any of its assessed phases (store macro
-- assessed_action_grid). Shares and the small-number rule are applied by gpaccess.charts.actions, not here.
WITH final AS (
    SELECT
        programme, action_number, action_name,
        count(*) AS assessed,
        count(*) FILTER (WHERE gained) AS with_gains,
        count(*) FILTER (WHERE adopter) AS adopters,
        count(*) FILTER (WHERE adopter AND gained) AS adopters_with_gains,
        count(*) FILTER (WHERE NOT adopter) AS non_adopters,
        count(*) FILTER (WHERE NOT adopter AND gained) AS non_adopters_with_gains
    FROM assessed_action_grid($region, $icb, $programme, $phase)
    GROUP BY programme, action_number, action_name
)
SELECT * FROM final ORDER BY programme, action_number
