-- description: Practices in support now, by programme: started and active, or signed up and not yet started
-- grain: one row per programme
-- parameters: $region, $icb
-- source: enrolment, practice, programme
-- identities: none
WITH scoped AS (
    SELECT * FROM enrolments_in_scope($region, $icb, NULL)
),
final AS (
    SELECT
        g.programme,
        count(DISTINCT s.practice_code) FILTER (WHERE s.status = 'active') AS active,
        count(DISTINCT s.practice_code) FILTER (WHERE s.status = 'enrolled') AS signed_up_not_started
    FROM programme AS g
    LEFT JOIN scoped AS s USING (programme)
    GROUP BY g.programme
)
SELECT * FROM final ORDER BY programme
