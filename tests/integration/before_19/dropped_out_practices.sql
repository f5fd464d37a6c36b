-- description: Practices of one ICB whose data dropped out: appointment data the month before, none this month (for the ICB's own users)
-- grain: one row per practice and month it dropped out
-- parameters: $icb, $date_from, $date_to
-- source: practice_month, practice
-- identities: practice
WITH months AS (
    SELECT DISTINCT month FROM practice_month
),
dropped AS (
    SELECT (prev.month + INTERVAL 1 MONTH)::DATE AS month, prev.practice_code, prev.appointments AS appointments_month_before
    FROM practice_month AS prev
    WHERE prev.icb_code = $icb
      AND (prev.month + INTERVAL 1 MONTH)::DATE IN (SELECT month FROM months)
      AND NOT EXISTS (
          SELECT 1 FROM practice_month AS cur
          WHERE cur.practice_code = prev.practice_code AND cur.month = (prev.month + INTERVAL 1 MONTH)::DATE)
),
final AS (
    SELECT d.month, d.practice_code, p.practice_name, d.appointments_month_before,
           (SELECT min(n.month) FROM practice_month AS n
            WHERE n.practice_code = d.practice_code AND n.month > d.month) AS data_again_from
    FROM dropped AS d
    LEFT JOIN practice AS p USING (practice_code)
    WHERE ($date_from IS NULL OR d.month >= $date_from)
      AND ($date_to IS NULL OR d.month <= $date_to)
)
SELECT * FROM final ORDER BY month DESC, practice_code
