-- description: Kinds of productivity gain: practices reporting each kind, by programme
-- grain: one row per programme and kind of gain
-- parameters: $region, $icb, $programme
-- source: enrolment, practice
-- identities: none
-- gain_kind is ';'-separated text; each kind is trimmed and lower-cased. Counted among practices with gains
-- (support started, not withdrawn, productivity_gain yes); a practice counts once per kind and programme.
-- practices_with_kind = practices with gains and at least one kind recorded (the denominator for shares).
WITH scoped AS (
    SELECT programme, practice_code, gain_kind
    FROM enrolments_in_scope($region, $icb, $programme)
    WHERE status <> 'withdrawn' AND started_date IS NOT NULL AND productivity_gain
),
kinds AS (
    SELECT programme, practice_code, lower(trim(kind)) AS gain_kind
    FROM scoped, unnest(string_split(coalesce(gain_kind, ''), ';')) AS t(kind)
    WHERE trim(kind) <> ''
),
denominators AS (
    SELECT programme, count(DISTINCT practice_code) AS practices_with_kind
    FROM kinds
    GROUP BY programme
),
final AS (
    SELECT k.programme, k.gain_kind, count(DISTINCT k.practice_code) AS practices, d.practices_with_kind
    FROM kinds AS k
    JOIN denominators AS d USING (programme)
    GROUP BY k.programme, k.gain_kind, d.practices_with_kind
)
SELECT * FROM final ORDER BY programme, practices DESC, gain_kind
