-- description: Support identification, named: the ICB's practices in its lowest 20% on a measure (OFFICIAL-SENSITIVE)
-- grain: one row per practice in the lowest 20% of the ICB
-- parameters: $region, $icb, $measure, $window_from, $window_to
-- source: practice_month, list_size, enrolment, practice
-- identities: practice
-- Runs only for a viewer authorised for $icb (gpaccess.db.run refuses anyone else); $icb must be set.
-- Ranking (docs/roles.md, "Support identification"): within each ICB, every practice with a value for the
-- measure over the window is ranked from lowest to highest on the unrounded value (shares and rates pool the
-- window's appointments); equal values are ordered by practice code (A before Z). The lowest ceil(0.2 x n) of the n
-- ranked practices are "the lowest 20%" (rounded up, so an ICB with any practices has at least one).
-- Practices with no appointments in the window are not ranked. In a programme = any enrolment in Accelerate or
-- GPIP that is not withdrawn (signed up, active, completed or extended). $measure is one of face_to_face_pct, same_day_pct, appointments_per_1000 (anything else ranks none).
WITH scoped AS (
    SELECT *
    FROM practice_month
    WHERE ($region IS NULL OR region_code = $region)
      AND ($icb IS NULL OR icb_code = $icb)
      AND month >= $window_from
      AND month <= $window_to
),
earliest_list AS (  -- a practice's first list size: for months before its first extract
    SELECT practice_code, arg_min(patients, extract_date) AS patients
    FROM list_size
    GROUP BY practice_code
),
with_list AS (
    SELECT s.*, coalesce(before.patients, earliest.patients) AS patients
    FROM scoped AS s
    ASOF LEFT JOIN list_size AS before
        ON before.practice_code = s.practice_code AND before.extract_date <= s.month
    LEFT JOIN earliest_list AS earliest ON earliest.practice_code = s.practice_code
),
per_practice AS (
    SELECT
        icb_code,
        practice_code,
        sum(face_to_face)::DOUBLE / nullif(sum(appointments), 0)::DOUBLE AS face_to_face_ratio,
        sum(same_day)::DOUBLE / nullif(sum(appointments), 0)::DOUBLE AS same_day_ratio,
        (sum(appointments) FILTER (WHERE patients IS NOT NULL))::DOUBLE
            / nullif(sum(patients), 0)::DOUBLE AS appointments_per_patient
    FROM with_list
    GROUP BY icb_code, practice_code
    HAVING sum(appointments) > 0
),
measured AS (
    SELECT
        icb_code,
        practice_code,
        CASE $measure
            WHEN 'face_to_face_pct' THEN face_to_face_ratio
            WHEN 'same_day_pct' THEN same_day_ratio
            WHEN 'appointments_per_1000' THEN appointments_per_patient
        END AS ratio,
        CASE $measure
            WHEN 'appointments_per_1000' THEN 1000.0
            ELSE 100.0
        END AS scale
    FROM per_practice
),
ranked AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY icb_code ORDER BY ratio, practice_code) AS rank_in_icb,
        count(*) OVER (PARTITION BY icb_code) AS practices_ranked
    FROM measured
    WHERE ratio IS NOT NULL
),
flagged AS (
    SELECT *, rank_in_icb <= ceil(0.2 * practices_ranked) AS lowest
    FROM ranked
),
supported AS (
    SELECT
        practice_code,
        bool_or(programme = 'Accelerate') AS in_accelerate,
        bool_or(programme = 'GPIP') AS in_gpip
    FROM enrolment
    WHERE status <> 'withdrawn'
    GROUP BY practice_code
),
joined AS (
    SELECT
        f.*,
        coalesce(s.in_accelerate, false) AS in_accelerate,
        coalesce(s.in_gpip, false) AS in_gpip,
        coalesce(s.in_accelerate OR s.in_gpip, false) AS in_either
    FROM flagged AS f
    LEFT JOIN supported AS s USING (practice_code)
),
final AS (
    SELECT
        j.rank_in_icb,
        j.practice_code,
        p.practice_name,
        round(j.ratio * j.scale, 1) AS value,
        j.practices_ranked,
        j.in_accelerate,
        j.in_gpip
    FROM joined AS j
    JOIN practice AS p USING (practice_code)
    WHERE j.lowest AND $icb IS NOT NULL AND j.icb_code = $icb
)
SELECT * FROM final ORDER BY rank_in_icb
