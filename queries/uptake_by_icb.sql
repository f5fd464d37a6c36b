-- description: Uptake by ICB: practices enrolled as a share of the ICB's practices, by programme
-- grain: one row per ICB and programme
-- parameters: $region, $icb
-- source: enrolment, practice, practice_run (practice_month), programme, icb, region
-- identities: none
-- practices = practices of the ICB with appointment data during the programme (start to latest month), so
-- practices that closed or merged during the programme still count (from the summary practice_run: runs of
-- consecutive months with data of a practice in an ICB, stored at load, gpaccess/store/summaries.py).
-- enrolled = hands-on support, not withdrawn (Accelerate: all; GPIP: intermediate and intensive levels);
-- universal = GPIP webinars only.
WITH programmes AS (
    SELECT programme, start_date, coalesce(end_date, DATE '9999-12-31') AS end_date FROM programme
),
pool AS (  -- a practice has data in the programme's months if one of its runs of months in the ICB overlaps them
    SELECT g.programme, r.icb_code, count(DISTINCT r.practice_code) AS practices
    FROM practice_runs_in_scope(NULL, NULL, NULL, NULL) AS r
    JOIN programmes AS g
      ON r.to_month >= date_trunc('month', g.start_date) AND r.from_month <= g.end_date
     AND date_trunc('month', g.start_date) <= g.end_date
    GROUP BY ALL
),
enrolments AS (
    SELECT e.programme, p.icb_code,
        count(DISTINCT e.practice_code) FILTER (
            WHERE e.status <> 'withdrawn' AND e.level <> 'universal') AS enrolled,
        count(DISTINCT e.practice_code) FILTER (WHERE e.status = 'withdrawn') AS withdrawn,
        count(DISTINCT e.practice_code) FILTER (
            WHERE e.status <> 'withdrawn' AND e.level = 'universal') AS universal
    FROM enrolment AS e
    JOIN practice AS p USING (practice_code)
    GROUP BY ALL
),
final AS (
    SELECT
        i.icb_code, i.icb_name, i.region_code, r.region_name, g.programme,
        coalesce(pool.practices, 0) AS practices,
        coalesce(e.enrolled, 0) AS enrolled,
        coalesce(e.withdrawn, 0) AS withdrawn,
        coalesce(e.universal, 0) AS universal,
        100.0 * coalesce(e.enrolled, 0) / nullif(pool.practices, 0) AS enrolled_pct
    FROM icb AS i
    JOIN region AS r USING (region_code)
    CROSS JOIN programmes AS g
    LEFT JOIN pool ON pool.icb_code = i.icb_code AND pool.programme = g.programme
    LEFT JOIN enrolments AS e ON e.icb_code = i.icb_code AND e.programme = g.programme
    WHERE ($region IS NULL OR i.region_code = $region)
      AND ($icb IS NULL OR i.icb_code = $icb)
)
SELECT * FROM final ORDER BY icb_code, programme
