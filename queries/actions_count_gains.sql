-- description: Practices with productivity gains by the number of high impact actions adopted: practices assessed (n) and with gains
-- grain: one row per programme and number of actions adopted (0 to 10) with at least one practice assessed
-- parameters: $region, $icb, $programme, $phase
-- source: enrolment, action_adopted, practice
-- identities: none
-- Assessed and adopter as in actions_by_programme (a practice counts once per programme; an action adopted in
-- several of its assessed phases counts once): store macros assessed_practices and adopted_actions.
WITH actions_per_practice AS (
    SELECT programme, practice_code, count(*) AS actions
    FROM adopted_actions($region, $icb, $programme, $phase)
    GROUP BY programme, practice_code
),
final AS (
    SELECT s.programme, coalesce(d.actions, 0) AS actions_adopted,
           count(*) AS assessed, count(*) FILTER (WHERE s.gained) AS with_gains
    FROM assessed_practices($region, $icb, $programme, $phase) AS s
    LEFT JOIN actions_per_practice AS d USING (programme, practice_code)
    GROUP BY ALL
)
SELECT * FROM final ORDER BY programme, actions_adopted
