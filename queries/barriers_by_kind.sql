-- description: Participation barriers ICBs reported: ICBs naming each barrier, by programme, in the period
-- grain: one row per programme and barrier
-- parameters: $region, $icb, $programme, $date_from, $date_to
-- source: barrier, icb
-- identities: none
-- The period is by reported_date: from the first day of $date_from's month to the last day of $date_to's month.
-- icbs_reporting_any = ICBs that reported at least one barrier for the programme (an ICB naming two barriers
-- counts once there, and once under each barrier).
WITH scoped AS (
    SELECT b.*
    FROM barrier AS b
    JOIN icb AS i USING (icb_code)
    WHERE ($region IS NULL OR i.region_code = $region)
      AND ($icb IS NULL OR b.icb_code = $icb)
      AND ($programme IS NULL OR b.programme = $programme)
      AND ($date_from IS NULL OR b.reported_date >= date_trunc('month', $date_from::DATE))
      AND ($date_to IS NULL OR b.reported_date < date_trunc('month', $date_to::DATE) + INTERVAL 1 MONTH)
),
per_barrier AS (
    SELECT
        programme, barrier,
        count(DISTINCT icb_code) AS icbs,
        count(*) AS reports,
        sum(practices_affected) AS practices_affected
    FROM scoped
    GROUP BY programme, barrier
),
per_programme AS (
    SELECT programme, count(DISTINCT icb_code) AS icbs_reporting_any
    FROM scoped
    GROUP BY programme
),
final AS (
    SELECT b.programme, b.barrier, b.icbs, b.reports, b.practices_affected, p.icbs_reporting_any
    FROM per_barrier AS b
    JOIN per_programme AS p USING (programme)
)
SELECT * FROM final ORDER BY programme, icbs DESC, barrier
