-- description: Access measures per ICB over the period, for comparing the ICBs of a region (or of England)
-- grain: one row per ICB
-- parameters: $region, $date_from, $date_to
-- source: practice_month, list_size, icb
-- identities: none
-- Shares pool the period's appointments. Appointments per 1,000 patients is a monthly rate: the period's
-- appointments over the sum of each month's registered patients (latest list size on or before the month, else the
-- earliest after: practice_months_with_patients), practices without a list size left out of that rate only.
WITH with_list AS (  -- every ICB of the region (or of England): no ICB filter
    SELECT * FROM practice_months_with_patients($region, NULL, $date_from, $date_to)
),
final AS (
    SELECT
        w.icb_code,
        i.icb_name,
        count(DISTINCT w.practice_code) AS practices,
        sum(w.appointments) AS appointments,
        sum(w.face_to_face) AS face_to_face,
        100.0 * sum(w.face_to_face) / nullif(sum(w.appointments), 0) AS face_to_face_pct,
        100.0 * sum(w.dna) / nullif(sum(w.appointments), 0) AS dna_pct,
        100.0 * sum(w.same_day) / nullif(sum(w.appointments), 0) AS same_day_pct,
        100.0 * sum(w.within_2_weeks) / nullif(sum(w.appointments) - sum(w.unknown_band), 0)
            AS within_2_weeks_pct,
        100.0 * sum(w.gp) / nullif(sum(w.gp) + sum(w.other_staff), 0) AS gp_pct,
        1000.0 * sum(w.appointments) FILTER (WHERE w.patients IS NOT NULL)
            / nullif(sum(w.patients), 0) AS appointments_per_1000
    FROM with_list AS w
    JOIN icb AS i USING (icb_code)
    GROUP BY w.icb_code, i.icb_name
)
SELECT * FROM final ORDER BY icb_name
