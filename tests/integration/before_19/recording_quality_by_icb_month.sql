-- description: Recording quality per ICB and month: share of appointments with unknown mode or status, and share in the "Unmapped" or "Inconsistent Mapping" national categories
-- grain: one row per ICB and month with appointment data
-- parameters: $region, $icb, $date_from, $date_to
-- source: practice_month, icb, region
-- identities: none
WITH sums AS (
    SELECT month, icb_code, count(*) AS practices, sum(appointments)::BIGINT AS appointments,
           sum(unknown_mode)::BIGINT AS unknown_mode, sum(unknown_status)::BIGINT AS unknown_status,
           sum(unmapped)::BIGINT AS unmapped, sum(inconsistent_mapping)::BIGINT AS inconsistent_mapping
    FROM practice_months_in_scope($region, $icb, $date_from, $date_to)
    GROUP BY ALL
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
