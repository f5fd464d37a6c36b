-- gpaccess store schema. Keys are documented (and checked by ingest and tests) rather than declared, so that
-- a month can be deleted and re-inserted inside one transaction. See docs/data-model.md.
-- The table macros that queries share (scope filters, the support ranking) are in macros.sql, created with this
-- schema by gpaccess.store.ensure_schema.

-- Geography -----------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS region (          -- key: region_code (NHS England commissioning region, e.g. Y56)
    region_code VARCHAR NOT NULL,
    region_name VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS icb (             -- key: icb_code (ODS, e.g. QRV)
    icb_code VARCHAR NOT NULL,
    icb_ons_code VARCHAR,
    icb_name VARCHAR NOT NULL,
    region_code VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS sub_icb (         -- key: sub_icb_code (ODS, e.g. 15N)
    sub_icb_code VARCHAR NOT NULL,
    sub_icb_name VARCHAR,
    icb_code VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS pcn (             -- key: pcn_code
    pcn_code VARCHAR NOT NULL,
    pcn_name VARCHAR
);
CREATE TABLE IF NOT EXISTS practice (        -- key: practice_code (ODS, e.g. A81001)
    practice_code VARCHAR NOT NULL,
    practice_name VARCHAR,
    supplier VARCHAR,
    pcn_code VARCHAR,
    sub_icb_code VARCHAR NOT NULL,
    icb_code VARCHAR NOT NULL,
    region_code VARCHAR NOT NULL,
    source VARCHAR NOT NULL                  -- file kind the current row came from
);
CREATE TABLE IF NOT EXISTS list_size (       -- key: practice_code, extract_date
    practice_code VARCHAR NOT NULL,
    extract_date DATE NOT NULL,
    patients INTEGER NOT NULL
);

-- Appointments (GPAD practice-level crosstab, published grain) ----------------------------------------------
CREATE TABLE IF NOT EXISTS appointment (     -- key: month, practice_code, hcp_type, appt_mode, national_category,
    month DATE NOT NULL,                     --      time_band, appt_status
    practice_code VARCHAR NOT NULL,
    sub_icb_code VARCHAR NOT NULL,
    icb_code VARCHAR NOT NULL,
    hcp_type VARCHAR NOT NULL,
    appt_mode VARCHAR NOT NULL,
    national_category VARCHAR NOT NULL,
    time_band VARCHAR NOT NULL,
    appt_status VARCHAR NOT NULL,
    appointments INTEGER NOT NULL
);
-- One row per practice and month, derived from `appointment` at load time for fast dashboard queries.
CREATE TABLE IF NOT EXISTS practice_month (  -- key: month, practice_code
    month DATE NOT NULL,
    practice_code VARCHAR NOT NULL,
    sub_icb_code VARCHAR NOT NULL,
    icb_code VARCHAR NOT NULL,
    region_code VARCHAR NOT NULL,
    appointments BIGINT NOT NULL,
    face_to_face BIGINT NOT NULL,
    telephone BIGINT NOT NULL,
    video_online BIGINT NOT NULL,
    home_visit BIGINT NOT NULL,
    unknown_mode BIGINT NOT NULL,
    attended BIGINT NOT NULL,
    dna BIGINT NOT NULL,
    unknown_status BIGINT NOT NULL,
    same_day BIGINT NOT NULL,
    unknown_band BIGINT NOT NULL,
    gp BIGINT NOT NULL,
    unmapped BIGINT NOT NULL,
    inconsistent_mapping BIGINT NOT NULL,
    -- Added for access in depth (#16); a database written before them gains them at its next writable open
    -- (gpaccess.store.migrate), NULL-free from then on.
    within_2_weeks BIGINT,                   -- booked Same Day to 14 days (known_interval = appointments - unknown_band)
    other_staff BIGINT,                      -- HCP_TYPE 'Other Practice staff' (known staff type = gp + other_staff)
    -- Registered patients that month by the list-size rule (docs/roles.md: latest extract on or before the month,
    -- else the earliest after; NULL without any), stored by every load that writes practice_month or list_size
    -- (gpaccess.store.derived.REFRESH_PATIENTS_SQL); a database written before it gains it at its next writable open.
    patients INTEGER
);
-- Appointments per month and sub-ICB location by one published dimension (booking interval, staff type or national
-- category), derived from `appointment` at load time: the Access page's distributions, never a practice's.
CREATE TABLE IF NOT EXISTS sub_icb_month_mix (  -- key: month, sub_icb_code, dimension, category
    month DATE NOT NULL,
    sub_icb_code VARCHAR NOT NULL,
    icb_code VARCHAR NOT NULL,
    region_code VARCHAR NOT NULL,
    dimension VARCHAR NOT NULL,              -- time_band, hcp_type or national_category
    category VARCHAR NOT NULL,               -- canonical value (time bands with one space: '8 to 14 Days')
    appointments BIGINT NOT NULL
);

-- Summary tables: what the page queries read instead of practice_month (#19), rebuilt whole by every load that
-- writes appointments, list sizes or practices, inside its transaction, each from one SELECT of
-- gpaccess/store/summaries.py (which says what each holds and which queries read it). Queries read them only
-- through the store macros (scope_months, practice_runs_in_scope, ...). A database written before them gains them
-- at its next writable open (ensure_schema).
CREATE TABLE IF NOT EXISTS scope_month (     -- key: level, region_code, icb_code, month
    month DATE NOT NULL,
    region_code VARCHAR,                     -- NULL for England
    icb_code VARCHAR,                        -- NULL for England and a region
    level VARCHAR NOT NULL,                  -- england, region or icb
    practices BIGINT NOT NULL,               -- distinct practices with data
    practice_rows BIGINT NOT NULL,           -- practice_month rows
    appointments HUGEINT, face_to_face HUGEINT, telephone HUGEINT, video_online HUGEINT, home_visit HUGEINT,
    unknown_mode HUGEINT, attended HUGEINT, dna HUGEINT, unknown_status HUGEINT, same_day HUGEINT,
    unknown_band HUGEINT, gp HUGEINT, unmapped HUGEINT, inconsistent_mapping HUGEINT, within_2_weeks HUGEINT,
    other_staff HUGEINT,                     -- the sums of practice_month's columns
    appointments_with_patients HUGEINT,      -- appointments of practice-months with a list size
    patients HUGEINT                         -- registered patients summed over practice-months
);
CREATE TABLE IF NOT EXISTS practice_run (    -- key: practice_code, icb_code, from_month
    practice_code VARCHAR NOT NULL,
    icb_code VARCHAR NOT NULL,
    region_code VARCHAR NOT NULL,
    from_month DATE NOT NULL,                -- a run of consecutive months with data of the practice in the ICB
    to_month DATE NOT NULL
);
CREATE TABLE IF NOT EXISTS practice_dropout (  -- key: month, practice_code, icb_code
    month DATE NOT NULL,                     -- a month held with no data of the practice in any ICB
    practice_code VARCHAR NOT NULL,
    icb_code VARCHAR NOT NULL,               -- its ICB the month before, when it had data
    appointments_month_before BIGINT NOT NULL,
    data_again_from DATE                     -- its next month with data (NULL: none yet)
);
CREATE TABLE IF NOT EXISTS icb_month_coverage (  -- key: month, icb_code
    month DATE NOT NULL,
    icb_code VARCHAR NOT NULL,
    open_basis VARCHAR,                      -- 'list size <date>' or 'practice table'
    practices_open BIGINT NOT NULL,
    practices_in_data BIGINT NOT NULL,
    open_with_data BIGINT NOT NULL,
    dropped_out BIGINT NOT NULL,
    joined BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS impact_window (   -- key: practice_code, start_month
    practice_code VARCHAR NOT NULL,
    start_month DATE NOT NULL,               -- a possible support start month
    patients INTEGER,                        -- the list size at the start month
    face_to_face_pre DOUBLE, face_to_face_pre_n BIGINT, face_to_face_post DOUBLE, face_to_face_post_n BIGINT,
    same_day_pre DOUBLE, same_day_pre_n BIGINT, same_day_post DOUBLE, same_day_post_n BIGINT,
    dna_pre DOUBLE, dna_pre_n BIGINT, dna_post DOUBLE, dna_post_n BIGINT,
    per_1000_pre DOUBLE, per_1000_pre_n BIGINT, per_1000_post DOUBLE, per_1000_post_n BIGINT
);
-- Impact panels of queries/impact_panel.sql stored at every load, for gpaccess.impact.DESIGN (the parameters kept
-- with them): England's for every measure, each region's and ICB's with supported practices for the Impact page's
-- headline measure; the query reads them back when asked for exactly that (gpaccess/store/stored_panels.py).
CREATE TABLE IF NOT EXISTS stored_impact_panel (  -- key: region_code, icb_code, programme, measure, arm, unit,
    region_code VARCHAR,                     -- NULL for England          start_month, relative_month
    icb_code VARCHAR,                        -- NULL for England and a region
    programme VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    min_window_months INTEGER NOT NULL, caliper DOUBLE NOT NULL, k_comparators INTEGER NOT NULL,
    event_before INTEGER NOT NULL, event_after INTEGER NOT NULL,
    arm VARCHAR, unit BIGINT, start_month DATE, weight DOUBLE, relative_month INTEGER, value DOUBLE,
    supported_in_scope BIGINT, supported_with_windows BIGINT
);
CREATE TABLE IF NOT EXISTS stored_impact_estimate (  -- key: region_code, icb_code, programme, measure (the design)
    region_code VARCHAR,                     -- the difference-in-differences of each stored panel, computed at
    icb_code VARCHAR,                        -- load by gpaccess.impact.estimate from the panel stored above
    programme VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    min_window_months INTEGER NOT NULL, caliper DOUBLE NOT NULL, k_comparators INTEGER NOT NULL,
    event_before INTEGER NOT NULL, event_after INTEGER NOT NULL,
    n_supported BIGINT NOT NULL, n_comparators BIGINT NOT NULL, estimate DOUBLE, se DOUBLE, ci_low DOUBLE,
    ci_high DOUBLE, supported_pre DOUBLE, supported_change DOUBLE, comparator_pre DOUBLE,
    comparator_change DOUBLE, suppressed BOOLEAN NOT NULL
);

-- Programme tracker (docs/programme-template.md) -------------------------------------------------------------
CREATE TABLE IF NOT EXISTS programme (       -- key: programme
    programme VARCHAR NOT NULL,
    programme_name VARCHAR,
    start_date DATE NOT NULL,
    end_date DATE,
    target_practices INTEGER
);
CREATE TABLE IF NOT EXISTS programme_phase ( -- key: programme, phase, level
    programme VARCHAR NOT NULL,
    phase VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    planned_practices INTEGER,
    start_date DATE NOT NULL,
    end_date DATE,
    weeks INTEGER,
    modules_planned INTEGER,
    group_sessions_planned INTEGER,
    onsite_visits_planned INTEGER
);
CREATE TABLE IF NOT EXISTS enrolment (       -- key: programme, phase, practice_code
    programme VARCHAR NOT NULL,
    phase VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    practice_code VARCHAR NOT NULL,
    enrolled_date DATE NOT NULL,
    started_date DATE,
    ended_date DATE,
    status VARCHAR NOT NULL,
    withdrawal_reason VARCHAR,
    modules_completed INTEGER,               -- delivery
    group_sessions_attended INTEGER,
    onsite_visits INTEGER,
    productivity_gain BOOLEAN,               -- outcome (NULL = not assessed)
    clinical_hours_released DOUBLE,
    admin_hours_released DOUBLE,
    gain_kind VARCHAR
);
CREATE TABLE IF NOT EXISTS action_adopted (  -- key: programme, phase, practice_code, action_number
    programme VARCHAR NOT NULL,
    phase VARCHAR NOT NULL,
    practice_code VARCHAR NOT NULL,
    action_number INTEGER NOT NULL,
    specific_change VARCHAR,
    adopted_date DATE NOT NULL
);
CREATE TABLE IF NOT EXISTS eligibility (     -- key: practice_code
    practice_code VARCHAR NOT NULL,
    digital_telephony_live_date DATE,
    wished_to_enrol BOOLEAN,
    assessed_date DATE
);
CREATE TABLE IF NOT EXISTS barrier (         -- key: icb_code, reported_date, programme, barrier
    icb_code VARCHAR NOT NULL,
    reported_date DATE NOT NULL,
    programme VARCHAR NOT NULL,
    barrier VARCHAR NOT NULL,
    practices_affected INTEGER,
    detail VARCHAR
);
-- Funding (the tracker's funding sheets): money allocated to an ICB and spent, per fund and financial year
-- ("2021/22"); and payments made to practices (such as GPIP transition cover), recorded only here, not also in
-- `funding`. Amounts in pounds, to the penny.
CREATE TABLE IF NOT EXISTS funding (         -- key: fund, icb_code, financial_year
    fund VARCHAR NOT NULL,
    icb_code VARCHAR NOT NULL,
    financial_year VARCHAR NOT NULL,
    allocated_gbp DECIMAL(14, 2) NOT NULL,
    spent_gbp DECIMAL(14, 2)                 -- NULL = not yet reported
);
CREATE TABLE IF NOT EXISTS funding_payment ( -- key: fund, practice_code, financial_year
    fund VARCHAR NOT NULL,
    practice_code VARCHAR NOT NULL,
    financial_year VARCHAR NOT NULL,
    paid_gbp DECIMAL(14, 2) NOT NULL
);

-- Reference and bookkeeping ------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS high_impact_action (  -- key: action_number (the ten high impact actions, 2016)
    action_number INTEGER NOT NULL,
    action_name VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS value_map (       -- published value -> canonical value, per dimension
    dimension VARCHAR NOT NULL,
    published VARCHAR NOT NULL,
    canonical VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS load_log (        -- key: load_id, file_name
    load_id VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    loaded_by VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    file_kind VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    months VARCHAR,
    outcome VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS dataset (         -- key: key. e.g. synthetic_demo = 'yes'
    key VARCHAR NOT NULL,
    value VARCHAR NOT NULL
);

-- What users write ------------------------------------------------------------------------------------------------
-- The board commentary (docs/roles.md, "Commentary"): 2-4 sentences an author writes per scope and month, written
-- only through gpaccess.commentary.write_commentary. History is kept: every save is a new row, and the latest per
-- scope and month is shown (queries/commentary.sql).
CREATE TABLE IF NOT EXISTS commentary (      -- key: region_code, icb_code, month, written_at (append only)
    region_code VARCHAR,                     -- NULL for England; for an ICB, its region
    icb_code VARCHAR,                        -- NULL for England and for a region
    month DATE NOT NULL,                     -- the first day of the month it is about
    text VARCHAR NOT NULL,                   -- plain text, one paragraph, at most 600 characters
    written_by VARCHAR NOT NULL,             -- the author as recorded (an e-mail address or a name)
    written_at TIMESTAMP NOT NULL
);

-- What users record -------------------------------------------------------------------------------------------
-- A change to a process that re-bases an SPC chart's limits (gpaccess/spc_changes.py; docs/spc.md). Scope:
-- England (both codes NULL), a region (region_code only) or an ICB (icb_code, with its region). Never deleted:
-- removing or superseding a change fills removed_by and removed_at, so the record of who did what stays.
CREATE TABLE IF NOT EXISTS spc_change (      -- key: change_id; one row with removed_at NULL per measure, scope, month
    change_id VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,                -- an SPC measure (column of appointments_monthly.sql)
    region_code VARCHAR,
    icb_code VARCHAR,
    change_month DATE NOT NULL,              -- first of the month the change took effect
    reason VARCHAR NOT NULL,                 -- plain text, one line, at most 200 characters
    recorded_by VARCHAR NOT NULL,            -- who: e-mail address when signed in, else the role's label
    recorded_as VARCHAR NOT NULL,            -- the role they wrote as: national, region:Y56, icb:QRV
    recorded_at TIMESTAMP NOT NULL,
    removed_by VARCHAR,
    removed_at TIMESTAMP
);
