-- Shared SQL for queries/: table macros that queries call so that each query states its own logic, not the
-- scope filter, the assessed practices or the support ranking again. Each macro is one statement starting `CREATE OR REPLACE MACRO`
-- at the start of a line, its description as comments inside it (gpaccess.store.connect splits them there).
--
-- gpaccess.store.ensure_schema stores them, with their version (a hash of this file) as the macro
-- gpaccess_macros_version(), on every writable connection, so every load refreshes them. On a database written
-- before a macro existed or changed (the app opens it read-only, so cannot store them), gpaccess.db.run defines
-- the ones a query calls as TEMP macros on the query's cursor, found before any stored ones.
-- An argument name never equals a column name (it would shadow the column). A NULL argument = no filter.
-- The summary tables of gpaccess/store/summaries.py (scope_month, practice_run, ...) are read only through the macros
-- here (scope_months, practice_runs_in_scope, ...), so that a database written before a table existed, opened
-- read-only, gets TEMP macros that compute its rows from the tables it summarises (gpaccess.store.connect).

CREATE OR REPLACE MACRO practice_months_in_scope(scope_region, scope_icb, first_month, last_month) AS TABLE
    -- practice_month rows of the scope's region and ICB, for months first_month to last_month.
    SELECT *
    FROM practice_month
    WHERE (scope_region IS NULL OR region_code = scope_region)
      AND (scope_icb IS NULL OR icb_code = scope_icb)
      AND (first_month IS NULL OR month >= first_month)
      AND (last_month IS NULL OR month <= last_month);

CREATE OR REPLACE MACRO practice_months_with_patients(scope_region, scope_icb, first_month, last_month) AS TABLE
    -- practice_months_in_scope, for the queries that read `patients`: the practice's registered patients that
    -- month, from its latest list size on or before the month, else its earliest (for months before its first
    -- extract); NULL if it has no list size at all. Stored in practice_month at load (gpaccess.store.derived); on a
    -- database written before that, opened read-only, db.run computes it here by the same rule until the next load.
    SELECT *
    FROM practice_months_in_scope(scope_region, scope_icb, first_month, last_month);

CREATE OR REPLACE MACRO enrolments_in_scope(scope_region, scope_icb, scope_programme) AS TABLE
    -- enrolment rows (all columns, any status) of practices in the scope's region and ICB (the practice's ICB in
    -- the `practice` table), for one programme.
    SELECT e.*
    FROM enrolment AS e
    JOIN practice AS p USING (practice_code)
    WHERE (scope_region IS NULL OR p.region_code = scope_region)
      AND (scope_icb IS NULL OR p.icb_code = scope_icb)
      AND (scope_programme IS NULL OR e.programme = scope_programme);

CREATE OR REPLACE MACRO assessed_enrolments(scope_region, scope_icb, scope_programme, scope_phase) AS TABLE
    -- enrolments_in_scope rows assessed for productivity gains: support started, not withdrawn, productivity_gain
    -- recorded (as in gains_by_phase), in phase scope_phase (NULL = all phases).
    SELECT *
    FROM enrolments_in_scope(scope_region, scope_icb, scope_programme)
    WHERE status <> 'withdrawn' AND started_date IS NOT NULL AND productivity_gain IS NOT NULL
      AND (scope_phase IS NULL OR phase = scope_phase);

CREATE OR REPLACE MACRO assessed_practices(scope_region, scope_icb, scope_programme, scope_phase) AS TABLE
    -- One row per programme and practice with an assessed enrolment (a practice counts once per programme):
    -- programme, practice_code, gained (productivity gains in any of its assessed phases).
    SELECT programme, practice_code, bool_or(productivity_gain) AS gained
    FROM assessed_enrolments(scope_region, scope_icb, scope_programme, scope_phase)
    GROUP BY programme, practice_code;

CREATE OR REPLACE MACRO adopted_actions(scope_region, scope_icb, scope_programme, scope_phase) AS TABLE
    -- The high impact actions each assessed practice adopted in its assessed enrolments: one row per programme,
    -- practice and action (an action adopted in several assessed phases counts once).
    SELECT DISTINCT a.programme, a.practice_code, a.action_number
    FROM action_adopted AS a
    JOIN assessed_enrolments(scope_region, scope_icb, scope_programme, scope_phase) AS e
        USING (programme, phase, practice_code);

CREATE OR REPLACE MACRO assessed_action_grid(scope_region, scope_icb, scope_programme, scope_phase) AS TABLE
    -- One row per assessed practice (per programme) and each of the ten high impact actions: programme,
    -- practice_code, gained, action_number, action_name, adopter (it adopted that action).
    SELECT s.programme, s.practice_code, s.gained, h.action_number, h.action_name,
           d.action_number IS NOT NULL AS adopter
    FROM assessed_practices(scope_region, scope_icb, scope_programme, scope_phase) AS s
    CROSS JOIN high_impact_action AS h
    LEFT JOIN adopted_actions(scope_region, scope_icb, scope_programme, scope_phase) AS d
      ON d.programme = s.programme AND d.practice_code = s.practice_code AND d.action_number = h.action_number;

CREATE OR REPLACE MACRO support_ranking(scope_region, scope_icb, measure, first_month, last_month) AS TABLE
    -- Support identification (docs/roles.md): one row per practice ranked in its ICB on `measure` over the
    -- window first_month to last_month (queries support_list and support_reach).
    -- Ranking: within each ICB, every practice with a value for the measure over the window is ranked from
    -- lowest to highest on the unrounded value (shares and rates pool the window's appointments; appointments
    -- per 1,000 patients count only months with a list size, see practice_months_with_patients); equal values are
    -- ordered by practice code (A before Z). The lowest ceil(0.2 x n) of the n ranked practices are "the lowest
    -- 20%" (rounded up, so an ICB with any practices has at least one; 0.2 is an exact DECIMAL). Practices with
    -- no appointments in the window are not ranked. `measure` is one of face_to_face_pct, same_day_pct,
    -- appointments_per_1000, within_2_weeks_pct (booked within 2 weeks of appointments with a known interval:
    -- the lowest share, the longest waits, ranks first; a practice with no known interval is not ranked on it);
    -- anything else ranks none.
    -- In a programme = any enrolment in Accelerate or GPIP that is not withdrawn (signed up, active, completed or
    -- extended), in any ICB.
    -- Columns: icb_code, practice_code, value (unrounded, in the measure's unit: % or per 1,000 patients),
    -- rank_in_icb, practices_ranked (n), lowest, in_accelerate, in_gpip, in_either.
    WITH per_practice AS (
        SELECT
            icb_code,
            practice_code,
            sum(face_to_face)::DOUBLE / nullif(sum(appointments), 0)::DOUBLE AS face_to_face_ratio,
            sum(same_day)::DOUBLE / nullif(sum(appointments), 0)::DOUBLE AS same_day_ratio,
            sum(within_2_weeks)::DOUBLE / nullif(sum(appointments) - sum(unknown_band), 0)::DOUBLE
                AS within_2_weeks_ratio,
            (sum(appointments) FILTER (WHERE patients IS NOT NULL))::DOUBLE
                / nullif(sum(patients), 0)::DOUBLE AS appointments_per_patient
        FROM practice_months_with_patients(scope_region, scope_icb, first_month, last_month)
        GROUP BY icb_code, practice_code
        HAVING sum(appointments) > 0
    ),
    measured AS (
        SELECT
            icb_code,
            practice_code,
            CASE measure
                WHEN 'face_to_face_pct' THEN face_to_face_ratio
                WHEN 'same_day_pct' THEN same_day_ratio
                WHEN 'within_2_weeks_pct' THEN within_2_weeks_ratio
                WHEN 'appointments_per_1000' THEN appointments_per_patient
            END AS ratio,
            CASE measure
                WHEN 'appointments_per_1000' THEN 1000.0
                ELSE 100.0
            END AS scale
        FROM per_practice
    ),
    ranked AS (
        SELECT
            *,
            row_number() OVER (PARTITION BY icb_code ORDER BY ratio, practice_code) AS rank_in_icb,
            count(*) OVER (PARTITION BY icb_code) AS practices_ranked
        FROM measured
        WHERE ratio IS NOT NULL
    ),
    supported AS (
        SELECT
            practice_code,
            bool_or(programme = 'Accelerate') AS in_accelerate,
            bool_or(programme = 'GPIP') AS in_gpip
        FROM enrolment
        WHERE status <> 'withdrawn'
        GROUP BY practice_code
    )
    SELECT
        r.icb_code,
        r.practice_code,
        r.ratio * r.scale AS value,
        r.rank_in_icb,
        r.practices_ranked,
        r.rank_in_icb <= ceil(0.2 * r.practices_ranked) AS lowest,
        coalesce(s.in_accelerate, false) AS in_accelerate,
        coalesce(s.in_gpip, false) AS in_gpip,
        coalesce(s.in_accelerate OR s.in_gpip, false) AS in_either
    FROM ranked AS r
    LEFT JOIN supported AS s USING (practice_code);

CREATE OR REPLACE MACRO mix_in_scope(scope_region, scope_icb, first_month, last_month, mix_dimension) AS TABLE
    -- sub_icb_month_mix rows of the scope's region and ICB for one dimension (time_band, hcp_type or
    -- national_category), months first_month to last_month: month, sub_icb_code, icb_code, region_code,
    -- dimension, category, appointments.
    SELECT *
    FROM sub_icb_month_mix
    WHERE dimension = mix_dimension
      AND (scope_region IS NULL OR region_code = scope_region)
      AND (scope_icb IS NULL OR icb_code = scope_icb)
      AND (first_month IS NULL OR month >= first_month)
      AND (last_month IS NULL OR month <= last_month);

CREATE OR REPLACE MACRO scope_months(scope_region, scope_icb, first_month, last_month) AS TABLE
    -- One row per month of the scope (England, the region, or the ICB), months first_month to last_month: the
    -- practice_month sums of summary scope_month (practices = distinct practices with data that month).
    SELECT *
    FROM scope_month
    WHERE level = CASE WHEN scope_icb IS NOT NULL THEN 'icb' WHEN scope_region IS NOT NULL THEN 'region'
                       ELSE 'england' END
      AND (scope_region IS NULL OR region_code = scope_region)
      AND (scope_icb IS NULL OR icb_code = scope_icb)
      AND (first_month IS NULL OR month >= first_month)
      AND (last_month IS NULL OR month <= last_month);

CREATE OR REPLACE MACRO icb_months_in_scope(scope_region, scope_icb, first_month, last_month) AS TABLE
    -- One row per ICB of the scope's region (and ICB) and month, first_month to last_month: the ICB rows of
    -- summary scope_month (practice_rows = its practice-month rows, practices = distinct practices).
    SELECT *
    FROM scope_month
    WHERE level = 'icb'
      AND (scope_region IS NULL OR region_code = scope_region)
      AND (scope_icb IS NULL OR icb_code = scope_icb)
      AND (first_month IS NULL OR month >= first_month)
      AND (last_month IS NULL OR month <= last_month);

CREATE OR REPLACE MACRO practice_runs_in_scope(scope_region, scope_icb, first_month, last_month) AS TABLE
    -- Runs of consecutive months with data of a practice in an ICB (summary practice_run: practice_code,
    -- icb_code, region_code, from_month, to_month) of the scope that overlap first_month to last_month: a
    -- practice has data in the period in the ICB if and only if one of its runs there overlaps it.
    SELECT *
    FROM practice_run
    WHERE (scope_region IS NULL OR region_code = scope_region)
      AND (scope_icb IS NULL OR icb_code = scope_icb)
      AND (first_month IS NULL OR to_month >= first_month)
      AND (last_month IS NULL OR from_month <= last_month);

CREATE OR REPLACE MACRO dropouts_of_icb(scope_icb, first_month, last_month) AS TABLE
    -- Summary practice_dropout of one ICB (none for a NULL ICB): one row per practice and month its data
    -- dropped out (data the month before, in the ICB; in no ICB's data this month), months first_month to
    -- last_month: month, practice_code, icb_code, appointments_month_before, data_again_from.
    SELECT *
    FROM practice_dropout
    WHERE icb_code = scope_icb
      AND (first_month IS NULL OR month >= first_month)
      AND (last_month IS NULL OR month <= last_month);

CREATE OR REPLACE MACRO coverage_in_scope(scope_region, scope_icb, first_month, last_month) AS TABLE
    -- Summary icb_month_coverage for the ICBs of the scope (in the icb table), months first_month to
    -- last_month: month, icb_code, open_basis, practices_open, practices_in_data, open_with_data, dropped_out,
    -- joined.
    SELECT c.*
    FROM icb_month_coverage AS c
    JOIN icb AS i USING (icb_code)
    WHERE (scope_region IS NULL OR i.region_code = scope_region)
      AND (scope_icb IS NULL OR c.icb_code = scope_icb)
      AND (first_month IS NULL OR c.month >= first_month)
      AND (last_month IS NULL OR c.month <= last_month);

CREATE OR REPLACE MACRO impact_windows() AS TABLE
    -- Summary impact_window: per practice and possible support start month, the impact panel's before and after
    -- window means and months of each measure and the list size at the start (gpaccess/store/impact_windows.py).
    SELECT *
    FROM impact_window;

CREATE OR REPLACE MACRO stored_panel_rows(for_region, for_icb, for_programme, for_measure, for_min_window_months,
                                          for_caliper, for_k_comparators, for_event_before, for_event_after)
    AS TABLE
    -- The impact panel stored at load (gpaccess/store/stored_panels.py) for one scope (NULL region and ICB:
    -- England), programme and measure, if it was computed with these design parameters (else no rows): the
    -- columns of queries/impact_panel.sql.
    SELECT arm, unit, start_month, weight, relative_month, value, supported_in_scope, supported_with_windows
    FROM stored_impact_panel
    WHERE region_code IS NOT DISTINCT FROM for_region AND icb_code IS NOT DISTINCT FROM for_icb
      AND programme = for_programme AND measure = for_measure AND min_window_months = for_min_window_months
      AND caliper = for_caliper AND k_comparators = for_k_comparators AND event_before = for_event_before
      AND event_after = for_event_after;

CREATE OR REPLACE MACRO stored_estimate_rows(for_region, for_icb, for_programme, for_measure,
                                             for_min_window_months, for_caliper, for_k_comparators,
                                             for_event_before, for_event_after)
    AS TABLE
    -- The difference-in-differences of the impact panel stored at load for one scope, programme and measure
    -- (gpaccess/store/stored_panels.py), if it was computed with these design parameters (else no row): the
    -- fields of gpaccess.impact.DidResult.
    SELECT measure, n_supported, n_comparators, estimate, se, ci_low, ci_high, supported_pre, supported_change,
           comparator_pre, comparator_change, suppressed
    FROM stored_impact_estimate
    WHERE region_code IS NOT DISTINCT FROM for_region AND icb_code IS NOT DISTINCT FROM for_icb
      AND programme = for_programme AND measure = for_measure AND min_window_months = for_min_window_months
      AND caliper = for_caliper AND k_comparators = for_k_comparators AND event_before = for_event_before
      AND event_after = for_event_after;
