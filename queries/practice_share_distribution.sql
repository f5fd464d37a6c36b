-- description: How practices' face-to-face share is spread in one month: practices per 5-point band, no labels
-- grain: one row per 5-percentage-point band of face-to-face share (bands with no practice included)
-- parameters: $region, $icb, $month
-- source: practice_month
-- identities: none
-- A practice's share is its face-to-face appointments over all its appointments in $month (practices with no
-- appointments that month are left out). Band b holds shares from 5b% up to (not including) 5(b+1)%; 100% is
-- put in the top band. Only counts leave this query: never a practice code, name or value.
WITH shares AS (
    SELECT 100.0 * face_to_face / appointments AS share
    FROM practice_month
    WHERE month = $month
      AND appointments > 0
      AND ($region IS NULL OR region_code = $region)
      AND ($icb IS NULL OR icb_code = $icb)
),
bands AS (
    SELECT least(floor(share / 5), 19)::INTEGER AS band FROM shares
),
final AS (
    SELECT
        b.band * 5 AS band_from,
        b.band * 5 + 5 AS band_to,
        count(s.band) AS practices,
        (SELECT median(share) FROM shares) AS median_share,
        (SELECT count(*) FROM shares) AS practices_total
    FROM range(20) AS b(band)
    LEFT JOIN bands AS s ON s.band = b.band
    GROUP BY b.band
)
SELECT * FROM final ORDER BY band_from
