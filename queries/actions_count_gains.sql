-- description: Practices with productivity gains by the number of high impact actions adopted: practices assessed (n) and with gains
-- grain: one row per programme and number of actions adopted (0 to 10) with at least one practice assessed
-- parameters: $region, $icb, $programme, $phase
-- source: enrolment, action_adopted, practice
-- identities: none
-- Assessed and adopter as in actions_by_programme (a practice counts once per programme; an action adopted in
-- several of its assessed phases counts once).
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
    SELECT a.programme, a.practice_code, count(DISTINCT a.action_number) AS actions
    FROM action_adopted AS a
    JOIN assessed_enrolment AS e USING (programme, phase, practice_code)
    GROUP BY a.programme, a.practice_code
),
final AS (
    SELECT s.programme, coalesce(d.actions, 0) AS actions_adopted,
           count(*) AS assessed, count(*) FILTER (WHERE s.gained) AS with_gains
    FROM assessed AS s
    LEFT JOIN adopted AS d USING (programme, practice_code)
    GROUP BY ALL
)
SELECT * FROM final ORDER BY programme, actions_adopted
