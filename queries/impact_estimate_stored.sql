-- description: Difference-in-differences stored at load: gpaccess.impact.estimate of the impact panel stored for the scope, programme, measure and design (gpaccess/store/stored_panels.py), else no row
-- grain: one row (or none)
-- parameters: $region, $icb, $programme, $phase, $level, $measure, $event_before, $event_after, $min_window_months, $caliper, $k_comparators, $method_version
-- source: stored_impact_estimate, dataset
-- identities: none
-- Each load stores the panels the Impact page opens with (queries/impact_panel_stored.sql) and, computed from
-- each by gpaccess.impact.estimate, its estimate: the Impact page's before-and-after chart and the board pack
-- read it here rather than the panel's rows (gpaccess.impact.stored_or_estimated), and compute it only for a
-- panel not stored (a phase, a level, another design, another measure in a region or ICB), or when the estimates
-- were stored by another version of the method ($method_version: gpaccess.impact.METHOD_VERSION, which the load
-- records in `dataset`).
WITH same_method AS (
    SELECT 1 FROM dataset WHERE key = 'impact_method_version' AND value = $method_version
),
final AS (
    SELECT *
    FROM stored_estimate_rows($region, $icb, $programme, $measure, $min_window_months, $caliper, $k_comparators,
                              $event_before, $event_after)
    WHERE $phase IS NULL AND $level IS NULL AND EXISTS (SELECT 1 FROM same_method)
)
SELECT * FROM final
