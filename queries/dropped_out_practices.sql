-- description: Practices of one ICB whose data dropped out: appointment data the month before, none this month (for the ICB's own users)
-- grain: one row per practice and month it dropped out
-- parameters: $icb, $date_from, $date_to
-- source: practice_dropout (practice_month), practice
-- identities: practice
-- From the summary practice_dropout, stored at load (gpaccess/store/summaries.py); data_again_from = the next month
-- with data of the practice (in any ICB).
WITH final AS (
    SELECT d.month, d.practice_code, p.practice_name, d.appointments_month_before, d.data_again_from
    FROM dropouts_of_icb($icb, $date_from, $date_to) AS d
    LEFT JOIN practice AS p USING (practice_code)
)
SELECT * FROM final ORDER BY month DESC, practice_code
