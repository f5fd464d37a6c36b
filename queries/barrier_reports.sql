-- description: The participation barriers ICBs reported, one line per report, in the period
-- grain: one row per ICB, reported date, programme and barrier
-- parameters: $region, $icb, $programme, $date_from, $date_to
-- source: barrier, icb
-- identities: none
-- The period is by reported_date, as in barriers_by_kind. ICBs are organisations and are named.
WITH scoped AS (
    SELECT b.*, i.icb_name
    FROM barrier AS b
    JOIN icb AS i USING (icb_code)
    WHERE ($region IS NULL OR i.region_code = $region)
      AND ($icb IS NULL OR b.icb_code = $icb)
      AND ($programme IS NULL OR b.programme = $programme)
      AND ($date_from IS NULL OR b.reported_date >= date_trunc('month', $date_from::DATE))
      AND ($date_to IS NULL OR b.reported_date < date_trunc('month', $date_to::DATE) + INTERVAL 1 MONTH)
),
final AS (
    SELECT icb_code, icb_name, reported_date, programme, barrier, practices_affected, detail
    FROM scoped
)
SELECT * FROM final ORDER BY icb_name, reported_date, programme, barrier
