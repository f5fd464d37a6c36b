-- description: Load history: every file loaded or refused (when, outcome, file, kind, rows, months, who, checksum,
--   and for a refused load where its first problems were, their kind and what was expected, never the values found)
-- grain: one row per file per load (loaded or refused)
-- parameters: (none)
-- source: load_log, refused_load
-- identities: none
-- refused_load is not a table: a refused load changes nothing in the database, so gpaccess/failed_loads.py
-- keeps refusals in <db>.failed-loads.jsonl and gpaccess.db.run registers them under this name.
WITH loaded AS (
    SELECT loaded_at, outcome, file_name, file_kind, rows, months, loaded_by, sha256, '' AS problems
    FROM load_log
),
refused AS (
    SELECT loaded_at, outcome, file_name, file_kind, rows, months, loaded_by, sha256, problems
    FROM refused_load
),
final AS (
    SELECT * FROM loaded
    UNION ALL BY NAME
    SELECT * FROM refused
)
SELECT loaded_at, outcome, file_name, file_kind, rows, months, loaded_by, sha256, problems
FROM final ORDER BY loaded_at DESC, file_name
