-- description: Coverage per ICB and month: practices with appointment data against practices open, and practices whose data dropped out
-- grain: one row per ICB and month held (months with appointment data for any ICB)
-- parameters: $region, $icb, $date_from, $date_to
-- source: icb_month_coverage (practice_month, list_size, practice), icb, region
-- identities: none
-- Practices open in a month = practices with registered patients in the list-size extract nearest the month
-- (within 92 days); when no extract is that close, every practice in the practice table (the latest Mapping.csv
-- and list-size map loaded) for the ICB. in_data = practices with any appointment in the month; coverage =
-- open practices with data / open practices. dropped_out = in the ICB's data the month before, in no ICB's data
-- this month; joined = in the data this month, not the month before. See docs/loading-data.md. Counted at load, per
-- ICB and month held, in the summary icb_month_coverage (gpaccess/store/summaries.py).
WITH in_scope AS (
    SELECT i.icb_code, i.icb_name, i.region_code, r.region_name
    FROM icb AS i JOIN region AS r USING (region_code)
    WHERE ($region IS NULL OR i.region_code = $region)
      AND ($icb IS NULL OR i.icb_code = $icb)
),
final AS (
    SELECT s.icb_code, s.icb_name, s.region_code, s.region_name, c.month,
           coalesce(c.open_basis, 'list size or practice table') AS open_basis,
           c.practices_open, c.practices_in_data, c.open_with_data,
           round(100.0 * c.open_with_data / nullif(c.practices_open, 0), 1) AS coverage_pct,
           c.dropped_out,
           c.joined
    FROM coverage_in_scope($region, $icb, $date_from, $date_to) AS c
    JOIN in_scope AS s USING (icb_code)
)
SELECT * FROM final ORDER BY month, icb_code
