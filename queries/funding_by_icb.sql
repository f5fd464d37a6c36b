-- description: Funding by ICB: money allocated and spent (the tracker's funding sheets), registered patients, and what the programmes achieved there (practices supported, practices with gains, hours released)
-- grain: one row per ICB in scope
-- parameters: $region, $icb
-- source: funding, funding_payment, list_size, practice, practice_run (practice_month), enrolment, icb, region
-- identities: none
-- Money: every fund and financial year held. allocated_gbp and spent_gbp are the ICB's allocations and spend
-- (funding) plus the payments to its practices (funding_payment: a payment is allocated and spent at once);
-- winter_access_fund_gbp is the winter access fund's allocation alone. has_funding: any funding row for the ICB.
-- Patients: the latest list size extract held, summed over the ICB's practices. Practices: of the ICB, with
-- appointment data in any month held. Both programmes (funds are not per programme): supported = hands-on support
-- started and not withdrawn (GPIP universal webinars excluded), counted once per practice; assessed and
-- with_gains as in gains_by_icb, a practice counting once (with gains in either programme); hours = clinical and
-- admin hours a month released, summed over practices reporting (as in hours_released). Shares and the
-- small-number rule are applied in gpaccess.charts.funding.
WITH allocations AS (
    SELECT icb_code,
        sum(allocated_gbp) AS allocated_gbp,
        sum(spent_gbp) AS spent_gbp,
        sum(allocated_gbp) FILTER (WHERE fund = 'Winter access fund') AS winter_access_fund_gbp
    FROM funding
    GROUP BY icb_code
),
payments AS (
    SELECT p.icb_code, sum(f.paid_gbp) AS paid_gbp, count(DISTINCT f.practice_code) AS practices_paid
    FROM funding_payment AS f
    JOIN practice AS p USING (practice_code)
    GROUP BY p.icb_code
),
latest_list AS (
    SELECT l.practice_code, l.patients
    FROM list_size AS l
    WHERE l.extract_date = (SELECT max(extract_date) FROM list_size)
),
patients AS (
    SELECT p.icb_code, sum(l.patients) AS patients
    FROM latest_list AS l
    JOIN practice AS p USING (practice_code)
    GROUP BY p.icb_code
),
pool AS (  -- from the summary practice_run (runs of consecutive months of a practice in an ICB)
    SELECT icb_code, count(DISTINCT practice_code) AS practices
    FROM practice_runs_in_scope(NULL, NULL, NULL, NULL)
    GROUP BY icb_code
),
supported AS (
    SELECT e.practice_code, p.icb_code,
        bool_or(e.productivity_gain) AS gained,
        bool_or(e.productivity_gain IS NOT NULL) AS assessed,
        sum(coalesce(e.clinical_hours_released, 0) + coalesce(e.admin_hours_released, 0)) AS hours,
        bool_or(e.clinical_hours_released IS NOT NULL OR e.admin_hours_released IS NOT NULL) AS reporting
    FROM enrolment AS e
    JOIN practice AS p USING (practice_code)
    WHERE e.status <> 'withdrawn' AND e.started_date IS NOT NULL AND e.level <> 'universal'
    GROUP BY ALL
),
outcomes AS (
    SELECT icb_code,
        count(*) AS practices_supported,
        count(*) FILTER (WHERE assessed) AS assessed,
        count(*) FILTER (WHERE gained) AS with_gains,
        count(*) FILTER (WHERE reporting) AS practices_reporting_hours,
        sum(hours) FILTER (WHERE reporting) AS hours_released
    FROM supported
    GROUP BY icb_code
),
final AS (
    SELECT
        i.icb_code, i.icb_name, i.region_code, r.region_name,
        a.icb_code IS NOT NULL OR pay.icb_code IS NOT NULL AS has_funding,
        coalesce(a.winter_access_fund_gbp, 0) AS winter_access_fund_gbp,
        coalesce(a.allocated_gbp, 0) + coalesce(pay.paid_gbp, 0) AS allocated_gbp,
        coalesce(a.spent_gbp, 0) + coalesce(pay.paid_gbp, 0) AS spent_gbp,
        coalesce(pay.paid_gbp, 0) AS paid_to_practices_gbp,
        coalesce(pay.practices_paid, 0) AS practices_paid,
        coalesce(pt.patients, 0) AS patients,
        coalesce(pool.practices, 0) AS practices,
        coalesce(o.practices_supported, 0) AS practices_supported,
        coalesce(o.assessed, 0) AS assessed,
        coalesce(o.with_gains, 0) AS with_gains,
        coalesce(o.practices_reporting_hours, 0) AS practices_reporting_hours,
        coalesce(o.hours_released, 0) AS hours_released
    FROM icb AS i
    JOIN region AS r USING (region_code)
    LEFT JOIN allocations AS a ON a.icb_code = i.icb_code
    LEFT JOIN payments AS pay ON pay.icb_code = i.icb_code
    LEFT JOIN patients AS pt ON pt.icb_code = i.icb_code
    LEFT JOIN pool ON pool.icb_code = i.icb_code
    LEFT JOIN outcomes AS o ON o.icb_code = i.icb_code
    WHERE ($region IS NULL OR i.region_code = $region)
      AND ($icb IS NULL OR i.icb_code = $icb)
)
SELECT * FROM final ORDER BY icb_name
