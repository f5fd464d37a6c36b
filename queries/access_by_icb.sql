-- description: Access measures per ICB over the period, for comparing the ICBs of a region (or of England)
-- grain: one row per ICB
-- parameters: $region, $date_from, $date_to
-- source: scope_month, practice_run (practice_month, list_size), icb
-- identities: none
-- Shares pool the period's appointments. Appointments per 1,000 patients is a monthly rate: the period's
-- appointments over the sum of each month's registered patients (latest list size on or before the month, else the
-- earliest after: practice_months_with_patients), practices without a list size left out of that rate only.
-- Sums from the ICB rows of the summary scope_month (per ICB and month); practices with data in the period from the
-- summary practice_run (runs of consecutive months of a practice in an ICB that overlap the period): both stored
-- at load (gpaccess/store/summaries.py).
WITH sums AS (  -- every ICB of the region (or of England): no ICB filter
    SELECT
        icb_code,
        sum(appointments) AS appointments,
        sum(face_to_face) AS face_to_face,
        sum(dna) AS dna,
        sum(same_day) AS same_day,
        sum(within_2_weeks) AS within_2_weeks,
        sum(unknown_band) AS unknown_band,
        sum(gp) AS gp,
        sum(other_staff) AS other_staff,
        sum(appointments_with_patients) AS appointments_with_patients,
        sum(patients) AS patients
    FROM icb_months_in_scope($region, NULL, $date_from, $date_to)
    GROUP BY icb_code
),
practices AS (
    SELECT icb_code, count(DISTINCT practice_code) AS practices
    FROM practice_runs_in_scope($region, NULL, $date_from, $date_to)
    GROUP BY icb_code
),
final AS (
    SELECT
        s.icb_code,
        i.icb_name,
        p.practices,
        s.appointments,
        s.face_to_face,
        100.0 * s.face_to_face / nullif(s.appointments, 0) AS face_to_face_pct,
        100.0 * s.dna / nullif(s.appointments, 0) AS dna_pct,
        100.0 * s.same_day / nullif(s.appointments, 0) AS same_day_pct,
        100.0 * s.within_2_weeks / nullif(s.appointments - s.unknown_band, 0) AS within_2_weeks_pct,
        100.0 * s.gp / nullif(s.gp + s.other_staff, 0) AS gp_pct,
        1000.0 * s.appointments_with_patients / nullif(s.patients, 0) AS appointments_per_1000
    FROM sums AS s
    JOIN icb AS i USING (icb_code)
    JOIN practices AS p USING (icb_code)
)
SELECT * FROM final ORDER BY icb_name
