-- description: The board commentary for the scope and month: the latest version written, and how many were
-- grain: one row (none when nothing is written for the scope and month)
-- parameters: $region, $icb, $month
-- source: commentary
-- identities: none
-- An ICB's commentary is found by its ICB code; a region's by its region code with no ICB; England's has neither.
-- History is kept (one row per save); the latest save is shown, a later row winning a tie on written_at.
WITH scoped AS (
    SELECT *, rowid AS saved
    FROM commentary
    WHERE month = $month
      AND CASE
          WHEN $icb IS NOT NULL THEN icb_code = $icb
          WHEN $region IS NOT NULL THEN icb_code IS NULL AND region_code = $region
          ELSE icb_code IS NULL AND region_code IS NULL
      END
),
final AS (
    SELECT month, text, written_by, written_at, count(*) OVER () AS versions
    FROM scoped
    QUALIFY row_number() OVER (ORDER BY written_at DESC, saved DESC) = 1
)
SELECT * FROM final
