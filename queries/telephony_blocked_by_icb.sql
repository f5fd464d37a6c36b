-- description: GPIP eligibility: practices that wished to enrol but were blocked by the digital telephony criterion
-- grain: one row per ICB in scope
-- parameters: $region, $icb
-- source: eligibility, practice, icb, region
-- identities: none
-- Blocked = wished_to_enrol and not live with digital telephony on assessed_date (no live date at all counts as not
-- live; a live date with no assessed date counts as live). The eligibility sheet is a current snapshot, one row per
-- practice, so the period filter does not apply.
WITH scoped_icbs AS (
    SELECT i.icb_code, i.icb_name, i.region_code, r.region_name
    FROM icb AS i
    JOIN region AS r USING (region_code)
    WHERE ($region IS NULL OR i.region_code = $region)
      AND ($icb IS NULL OR i.icb_code = $icb)
),
assessed AS (
    SELECT
        p.icb_code,
        el.wished_to_enrol,
        el.digital_telephony_live_date IS NULL
            OR (el.assessed_date IS NOT NULL AND el.digital_telephony_live_date > el.assessed_date) AS not_live
    FROM eligibility AS el
    JOIN practice AS p USING (practice_code)
),
counts AS (
    SELECT
        icb_code,
        count(*) FILTER (WHERE wished_to_enrol) AS wished_to_enrol,
        count(*) FILTER (WHERE wished_to_enrol AND not_live) AS blocked
    FROM assessed
    GROUP BY icb_code
),
final AS (
    SELECT
        s.icb_code, s.icb_name, s.region_code, s.region_name,
        coalesce(c.wished_to_enrol, 0) AS wished_to_enrol,
        coalesce(c.blocked, 0) AS blocked
    FROM scoped_icbs AS s
    LEFT JOIN counts AS c USING (icb_code)
)
SELECT * FROM final ORDER BY icb_name
