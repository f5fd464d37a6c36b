"""Synthetic demo data in the formats NHS England publishes, plus a programme tracker.

Entry point: :func:`write_demo_files`. Everything is deterministic for a given seed: equal arguments
give byte-identical files. Real geography (regions, ICBs, sub-ICB locations); made-up practices
(``DM0001``..) and PCNs (``DP0001``..) whose appointment figures are calibrated to England's.
"""

from __future__ import annotations

from gpaccess.demo.constants import (
    EFFECT_RAMP_MONTHS,
    INJECTED_EFFECT_DNA_PP,
    INJECTED_EFFECT_F2F_PP,
    INJECTED_EFFECT_RATE_PCT,
)
from gpaccess.demo.generate import DemoData, build_demo, demo_tracker, write_demo_files

__all__ = [
    "EFFECT_RAMP_MONTHS",
    "INJECTED_EFFECT_DNA_PP",
    "INJECTED_EFFECT_F2F_PP",
    "INJECTED_EFFECT_RATE_PCT",
    "DemoData",
    "build_demo",
    "demo_tracker",
    "write_demo_files",
]
