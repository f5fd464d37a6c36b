-- description: Why practices withdrew: practices withdrawn by programme and reason
-- grain: one row per programme and withdrawal reason
-- parameters: $region, $icb, $programme
-- source: enrolment, practice
-- identities: none
-- A practice that withdrew from two phases of a programme for the same reason counts once for that reason.
-- A blank reason shows as 'not recorded'.
WITH scoped AS (
    SELECT * FROM enrolments_in_scope($region, $icb, $programme) WHERE status = 'withdrawn'
),
final AS (
    SELECT
        programme,
        coalesce(withdrawal_reason, 'not recorded') AS withdrawal_reason,
        count(DISTINCT practice_code) AS practices
    FROM scoped
    GROUP BY ALL
)
SELECT * FROM final ORDER BY programme, practices DESC, withdrawal_reason
