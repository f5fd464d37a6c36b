-- description: Impact panel: supported practices and matched never-supported comparators, one measure, by month relative to the support start
-- grain: one row per arm, practice surrogate, support start month and month relative to that start
-- parameters: $region, $icb, $programme, $phase, $level, $measure, $event_before, $event_after, $min_window_months, $caliper, $k_comparators
-- source: enrolment, practice, impact_window (practice_month, list_size), practice_month, stored_impact_panel
-- identities: none
-- Supported: started in the programme (phase, level if given; GPIP hands-on levels only unless a level is given)
-- and not withdrawn; the support start month is the month of the earliest start. Comparators: practices never
-- enrolled in any programme (in the tracker at all). Matching, for each supported practice: up to
-- $k_comparators nearest never-supported practices in the same ICB (in the same region only if the ICB has none
-- within the caliper), on the pre-support mean of the measure and the log list size at the support start, both
-- in standard deviations of the candidates'; the caliper is the largest distance accepted. The list size is the
-- extract of the support start month, else the nearest extract. The pre-support mean (over the 6 months before
-- the start) and the post-support mean (6 months from 6 months after it) of every practice and possible start
-- month are stored at load in the summary impact_window (gpaccess/store/impact_windows.py: its windows are those
-- of gpaccess.impact.Design); a window rests on the months of it the practice has data for. Each supported
-- practice weighs 1, its comparators 1/k each. `unit` is a surrogate number for a practice (not its code): rows
-- of one practice share it, so standard errors can be clustered by practice. No practice codes leave this query.
-- The panels the Impact page opens with (every phase and level, the method's design: England's for every measure,
-- each region's and ICB's for the headline measure) are stored at every load, computed by this query
-- (gpaccess/store/stored_panels.py): asked for again, they are read, not computed.
WITH stored AS MATERIALIZED (  -- every phase and level: the panel stored at load, if it is, for the scope and design
    SELECT *
    FROM stored_panel_rows($region, $icb, $programme, $measure, $min_window_months, $caliper, $k_comparators,
                           $event_before, $event_after)
    WHERE $phase IS NULL AND $level IS NULL
),
supported_all AS (  -- none when the panel is stored: it is not computed again
    SELECT e.practice_code, min(date_trunc('month', e.started_date))::DATE AS start_month
    FROM enrolment AS e
    WHERE e.programme = $programme
      AND e.started_date IS NOT NULL
      AND e.status <> 'withdrawn'
      AND ($phase IS NULL OR e.phase = $phase)
      AND (($level IS NULL AND e.level <> 'universal') OR e.level = $level)
      AND NOT EXISTS (SELECT 1 FROM stored)
    GROUP BY e.practice_code
),
supported AS (
    SELECT s.practice_code, s.start_month, p.icb_code, p.region_code
    FROM supported_all AS s
    JOIN practice AS p USING (practice_code)
    WHERE ($region IS NULL OR p.region_code = $region)
      AND ($icb IS NULL OR p.icb_code = $icb)
),
candidates AS (
    SELECT p.practice_code, p.icb_code, p.region_code
    FROM practice AS p
    WHERE p.region_code IN (SELECT region_code FROM supported)
      AND p.practice_code NOT IN (SELECT practice_code FROM enrolment)
),
cohorts AS (
    SELECT DISTINCT region_code, start_month FROM supported
),
units AS (  -- every (practice, start month) a window is needed for
    SELECT practice_code, start_month, icb_code, region_code, true AS treated FROM supported
    UNION ALL
    SELECT c.practice_code, k.start_month, c.icb_code, c.region_code, false AS treated
    FROM candidates AS c
    JOIN cohorts AS k USING (region_code)
),
complete AS MATERIALIZED (  -- units whose stored windows (summary impact_window) both rest on enough months of the
                            -- measure, with a list size at the start: their pre-support mean is matched on
    SELECT u.practice_code, u.start_month, u.icb_code, u.region_code, u.treated, w.patients,
           ln(w.patients) AS log_list,
           CASE $measure WHEN 'face_to_face' THEN w.face_to_face_pre WHEN 'same_day' THEN w.same_day_pre
                         WHEN 'dna' THEN w.dna_pre WHEN 'per_1000' THEN w.per_1000_pre END AS pre
    FROM units AS u
    JOIN impact_windows() AS w USING (practice_code, start_month)
    WHERE CASE $measure WHEN 'face_to_face' THEN w.face_to_face_pre_n WHEN 'same_day' THEN w.same_day_pre_n
                        WHEN 'dna' THEN w.dna_pre_n WHEN 'per_1000' THEN w.per_1000_pre_n END >= $min_window_months
      AND CASE $measure WHEN 'face_to_face' THEN w.face_to_face_post_n WHEN 'same_day' THEN w.same_day_post_n
                        WHEN 'dna' THEN w.dna_post_n WHEN 'per_1000' THEN w.per_1000_post_n END >= $min_window_months
      AND ln(w.patients) IS NOT NULL
),
spread AS (
    -- with no spread (one candidate, or all alike) any difference is too far and equality is distance 0
    SELECT coalesce(nullif(stddev_samp(pre), 0), 1e-9) AS sd_pre,
           coalesce(nullif(stddev_samp(log_list), 0), 1e-9) AS sd_list
    FROM complete
    WHERE NOT treated
),
binned AS (  -- the pre mean in bins a little wider than the caliper: a pair within it is in the same or the next
            -- bin, so only those pairs are measured (all in one bin if the caliper is 0)
    SELECT c.*, coalesce(floor(c.pre / nullif($caliper * d.sd_pre * 1.001, 0)), 0) AS bin
    FROM complete AS c
    CROSS JOIN spread AS d
),
pairs AS (
    SELECT
        s.practice_code AS s_code, s.start_month, s.patients AS s_patients,
        c.practice_code AS c_code, c.patients AS c_patients,
        c.icb_code = s.icb_code AS same_icb,
        sqrt(pow((s.pre - c.pre) / d.sd_pre, 2) + pow((s.log_list - c.log_list) / d.sd_list, 2))
            AS distance
    FROM (SELECT *, unnest([bin - 1, bin, bin + 1]) AS near_bin FROM binned WHERE treated) AS s
    JOIN binned AS c
        ON c.region_code = s.region_code AND c.start_month = s.start_month AND c.bin = s.near_bin
       AND NOT c.treated
    CROSS JOIN spread AS d
),
in_caliper AS (
    SELECT *, bool_or(same_icb) OVER (PARTITION BY s_code) AS icb_has_match
    FROM pairs
    WHERE distance <= $caliper
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY s_code ORDER BY distance, c_code) AS rank
    FROM in_caliper
    WHERE same_icb OR NOT icb_has_match
),
matched AS (
    SELECT s_code, start_month, s_patients, c_code, c_patients, 1.0 / count(*) OVER (PARTITION BY s_code) AS weight
    FROM ranked
    WHERE rank <= $k_comparators
),
arms AS (  -- with the list size at the start
    SELECT DISTINCT 'supported' AS arm, s_code AS practice_code, start_month, s_patients AS patients, 1.0 AS weight
    FROM matched
    UNION ALL
    SELECT 'comparator' AS arm, c_code AS practice_code, start_month, c_patients AS patients, sum(weight) AS weight
    FROM matched
    GROUP BY c_code, start_month, c_patients
),
keyed AS (  -- with the months shown: -$event_before to $event_after - 1 relative to the start
    SELECT *, dense_rank() OVER (ORDER BY hash(practice_code), practice_code) AS unit,
           (start_month - to_months($event_before))::DATE AS first_month,
           (start_month + to_months($event_after - 1))::DATE AS last_month
    FROM arms
),
counts AS (
    SELECT (SELECT count(*) FROM supported) AS supported_in_scope,
           (SELECT count(*) FROM complete WHERE treated) AS supported_with_windows
),
computed AS (
    SELECT
        k.arm,
        k.unit,
        k.start_month,
        k.weight,
        datediff('month', k.start_month, m.month)::INTEGER AS relative_month,
        CASE WHEN $measure = 'per_1000' THEN 1000.0 * m.appointments / nullif(k.patients, 0)
             ELSE 100.0 * CASE $measure
                              WHEN 'face_to_face' THEN m.face_to_face
                              WHEN 'same_day' THEN m.same_day
                              WHEN 'dna' THEN m.dna
                          END / nullif(m.appointments, 0)
        END AS value,
        c.supported_in_scope,
        c.supported_with_windows
    FROM keyed AS k
    JOIN practice_month AS m
      ON m.practice_code = k.practice_code AND m.month BETWEEN k.first_month AND k.last_month
    CROSS JOIN counts AS c
),
stored_or_computed AS (
    SELECT * FROM stored
    UNION ALL
    SELECT arm, unit, start_month, weight, relative_month, value, supported_in_scope, supported_with_windows
    FROM computed
    WHERE value IS NOT NULL
),
final AS (  -- arm as an ENUM (its two values in sort order): a result of two labels, not a string a row
    SELECT arm::ENUM('comparator', 'supported') AS arm, unit, start_month, weight, relative_month, value,
           supported_in_scope, supported_with_windows
    FROM stored_or_computed
)
SELECT * FROM final
ORDER BY arm, unit, start_month, relative_month
