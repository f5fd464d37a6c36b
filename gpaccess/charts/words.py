"""Chart text in words shared by the board charts (phases, uptake, gains, actions): phase and ICB names, lists,
plurals and the subtitle's form. Pure: no plotting, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from gpaccess.charts.base import fmt_int
from gpaccess.labels import short_icb_name  # noqa: F401 (the charts take it from here)

TO_DATE = "programme to date"  # period phrase for cumulative tracker counts (the period filter does not apply)


def phase_label(programme: str, phase: str, level: str) -> str:
    """'Accelerate · Phase 1' or 'GPIP · Cohort 2023-07 · intensive' (Accelerate phases are all intensive)."""
    return (
        f"{programme} · {phase}"
        if programme == "Accelerate"
        else f"{programme} · {phase} · {level}"
    )


def action_label(number: int, name: str) -> str:
    """'1 Active signposting'."""
    return f"{int(number)} {name}"


def scope_and_phase(scope_label: str, phase: str | None) -> str:
    """'England' or, for one phase or cohort, 'England · Phase 1'."""
    return scope_label if not phase else f"{scope_label} · {phase}"


def join_words(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def leaders(rows: pd.DataFrame, count: str, name: str) -> tuple[str, int]:
    """The names with the largest count (several when tied, alphabetical) and that count."""
    top = int(rows[count].max())
    return join_words(sorted(rows.loc[rows[count] == top, name].astype(str))), top


def listing(parts: Sequence[str], limit: int = 12) -> str:
    """Items for a text alternative: all of them up to `limit`, else the first ones and how many more."""
    if len(parts) <= limit:
        return "; ".join(parts) + "."
    return "; ".join(parts[:limit]) + f"; and {len(parts) - limit} more, listed in the data table."


def plural(n: int | float, word: str) -> str:
    """'1 practice', '2 practices', '1,234 ICBs'."""
    return f"{fmt_int(n)} {word}{'' if n == 1 else 's'}"


def subtitle_for(scope_label: str, period_label: str, what: str) -> str:
    return f"{scope_label} · {period_label} · {what}"
