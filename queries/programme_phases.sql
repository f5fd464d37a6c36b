-- description: Phase completion: planned, enrolled and outcome status per programme phase/cohort and level
-- grain: one row per programme, phase and level
-- parameters: $region, $icb, $programme
-- source: programme_phase, enrolment, practice
-- identities: none
-- planned comes from the tracker's phases sheet and is national: it is shown only for a national scope.
WITH scoped AS (
    SELECT * FROM enrolments_in_scope($region, $icb, NULL)
),
counts AS (
    SELECT
        programme, phase, level,
        count(*) AS enrolled,
        count(*) FILTER (WHERE status = 'enrolled') AS not_started,
        count(*) FILTER (WHERE status = 'active') AS active,
        count(*) FILTER (WHERE status = 'completed') AS completed,
        count(*) FILTER (WHERE status = 'extended') AS extended,
        count(*) FILTER (WHERE status = 'withdrawn') AS withdrawn,
        count(*) FILTER (WHERE status <> 'withdrawn' AND started_date IS NOT NULL) AS supported,
        avg(modules_completed) FILTER (WHERE status <> 'withdrawn') AS mean_modules,
        avg(group_sessions_attended) FILTER (WHERE status <> 'withdrawn') AS mean_group_sessions,
        avg(onsite_visits) FILTER (WHERE status <> 'withdrawn') AS mean_onsite_visits
    FROM scoped
    GROUP BY programme, phase, level
),
final AS (
    SELECT
        ph.programme, ph.phase, ph.level, ph.start_date, ph.end_date, ph.weeks,
        CASE WHEN $region IS NULL AND $icb IS NULL THEN ph.planned_practices END AS planned,
        coalesce(c.enrolled, 0) AS enrolled,
        coalesce(c.not_started, 0) AS not_started,
        coalesce(c.active, 0) AS active,
        coalesce(c.completed, 0) AS completed,
        coalesce(c.extended, 0) AS extended,
        coalesce(c.withdrawn, 0) AS withdrawn,
        coalesce(c.supported, 0) AS supported,
        ph.modules_planned, c.mean_modules,
        ph.group_sessions_planned, c.mean_group_sessions,
        ph.onsite_visits_planned, c.mean_onsite_visits
    FROM programme_phase AS ph
    LEFT JOIN counts AS c USING (programme, phase, level)
    WHERE $programme IS NULL OR ph.programme = $programme
)
SELECT * FROM final
ORDER BY programme, start_date, phase, CASE level WHEN 'universal' THEN 1 WHEN 'intermediate' THEN 2 ELSE 3 END
