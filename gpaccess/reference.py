"""Reference data that is not a result: published value sets, the ten high impact actions, geography files.

Value sets differ between GPAD files (`Video Conference/Online` in the practice crosstab, `Video/Online` in the
Regional CSVs; `Unknown / Data Issue` vs `Unknown / Data Quality`; some time bands with two spaces). Each published
spelling maps to one canonical value; anything else is rejected at ingest.
"""

from __future__ import annotations

import csv
from pathlib import Path

from gpaccess.config import REFERENCE_DIR

HCP_TYPES = ("GP", "Other Practice staff", "Unknown")
APPT_MODES = ("Face-to-Face", "Telephone", "Video Conference/Online", "Home Visit", "Unknown")
TIME_BANDS = (
    "Same Day",
    "1 Day",
    "2 to 7 Days",
    "8 to 14 Days",
    "15 to 21 Days",
    "22 to 28 Days",
    "More than 28 Days",
    "Unknown / Data Issue",
)
APPT_STATUSES = ("Attended", "DNA", "Unknown")
# NHS England's "booked within 2 weeks" (2023 access recovery plan): these intervals, as a share of appointments
# whose interval is known (all but "Unknown / Data Issue"); published with two spaces in "8  to 14 Days".
WITHIN_2_WEEKS_BANDS = TIME_BANDS[:4]
UNKNOWN_BAND = TIME_BANDS[-1]

_VARIANTS = {
    "appt_mode": {"Video/Online": "Video Conference/Online"},
    "time_band": {
        "8  to 14 Days": "8 to 14 Days",
        "15  to 21 Days": "15 to 21 Days",
        "22  to 28 Days": "22 to 28 Days",
        "Unknown / Data Quality": "Unknown / Data Issue",
    },
}

CANONICAL = {
    "hcp_type": HCP_TYPES,
    "appt_mode": APPT_MODES,
    "time_band": TIME_BANDS,
    "appt_status": APPT_STATUSES,
}

HIGH_IMPACT_ACTIONS = (
    (1, "Active signposting"),
    (2, "New consultation types"),
    (3, "Reduce DNAs"),
    (4, "Develop the team"),
    (5, "Productive work flows"),
    (6, "Personal productivity"),
    (7, "Partnership working"),
    (8, "Social prescribing"),
    (9, "Support self-care"),
    (10, "Develop QI expertise"),
)

PROGRAMMES = ("Accelerate", "GPIP")
LEVELS = ("universal", "intermediate", "intensive")
STATUSES = ("enrolled", "active", "completed", "extended", "withdrawn")
WITHDRAWAL_REASONS = (
    "capacity",
    "time away from practice",
    "workforce",
    "funding",
    "eligibility",
    "other",
)
# Funds a programme tracker records (the funding sheets, docs/programme-template.md): the 2021 access plan's winter
# access fund (allocated to ICSs, now ICBs), GPIP's transition cover and transformation support, the Investment
# and Impact Fund, and any other.
WINTER_ACCESS_FUND = "Winter access fund"
FUNDS = (
    WINTER_ACCESS_FUND,
    "GPIP transition cover",
    "GPIP transformation support",
    "Investment and Impact Fund",
    "Other",
)
BARRIERS = (
    "capacity",
    "time away from practice",
    "workforce",
    "funding",
    "eligibility",
    "value unclear",
    "other",
)


def value_map_rows() -> list[tuple[str, str, str]]:
    """(dimension, published, canonical) for every accepted spelling."""
    rows = [(dim, value, value) for dim, values in CANONICAL.items() for value in values]
    rows += [
        (dim, pub, canon) for dim, variants in _VARIANTS.items() for pub, canon in variants.items()
    ]
    return rows


def read_reference_csv(name: str, directory: Path = REFERENCE_DIR) -> list[dict[str, str]]:
    with open(directory / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
