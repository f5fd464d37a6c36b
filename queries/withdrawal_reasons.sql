-- description: Why practices withdrew: practices withdrawn by programme and reason
-- grain: one row per programme and withdrawal reason
-- parameters: $region, $icb, $programme
-- source: enrolment, practice
-- identities: none
-- A practice that withdrew from two phases of a programme for the same reason counts once for that reason.
-- A blank reason shows as 'not recorded'.
WITH scoped AS (
    SELECT e.*
    FROM enrolment AS e
    JOIN practice AS p USING (practice_code)
    WHERE e.status = 'withdrawn'
      AND ($region IS NULL OR p.region_code = $region)
      AND ($icb IS NULL OR p.icb_code = $icb)
      AND ($programme IS NULL OR e.programme = $programme)
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
