-- description: How the headline counts of practices reconcile: enrolments -> practices in the tracker -> in a
--   programme -> supported, by programme, and the supported practices assessed for productivity gains
-- grain: one row for the scope
-- parameters: $region, $icb, $programme
-- source: enrolment, practice
-- identities: none
-- Definitions (words in gpaccess/definitions.py, docs/definitions.md): an enrolment is a tracker row (programme,
-- phase or cohort, practice), any status. In a programme = a practice with an enrolment not withdrawn. Supported =
-- a practice with an enrolment whose support started (start date recorded) and not withdrawn (GPIP's "benefited":
-- any level, the universal offer included). Assessed = supported with productivity gains recorded (yes or no).
-- A practice counts once per programme in the per-programme columns, once in all the others.
WITH scoped AS (
    SELECT * FROM enrolments_in_scope($region, $icb, $programme)
),
per_programme AS (
    SELECT
        programme,
        practice_code,
        count(*) AS enrolments,
        bool_or(status <> 'withdrawn') AS in_programme,
        bool_or(status <> 'withdrawn' AND started_date IS NOT NULL) AS supported,
        bool_or(status <> 'withdrawn' AND started_date IS NOT NULL AND productivity_gain IS NOT NULL) AS assessed,
        bool_or(status <> 'withdrawn' AND started_date IS NOT NULL AND productivity_gain) AS gained
    FROM scoped
    GROUP BY programme, practice_code
),
per_practice AS (
    SELECT
        practice_code,
        count(*) AS programmes,
        bool_or(in_programme) AS in_programme,
        bool_or(supported) AS supported,
        count(*) FILTER (WHERE supported) AS programmes_supported
    FROM per_programme
    GROUP BY practice_code
),
by_programme AS (
    SELECT
        coalesce(sum(enrolments) FILTER (WHERE programme = 'Accelerate'), 0)::BIGINT AS enrolments_accelerate,
        coalesce(sum(enrolments) FILTER (WHERE programme = 'GPIP'), 0)::BIGINT AS enrolments_gpip,
        coalesce(sum(enrolments - 1), 0)::BIGINT AS repeat_enrolments,
        count(*) FILTER (WHERE programme = 'Accelerate' AND supported) AS supported_accelerate,
        count(*) FILTER (WHERE programme = 'GPIP' AND supported) AS supported_gpip,
        count(*) FILTER (WHERE programme = 'Accelerate' AND assessed) AS assessed_accelerate,
        count(*) FILTER (WHERE programme = 'GPIP' AND assessed) AS assessed_gpip,
        count(*) FILTER (WHERE programme = 'Accelerate' AND gained) AS gains_accelerate,
        count(*) FILTER (WHERE programme = 'GPIP' AND gained) AS gains_gpip
    FROM per_programme
),
by_practice AS (
    SELECT
        count(*) FILTER (WHERE programmes > 1) AS in_both_programmes,
        count(*) AS practices_in_tracker,
        count(*) FILTER (WHERE NOT in_programme) AS withdrew_from_all,
        count(*) FILTER (WHERE in_programme) AS in_a_programme,
        count(*) FILTER (WHERE in_programme AND NOT supported) AS signed_up_not_started,
        count(*) FILTER (WHERE supported) AS supported,
        count(*) FILTER (WHERE programmes_supported > 1) AS supported_in_both
    FROM per_practice
),
final AS (
    SELECT * FROM by_programme CROSS JOIN by_practice
)
SELECT * FROM final
