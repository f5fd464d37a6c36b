-- description: Whether programme data (the tracker's enrolments) is loaded for the scope's practices
-- grain: one row
-- parameters: $region, $icb
-- source: enrolment, practice
-- identities: none
-- No enrolment of any programme for a practice in the scope: pages and `figures` say "No programme data
-- loaded" rather than show zeros.
WITH scoped AS (
    SELECT * FROM enrolments_in_scope($region, $icb, NULL)
),
final AS (
    SELECT count(*) AS enrolments, count(DISTINCT practice_code) AS practices FROM scoped
)
SELECT * FROM final
