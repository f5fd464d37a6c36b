-- description: Recording quality per ICB and month: share of appointments with unknown mode or status, and share in the "Unmapped" or "Inconsistent Mapping" national categories
-- grain: one row per ICB and month with appointment data
-- parameters: $region, $icb, $date_from, $date_to
-- source: scope_month (practice_month), icb, region
-- identities: none
-- From the ICB rows of the summary scope_month (practice_month sums per ICB and month, stored at load:
-- gpaccess/store/summaries.py); practices = the ICB's practice-month rows.
WITH sums AS (
    SELECT month, icb_code, practice_rows AS practices, appointments::BIGINT AS appointments,
           unknown_mode::BIGINT AS unknown_mode, unknown_status::BIGINT AS unknown_status,
           unmapped::BIGINT AS unmapped, inconsistent_mapping::BIGINT AS inconsistent_mapping
    FROM icb_months_in_scope($region, $icb, $date_from, $date_to)
),
final AS (
    SELECT s.icb_code, i.icb_name, i.region_code, r.region_name, s.month, s.practices, s.appointments,
           s.unknown_mode, s.unknown_status, s.unmapped, s.inconsistent_mapping,
           round(100.0 * s.unknown_mode / nullif(s.appointments, 0), 2) AS unknown_mode_pct,
           round(100.0 * s.unknown_status / nullif(s.appointments, 0), 2) AS unknown_status_pct,
           round(100.0 * s.unmapped / nullif(s.appointments, 0), 2) AS unmapped_pct,
           round(100.0 * s.inconsistent_mapping / nullif(s.appointments, 0), 2) AS inconsistent_mapping_pct
    FROM sums AS s
    JOIN icb AS i USING (icb_code)
    JOIN region AS r ON r.region_code = i.region_code
)
SELECT * FROM final ORDER BY month, icb_code
