"""Month arithmetic and the date spellings used by the published files.

A month is handled as an integer index ``year * 12 + month - 1`` so that arrays can be indexed by it.
"""

from __future__ import annotations

import datetime as dt

_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_month(text: str) -> int:
    """``"2025-10"`` -> month index."""
    year, month = text.split("-")[:2]
    if not 1 <= int(month) <= 12:
        raise ValueError(f"not a month: {text!r}")
    return int(year) * 12 + int(month) - 1


def month_text(index: int) -> str:
    """Month index -> ``"2025-10"``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def first_day(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def last_day(index: int) -> dt.date:
    return first_day(index + 1) - dt.timedelta(days=1)


def month_of_date(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def crosstab_date(index: int) -> str:
    """``01OCT2025`` as in APPOINTMENT_MONTH_START_DATE."""
    return f"01{_ABBR[index % 12].upper()}{index // 12:04d}"


def crosstab_file_name(index: int) -> str:
    """``Practice_Level_Crosstab_Oct_25.csv``."""
    return f"Practice_Level_Crosstab_{_ABBR[index % 12]}_{index // 12 % 100:02d}.csv"


def list_all_extract_date(index: int) -> str:
    """``2025-12-01`` as in gp-reg-pat-prac-all.csv."""
    return first_day(index).isoformat()


def list_map_extract_date(index: int) -> str:
    """``01Dec2025`` as in gp-reg-pat-prac-map.csv."""
    return f"01{_ABBR[index % 12]}{index // 12:04d}"


def add_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=int(days))
