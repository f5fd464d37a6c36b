-- description: Coverage per ICB and month: practices with appointment data against practices open, and practices whose data dropped out
-- grain: one row per ICB and month held (months with appointment data for any ICB)
-- parameters: $region, $icb, $date_from, $date_to
-- source: practice_month, list_size, practice, icb, region
-- identities: none
-- Practices open in a month = practices with registered patients in the list-size extract nearest the month
-- (within 92 days); when no extract is that close, every practice in the practice table (the latest Mapping.csv
-- and list-size map loaded) for the ICB. in_data = practices with any appointment in the month; coverage =
-- open practices with data / open practices. dropped_out = in the ICB's data the month before, in no ICB's data
-- this month; joined = in the data this month, not the month before. See docs/loading-data.md.
WITH months AS (
    SELECT DISTINCT month FROM practice_month
),
period AS (  -- the months reported; filtering here keeps a one-month call (the caveat) cheap
    SELECT month FROM months
    WHERE ($date_from IS NULL OR month >= $date_from)
      AND ($date_to IS NULL OR month <= $date_to)
),
in_scope AS (
    SELECT i.icb_code, i.icb_name, i.region_code, r.region_name
    FROM icb AS i JOIN region AS r USING (region_code)
    WHERE ($region IS NULL OR i.region_code = $region)
      AND ($icb IS NULL OR i.icb_code = $icb)
),
nearest AS (
    SELECT m.month, e.extract_date
    FROM period AS m
    JOIN (SELECT DISTINCT extract_date FROM list_size) AS e
      ON abs(date_diff('day', m.month, e.extract_date)) <= 92
    QUALIFY row_number() OVER (
        PARTITION BY m.month ORDER BY abs(date_diff('day', m.month, e.extract_date)), e.extract_date) = 1
),
open_from_list AS (
    SELECT n.month, p.icb_code, l.practice_code, 'list size ' || strftime(n.extract_date, '%d %b %Y') AS basis
    FROM nearest AS n
    JOIN list_size AS l ON l.extract_date = n.extract_date AND l.patients > 0
    JOIN practice AS p USING (practice_code)
    WHERE p.icb_code IN (SELECT icb_code FROM in_scope)
),
open_from_table AS (
    SELECT m.month, p.icb_code, p.practice_code, 'practice table' AS basis
    FROM period AS m
    CROSS JOIN practice AS p
    WHERE m.month NOT IN (SELECT month FROM nearest)
      AND p.icb_code IN (SELECT icb_code FROM in_scope)
),
open_practices AS (
    SELECT * FROM open_from_list UNION ALL SELECT * FROM open_from_table
),
held AS (  -- months with data of the scope's practices (in any ICB), in the period and the month before it
    SELECT month, icb_code, practice_code
    FROM practice_month
    WHERE ($date_from IS NULL OR month >= ($date_from::DATE - INTERVAL 1 MONTH)::DATE)
      AND ($date_to IS NULL OR month <= $date_to)
      AND practice_code IN (SELECT practice_code FROM practice_month WHERE icb_code IN (SELECT icb_code FROM in_scope))
),
present AS (  -- the scope's ICBs only
    SELECT * FROM held WHERE icb_code IN (SELECT icb_code FROM in_scope)
),
counts AS (
    SELECT coalesce(o.month, p.month) AS month, coalesce(o.icb_code, p.icb_code) AS icb_code,
           any_value(o.basis) AS open_basis,
           count(o.practice_code) AS practices_open,
           count(p.practice_code) AS practices_in_data,
           count(*) FILTER (WHERE o.practice_code IS NOT NULL AND p.practice_code IS NOT NULL) AS open_with_data
    FROM open_practices AS o
    FULL JOIN (SELECT * FROM present WHERE month IN (SELECT month FROM period)) AS p
      ON o.month = p.month AND o.icb_code = p.icb_code AND o.practice_code = p.practice_code
    GROUP BY ALL
),
steps AS (  -- one join for leavers and joiners: each practice-month with data against the practice's data the
            -- month before (none: it joined this month); data the month before and none now: it dropped out
    SELECT coalesce(now.month, before.next_month) AS month, now.icb_code, now.practice_code,
           before.icb_code AS icb_before, before.practice_code AS practice_before
    FROM held AS now
    FULL JOIN (SELECT (month + INTERVAL 1 MONTH)::DATE AS next_month, icb_code, practice_code FROM held) AS before
      ON before.practice_code = now.practice_code AND before.next_month = now.month
),
dropped AS (  -- in the ICB's data the month before, in no ICB's data this month
    SELECT month, icb_before AS icb_code, count(*) AS dropped_out
    FROM steps
    WHERE practice_code IS NULL
      AND icb_before IN (SELECT icb_code FROM in_scope)
      AND month IN (SELECT month FROM period)
    GROUP BY ALL
),
joined AS (  -- in the data this month, in no ICB's data the month before (a month held)
    SELECT month, icb_code, count(*) AS joined
    FROM steps
    WHERE practice_before IS NULL
      AND icb_code IN (SELECT icb_code FROM in_scope)
      AND month IN (SELECT month FROM period)
      AND (month - INTERVAL 1 MONTH)::DATE IN (SELECT month FROM months)
    GROUP BY ALL
),
final AS (
    SELECT s.icb_code, s.icb_name, s.region_code, s.region_name, c.month,
           coalesce(c.open_basis, 'list size or practice table') AS open_basis,
           c.practices_open, c.practices_in_data, c.open_with_data,
           round(100.0 * c.open_with_data / nullif(c.practices_open, 0), 1) AS coverage_pct,
           coalesce(d.dropped_out, 0) AS dropped_out,
           coalesce(j.joined, 0) AS joined
    FROM counts AS c
    JOIN in_scope AS s USING (icb_code)
    LEFT JOIN dropped AS d USING (month, icb_code)
    LEFT JOIN joined AS j USING (month, icb_code)
    WHERE ($date_from IS NULL OR c.month >= $date_from)
      AND ($date_to IS NULL OR c.month <= $date_to)
)
SELECT * FROM final ORDER BY month, icb_code
