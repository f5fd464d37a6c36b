-- description: Appointments by booking interval, staff type or national category, month by month, for the scope
-- grain: one row per month and category (of the one dimension asked for)
-- parameters: $region, $icb, $date_from, $date_to, $dimension
-- source: sub_icb_month_mix
-- identities: none
-- $dimension is time_band, hcp_type or national_category. share_pct: for time_band and hcp_type, of appointments
-- whose interval or staff type is known (NHS England's denominators; the unknown category's own share is NULL);
-- for national_category, of all appointments.
WITH scoped AS (
    SELECT month, category, sum(appointments) AS appointments
    FROM mix_in_scope($region, $icb, $date_from, $date_to, $dimension)
    GROUP BY month, category
),
known AS (
    SELECT *,
           category IN ('Unknown / Data Issue', 'Unknown') AND $dimension IN ('time_band', 'hcp_type')
               AS unknown_category
    FROM scoped
),
final AS (
    SELECT
        month,
        category,
        appointments::BIGINT AS appointments,
        CASE WHEN NOT unknown_category THEN
            100.0 * appointments
            / nullif(sum(appointments) FILTER (WHERE NOT unknown_category) OVER (PARTITION BY month), 0)
        END AS share_pct
    FROM known
)
SELECT * FROM final ORDER BY month, category
