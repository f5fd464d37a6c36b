-- description: Accelerate headline: practices supported, share extending beyond the core weeks, share with gains
-- grain: one row for the scope
-- parameters: $region, $icb
-- source: enrolment, programme_phase, practice
-- identities: none
-- Supported = started and not withdrawn. Phases 1-3 are the first three Accelerate phases by start date.
WITH scoped AS (
    SELECT * FROM enrolments_in_scope($region, $icb, 'Accelerate')
),
phase_order AS (
    SELECT phase, dense_rank() OVER (ORDER BY min(start_date)) AS phase_number
    FROM programme_phase
    WHERE programme = 'Accelerate'
    GROUP BY phase
),
supported AS (
    SELECT s.*, o.phase_number
    FROM scoped AS s
    JOIN phase_order AS o USING (phase)
    WHERE s.status <> 'withdrawn' AND s.started_date IS NOT NULL
),
final AS (
    SELECT
        count(DISTINCT practice_code) AS practices_supported,
        count(DISTINCT practice_code) FILTER (WHERE status = 'extended') AS practices_extended,
        count(DISTINCT practice_code) FILTER (WHERE phase_number <= 3 AND productivity_gain IS NOT NULL)
            AS assessed_phases_1_3,
        count(DISTINCT practice_code) FILTER (WHERE phase_number <= 3 AND productivity_gain)
            AS gains_phases_1_3,
        count(DISTINCT practice_code) FILTER (WHERE productivity_gain IS NOT NULL) AS assessed_all,
        count(DISTINCT practice_code) FILTER (WHERE productivity_gain) AS gains_all,
        (SELECT count(*) FROM scoped WHERE status = 'withdrawn') AS withdrawn
    FROM supported
)
SELECT * FROM final
