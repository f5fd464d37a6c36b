-- description: Impact panel as stored at load: the rows of queries/impact_panel.sql for the scope, programme, measure and design when the load stored them (gpaccess/store/stored_panels.py), else none
-- grain: one row per arm, practice surrogate, support start month and month relative to that start
-- parameters: $region, $icb, $programme, $phase, $level, $measure, $event_before, $event_after, $min_window_months, $caliper, $k_comparators
-- source: stored_impact_panel
-- identities: none
-- The panels the Impact page opens with (every phase and level, the method's design: England's for every measure,
-- each region's and ICB's for the headline measure) are stored at every load. Reading one here is planned in a
-- fraction of the time impact_panel.sql takes, which plans its matching too even when it reads the stored rows;
-- gpaccess.impact.panel asks here first and computes only a panel that is not stored. The columns and order are
-- impact_panel.sql's: a panel's rows were stored in its order (arm, unit, start_month, relative_month), which a
-- scan keeps (DuckDB's preserve_insertion_order, on by default), so they are not sorted again here (a fifth of
-- the query's time for England); tests/integration/test_impact_store.py compares them row by row.
WITH final AS (
    SELECT arm::ENUM('comparator', 'supported') AS arm, unit, start_month, weight, relative_month, value,
           supported_in_scope, supported_with_windows
    FROM stored_panel_rows($region, $icb, $programme, $measure, $min_window_months, $caliper, $k_comparators,
                           $event_before, $event_after)
    WHERE $phase IS NULL AND $level IS NULL
)
SELECT * FROM final
