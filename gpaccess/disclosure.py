"""The small-number rule, defined once (docs/roles.md, "Small numbers").

Outside the ICB's own users (who may see the practices themselves):
- a percentage or mean over fewer than 5 practices (share with productivity gains, share extended, hours
  released per practice) is shown as "fewer than 5", and `figures` gives null (`share`, `shown_share`);
- counts from the access ranking (practices in the lowest 20%, and those of them reached by support) of 1 to 4
  are shown as "fewer than 5", and so is a share with such a count on either side (`shown_count`,
  `shown_share(..., ranking=True)`): a ranking is what a league table is made of.
Plain counts of practices by programme participation (planned, enrolled, active, completed, extended,
withdrawn, supported) are shown as they are: practices are organisations, taking part is not an outcome, and a
board needs the exact numbers to follow delivery.

Pure: no Streamlit, no database.
"""

from __future__ import annotations

import math
from typing import Any

SMALL_NUMBER = 5
FEWER_THAN = f"fewer than {SMALL_NUMBER}"


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def too_few(practices: Any, *, exact: bool = False, ranking: bool = False) -> bool:
    """Whether a number of practices is too small to show (never for `exact` viewers, the ICB's own users):
    1 to 4; for a `ranking` count, 0 to 4 (none in the lowest 20% is as telling as one)."""
    n = _number(practices)
    lowest = 0 if ranking else 1
    return not exact and n is not None and lowest <= n < SMALL_NUMBER


def share(part: Any, whole: Any, *, exact: bool = False) -> float | None:
    """`part` as a percentage of `whole` practices, to 0.1; None when there is nothing to divide by or the
    group is too small to show (unless `exact`)."""
    top, bottom = _number(part), _number(whole)
    if top is None or not bottom or too_few(bottom, exact=exact):
        return None
    return round(100.0 * top / bottom, 1)


def shown_count(count: Any, *, exact: bool = False, ranking: bool = False) -> str:
    """A count as shown: "fewer than 5" when `too_few`, "no data" when missing."""
    n = _number(count)
    if n is None:
        return "no data"
    return FEWER_THAN if too_few(n, exact=exact, ranking=ranking) else f"{int(n):,}"


def shown_share(
    part: Any, whole: Any, *, exact: bool = False, ranking: bool = False, digits: int = 1
) -> str:
    """A share as shown: "73.2%"; "fewer than 5" when the group is 1 to 4 practices (or, for a `ranking`, the
    part is) unless `exact`; "no practices" for an empty group; "no data" when missing."""
    top, bottom = _number(part), _number(whole)
    if top is None or bottom is None:
        return "no data"
    if bottom == 0:
        return "no practices"
    if too_few(bottom, exact=exact) or (ranking and too_few(top, exact=exact, ranking=True)):
        return FEWER_THAN
    return f"{100.0 * top / bottom:.{digits}f}%"
