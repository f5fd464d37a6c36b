-- description: Load history: every file loaded (file, kind, checksum, rows, months, who, when, outcome)
-- grain: one row per file per load
-- parameters: (none)
-- source: load_log
-- identities: none
-- Refused loads are not in the database (a refused load changes nothing): the Data page adds them from
-- <db>.failed-loads.jsonl (gpaccess/failed_loads.py).
WITH final AS (
    SELECT load_id, loaded_at, loaded_by, file_name, file_kind, sha256, rows, months, outcome
    FROM load_log
)
SELECT * FROM final ORDER BY loaded_at DESC, file_name
