-- description: Impact panel: supported practices and matched never-supported comparators, one measure, by month relative to the support start
-- grain: one row per arm, practice surrogate, support start month and month relative to that start
-- parameters: $region, $icb, $programme, $phase, $level, $measure, $pre_months, $post_gap, $post_months, $event_before, $event_after, $min_window_months, $caliper, $k_comparators
-- source: enrolment, practice, practice_month, list_size
-- identities: none
-- Supported: started in the programme (phase, level if given; GPIP hands-on levels only unless a level is given)
-- and not withdrawn; the support start month is the month of the earliest start. Comparators: practices never
-- enrolled in any programme (in the tracker at all). Matching, for each supported practice: up to
-- $k_comparators nearest never-supported practices in the same ICB (in the same region only if the ICB has none
-- within the caliper), on the pre-support mean of the measure and the log list size at the support start, both
-- in standard deviations of the candidates'; the caliper is the largest distance accepted. The list size is the
-- extract of the support start month, else the nearest extract. Each supported
-- practice weighs 1, its comparators 1/k each. `unit` is a surrogate number for a practice (not its code): rows of
-- one practice share it, so standard errors can be clustered by practice. No practice codes leave this query.
WITH supported_all AS (
    SELECT e.practice_code, min(date_trunc('month', e.started_date))::DATE AS start_month
    FROM enrolment AS e
    WHERE e.programme = $programme
      AND e.started_date IS NOT NULL
      AND e.status <> 'withdrawn'
      AND ($phase IS NULL OR e.phase = $phase)
      AND (($level IS NULL AND e.level <> 'universal') OR e.level = $level)
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
months AS (
    SELECT min(start_month) - to_months($event_before) AS first_month,
           max(start_month) + to_months($event_after) AS last_month
    FROM cohorts
),
exact_list AS (  -- list size in the support start month (extracts are monthly)
    SELECT u.*, l.patients
    FROM units AS u
    LEFT JOIN list_size AS l
        ON l.practice_code = u.practice_code AND l.extract_date = u.start_month
),
nearest_list AS (  -- else the nearest extract (the earlier one on a tie)
    SELECT
        u.practice_code, u.start_month,
        arg_min(l.patients, abs(datediff('day', u.start_month, l.extract_date)) * 2
                            + CASE WHEN l.extract_date > u.start_month THEN 1 ELSE 0 END) AS patients
    FROM (SELECT DISTINCT practice_code, start_month FROM exact_list WHERE patients IS NULL) AS u
    JOIN list_size AS l USING (practice_code)
    GROUP BY ALL
),
sized AS (
    SELECT e.practice_code, e.start_month, e.icb_code, e.region_code, e.treated,
           coalesce(e.patients, n.patients) AS patients
    FROM exact_list AS e
    LEFT JOIN nearest_list AS n USING (practice_code, start_month)
),
monthly AS MATERIALIZED (  -- the measure's numerator and denominator per practice and month
    SELECT
        pm.practice_code,
        pm.month,
        pm.appointments,
        CASE $measure
            WHEN 'face_to_face' THEN pm.face_to_face
            WHEN 'same_day' THEN pm.same_day
            WHEN 'dna' THEN pm.dna
            WHEN 'per_1000' THEN pm.appointments
        END AS numerator
    FROM practice_month AS pm
    WHERE pm.region_code IN (SELECT region_code FROM cohorts)
      AND pm.month >= (SELECT first_month FROM months)
      AND pm.month <= (SELECT last_month FROM months)
),
window_months AS (  -- months of the before and after windows, relative to the start
    SELECT unnest(range(-$pre_months, 0)) AS offset_months
    UNION ALL
    SELECT unnest(range($post_gap, $post_gap + $post_months))
),
valued AS (  -- per (practice, start month) and window month: shares in per cent; rates per 1,000 on the list at the start
    SELECT
        u.practice_code, u.start_month, u.icb_code, u.region_code, u.treated, u.patients, u.month,
        CASE WHEN $measure = 'per_1000' THEN 1000.0 * m.numerator / nullif(u.patients, 0)
             ELSE 100.0 * m.numerator / nullif(m.appointments, 0)
        END AS value
    FROM (
        SELECT s.*, (s.start_month + to_months(w.offset_months))::DATE AS month
        FROM sized AS s
        CROSS JOIN window_months AS w
    ) AS u
    JOIN monthly AS m USING (practice_code, month)
),
windows AS MATERIALIZED (  -- pre and post means per (practice, start month), with the months each rests on
    SELECT
        practice_code, start_month, icb_code, region_code, treated, ln(patients) AS log_list,
        avg(value) FILTER (WHERE month >= start_month - to_months($pre_months)
                             AND month < start_month) AS pre,
        count(value) FILTER (WHERE month >= start_month - to_months($pre_months)
                               AND month < start_month) AS pre_n,
        avg(value) FILTER (WHERE month >= start_month + to_months($post_gap)
                             AND month < start_month + to_months($post_gap + $post_months)) AS post,
        count(value) FILTER (WHERE month >= start_month + to_months($post_gap)
                               AND month < start_month + to_months($post_gap + $post_months)) AS post_n
    FROM valued
    GROUP BY ALL
),
complete AS (
    SELECT *
    FROM windows
    WHERE pre_n >= $min_window_months AND post_n >= $min_window_months AND log_list IS NOT NULL
),
spread AS (
    -- with no spread (one candidate, or all alike) any difference is too far and equality is distance 0
    SELECT coalesce(nullif(stddev_samp(pre), 0), 1e-9) AS sd_pre,
           coalesce(nullif(stddev_samp(log_list), 0), 1e-9) AS sd_list
    FROM complete
    WHERE NOT treated
),
pairs AS (
    SELECT
        s.practice_code AS s_code, s.start_month,
        c.practice_code AS c_code,
        c.icb_code = s.icb_code AS same_icb,
        sqrt(pow((s.pre - c.pre) / d.sd_pre, 2) + pow((s.log_list - c.log_list) / d.sd_list, 2))
            AS distance
    FROM complete AS s
    JOIN complete AS c
        ON c.region_code = s.region_code AND c.start_month = s.start_month AND NOT c.treated
    CROSS JOIN spread AS d
    WHERE s.treated
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
    SELECT s_code, start_month, c_code, 1.0 / count(*) OVER (PARTITION BY s_code) AS weight
    FROM ranked
    WHERE rank <= $k_comparators
),
arms AS (
    SELECT DISTINCT 'supported' AS arm, s_code AS practice_code, start_month, 1.0 AS weight
    FROM matched
    UNION ALL
    SELECT 'comparator' AS arm, c_code AS practice_code, start_month, sum(weight) AS weight
    FROM matched
    GROUP BY c_code, start_month
),
keyed AS (
    SELECT a.*, z.patients, dense_rank() OVER (ORDER BY hash(a.practice_code), a.practice_code) AS unit
    FROM arms AS a
    JOIN sized AS z USING (practice_code, start_month)
),
final AS (
    SELECT
        k.arm,
        k.unit,
        k.start_month,
        k.weight,
        datediff('month', k.start_month, k.month)::INTEGER AS relative_month,
        CASE WHEN $measure = 'per_1000' THEN 1000.0 * m.numerator / nullif(k.patients, 0)
             ELSE 100.0 * m.numerator / nullif(m.appointments, 0)
        END AS value,
        (SELECT count(*) FROM supported) AS supported_in_scope,
        (SELECT count(*) FROM complete WHERE treated) AS supported_with_windows
    FROM (
        SELECT k.*, (k.start_month + to_months(w.offset_months))::DATE AS month
        FROM keyed AS k
        CROSS JOIN (SELECT unnest(range(-$event_before, $event_after)) AS offset_months) AS w
    ) AS k
    JOIN monthly AS m USING (practice_code, month)
)
SELECT arm, unit, start_month, weight, relative_month, value, supported_in_scope, supported_with_windows
FROM final
WHERE value IS NOT NULL
ORDER BY arm, unit, start_month, relative_month
