-- description: What each source holds: first and newest month, number of months, when last loaded
-- grain: one row per source (appointments, list sizes, programme tracker)
-- parameters: (none)
-- source: practice_month, list_size, enrolment, load_log
-- identities: none
WITH appointments AS (
    SELECT 'Appointments (GPAD practice level)' AS source, min(month) AS first_month, max(month) AS newest_month,
           count(DISTINCT month) AS months, count(DISTINCT practice_code) AS practices
    FROM practice_month
),
list_sizes AS (
    SELECT 'Registered patients (list sizes)' AS source, min(extract_date), max(extract_date),
           count(DISTINCT extract_date), count(DISTINCT practice_code)
    FROM list_size
),
sources AS (
    SELECT * FROM appointments UNION ALL SELECT * FROM list_sizes
),
last_loads AS (
    SELECT CASE WHEN file_kind = 'crosstab' THEN 'Appointments (GPAD practice level)'
                WHEN file_kind = 'list_size' THEN 'Registered patients (list sizes)'
                WHEN file_kind LIKE 'tracker%' THEN 'Programme tracker' END AS source,
           max(loaded_at) AS last_loaded
    FROM load_log
    GROUP BY 1
),
tracker AS (
    SELECT 'Programme tracker' AS source, NULL::DATE AS first_month, NULL::DATE AS newest_month,
           NULL::BIGINT AS months, count(DISTINCT practice_code) AS practices
    FROM enrolment
),
final AS (
    SELECT s.source, s.first_month, s.newest_month, s.months, s.practices, l.last_loaded
    FROM (SELECT * FROM sources UNION ALL SELECT * FROM tracker) AS s
    LEFT JOIN last_loads AS l USING (source)
)
SELECT * FROM final
ORDER BY CASE source WHEN 'Appointments (GPAD practice level)' THEN 1
                     WHEN 'Registered patients (list sizes)' THEN 2 ELSE 3 END
