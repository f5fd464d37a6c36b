-- description: GPIP headline: practices benefited (universal included) against the programme target
-- grain: one row for the scope
-- parameters: $region, $icb
-- source: enrolment, programme, practice
-- identities: none
-- Benefited = started and not withdrawn, any level. Hands-on = intermediate or intensive level.
WITH scoped AS (
    SELECT * FROM enrolments_in_scope($region, $icb, 'GPIP')
),
benefited AS (
    SELECT * FROM scoped WHERE status <> 'withdrawn' AND started_date IS NOT NULL
),
final AS (
    SELECT
        (SELECT count(DISTINCT practice_code) FROM benefited) AS practices_benefited,
        (SELECT count(DISTINCT practice_code) FROM benefited WHERE level <> 'universal') AS practices_hands_on,
        (SELECT count(DISTINCT practice_code) FROM benefited WHERE level = 'universal'
            AND practice_code NOT IN (SELECT practice_code FROM benefited WHERE level <> 'universal'))
            AS practices_universal_only,
        (SELECT count(DISTINCT practice_code) FROM benefited WHERE status IN ('active', 'enrolled'))
            AS practices_in_support_now,
        (SELECT target_practices FROM programme WHERE programme = 'GPIP') AS target_practices,
        ($region IS NULL AND $icb IS NULL) AS target_applies
)
SELECT * FROM final
