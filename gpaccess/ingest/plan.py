"""What a validated load will replace, table by table, said before anything is written.

Appointments are replaced per month and ICB in the batch, list sizes per extract date, practices per code, and
each programme tracker sheet given replaces its whole table, except that a sheet with no rows leaves its table
as it is (an empty sheet never empties programme data by accident) unless the load is made with `replace`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from gpaccess.ingest.apply import TRACKER_TABLES
from gpaccess.ingest.tracker import TrackerBatch

APPOINTMENTS_PLAN_SQL = """
WITH subs AS (
    SELECT sub_icb_code, any_value(icb_code) AS icb_code FROM stage_mapping GROUP BY 1
    UNION ALL
    SELECT sub_icb_code, icb_code FROM sub_icb
    WHERE sub_icb_code NOT IN (SELECT sub_icb_code FROM stage_mapping WHERE sub_icb_code IS NOT NULL)
),
keys AS (
    SELECT DISTINCT c.month, s.icb_code
    FROM (SELECT DISTINCT month, sub_icb_code FROM stage_crosstab) AS c JOIN subs AS s USING (sub_icb_code)
)
SELECT (SELECT count(*) FROM appointment AS a
        WHERE EXISTS (SELECT 1 FROM keys AS k WHERE k.month = a.month AND k.icb_code = a.icb_code)),
       (SELECT count(*) FROM stage_crosstab),
       (SELECT string_agg(DISTINCT strftime(month, '%Y-%m'), ', ' ORDER BY strftime(month, '%Y-%m')) FROM keys),
       (SELECT count(DISTINCT icb_code) FROM keys)
"""
LIST_SIZE_PLAN_SQL = """
SELECT (SELECT count(*) FROM list_size WHERE extract_date IN (SELECT extract_date FROM stage_list_size)),
       (SELECT count(*) FROM stage_list_size WHERE type = 'GP' AND sex = 'ALL' AND age = 'ALL'),
       (SELECT string_agg(DISTINCT strftime(extract_date, '%Y-%m-%d'), ', ') FROM stage_list_size)
"""
PRACTICE_PLAN_SQL = """
WITH given AS (
    SELECT practice_code FROM stage_mapping UNION SELECT practice_code FROM stage_crosstab_practice
)
SELECT count(*) FILTER (WHERE practice_code IN (SELECT practice_code FROM practice)), count(*) FROM given
"""
# A store table's row count; the table name comes only from TRACKER_TABLES, never from input.
COUNT_SQL = {table: f"SELECT count(*) FROM {table}" for table in TRACKER_TABLES.values()}  # noqa: S608


@dataclass(frozen=True)
class TableChange:
    table: str
    replaced: int  # rows in the store now that the load deletes
    written: int  # rows the load writes
    part: str  # which part of the table: months and ICBs, extract dates, or the whole table

    def line(self) -> str:
        return (
            f"  - {self.table}: {self.replaced:,} rows replaced by {self.written:,} ({self.part})"
        )


@dataclass(frozen=True)
class LoadPlan:
    changes: list[TableChange] = field(default_factory=list)
    kept: list[tuple[str, int]] = field(default_factory=list)  # (table, rows kept): empty sheets

    @property
    def writes_anything(self) -> bool:
        return bool(self.changes)

    def describe(self) -> str:
        lines = ["This load replaces:", *(c.line() for c in self.changes)]
        lines += [
            f"  - {table}: left as it is ({rows:,} rows): its sheet has no rows "
            "(load with --replace to empty it)"
            for table, rows in self.kept
        ]
        return "\n".join(lines)


def plan_load(con: duckdb.DuckDBPyConnection, tracker: TrackerBatch, replace: bool) -> LoadPlan:
    changes: list[TableChange] = []
    replaced, written, months, icbs = _one(con, APPOINTMENTS_PLAN_SQL)
    if written:
        part = f"months {months}, {icbs} ICB{'s' if icbs != 1 else ''}"
        changes.append(TableChange("appointment", replaced, written, part))
    updated, given = _one(con, PRACTICE_PLAN_SQL)
    if given:
        changes.append(TableChange("practice", updated, given, f"{given - updated:,} new"))
    replaced, written, dates = _one(con, LIST_SIZE_PLAN_SQL)
    if dates:
        changes.append(TableChange("list_size", replaced, written, f"extract {dates}"))
    kept: list[tuple[str, int]] = []
    for name, sheet_rows in tracker.sheets.items():
        table = TRACKER_TABLES[name]
        (now,) = _one(con, COUNT_SQL[table])
        if sheet_rows.rows or replace:
            changes.append(TableChange(table, now, len(sheet_rows.rows), "the whole table"))
        else:
            kept.append((table, now))
    return LoadPlan(changes, kept)


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    row = con.execute(sql).fetchone()
    assert row is not None
    return tuple(row)
