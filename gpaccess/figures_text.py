"""`gpaccess figures` as text for people (`--json` gives `headline_figures` as it is, for programs)."""

from __future__ import annotations

from typing import Any

from gpaccess.figures import NO_PROGRAMME_DATA

WIDTH = 44  # label column


def _int(value: Any) -> str:
    return "no data" if value is None else f"{value:,}"


def _pct(value: Any, missing: str = "not shown (fewer than 5 practices, or none)") -> str:
    return missing if value is None else f"{value:.1f}%"


def _row(label: str, value: str) -> str:
    return f"  {label:<{WIDTH}}{value}"


def figures_text(figures: dict[str, Any]) -> str:
    scope = figures["scope"]
    where = (
        f"ICB {scope['icb']}"
        if scope["icb"]
        else f"region {scope['region']}"
        if scope["region"]
        else "England"
    )
    lines = [f"Headline figures: {where}", "Programmes"]
    if figures["programme_data"] == NO_PROGRAMME_DATA:
        lines.append(f"  {NO_PROGRAMME_DATA}")
    else:
        lines += _programme_lines(figures["accelerate"], figures["gpip"])
    lines += ["Appointments", *_appointment_lines(figures["appointments"])]
    if figures["programme_data"] != NO_PROGRAMME_DATA:
        lines += ["Impact on the face-to-face share (matched difference in differences)"]
        lines += [_impact_line(name, result) for name, result in figures["impact"].items()]
    return "\n".join(lines)


def _programme_lines(accelerate: dict[str, Any], gpip: dict[str, Any]) -> list[str]:
    target = "" if gpip["target"] is None else f" (target {gpip['target']:,})"
    return [
        _row("Accelerate: practices supported", _int(accelerate["practices_supported"])),
        _row("Accelerate: extended beyond 20 weeks", _pct(accelerate["extended_pct"])),
        _row("Accelerate: gains, phases 1-3", _pct(accelerate["gains_pct_phases_1_3"])),
        _row("Accelerate: gains, all phases", _pct(accelerate["gains_pct_all"])),
        _row("Accelerate: withdrawn", _int(accelerate["withdrawn"])),
        _row("GPIP: practices benefited", _int(gpip["practices_benefited"]) + target),
        _row("GPIP: hands-on support", _int(gpip["practices_hands_on"])),
    ]


def _appointment_lines(appointments: dict[str, Any]) -> list[str]:
    if appointments["latest_month"] is None:
        return ["  No appointment data loaded"]
    return [
        _row("Latest month", appointments["latest_month"][:7]),
        _row("Appointments in the latest month", _int(appointments["total"])),
        _row("Face-to-face share", _pct(appointments["face_to_face_pct"], "no data")),
        _row(
            "Face-to-face share a year before",
            _pct(appointments["face_to_face_pct_year_before"], "no data"),
        ),
        _row("Booked within 2 weeks", _pct(appointments.get("within_2_weeks_pct"), "no data")),
        _row("Share with a GP", _pct(appointments.get("gp_pct"), "no data")),
    ]


def _impact_line(programme: str, result: dict[str, Any]) -> str:
    if result["did_face_to_face_pp"] is None:
        return _row(programme, "no estimate (too few practices or months)")
    low, high = result["ci_low"], result["ci_high"]
    interval = "" if low is None or high is None else f" (95% CI {low:+.1f} to {high:+.1f})"
    return _row(
        programme,
        f"{result['did_face_to_face_pp']:+.1f} pp{interval}; {result['n_supported']:,} supported, "
        f"{result['n_comparators']:,} comparators",
    )


def records_text(records: list[dict[str, Any]]) -> str:
    """The support list as a table (one line a practice)."""
    if not records:
        return "No practices (no appointment data for the ICB in the window)."
    columns = list(records[0])
    widths = {c: max(len(c), *(len(str(r[c])) for r in records)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns).rstrip()]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in columns).rstrip() for r in records]
    return "\n".join(lines)
