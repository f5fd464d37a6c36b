"""Fixed vocabularies, file layouts and calibration constants of the synthetic demo data.

Value sets and headers are copied from the files NHS England publishes (see
``../shared/realdata/README.md``); the calibration targets come from ``../shared/programme_facts.md``.
"""

from __future__ import annotations

from typing import Final

# --- CSV layout -----------------------------------------------------------------------------------
# The published files (Practice_Level_Crosstab_*.csv, Mapping.csv, gp-reg-pat-prac-*.csv) end every
# line, the last one included, with CRLF (checked with `od -c`): the demo copies that byte for byte.
LINE_END: Final = "\r\n"

CROSSTAB_HEADER: Final = (
    "APPOINTMENT_MONTH_START_DATE",
    "GP_CODE",
    "GP_NAME",
    "SUPPLIER",
    "PCN_CODE",
    "PCN_NAME",
    "SUB_ICB_LOCATION_CODE",
    "SUB_ICB_LOCATION_NAME",
    "HCP_TYPE",
    "APPT_MODE",
    "NATIONAL_CATEGORY",
    "TIME_BETWEEN_BOOK_AND_APPT",
    "COUNT_OF_APPOINTMENTS",
    "APPT_STATUS",
)
MAPPING_HEADER: Final = (
    "GP_CODE",
    "GP_NAME",
    "SUPPLIER",
    "PCN_CODE",
    "PCN_NAME",
    "SUB_ICB_LOCATION_CODE",
    "SUB_ICB_LOCATION_NAME",
    "ICB_CODE",
    "ICB_NAME",
    "REGION_CODE",
    "REGION_NAME",
)
LIST_ALL_HEADER: Final = (
    "PUBLICATION",
    "EXTRACT_DATE",
    "TYPE",
    "SUB_ICB_LOCATION_CODE",
    "ONS_SUB_ICB_LOCATION_CODE",
    "CODE",
    "POSTCODE",
    "SEX",
    "AGE",
    "NUMBER_OF_PATIENTS",
)
LIST_MAP_HEADER: Final = (
    "PUBLICATION",
    "EXTRACT_DATE",
    "PRACTICE_CODE",
    "PRACTICE_NAME",
    "PRACTICE_POSTCODE",
    "PCN_CODE",
    "PCN_NAME",
    "ONS_SUB_ICB_LOCATION_CODE",
    "SUB_ICB_LOCATION_CODE",
    "SUB_ICB_LOCATION_NAME",
    "ONS_ICB_CODE",
    "ICB_CODE",
    "ICB_NAME",
    "ONS_COMM_REGION_CODE",
    "COMM_REGION_CODE",
    "COMM_REGION_NAME",
    "SUPPLIER_NAME",
)
LIST_PUBLICATION: Final = "GP_PRAC_PAT_LIST"
LIST_SIZES_DIR: Final = "list_sizes"
LIST_ALL_FILE: Final = "gp-reg-pat-prac-all.csv"
LIST_MAP_FILE: Final = "gp-reg-pat-prac-map.csv"
MAPPING_FILE: Final = "Mapping.csv"
TRACKER_FILE: Final = "programme_tracker.xlsx"

# ONS codes of the seven NHS England commissioning regions (as in gp-reg-pat-prac-map.csv).
REGION_ONS_CODES: Final = {
    "Y56": "E40000003",
    "Y58": "E40000006",
    "Y59": "E40000005",
    "Y60": "E40000011",
    "Y61": "E40000013",
    "Y62": "E40000014",
    "Y63": "E40000012",
}

# --- crosstab value sets (exact spellings of the practice-level crosstab) -------------------------
HCP_TYPES: Final = ("GP", "Other Practice staff", "Unknown")
HCP_GP, HCP_OTHER, HCP_UNKNOWN = 0, 1, 2

APPT_MODES: Final = (
    "Face-to-Face",
    "Telephone",
    "Video Conference/Online",
    "Home Visit",
    "Unknown",
)
MODE_F2F, MODE_TEL, MODE_VIDEO, MODE_HOME, MODE_UNKNOWN = 0, 1, 2, 3, 4

TIME_BANDS: Final = (
    "Same Day",
    "1 Day",
    "2 to 7 Days",
    "8  to 14 Days",
    "15  to 21 Days",
    "22  to 28 Days",
    "More than 28 Days",
    "Unknown / Data Issue",
)
BAND_SAME_DAY: Final = 0

APPT_STATUSES: Final = ("Attended", "DNA", "Unknown")
STATUS_ATTENDED, STATUS_DNA, STATUS_UNKNOWN = 0, 1, 2

NATIONAL_CATEGORIES: Final = (
    "General Consultation Routine",
    "General Consultation Acute",
    "Clinical Triage",
    "Planned Clinics",
    "Planned Clinical Procedure",
    "Structured Medication Review",
    "Unplanned Clinical Activity",
    "Home Visit",
    "Social Prescribing Service",
    "Patient contact during Care Home Round",
    "Care Related Encounter but does not fit into any other category",
    "Service provided by organisation external to the practice",
    "Care Home Visit",
    "Care Home Needs Assessment & Personalised Care and Support Planning",
    "Walk-in",
    "Non-contractual chargeable work",
    "Group Consultation and Group Education",
    "Unmapped",
    "Inconsistent Mapping",
)
CAT_UNMAPPED: Final = NATIONAL_CATEGORIES.index("Unmapped")
CAT_INCONSISTENT: Final = NATIONAL_CATEGORIES.index("Inconsistent Mapping")

# Shares of the mapped categories (Unmapped / Inconsistent Mapping are drawn separately), rounded
# from the Oct 2025 Devon + Cambridgeshire practice-level crosstab: same-day appointments, booked
# ones, and home visits. Order as NATIONAL_CATEGORIES[:17].
CATEGORY_WEIGHTS_SAME_DAY: Final = (
    17.0, 28.0, 34.0, 9.5, 2.0, 0.8, 1.5, 0.1, 0.9, 0.5, 0.8, 0.2, 0.2, 0.2, 0.3, 0.05, 0.03,
)  # fmt: skip
CATEGORY_WEIGHTS_BOOKED: Final = (
    26.5, 6.5, 4.3, 36.0, 20.5, 2.0, 0.6, 0.3, 0.7, 0.4, 0.5, 0.3, 0.1, 0.1, 0.02, 0.1, 0.05,
)  # fmt: skip
CATEGORY_WEIGHTS_HOME_VISIT: Final = (
    0.3, 2.0, 2.0, 6.0, 2.0, 0.5, 0.4, 52.0, 2.0, 19.0, 0.5, 0.2, 10.0, 8.0, 0.0, 0.0, 0.0,
)  # fmt: skip

# Booking-to-appointment bands other than Same Day (TIME_BANDS[1:]), per kind of row.
BAND_WEIGHTS_ATTENDED: Final = (13.0, 30.0, 22.0, 13.5, 10.5, 24.0, 0.07)
BAND_WEIGHTS_DNA: Final = (6.0, 22.0, 22.0, 15.0, 12.5, 26.0, 0.01)
BAND_WEIGHTS_UNKNOWN_STATUS: Final = (4.0, 15.0, 20.0, 14.0, 12.0, 35.0, 0.15)
BAND_WEIGHTS_HOME_VISIT: Final = (45.0, 30.0, 10.0, 5.0, 4.0, 6.0, 0.0)

# --- national calibration targets (appointment-weighted, before the programme effects) ------------
RATE_PER_1000: Final = 485.0  # appointments a month per 1,000 registered patients, Apr 2021
RATE_GROWTH_PER_YEAR: Final = 0.005
# Month-of-year volume factors: December and August dips, autumn and March peaks.
SEASONALITY: Final = (1.03, 0.97, 1.05, 0.94, 0.98, 1.00, 1.01, 0.90, 1.03, 1.10, 1.06, 0.89)
# Face-to-face share: knots (YYYY-MM, share), linear in between, flat outside.
F2F_KNOTS: Final = (
    ("2021-04", 0.575),
    ("2021-10", 0.600),
    ("2022-06", 0.690),
    ("2023-06", 0.700),
    ("2024-01", 0.680),
    ("2025-01", 0.650),
    ("2025-09", 0.632),
    ("2026-09", 0.625),
)
F2F_AUTUMN_BUMP: Final = {9: 0.012, 10: 0.025, 11: 0.012}  # flu-clinic season, by month of year
VIDEO_KNOTS: Final = (
    ("2021-04", 0.040),
    ("2023-06", 0.040),
    ("2025-06", 0.070),
    ("2026-09", 0.075),
)
HOME_VISIT_SHARE: Final = 0.010
UNKNOWN_MODE_SHARE: Final = 0.020
DNA_RATE: Final = 0.043
UNKNOWN_STATUS_RATE: Final = 0.030
SAME_DAY_SHARE: Final = 0.43
GP_SHARE_OF_KNOWN: Final = 0.474  # 0.45 of all appointments once ~5% Unknown HCP is taken out
UNKNOWN_HCP_OF_F2F_BOOKED: Final = 0.07
UNMAPPED_SHARE: Final = 0.045  # Unmapped + Inconsistent Mapping, a few % varying by practice
LIST_GROWTH_PER_YEAR: Final = 0.007

# --- injected programme effects (what an impact estimate should recover) ------------------------
INJECTED_EFFECT_F2F_PP: Final = 3.0  # face-to-face share, percentage points, once fully ramped in
INJECTED_EFFECT_RATE_PCT: Final = 3.0  # appointments per 1,000 patients, per cent
INJECTED_EFFECT_DNA_PP: Final = -0.3  # DNA rate, percentage points
INJECTED_EFFECT_F2F_SD_PP: Final = 3.0  # practice-level SD of the face-to-face effect
INJECTED_EFFECT_RATE_SD_PCT: Final = 3.0
INJECTED_EFFECT_DNA_SD_PP: Final = 0.3
EFFECT_RAMP_MONTHS: Final = 6  # linear ramp: 1/6 in the start month, full from the 6th month

# --- geography / practice population --------------------------------------------------------------
REFERENCE_LAST_MONTH: Final = "2026-09"  # month the sub-ICB practice counts hold for
CLOSURE_FIRST_MONTH: Final = "2021-04"
CLOSURE_LAST_MONTH: Final = "2025-12"
N_CLOSED_PRACTICES: Final = 450
QRV_LATE_CLOSURES: Final = 28  # North West London practices closing after July 2023
# List sizes: log-normal fitted to the real 1 Dec 2025 gp-reg-pat-prac-all.csv (6,196 practices,
# 63.94 million patients, median 8,806, quartiles 5,887 / 12,755): log-median 9.083, sigma from the
# interquartile range 0.573 (the tails are a little heavier: 1% under 800, 1% over 38,000). The demo
# adds an ICB effect (SD 0.12), so its log-median is set a little lower to keep England's total.
LIST_LOG_MEDIAN: Final = 9.065
LIST_LOG_SIGMA: Final = 0.58
LIST_MIN: Final = 600
LIST_MAX: Final = 95_000
