-- description: Appointment counts per primary care network (PCN) of one ICB over the period, with its practices
-- grain: one row per PCN (practices without a PCN as one row, pcn_code NULL)
-- parameters: $icb, $date_from, $date_to
-- source: practice_month, practice, pcn
-- identities: none
-- Counts, not shares: the chart (gpaccess.charts.depth.pcns_compared) applies the small-number rule to a PCN's
-- practices (docs/roles.md, "PCNs") and pools the PCNs too small to show before it divides. A practice counts in
-- its current PCN (the `practice` table).
WITH scoped AS (
    SELECT s.*, p.pcn_code
    FROM practice_months_in_scope(NULL, $icb, $date_from, $date_to) AS s
    LEFT JOIN practice AS p USING (practice_code)
),
final AS (
    SELECT
        s.pcn_code,
        coalesce(any_value(n.pcn_name), s.pcn_code, 'No PCN recorded') AS pcn_name,
        count(DISTINCT s.practice_code) AS practices,
        sum(s.appointments)::BIGINT AS appointments,
        sum(s.face_to_face)::BIGINT AS face_to_face,
        sum(s.dna)::BIGINT AS dna,
        sum(s.same_day)::BIGINT AS same_day,
        sum(s.within_2_weeks)::BIGINT AS within_2_weeks,
        sum(s.appointments - s.unknown_band)::BIGINT AS known_interval,
        sum(s.gp)::BIGINT AS gp,
        sum(s.gp + s.other_staff)::BIGINT AS known_staff
    FROM scoped AS s
    LEFT JOIN pcn AS n USING (pcn_code)
    GROUP BY s.pcn_code
)
SELECT * FROM final ORDER BY pcn_name
