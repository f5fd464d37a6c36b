"""The headline counts of practices, each defined once in words, and how they reconcile (issue #13).

Each `Definition` names the count as pages show it, says in words which tracker rows, statuses and programmes it
takes, and names the query and column that count it (tests check the page's figure against that query and the
reconciliation). Pages show the words where the count is used (tile help, captions); the Data page shows the
reconciliation table (`reconciliation`) from `queries/practice_reconciliation.sql`. docs/definitions.md says
the same for readers of the code. Pure: no Streamlit, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from gpaccess.disclosure import FEWER_THAN, too_few
from gpaccess.reference import PROGRAMMES


@dataclass(frozen=True)
class Definition:
    key: str
    name: str  # as the page names the count
    words: str  # what it counts, in words
    query: str  # the query that counts it (queries/<query>.sql)
    column: str  # its column there
    shown_on: str  # the page(s) it is used on


STARTED = "support started (a start date recorded) and not withdrawn: active, completed or extended"

DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        Definition(
            "enrolled",
            "Enrolled",
            "Enrolments: rows in the programme tracker, one per practice and phase or cohort, any status "
            "(signed up, active, completed, extended or withdrawn). A practice in both programmes, or in two "
            "phases, is counted in each.",
            "programme_phases",
            "enrolled",
            "Phase completion",
        ),
        Definition(
            "in_tracker",
            "Practices in the tracker",
            "Practices with any enrolment in the programme tracker, in either programme and any status, "
            "withdrawn included; each practice counted once.",
            "practice_reconciliation",
            "practices_in_tracker",
            "Data",
        ),
        Definition(
            "in_a_programme",
            "In a programme",
            "Practices that are or were in Accelerate or GPIP: an enrolment that is not withdrawn (signed up, "
            "active, completed or extended), at any time; each practice counted once. Support identification "
            "counts those ranked in the window (with appointments in it).",
            "practice_reconciliation",
            "in_a_programme",
            "Support identification",
        ),
        Definition(
            "supported",
            "Supported",
            f"Practices whose {STARTED}; each practice counted once (once per programme in a programme's "
            "count). Signed up but not started is not yet supported.",
            "practice_reconciliation",
            "supported",
            "Overview, Data",
        ),
        Definition(
            "accelerate_supported",
            "Accelerate: supported",
            f"Accelerate practices whose {STARTED}, all phases (December 2021 to June 2023); each practice "
            "counted once.",
            "accelerate_headline",
            "practices_supported",
            "Overview",
        ),
        Definition(
            "gpip_benefited",
            "GPIP: benefited",
            f"GPIP practices whose {STARTED}, at any level: the universal offer (webinars open to all) "
            "included, as NHS England counts it; each practice counted once.",
            "gpip_headline",
            "practices_benefited",
            "Overview",
        ),
        Definition(
            "in_support_now",
            "In support now",
            "Practices whose support is under way now (status active), in either programme, a practice in "
            "both counted in each; beside it, those signed up and not yet started.",
            "support_now",
            "active",
            "Overview",
        ),
        Definition(
            "with_gains",
            "With productivity gains",
            "Supported practices assessed for productivity gains (yes or no recorded in the tracker) that "
            "had gains in any assessed phase; each practice counted once per programme.",
            "practice_reconciliation",
            "gains_accelerate",
            "Overview, Productivity gains",
        ),
    )
}


def words(key: str) -> str:
    """A count's definition as help text: its name and what it counts."""
    definition = DEFINITIONS[key]
    return f"{definition.name}: {definition.words}"


@dataclass(frozen=True)
class Step:
    """A row of the reconciliation: a total (`sign` 0) or a change from the total above (+1 or -1)."""

    block: str
    label: str
    column: str
    sign: int
    why: str
    programme: str | None = None  # the row only applies when the scope covers this programme
    both: bool = False  # the row only applies when the scope covers both programmes
    outcome: bool = False  # an outcome count (gains): the small-number rule applies


ENROLMENTS = "Enrolments to supported practices"
BY_PROGRAMME = "Supported practices by programme"
GAINS = "Productivity gains"


def _gains_steps(programme: str, supported: str) -> tuple[Step, ...]:
    lower = programme.lower()
    block = f"{GAINS}: {programme}"
    return (
        Step(block, f"{programme}: supported", supported, 0, "As above", programme=programme),
        Step(
            block,
            "Not assessed for gains",
            f"not_assessed_{lower}",
            -1,
            "No yes or no recorded for productivity gains yet",
            programme=programme,
        ),
        Step(
            block,
            f"{programme}: assessed for gains",
            f"assessed_{lower}",
            0,
            "",
            programme=programme,
        ),
        Step(
            block,
            "Assessed, no gains",
            f"no_gains_{lower}",
            -1,
            "Assessed with no productivity gains",
            programme=programme,
            outcome=True,
        ),
        Step(
            block,
            f"{programme}: with productivity gains",
            f"gains_{lower}",
            0,
            DEFINITIONS["with_gains"].words,
            programme=programme,
            outcome=True,
        ),
    )


STEPS: tuple[Step, ...] = (
    Step(
        ENROLMENTS,
        "Accelerate enrolments",
        "enrolments_accelerate",
        0,
        "Tracker rows for Accelerate, any status (Phase completion's 'enrolled')",
        programme="Accelerate",
    ),
    Step(
        ENROLMENTS,
        "GPIP enrolments",
        "enrolments_gpip",
        1,
        "Tracker rows for GPIP, any status (Phase completion's 'enrolled')",
        programme="GPIP",
    ),
    Step(
        ENROLMENTS,
        "Enrolments",
        "enrolments",
        0,
        DEFINITIONS["enrolled"].words + " The total of Phase completion.",
    ),
    Step(
        ENROLMENTS,
        "Enrolled in more than one phase or cohort of a programme",
        "repeat_enrolments",
        -1,
        "The same practice again in another phase or cohort of the same programme: counted once",
    ),
    Step(
        ENROLMENTS,
        "Enrolled in both programmes",
        "in_both_programmes",
        -1,
        "Practices in Accelerate and in GPIP: counted once",
        both=True,
    ),
    Step(
        ENROLMENTS,
        "Practices in the tracker",
        "practices_in_tracker",
        0,
        DEFINITIONS["in_tracker"].words,
    ),
    Step(
        ENROLMENTS,
        "Withdrew from every enrolment",
        "withdrew_from_all",
        -1,
        "Every enrolment of the practice is withdrawn (one withdrawn while in another programme stays in)",
    ),
    Step(
        ENROLMENTS,
        "In a programme",
        "in_a_programme",
        0,
        DEFINITIONS["in_a_programme"].words,
    ),
    Step(
        ENROLMENTS,
        "Signed up, not started",
        "signed_up_not_started",
        -1,
        "In a programme, but no enrolment's support has started yet",
    ),
    Step(ENROLMENTS, "Supported", "supported", 0, DEFINITIONS["supported"].words),
    Step(
        BY_PROGRAMME,
        "Accelerate: supported",
        "supported_accelerate",
        0,
        DEFINITIONS["accelerate_supported"].words,
        programme="Accelerate",
    ),
    Step(
        BY_PROGRAMME,
        "GPIP: benefited",
        "supported_gpip",
        1,
        DEFINITIONS["gpip_benefited"].words,
        programme="GPIP",
    ),
    Step(
        BY_PROGRAMME,
        "Supported in both programmes",
        "supported_in_both",
        -1,
        "Supported by Accelerate and by GPIP: counted once",
        both=True,
    ),
    Step(BY_PROGRAMME, "Supported", "supported", 0, "The same practices as above, counted once"),
    *_gains_steps("Accelerate", "supported_accelerate"),
    *_gains_steps("GPIP", "supported_gpip"),
)


def _counts(row: pd.Series) -> dict[str, int]:
    """The query's columns, with the totals and differences the steps name that it does not return."""
    counts = {str(k): int(v) for k, v in row.items()}
    counts["enrolments"] = counts["enrolments_accelerate"] + counts["enrolments_gpip"]
    for programme in ("accelerate", "gpip"):
        supported = counts[f"supported_{programme}"]
        counts[f"not_assessed_{programme}"] = supported - counts[f"assessed_{programme}"]
        counts[f"no_gains_{programme}"] = (
            counts[f"assessed_{programme}"] - counts[f"gains_{programme}"]
        )
    return counts


def _applies(step: Step, programmes: tuple[str, ...]) -> bool:
    if step.both:
        return len(programmes) > 1
    return step.programme is None or step.programme in programmes


def reconciliation(row: pd.Series, programmes: tuple[str, ...] = PROGRAMMES) -> pd.DataFrame:
    """The reconciliation table for the scope: one row per step that applies to its programmes, with the
    practices (a change is signed: -37), and why. Rows that do not apply are zero, so each block still adds up:
    a total is the total above it plus the changes between them."""
    counts = _counts(row)
    rows, blocks = [], set()
    for step in STEPS:
        if not _applies(step, programmes):
            continue
        first = step.block not in blocks  # a block's first row is its starting total
        blocks.add(step.block)
        rows.append(
            {
                "block": step.block,
                "step": step.label,
                "kind": "total" if step.sign == 0 or first else "change",
                "practices": counts[step.column] * (step.sign if step.sign and not first else 1),
                "why": step.why,
                "outcome": step.outcome,
                "group": _group_size(step, counts),
            }
        )
    return pd.DataFrame(rows)


def _group_size(step: Step, counts: dict[str, int]) -> int | None:
    """For an outcome row, the practices assessed (the group its share would be of)."""
    if not step.outcome or step.programme is None:
        return None
    return counts[f"assessed_{step.programme.lower()}"]


def shown(table: pd.DataFrame, *, exact: bool) -> pd.DataFrame:
    """The table as a viewer sees it: practices as text; outcome counts of a group of 1 to 4 assessed
    practices as "fewer than 5" (gpaccess.disclosure), unless `exact` (the ICB's own users)."""

    def cell(row: pd.Series) -> str:
        if row["outcome"] and too_few(row["group"], exact=exact):
            return FEWER_THAN
        value = int(row["practices"])
        return f"{value:+,}" if row["kind"] == "change" and value else f"{value:,}"

    return pd.DataFrame(
        {
            "Counted": table["block"],
            "Practices": table.apply(cell, axis=1),
            "Count": table["step"],
            "What the figure or change is": table["why"],
        }
    )[["Counted", "Count", "Practices", "What the figure or change is"]]
