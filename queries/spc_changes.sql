-- description: Changes users recorded that re-base SPC limits, for the scope viewed (its own changes only)
-- grain: one row per measure and change month (changes still in force; removed or superseded ones left out)
-- parameters: $region, $icb
-- source: spc_change
-- identities: none
-- A scope sees only the changes recorded for exactly that scope: England's for England, a region's for that
-- region, an ICB's for that ICB. A change to a national process is recorded by the national team for England;
-- a region or ICB that saw the same change records it for itself (its series and its baseline are its own).
-- The recorder's e-mail address is not returned: only the role they wrote as.
WITH in_force AS (
    SELECT measure, change_month, reason, recorded_as, recorded_at
    FROM spc_change
    WHERE removed_at IS NULL
      AND icb_code IS NOT DISTINCT FROM $icb
      AND ($icb IS NOT NULL OR region_code IS NOT DISTINCT FROM $region)
),
final AS (
    SELECT measure, change_month, reason, recorded_as, recorded_at FROM in_force
)
SELECT * FROM final ORDER BY measure, change_month
