-- description: GPIP month by month up to $month: practices newly enrolled, newly benefited, and benefited to date
-- grain: one row per month from GPIP's first month to $month (months with none included)
-- parameters: $region, $icb, $month
-- source: enrolment, practice, programme
-- identities: none
-- Benefited as in gpip_headline: a support started and not withdrawn, any level (universal included). A practice
-- counts once: enrolled in the month of its first GPIP enrolment (withdrawn ones too), benefited in the month of
-- its first start of a support it did not withdraw from. Feeds the summary's rate and trajectory (gpaccess.summary).
WITH scoped AS (
    SELECT * FROM enrolments_in_scope($region, $icb, 'GPIP')
),
firsts AS (
    SELECT
        practice_code,
        date_trunc('month', min(enrolled_date))::DATE AS enrolled_month,
        date_trunc('month', min(started_date) FILTER (WHERE status <> 'withdrawn'))::DATE AS benefited_month
    FROM scoped
    GROUP BY practice_code
),
bounds AS (
    SELECT
        least(
            coalesce((SELECT min(start_date) FROM programme WHERE programme = 'GPIP'), DATE '9999-12-01'),
            coalesce((SELECT min(enrolled_month) FROM firsts), DATE '9999-12-01'),
            coalesce((SELECT min(benefited_month) FROM firsts), DATE '9999-12-01')
        ) AS first_day,
        date_trunc('month', $month::DATE)::DATE AS last_month
),
months AS (
    SELECT unnest(generate_series(date_trunc('month', first_day), last_month, INTERVAL 1 MONTH))::DATE AS month
    FROM bounds
    WHERE first_day <= last_month
),
enrolled AS (
    SELECT enrolled_month AS month, count(*) AS enrolled FROM firsts GROUP BY enrolled_month
),
benefited AS (
    SELECT benefited_month AS month, count(*) AS benefited
    FROM firsts
    WHERE benefited_month IS NOT NULL
    GROUP BY benefited_month
),
final AS (
    SELECT
        m.month,
        coalesce(e.enrolled, 0)::BIGINT AS enrolled,
        coalesce(b.benefited, 0)::BIGINT AS benefited,
        (sum(coalesce(b.benefited, 0)) OVER (ORDER BY m.month))::BIGINT AS benefited_to_date
    FROM months AS m
    LEFT JOIN enrolled AS e USING (month)
    LEFT JOIN benefited AS b USING (month)
)
SELECT * FROM final ORDER BY month
